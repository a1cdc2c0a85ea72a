//! `frontegg_confluence_integration` over the plugin protocol against a Frontegg that disagrees
//! with itself, as a real service may: a tool's scopes in the integration's answer other than its
//! catalog record (another order, a subset, a superset, more than the grant), `description: ""`
//! for none, catalog entries without `provider`, a listed integration without `id`, tools
//! answered in another order, tools the catalog no longer offers or offers anew, and catalog
//! records that carry only `enabled`.
//!
//! Each test states the provider's required answer: no inconsistent result after apply (every
//! value known in the plan is the new state's), a read that changes nothing, an empty next
//! plan, and a warning where the user should know.

mod protocol_support;

use frontegg_emulator::{ENABLED_ONLY_TOOL_RECORDS, MissingProvider, NewCatalogTool, Retirement};
use protocol_support::*;
use serde_json::json;
use tfvalue::Value;

const RECOMMENDED: [&str; 13] = [
    "delete:page:confluence",
    "read:configuration:confluence",
    "read:content-details:confluence",
    "read:group:confluence",
    "read:hierarchical-content:confluence",
    "read:label:confluence",
    "read:page:confluence",
    "read:space-details:confluence",
    "read:space:confluence",
    "read:user:confluence",
    "write:label:confluence",
    "write:page:confluence",
    "write:space:confluence",
];

/// Every tool of the emulator's Confluence catalog.
const ALL_TOOLS: [&str; 11] = [
    "groups:read",
    "labels:read",
    "labels:write",
    "pages:delete",
    "pages:read",
    "pages:tree",
    "pages:write",
    "settings:read",
    "spaces:read",
    "spaces:write",
    "users:read",
];

/// The tools whose catalog scopes fit inside [`read_only_scopes`].
const READ_ONLY_TOOLS: [&str; 7] = [
    "groups:read",
    "labels:read",
    "pages:read",
    "pages:tree",
    "settings:read",
    "spaces:read",
    "users:read",
];

/// The recommended scopes without the write and delete ones.
fn read_only_scopes() -> Value {
    strings(
        RECOMMENDED
            .iter()
            .copied()
            .filter(|s| s.starts_with("read:")),
    )
}

/// The read-only scopes and `extra`.
fn read_only_plus(extra: &str) -> Value {
    strings(
        RECOMMENDED
            .iter()
            .copied()
            .filter(|s| s.starts_with("read:") || *s == extra),
    )
}

fn sorted(items: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    out.sort();
    out
}

fn without(items: &[&str], gone: &str) -> Vec<String> {
    sorted(
        &items
            .iter()
            .copied()
            .filter(|t| *t != gone)
            .collect::<Vec<_>>(),
    )
}

fn with(items: &[&str], added: &str) -> Vec<String> {
    let mut all = items.to_vec();
    all.push(added);
    sorted(&all)
}

/// The scopes of `tool` in a state's `tool_scopes`, sorted.
fn tool_scopes_of(state: &Value, tool: &str) -> Vec<String> {
    let entries = state
        .attr("tool_scopes")
        .entries()
        .expect("tool_scopes is known");
    string_elements(entries.get(tool).unwrap_or(&Value::Null))
}

/// The catalog scopes of a Confluence tool, sorted.
fn catalog_scopes(h: &Harness, tool: &str) -> Vec<String> {
    let record = h
        .emulator
        .catalog_tools("confluence")
        .into_iter()
        .find(|r| r["identifier"] == tool)
        .expect("a catalog tool");
    let mut scopes: Vec<String> = record["scopes"]
        .as_array()
        .expect("scopes")
        .iter()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect();
    scopes.sort();
    scopes
}

/// The identifiers of the tools Frontegg holds, sorted.
fn held_tools(h: &Harness) -> Vec<String> {
    let mut tools: Vec<String> = h.integrations()[0]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|t| t["identifier"].as_str().map(str::to_string))
        .collect();
    tools.sort();
    tools
}

/// A value as text, strings shown (`Debug` hides them).
fn show(value: &Value) -> String {
    if value.is_unknown() {
        return "(unknown)".to_string();
    }
    if value.is_null() {
        return "null".to_string();
    }
    if let Some(s) = value.as_str() {
        return format!("{s:?}");
    }
    if let Some(elements) = value.elements() {
        let shown: Vec<String> = elements.iter().map(show).collect();
        return format!("[{}]", shown.join(", "));
    }
    if let Some(entries) = value.entries() {
        let shown: Vec<String> = entries
            .iter()
            .map(|(k, v)| format!("{k} = {}", show(v)))
            .collect();
        return format!("{{{}}}", shown.join(", "));
    }
    format!("{value:?}")
}

fn text(d: &Diag) -> String {
    format!("{} {}", d.summary, d.detail)
}

/// Terraform's rule after apply: every value known in the plan is exactly the new state's,
/// and the new state holds no unknown value.
#[track_caller]
fn assert_applied_as_planned(planned: &Value, applied: &Applied) {
    assert_no_errors(&applied.diags);
    for (name, value) in planned.entries().expect("a planned object") {
        if value.is_wholly_known() {
            assert!(
                applied.state.attr(name) == value,
                "Provider produced inconsistent result after apply: .{name} was planned as \
                 {}, but now {}",
                show(value),
                show(applied.state.attr(name))
            );
        }
    }
    assert!(
        applied.state.is_wholly_known(),
        "the new state holds an unknown value: {}",
        show(&applied.state)
    );
}

/// Plans and applies `config` over `prior`, holding the apply to the plan; the new state and
/// the apply's diagnostics.
async fn apply_checked(h: &mut Harness, prior: &Value, config: &Value) -> Applied {
    let plan = h.plan(prior, config).await;
    assert_no_errors(&plan.diags);
    let applied = h.apply(prior, &plan.planned, config).await;
    assert_applied_as_planned(&plan.planned, &applied);
    applied
}

/// A read changes nothing and the next plan is empty.
#[track_caller]
fn assert_unchanged(read: &Applied, state: &Value) {
    assert_no_errors(&read.diags);
    assert_eq!(
        &read.state, state,
        "a read with Frontegg unchanged changes nothing"
    );
}

async fn assert_settled(h: &mut Harness, state: &Value, config: &Value) {
    let read = h.read(state).await;
    assert_unchanged(&read, state);
    let plan = h.plan(&read.state, config).await;
    assert_no_errors(&plan.diags);
    assert!(
        &plan.planned == state,
        "the next plan is empty: {} planned over {}",
        show(&plan.planned),
        show(state)
    );
}

#[track_caller]
fn assert_scopes_planned_unknown(plan: &Plan) {
    assert!(
        plan.planned.attr("requested_scopes").is_unknown(),
        "requested_scopes is left to Frontegg's answer: {}",
        show(plan.planned.attr("requested_scopes"))
    );
    assert!(
        plan.planned.attr("tool_scopes").is_unknown(),
        "tool_scopes is left to Frontegg's answer: {}",
        show(plan.planned.attr("tool_scopes"))
    );
}

/// Creates from `config` through a plan that leaves the scopes to Frontegg's answer.
async fn create_with_unknown_scopes(h: &mut Harness, config: &Value) -> Value {
    let plan = h.plan(&Value::Null, config).await;
    assert_no_errors(&plan.diags);
    assert_scopes_planned_unknown(&plan);
    let applied = h.apply(&Value::Null, &plan.planned, config).await;
    assert_applied_as_planned(&plan.planned, &applied);
    applied.state
}

// ---- A tool's scopes in the answer differ from its catalog record ----

#[tokio::test]
async fn scopes_answered_in_another_order_are_what_the_state_holds() {
    let mut h = Harness::start().await;
    h.emulator.set_reversed_answers(false, true);
    let config = h.config([]);
    let state = create_with_unknown_scopes(&mut h, &config).await;
    for tool in ALL_TOOLS {
        assert_eq!(
            tool_scopes_of(&state, tool),
            catalog_scopes(&h, tool),
            "{tool}"
        );
    }
    assert_eq!(string_elements(state.attr("requested_scopes")), RECOMMENDED);
    assert_settled(&mut h, &state, &config).await;
}

#[tokio::test]
async fn scopes_answered_as_a_subset_hold_through_create_rename_and_widening() {
    let mut h = Harness::start().await;
    h.emulator
        .set_answer_scopes("pages:write", Some(&["write:page:confluence"]));
    h.emulator
        .set_answer_scopes("labels:write", Some(&["write:label:confluence"]));
    let config = h.config([("scopes", read_only_plus("write:page:confluence"))]);
    let state = create_with_unknown_scopes(&mut h, &config).await;
    assert_eq!(
        string_elements(state.attr("tools")),
        with(&READ_ONLY_TOOLS, "pages:write")
    );
    assert_eq!(
        tool_scopes_of(&state, "pages:write"),
        ["write:page:confluence"],
        "what Frontegg answered, not the catalog record"
    );
    assert_settled(&mut h, &state, &config).await;

    // Tools unchanged: the scopes are planned from what Frontegg reported.
    let renamed = h.config([
        ("scopes", read_only_plus("write:page:confluence")),
        ("name", Value::string("Wiki")),
    ]);
    let plan = h.plan(&state, &renamed).await;
    assert_no_errors(&plan.diags);
    assert_eq!(
        plan.planned.attr("tool_scopes"),
        state.attr("tool_scopes"),
        "planned from Frontegg's answer"
    );
    assert_eq!(
        plan.planned.attr("requested_scopes"),
        state.attr("requested_scopes")
    );
    let applied = h.apply(&state, &plan.planned, &renamed).await;
    assert_applied_as_planned(&plan.planned, &applied);
    assert_settled(&mut h, &applied.state, &renamed).await;

    // Widening changes the tools: the scopes are left to the answer.
    let wider = h.config([("name", Value::string("Wiki"))]);
    let plan = h.plan(&applied.state, &wider).await;
    assert_no_errors(&plan.diags);
    assert_scopes_planned_unknown(&plan);
    let widened = h.apply(&applied.state, &plan.planned, &wider).await;
    assert_applied_as_planned(&plan.planned, &widened);
    assert_eq!(string_elements(widened.state.attr("tools")), ALL_TOOLS);
    assert_eq!(
        tool_scopes_of(&widened.state, "labels:write"),
        ["write:label:confluence"]
    );
    assert_settled(&mut h, &widened.state, &wider).await;
}

#[tokio::test]
async fn scopes_answered_as_a_superset_inside_the_grant_are_what_the_state_holds() {
    let mut h = Harness::start().await;
    h.emulator.set_answer_scopes(
        "pages:read",
        Some(&["read:page:confluence", "read:space:confluence"]),
    );
    let config = h.config([]);
    let state = create_with_unknown_scopes(&mut h, &config).await;
    assert_eq!(
        tool_scopes_of(&state, "pages:read"),
        ["read:page:confluence", "read:space:confluence"]
    );
    assert_eq!(string_elements(state.attr("requested_scopes")), RECOMMENDED);
    assert_eq!(string_elements(state.attr("tools")), ALL_TOOLS);
    assert_settled(&mut h, &state, &config).await;
}

#[tokio::test]
async fn answered_scopes_beyond_the_grant_warn_and_the_next_plan_switches_the_tool_off() {
    let mut h = Harness::start().await;
    h.emulator.set_answer_scopes(
        "pages:tree",
        Some(&[
            "read:hierarchical-content:confluence",
            "read:page:confluence",
            "write:page:confluence",
        ]),
    );
    let config = h.config([("scopes", read_only_scopes())]);
    let plan = h.plan(&Value::Null, &config).await;
    assert_no_errors(&plan.diags);
    // The plan enabled `pages:tree` by its catalog record; only the answer shows more, and
    // switching it off at apply would contradict the plan.
    h.expect_follow_up("the answer shows a planned tool needs more than the grant");
    let applied = h.apply(&Value::Null, &plan.planned, &config).await;
    assert_applied_as_planned(&plan.planned, &applied);
    let warned = warnings(&applied.diags)
        .into_iter()
        .any(|d| text(d).contains("pages:tree") && text(d).contains("write:page:confluence"));
    assert!(
        warned,
        "a warning names the tool and the scope: {:#?}",
        applied.diags
    );

    let read = h.read(&applied.state).await;
    assert_unchanged(&read, &applied.state);
    let plan = h.plan(&read.state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(
        string_elements(plan.planned.attr("tools")),
        without(&READ_ONLY_TOOLS, "pages:tree"),
        "the next plan switches the tool off"
    );
    let switched = h.apply(&read.state, &plan.planned, &config).await;
    assert_applied_as_planned(&plan.planned, &switched);
    assert_eq!(held_tools(&h), without(&READ_ONLY_TOOLS, "pages:tree"));
    assert_settled(&mut h, &switched.state, &config).await;
}

// ---- description answered "" ----

#[tokio::test]
async fn description_answered_empty_is_no_description_on_create_and_on_removal() {
    let mut h = Harness::start().await;
    h.emulator.set_empty_description(true);
    let config = h.config([]);
    let state = apply_checked(&mut h, &Value::Null, &config).await.state;
    assert!(
        state.attr("description").is_null(),
        "{:?}",
        state.attr("description")
    );
    assert_settled(&mut h, &state, &config).await;

    let described = h.config([("description", Value::string("Team wiki"))]);
    let state = apply_checked(&mut h, &state, &described).await.state;
    assert_eq!(state.attr("description"), &Value::string("Team wiki"));
    assert_settled(&mut h, &state, &described).await;

    let state = apply_checked(&mut h, &state, &config).await.state;
    assert!(
        state.attr("description").is_null(),
        "{:?}",
        state.attr("description")
    );
    assert_eq!(h.integrations()[0]["description"], serde_json::Value::Null);
    assert_settled(&mut h, &state, &config).await;
}

// ---- catalog entries without provider, integrations listed without id ----

/// A provider that has called nothing yet, and a Confluence integration on the user's own
/// OAuth app made in the portal.
async fn fresh_with_portal_integration() -> (Harness, String) {
    let h = Harness::start().await;
    let id = h
        .emulator
        .seed_integration(
            ENV,
            json!({
                "provider": "confluence",
                "useFronteggIntegration": false,
                "oauthConfigurations": { "clientId": ATLASSIAN_CLIENT_ID, "clientSecret": SECRET_ONE },
            }),
        )
        .expect("seeded");
    (h, id)
}

/// No error, and exactly one warning, which mentions `word`.
#[track_caller]
fn assert_one_warning_about(diags: &[Diag], word: &str) {
    assert_no_errors(diags);
    let warnings = warnings(diags);
    assert_eq!(warnings.len(), 1, "one warning: {diags:#?}");
    assert!(text(warnings[0]).contains(word), "{:#?}", warnings[0]);
}

/// Entries of the catalog list without a usable `provider`: one extra, and Jira's stripped.
fn break_catalog(h: &Harness, missing: MissingProvider) {
    h.emulator.set_catalog_entry_without_provider(Some(missing));
    assert!(
        h.emulator
            .set_catalog_provider_missing("jira", Some(missing))
    );
}

#[tokio::test]
async fn catalog_entries_without_provider_are_skipped_in_a_plan_with_one_warning() {
    for missing in [MissingProvider::Absent, MissingProvider::Null] {
        let mut h = Harness::start().await;
        break_catalog(&h, missing);
        let config = h.config([]);
        let plan = h.plan(&Value::Null, &config).await;
        assert_one_warning_about(&plan.diags, "provider");
        assert_eq!(string_elements(plan.planned.attr("tools")), ALL_TOOLS);
        let applied = h.apply(&Value::Null, &plan.planned, &config).await;
        assert_applied_as_planned(&plan.planned, &applied);
        assert_eq!(held_tools(&h), sorted(&ALL_TOOLS), "{missing:?}");
    }
}

#[tokio::test]
async fn catalog_entries_without_provider_are_skipped_in_an_import_with_one_warning() {
    for missing in [MissingProvider::Absent, MissingProvider::Null] {
        let (mut h, id) = fresh_with_portal_integration().await;
        break_catalog(&h, missing);
        let imported = h.import("confluence").await;
        assert_one_warning_about(&imported.diags, "provider");
        assert_eq!(imported.states.len(), 1);
        assert_eq!(imported.states[0].attr("id"), &Value::string(&id));
        let read = h.read(&imported.states[0]).await;
        assert!(errors(&read.diags).is_empty(), "{:#?}", read.diags);
        assert_eq!(read.state.attr("id"), &Value::string(&id));
        assert_eq!(string_elements(read.state.attr("tools")), ALL_TOOLS);
    }
}

#[tokio::test]
async fn catalog_entries_without_provider_are_skipped_by_the_data_source_with_one_warning() {
    for missing in [MissingProvider::Absent, MissingProvider::Null] {
        let (mut h, id) = fresh_with_portal_integration().await;
        break_catalog(&h, missing);
        let (state, diags) = h.read_data_source().await;
        assert_one_warning_about(&diags, "provider");
        assert_eq!(state.attr("id"), &Value::string(&id));
        assert_eq!(string_elements(state.attr("tools")), ALL_TOOLS);
    }
}

#[tokio::test]
async fn an_integration_listed_without_id_is_skipped_with_one_warning() {
    let (mut h, id) = fresh_with_portal_integration().await;
    assert!(h.emulator.set_integration_without_id(Some("confluence")));
    let imported = h.import("confluence").await;
    assert_one_warning_about(&imported.diags, "id");
    assert_eq!(imported.states.len(), 1);
    assert_eq!(imported.states[0].attr("id"), &Value::string(&id));
    let read = h.read(&imported.states[0]).await;
    assert!(errors(&read.diags).is_empty(), "{:#?}", read.diags);
    assert_eq!(read.state.attr("id"), &Value::string(&id));

    let (mut h, id) = fresh_with_portal_integration().await;
    assert!(h.emulator.set_integration_without_id(Some("confluence")));
    let (state, diags) = h.read_data_source().await;
    assert_one_warning_about(&diags, "id");
    assert_eq!(state.attr("id"), &Value::string(&id));

    // A provider that plans and applies over such a list.
    let mut h = Harness::start().await;
    assert!(h.emulator.set_integration_without_id(Some("jira")));
    let config = h.config([]);
    let state = apply_checked(&mut h, &Value::Null, &config).await.state;
    let read = h.read(&state).await;
    assert!(errors(&read.diags).is_empty(), "{:#?}", read.diags);
    assert_eq!(read.state, state);
    let plan = h.plan(&read.state, &config).await;
    assert!(errors(&plan.diags).is_empty(), "{:#?}", plan.diags);
    assert_eq!(plan.planned, state, "the next plan is empty");
}

// ---- tools in another order, tools the catalog no longer offers ----

#[tokio::test]
async fn tools_answered_in_another_order_are_no_diff() {
    let mut h = Harness::start().await;
    h.emulator.set_reversed_answers(true, true);
    let config = h.config([]);
    let state = apply_checked(&mut h, &Value::Null, &config).await.state;
    assert_eq!(string_elements(state.attr("tools")), ALL_TOOLS);
    assert_settled(&mut h, &state, &config).await;
    let explicit = h.config([(
        "tools",
        strings(["spaces:read", "pages:write", "pages:read"]),
    )]);
    let state = apply_checked(&mut h, &state, &explicit).await.state;
    assert_settled(&mut h, &state, &explicit).await;
}

#[tokio::test]
async fn a_held_tool_the_catalog_no_longer_offers_is_switched_off_when_tools_are_unset() {
    for how in [Retirement::Removed, Retirement::Disabled] {
        let mut h = Harness::start().await;
        let config = h.config([]);
        let state = apply_checked(&mut h, &Value::Null, &config).await.state;
        assert!(
            h.emulator
                .retire_catalog_tool("confluence", "spaces:write", how)
        );
        // A new terraform command: a new provider process reads the catalog afresh.
        h.new_run().await;
        let read = h.read(&state).await;
        assert_no_errors(&read.diags);
        assert_eq!(
            string_elements(read.state.attr("tools")),
            ALL_TOOLS,
            "Frontegg still holds it"
        );
        let plan = h.plan(&read.state, &config).await;
        assert_no_errors(&plan.diags);
        assert_eq!(
            string_elements(plan.planned.attr("tools")),
            without(&ALL_TOOLS, "spaces:write"),
            "{how:?}: the plan removes it"
        );
        let applied = h.apply(&read.state, &plan.planned, &config).await;
        assert_applied_as_planned(&plan.planned, &applied);
        assert_eq!(held_tools(&h), without(&ALL_TOOLS, "spaces:write"));
        assert_settled(&mut h, &applied.state, &config).await;
    }
}

#[tokio::test]
async fn a_held_tool_the_catalog_never_offered_is_switched_off_when_tools_are_unset() {
    let mut h = Harness::start().await;
    let config = h.config([]);
    let state = apply_checked(&mut h, &Value::Null, &config).await.state;
    let id = state.attr("id").as_str().unwrap().to_string();
    let mut drifted: Vec<&str> = ALL_TOOLS.to_vec();
    drifted.push("pages:fly");
    assert!(
        h.emulator
            .patch_integration(ENV, &id, json!({ "tools": drifted }))
    );
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    let plan = h.plan(&read.state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(string_elements(plan.planned.attr("tools")), ALL_TOOLS);
    let applied = h.apply(&read.state, &plan.planned, &config).await;
    assert_applied_as_planned(&plan.planned, &applied);
    assert_eq!(held_tools(&h), sorted(&ALL_TOOLS));
    assert_settled(&mut h, &applied.state, &config).await;
}

#[tokio::test]
async fn a_configured_tool_the_catalog_no_longer_offers_is_a_plan_error_at_tools() {
    for how in [Retirement::Removed, Retirement::Disabled] {
        let mut h = Harness::start().await;
        let config = h.config([("tools", strings(["pages:read", "spaces:write"]))]);
        let state = apply_checked(&mut h, &Value::Null, &config).await.state;
        assert!(
            h.emulator
                .retire_catalog_tool("confluence", "spaces:write", how)
        );
        // A new terraform command: a new provider process reads the catalog afresh.
        h.new_run().await;
        h.emulator.clear_requests();
        let plan = h.plan(&state, &config).await;
        let errors = errors(&plan.diags);
        assert_eq!(errors.len(), 1, "{how:?}: {:#?}", plan.diags);
        assert_eq!(errors[0].path.as_deref(), Some("tools"));
        assert!(
            errors[0].detail.contains("`spaces:write` is not offered"),
            "{how:?}: {:#?}",
            errors[0]
        );
        assert!(h.sent("PATCH").is_empty());
    }
}

#[tokio::test]
async fn a_tool_added_to_the_catalog_is_planned_on_when_tools_are_unset() {
    for scopes_in_record in [true, false] {
        let mut h = Harness::start().await;
        let config = h.config([]);
        let state = apply_checked(&mut h, &Value::Null, &config).await.state;
        h.emulator
            .add_catalog_tool(
                "confluence",
                NewCatalogTool {
                    identifier: "pages:export".into(),
                    name: Some("Export pages".into()),
                    category: Some("Pages".into()),
                    scopes: vec!["read:page:confluence".into()],
                    scopes_in_record,
                },
            )
            .expect("added");
        // A new terraform command: a new provider process reads the catalog afresh.
        h.new_run().await;
        let plan = h.plan(&state, &config).await;
        assert_no_errors(&plan.diags);
        let planned_tools = plan.planned.attr("tools");
        // With its scopes in the record the plan judges it; without, it has never been seen
        // with its scopes, so the plan leaves `tools` to apply, which settles it.
        if scopes_in_record {
            assert!(
                string_elements(planned_tools).contains(&"pages:export".to_string()),
                "pages:export is planned on: {}",
                show(planned_tools)
            );
        } else {
            assert!(planned_tools.is_unknown(), "{}", show(planned_tools));
        }
        let applied = h.apply(&state, &plan.planned, &config).await;
        assert_applied_as_planned(&plan.planned, &applied);
        assert_eq!(
            string_elements(applied.state.attr("tools")),
            with(&ALL_TOOLS, "pages:export")
        );
        assert_eq!(
            tool_scopes_of(&applied.state, "pages:export"),
            ["read:page:confluence"]
        );
        assert_eq!(held_tools(&h), with(&ALL_TOOLS, "pages:export"));
        assert_settled(&mut h, &applied.state, &config).await;
    }
}

// ---- catalog records carrying only `enabled` ----

/// A provider whose catalog records carry only `enabled`, and an integration created under
/// the read-only grant.
async fn enabled_only_created() -> (Harness, Value, Value) {
    let mut h = Harness::start().await;
    h.emulator.omit_fields(&ENABLED_ONLY_TOOL_RECORDS);
    let config = h.config([("scopes", read_only_scopes())]);
    let state = apply_checked(&mut h, &Value::Null, &config).await.state;
    (h, config, state)
}

/// Plans `config` over a refreshed `state`, expecting a change; applies it and settles.
async fn apply_drifted(h: &mut Harness, state: &Value, config: &Value) -> Value {
    let read = h.read(state).await;
    assert_no_errors(&read.diags);
    let plan = h.plan(&read.state, config).await;
    assert_no_errors(&plan.diags);
    assert_ne!(plan.planned, read.state, "the plan is not empty");
    let applied = h.apply(&read.state, &plan.planned, config).await;
    assert_applied_as_planned(&plan.planned, &applied);
    assert_settled(h, &applied.state, config).await;
    applied.state
}

#[tokio::test]
async fn enabled_only_records_leave_the_tools_that_need_write_or_delete_off_after_create() {
    let (mut h, config, state) = enabled_only_created().await;
    assert_eq!(string_elements(state.attr("tools")), READ_ONLY_TOOLS);
    assert_eq!(held_tools(&h), sorted(&READ_ONLY_TOOLS));
    assert_eq!(
        string_elements(state.attr("requested_scopes")),
        string_elements(&read_only_scopes())
    );
    assert_settled(&mut h, &state, &config).await;
}

#[tokio::test]
async fn enabled_only_records_a_write_tool_switched_on_in_the_portal_is_planned_off() {
    let (mut h, config, state) = enabled_only_created().await;
    let id = state.attr("id").as_str().unwrap().to_string();
    let mut drifted: Vec<&str> = READ_ONLY_TOOLS.to_vec();
    drifted.push("pages:delete");
    assert!(
        h.emulator
            .patch_integration(ENV, &id, json!({ "tools": drifted }))
    );
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    let plan = h.plan(&read.state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(
        string_elements(plan.planned.attr("tools")),
        READ_ONLY_TOOLS,
        "pages:delete needs delete:page:confluence, outside the grant"
    );
    let state = apply_drifted(&mut h, &state, &config).await;
    assert_eq!(string_elements(state.attr("tools")), READ_ONLY_TOOLS);
    assert_eq!(held_tools(&h), sorted(&READ_ONLY_TOOLS));
}

#[tokio::test]
async fn enabled_only_records_a_read_tool_switched_off_in_the_portal_is_planned_on() {
    let (mut h, config, state) = enabled_only_created().await;
    let id = state.attr("id").as_str().unwrap().to_string();
    let drifted: Vec<String> = without(&READ_ONLY_TOOLS, "pages:read");
    assert!(
        h.emulator
            .patch_integration(ENV, &id, json!({ "tools": drifted }))
    );
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    let plan = h.plan(&read.state, &config).await;
    assert_no_errors(&plan.diags);
    let planned_tools = plan.planned.attr("tools");
    // Frontegg reported its scopes while it was on: the provider remembers them.
    assert_eq!(
        string_elements(planned_tools),
        READ_ONLY_TOOLS,
        "pages:read is planned on again: {}",
        show(planned_tools)
    );
    let state = apply_drifted(&mut h, &state, &config).await;
    assert_eq!(string_elements(state.attr("tools")), READ_ONLY_TOOLS);
    assert_eq!(held_tools(&h), sorted(&READ_ONLY_TOOLS));
}

#[tokio::test]
async fn enabled_only_records_a_tool_added_to_the_catalog_inside_the_grant_is_planned_on() {
    let (mut h, config, state) = enabled_only_created().await;
    h.emulator
        .add_catalog_tool(
            "confluence",
            NewCatalogTool {
                identifier: "pages:export".into(),
                name: Some("Export pages".into()),
                category: Some("Pages".into()),
                scopes: vec!["read:page:confluence".into()],
                scopes_in_record: false,
            },
        )
        .expect("added");
    // A new terraform command: a new provider process reads the catalog afresh.
    h.new_run().await;
    let plan = h.plan(&state, &config).await;
    assert_no_errors(&plan.diags);
    let planned_tools = plan.planned.attr("tools");
    // Never seen with its scopes: left to apply, which enables it and keeps it (it fits).
    assert!(planned_tools.is_unknown(), "{}", show(planned_tools));
    let state = apply_drifted(&mut h, &state, &config).await;
    assert_eq!(
        string_elements(state.attr("tools")),
        with(&READ_ONLY_TOOLS, "pages:export")
    );
    assert_eq!(held_tools(&h), with(&READ_ONLY_TOOLS, "pages:export"));
}

#[tokio::test]
async fn enabled_only_records_a_retired_tool_is_planned_off() {
    for how in [Retirement::Removed, Retirement::Disabled] {
        let (mut h, config, state) = enabled_only_created().await;
        assert!(
            h.emulator
                .retire_catalog_tool("confluence", "labels:read", how)
        );
        // A new terraform command: a new provider process reads the catalog afresh.
        h.new_run().await;
        let plan = h.plan(&state, &config).await;
        assert_no_errors(&plan.diags);
        let planned_tools = plan.planned.attr("tools");
        assert_eq!(
            string_elements(planned_tools),
            without(&READ_ONLY_TOOLS, "labels:read"),
            "{how:?}: labels:read is planned off: {}",
            show(planned_tools)
        );
        let state = apply_drifted(&mut h, &state, &config).await;
        assert_eq!(
            string_elements(state.attr("tools")),
            without(&READ_ONLY_TOOLS, "labels:read"),
            "{how:?}"
        );
        assert_eq!(held_tools(&h), without(&READ_ONLY_TOOLS, "labels:read"));
    }
}
