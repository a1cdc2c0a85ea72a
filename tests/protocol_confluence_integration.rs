//! `frontegg_confluence_integration` over the plugin protocol against the emulator: plans
//! of create and of each kind of update (scopes, tools, credentials, agents), apply, drift,
//! answers with fields missing, the schema upgrade, validation diagnostics, write-only.

mod protocol_support;

use frontegg_emulator::{Fault, fingerprint};
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

fn recommended_plus(extra: &str) -> Value {
    strings(RECOMMENDED.iter().copied().chain([extra]))
}

/// Starts a provider and creates the integration from `config`.
async fn created(config_attrs: impl FnOnce(&Harness) -> Value) -> (Harness, Value, Value) {
    let mut h = Harness::start().await;
    let config = config_attrs(&h);
    let state = h.create(&config).await;
    h.emulator.clear_requests();
    (h, config, state)
}

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

/// The recommended scopes without the write and delete ones.
fn read_only_scopes() -> Value {
    strings(
        RECOMMENDED
            .iter()
            .copied()
            .filter(|s| s.starts_with("read:")),
    )
}

/// The tools that fit inside [`read_only_scopes`].
const READ_ONLY_TOOLS: [&str; 7] = [
    "groups:read",
    "labels:read",
    "pages:read",
    "pages:tree",
    "settings:read",
    "spaces:read",
    "users:read",
];

#[tokio::test]
async fn plan_create_plans_every_catalog_tool_and_the_13_requested_scopes() {
    let mut h = Harness::start().await;
    let config = h.config([]);
    let plan = h.plan(&Value::Null, &config).await;
    assert_no_errors(&plan.diags);
    let planned = &plan.planned;
    assert_eq!(planned.attr("name"), &Value::string("Confluence"));
    assert_eq!(string_elements(planned.attr("scopes")), RECOMMENDED);
    assert_eq!(string_elements(planned.attr("tools")), ALL_TOOLS);
    // What the gateway requests is what Frontegg's answer reports: known after apply.
    assert!(planned.attr("requested_scopes").is_unknown());
    assert!(planned.attr("tool_scopes").is_unknown());
    assert_eq!(planned.attr("enabled"), &Value::Bool(true));
    assert!(planned.attr("id").is_unknown());
    assert!(planned.attr("frontegg_integration_id").is_unknown());
    assert!(planned.attr("agent_ids").is_unknown());
    assert_eq!(planned.attr("client_secret"), &Value::string(SECRET_ONE));
    assert!(
        h.calls().iter().all(|c| c
            .starts_with("GET /app-integrations/resources/frontegg-integrations/v1")
            || c.starts_with("POST /auth/vendor")),
        "planning only reads the catalog: {:?}",
        h.calls()
    );
}

#[tokio::test]
async fn create_posts_exactly_the_dto_and_the_next_plan_is_empty() {
    let mut h = Harness::start().await;
    let config = h.config([]);
    let state = h.create(&config).await;

    let held = h.integrations();
    assert_eq!(held.len(), 1);
    assert_eq!(state.attr("id").as_str(), held[0]["id"].as_str());
    assert_eq!(
        state
            .attr("frontegg_integration_id")
            .as_str()
            .map(str::to_string),
        h.emulator.catalog_id(ENV, "confluence")
    );
    assert_eq!(state.attr("client_id"), &Value::string(ATLASSIAN_CLIENT_ID));
    assert_eq!(string_elements(state.attr("tools")), ALL_TOOLS);
    assert_eq!(string_elements(state.attr("requested_scopes")), RECOMMENDED);
    assert_eq!(state.attr("agent_ids"), &strings([]));
    assert_eq!(
        h.emulator
            .secret_fingerprint_of(ENV, state.attr("id").as_str().unwrap()),
        Some(fingerprint(SECRET_ONE))
    );
    let posted = h.sent("POST");
    assert_eq!(posted.len(), 1);
    let mut keys: Vec<&String> = posted[0].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "authenticationType",
            "fronteggIntegrationId",
            "isActive",
            "name",
            "oauthConfigurations",
            "tools",
            "useFronteggIntegration"
        ]
    );
    assert_eq!(posted[0]["useFronteggIntegration"], false);
    assert_eq!(posted[0]["authenticationType"], "behalf-of-user");
    let mut tools: Vec<&str> = posted[0]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    tools.sort();
    assert_eq!(tools, ALL_TOOLS);
    assert_eq!(held[0]["useFronteggIntegration"], false);

    let plan = h.plan(&state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(plan.planned, state, "no changes after create");
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    assert_eq!(read.state, state, "read after create shows no drift");
}

#[tokio::test]
async fn narrowing_scopes_to_read_only_plans_and_applies_the_removal_of_write_and_delete_tools() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    let config = h.config([("scopes", read_only_scopes())]);
    let plan = h.plan(&state, &config).await;
    assert_no_errors(&plan.diags);
    assert!(plan.requires_replace.is_empty());
    assert_eq!(plan.planned.attr("id"), state.attr("id"), "id stays known");
    assert_eq!(string_elements(plan.planned.attr("tools")), READ_ONLY_TOOLS);
    assert!(plan.planned.attr("requested_scopes").is_unknown());

    let applied = h.apply(&state, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    assert_eq!(
        string_elements(applied.state.attr("requested_scopes")),
        string_elements(&read_only_scopes())
    );
    let mut expected = plan.planned.clone();
    expected.set_attr(
        "requested_scopes",
        applied.state.attr("requested_scopes").clone(),
    );
    expected.set_attr("tool_scopes", applied.state.attr("tool_scopes").clone());
    assert_eq!(applied.state, expected);
    let patches = h.sent("PATCH");
    assert_eq!(patches.len(), 1);
    assert_eq!(
        patches[0]
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["tools".to_string()])
    );
    assert_eq!(patches[0]["tools"].as_array().map(Vec::len), Some(7));
    let held = h.integrations();
    let held_tools: Vec<&str> = held[0]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["identifier"].as_str())
        .collect();
    assert!(!held_tools.contains(&"pages:delete"), "{held_tools:?}");
    let plan = h.plan(&applied.state, &config).await;
    assert_eq!(plan.planned, applied.state, "converged");
}

#[tokio::test]
async fn adding_a_scope_no_tool_needs_changes_only_the_state() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    let config = h.config([("scopes", recommended_plus("read:blogpost:confluence"))]);
    let plan = h.plan(&state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(plan.planned.attr("tools"), state.attr("tools"));
    assert_eq!(
        plan.planned.attr("requested_scopes"),
        state.attr("requested_scopes")
    );
    let applied = h.apply(&state, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    assert_eq!(applied.state, plan.planned);
    assert!(h.sent("PATCH").is_empty(), "Frontegg stores no scopes");
}

#[tokio::test]
async fn explicit_tool_outside_scopes_is_a_plan_error_that_touches_nothing() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    let config = h.config([
        ("scopes", read_only_scopes()),
        ("tools", strings(["pages:read", "pages:delete"])),
    ]);
    let plan = h.plan(&state, &config).await;
    let errors = errors(&plan.diags);
    assert_eq!(errors.len(), 1, "{:#?}", plan.diags);
    assert_eq!(errors[0].path.as_deref(), Some("tools"));
    let detail = &errors[0].detail;
    assert!(detail.contains("`pages:delete` (Delete pages)"), "{detail}");
    assert!(detail.contains("`delete:page:confluence`"), "{detail}");
    assert!(detail.contains("add it to `scopes`"), "{detail}");
    assert!(
        detail.contains("remove `pages:delete` from `tools`"),
        "{detail}"
    );
    assert!(h.sent("PATCH").is_empty() && h.sent("POST").is_empty());
}

#[tokio::test]
async fn tool_the_catalog_does_not_offer_is_an_error_listing_the_offered_ones() {
    let mut h = Harness::start().await;
    let config = h.config([("tools", strings(["pages:read", "pages:fly"]))]);
    assert_no_errors(&h.validate(&config).await);
    let plan = h.plan(&Value::Null, &config).await;
    let errors = errors(&plan.diags);
    assert_eq!(errors.len(), 1, "{:#?}", plan.diags);
    assert_eq!(errors[0].path.as_deref(), Some("tools"));
    assert!(errors[0].detail.contains("`pages:fly` is not offered"));
    for tool in ALL_TOOLS {
        assert!(errors[0].detail.contains(&format!("`{tool}`")), "{tool}");
    }
}

#[tokio::test]
async fn explicit_tools_are_exactly_the_enabled_ones() {
    let mut h = Harness::start().await;
    let config = h.config([("tools", strings(["pages:read", "spaces:read"]))]);
    let state = h.create(&config).await;
    assert_eq!(
        string_elements(state.attr("tools")),
        ["pages:read", "spaces:read"]
    );
    assert_eq!(
        string_elements(state.attr("requested_scopes")),
        [
            "read:page:confluence",
            "read:space-details:confluence",
            "read:space:confluence"
        ]
    );
    let posted = h.sent("POST");
    assert_eq!(posted[0]["tools"].as_array().map(Vec::len), Some(2));
    let plan = h.plan(&state, &config).await;
    assert_eq!(plan.planned, state);
}

#[tokio::test]
async fn tool_toggled_in_the_portal_is_drift_that_apply_repairs() {
    let (mut h, config, state) = created(|h| h.config([])).await;
    let id = state.attr("id").as_str().unwrap().to_string();
    assert!(h.emulator.patch_integration(
        ENV,
        &id,
        json!({"tools": ["pages:read"], "isActive": false})
    ));
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    assert_eq!(string_elements(read.state.attr("tools")), ["pages:read"]);
    assert_eq!(
        string_elements(read.state.attr("requested_scopes")),
        ["read:page:confluence"]
    );
    assert_eq!(read.state.attr("enabled"), &Value::Bool(false));
    assert_eq!(
        read.state.attr("client_secret"),
        state.attr("client_secret")
    );

    let plan = h.plan(&read.state, &config).await;
    let mut expected = state.clone();
    expected.set_attr("requested_scopes", Value::Unknown);
    expected.set_attr("tool_scopes", Value::Unknown);
    assert_eq!(
        plan.planned, expected,
        "the plan puts back the configuration"
    );
    let applied = h.apply(&read.state, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    assert_eq!(applied.state, state);
    assert_eq!(
        h.integrations()[0]["tools"].as_array().map(Vec::len),
        Some(11)
    );
}

#[tokio::test]
async fn integration_switched_to_the_shared_app_plans_and_applies_the_switch_back() {
    let (mut h, config, state) = created(|h| h.config([])).await;
    let id = state.attr("id").as_str().unwrap().to_string();
    assert!(
        h.emulator
            .patch_integration(ENV, &id, json!({"useFronteggIntegration": true}))
    );
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    let warned = warnings(&read.diags);
    assert!(
        warned
            .iter()
            .any(|d| d.detail.contains("useFronteggIntegration")),
        "{:#?}",
        read.diags
    );
    assert!(read.state.attr("client_id").is_null());
    let plan = h.plan(&read.state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(
        plan.planned.attr("client_id"),
        &Value::string(ATLASSIAN_CLIENT_ID)
    );
    let applied = h.apply(&read.state, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    let patches = h.sent("PATCH");
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0]["useFronteggIntegration"], false);
    assert_eq!(patches[0]["authenticationType"], "behalf-of-user");
    assert_eq!(
        patches[0]["oauthConfigurations"]["clientId"],
        ATLASSIAN_CLIENT_ID
    );
    assert_eq!(h.integrations()[0]["useFronteggIntegration"], false);
    assert_eq!(applied.state, state);
    assert_eq!(h.plan(&applied.state, &config).await.planned, applied.state);
}

#[tokio::test]
async fn app_to_app_authentication_set_out_of_band_is_switched_back() {
    let (mut h, config, state) = created(|h| h.config([])).await;
    let id = state.attr("id").as_str().unwrap().to_string();
    assert!(
        h.emulator
            .patch_integration(ENV, &id, json!({"authenticationType": "app-to-app"}))
    );
    let read = h.read(&state).await;
    assert!(read.state.attr("client_id").is_null());
    let state = h.apply_config(&read.state, &config).await;
    assert_eq!(h.integrations()[0]["authenticationType"], "behalf-of-user");
    assert_eq!(h.plan(&state, &config).await.planned, state);
}

#[tokio::test]
async fn another_spelling_of_behalf_of_user_is_no_change() {
    let (mut h, config, state) = created(|h| h.config([])).await;
    let id = state.attr("id").as_str().unwrap().to_string();
    assert!(
        h.emulator
            .patch_integration(ENV, &id, json!({"authenticationType": "oauth2"}))
    );
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    assert!(warnings(&read.diags).is_empty(), "{:#?}", read.diags);
    assert_eq!(h.plan(&read.state, &config).await.planned, state);
}

#[tokio::test]
async fn configured_agents_are_assigned_and_unassigned_exactly() {
    let mut h = Harness::start().await;
    let config = h.config([("agent_ids", strings(["agent-1", "agent-2"]))]);
    let state = h.create(&config).await;
    assert_eq!(
        string_elements(state.attr("agent_ids")),
        ["agent-1", "agent-2"]
    );
    assert_eq!(
        h.integrations()[0]["agentIds"],
        json!(["agent-1", "agent-2"])
    );
    assert_eq!(h.plan(&state, &config).await.planned, state);

    h.emulator.clear_requests();
    let config = h.config([("agent_ids", strings(["agent-2", "agent-3"]))]);
    let plan = h.plan(&state, &config).await;
    assert_no_errors(&plan.diags);
    let applied = h.apply(&state, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    assert_eq!(
        string_elements(applied.state.attr("agent_ids")),
        ["agent-2", "agent-3"]
    );
    assert_eq!(
        h.integrations()[0]["agentIds"],
        json!(["agent-2", "agent-3"])
    );
    let agent_calls: Vec<(String, serde_json::Value)> = h
        .emulator
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/agents/"))
        .map(|r| {
            (
                r.path.rsplit('/').next().unwrap_or_default().to_string(),
                r.body.unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        agent_calls,
        [
            ("assign".to_string(), json!({"agentIds": ["agent-3"]})),
            ("unassign".to_string(), json!({"agentIds": ["agent-1"]}))
        ]
    );
    assert!(h.sent("PATCH").is_empty());
}

#[tokio::test]
async fn unset_agent_ids_leave_assignments_alone_and_report_them() {
    let (mut h, config, state) = created(|h| h.config([])).await;
    let id = state.attr("id").as_str().unwrap().to_string();
    assert!(
        h.emulator
            .patch_integration(ENV, &id, json!({"agentIds": ["portal-agent"]}))
    );
    let read = h.read(&state).await;
    assert_eq!(
        string_elements(read.state.attr("agent_ids")),
        ["portal-agent"]
    );
    let plan = h.plan(&read.state, &config).await;
    assert_eq!(plan.planned, read.state, "no change for unmanaged agents");

    let renamed = h.config([("name", Value::string("Wiki"))]);
    let state = h.apply_config(&read.state, &renamed).await;
    assert_eq!(string_elements(state.attr("agent_ids")), ["portal-agent"]);
    assert!(
        h.emulator
            .requests()
            .iter()
            .all(|r| !r.path.contains("/agents/")),
        "no agent call"
    );
}

#[tokio::test]
async fn description_is_set_changed_and_cleared() {
    let mut h = Harness::start().await;
    let config = h.config([("description", Value::string("Team wiki"))]);
    let state = h.create(&config).await;
    assert_eq!(h.sent("POST")[0]["description"], "Team wiki");
    assert_eq!(state.attr("description"), &Value::string("Team wiki"));
    h.emulator.clear_requests();
    let cleared = h.config([]);
    let state = h.apply_config(&state, &cleared).await;
    assert_eq!(h.sent("PATCH"), [json!({"description": null})]);
    assert!(state.attr("description").is_null());
    assert_eq!(h.plan(&state, &cleared).await.planned, state);
}

#[tokio::test]
async fn answers_missing_optional_fields_keep_the_state_and_plan_nothing() {
    let mut h = Harness::start().await;
    h.emulator.omit_fields(&[
        "name",
        "description",
        "agentIds",
        "tools",
        "isActive",
        "useFronteggIntegration",
        "authenticationType",
        "oauthConfigurations",
        "fronteggIntegrationId",
    ]);
    let config = h.config([
        ("description", Value::string("wiki")),
        ("agent_ids", strings(["agent-1"])),
    ]);
    let plan = h.plan(&Value::Null, &config).await;
    assert_no_errors(&plan.diags);
    let applied = h.apply(&Value::Null, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    let state = applied.state;
    assert!(state.is_wholly_known());
    assert_eq!(string_elements(state.attr("tools")), ALL_TOOLS);
    assert_eq!(state.attr("client_id"), &Value::string(ATLASSIAN_CLIENT_ID));
    assert!(
        warnings(&applied.diags)
            .iter()
            .any(|d| d.summary == "Frontegg did not report every field"),
        "{:#?}",
        applied.diags
    );
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    assert_eq!(read.state, state);
    let plan = h.plan(&read.state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(plan.planned, state, "an empty second plan");
}

#[tokio::test]
async fn catalog_without_scopes_leaves_tools_for_after_apply_and_one_apply_converges() {
    let mut h = Harness::start().await;
    h.emulator.omit_fields(&["catalog.tools.scopes"]);
    let config = h.config([("scopes", read_only_scopes())]);
    let plan = h.plan(&Value::Null, &config).await;
    assert_no_errors(&plan.diags);
    assert!(plan.planned.attr("tools").is_unknown());
    assert!(plan.planned.attr("requested_scopes").is_unknown());
    let applied = h.apply(&Value::Null, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    let state = applied.state;
    assert_eq!(string_elements(state.attr("tools")), READ_ONLY_TOOLS);
    assert_eq!(
        string_elements(state.attr("requested_scopes")),
        string_elements(&read_only_scopes())
    );
    assert_eq!(
        h.integrations()[0]["tools"].as_array().map(Vec::len),
        Some(7)
    );
    let read = h.read(&state).await;
    let plan = h.plan(&read.state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(plan.planned, state, "the next plan is empty");

    let wider = h.config([(
        "scopes",
        strings(
            RECOMMENDED
                .iter()
                .copied()
                .filter(|s| s.starts_with("read:") || *s == "write:page:confluence"),
        ),
    )]);
    // Widening the grant by one scope: Frontegg reported every tool's scopes when the
    // create enabled them (before the ones that need more were switched off), and the
    // provider remembers them, so the plan knows the tools now.
    let plan = h.plan(&state, &wider).await;
    assert_no_errors(&plan.diags);
    let mut expected: Vec<&str> = READ_ONLY_TOOLS.to_vec();
    expected.push("pages:write");
    expected.sort();
    assert_eq!(string_elements(plan.planned.attr("tools")), expected);
    assert!(plan.planned.attr("requested_scopes").is_unknown());
    let applied = h.apply(&state, &plan.planned, &wider).await;
    assert_no_errors(&applied.diags);
    assert_eq!(string_elements(applied.state.attr("tools")), expected);
    assert_eq!(
        h.integrations()[0]["tools"].as_array().map(Vec::len),
        Some(8)
    );
    let plan = h.plan(&applied.state, &wider).await;
    assert_eq!(plan.planned, applied.state, "converged after one apply");
}

#[tokio::test]
async fn paged_lists_are_followed_to_the_end() {
    let mut h = Harness::start().await;
    for provider in ["jira", "slack", "github"] {
        h.emulator
            .seed_integration(ENV, json!({"provider": provider}))
            .expect("seeded");
    }
    h.emulator.set_page_size(Some(1));
    let config = h.config([]);
    let state = h.create(&config).await;
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    assert_eq!(read.state, state, "found on the last page");
    assert!(
        h.calls()
            .iter()
            .any(|c| c.contains("vendors-integrations/v1")),
        "{:?}",
        h.calls()
    );
    let imported = h.import("confluence").await;
    assert_no_errors(&imported.diags);
    assert_eq!(imported.states[0].attr("id"), state.attr("id"));
}

#[tokio::test]
async fn a_state_of_schema_version_0_upgrades_and_plans_only_the_new_attributes() {
    let (mut h, config, state) = created(|h| h.config([])).await;
    let id = state.attr("id").as_str().unwrap().to_string();
    let v0 = json!({
        "id": id,
        "name": "Confluence",
        "client_id": ATLASSIAN_CLIENT_ID,
        "client_secret": SECRET_ONE,
        "client_secret_wo": null,
        "client_secret_wo_version": null,
        "scopes": RECOMMENDED,
        "enabled": true,
        "frontegg_integration_id": state.attr("frontegg_integration_id").as_str(),
    });
    let upgraded = h.upgrade(0, &v0).await;
    assert_no_errors(&upgraded.diags);
    assert!(upgraded.state.attr("tools").is_null());
    assert_eq!(
        upgraded.state.attr("client_secret"),
        &Value::string(SECRET_ONE)
    );
    let read = h.read(&upgraded.state).await;
    assert_no_errors(&read.diags);
    assert_eq!(read.state, state, "the read fills in the new attributes");
    let plan = h.plan(&read.state, &config).await;
    assert_eq!(plan.planned, state, "no change");
}

#[tokio::test]
async fn changing_the_client_id_sends_both_oauth_fields() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    let config = h.config([(
        "client_id",
        Value::string("AnotherClientId0000000000000000AB"),
    )]);
    let state = h.apply_config(&state, &config).await;
    assert_eq!(
        state.attr("client_id"),
        &Value::string("AnotherClientId0000000000000000AB")
    );
    let patches = h.sent("PATCH");
    assert_eq!(patches.len(), 1);
    assert_eq!(
        patches[0],
        json!({
            "authenticationType": "behalf-of-user",
            "useFronteggIntegration": false,
            "oauthConfigurations": {
                "clientId": "AnotherClientId0000000000000000AB",
                "clientSecret": fingerprint(SECRET_ONE)
            }
        })
    );
}

#[tokio::test]
async fn rotating_client_secret_sends_the_new_secret() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    let config = h.config([("client_secret", Value::string(SECRET_TWO))]);
    let plan = h.plan(&state, &config).await;
    assert_ne!(plan.planned, state, "a secret change is an update");
    let state = h.apply_config(&state, &config).await;
    let id = state.attr("id").as_str().unwrap();
    assert_eq!(
        h.emulator.secret_fingerprint_of(ENV, id),
        Some(fingerprint(SECRET_TWO))
    );
    let read = h.read(&state).await;
    assert_eq!(
        read.state.attr("client_secret"),
        &Value::string(SECRET_TWO),
        "read keeps the configured secret"
    );
}

#[tokio::test]
async fn write_only_secret_is_sent_on_create_and_when_its_version_changes_and_never_stored() {
    let mut h = Harness::start().await;
    let wo = |h: &Harness, secret: &str, version: i64| {
        h.config([
            ("client_secret", Value::Null),
            ("client_secret_wo", Value::string(secret)),
            ("client_secret_wo_version", Value::from(version)),
        ])
    };
    let config = wo(&h, SECRET_ONE, 1);
    assert_no_errors(&h.validate(&config).await);
    let plan = h.plan(&Value::Null, &config).await;
    assert_no_errors(&plan.diags);
    assert!(
        plan.planned.attr("client_secret_wo").is_null(),
        "not in the plan"
    );
    let applied = h.apply(&Value::Null, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    let state = applied.state;
    assert_eq!(
        applied.identity,
        Value::object([("id", state.attr("id").clone())]),
        "apply returns the identity"
    );
    assert!(state.attr("client_secret_wo").is_null(), "not in the state");
    assert!(state.attr("client_secret").is_null());
    let id = state.attr("id").as_str().unwrap().to_string();
    assert_eq!(
        h.emulator.secret_fingerprint_of(ENV, &id),
        Some(fingerprint(SECRET_ONE))
    );

    // A new write-only value alone changes nothing: Terraform cannot see it.
    let same_version = wo(&h, SECRET_TWO, 1);
    let plan = h.plan(&state, &same_version).await;
    assert_eq!(plan.planned, state);

    let next_version = wo(&h, SECRET_TWO, 2);
    let plan = h.plan(&state, &next_version).await;
    assert_no_errors(&plan.diags);
    assert_ne!(plan.planned, state);
    assert!(plan.planned.attr("client_secret_wo").is_null());
    let applied = h.apply(&state, &plan.planned, &next_version).await;
    assert_no_errors(&applied.diags);
    assert!(applied.state.attr("client_secret_wo").is_null());
    assert_eq!(
        applied.state.attr("client_secret_wo_version"),
        &Value::from(2)
    );
    assert_eq!(
        h.emulator.secret_fingerprint_of(ENV, &id),
        Some(fingerprint(SECRET_TWO))
    );

    let read = h.read(&applied.state).await;
    assert!(read.state.attr("client_secret_wo").is_null());
    assert_eq!(read.state, applied.state);
}

#[tokio::test]
async fn write_only_secret_is_refused_without_the_client_capability() {
    let mut h = Harness::start().await;
    h.write_only_allowed = false;
    let config = h.config([
        ("client_secret", Value::Null),
        ("client_secret_wo", Value::string(SECRET_ONE)),
    ]);
    let diags = h.validate(&config).await;
    let errors = errors(&diags);
    assert!(!errors.is_empty(), "{diags:#?}");
    assert!(
        errors
            .iter()
            .any(|d| format!("{} {}", d.summary, d.detail).contains("client_secret")),
        "{diags:#?}"
    );
}

#[tokio::test]
async fn disabling_patches_is_active() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    let config = h.config([("enabled", Value::Bool(false))]);
    let state = h.apply_config(&state, &config).await;
    assert_eq!(state.attr("enabled"), &Value::Bool(false));
    assert_eq!(h.sent("PATCH"), [json!({"isActive": false})]);
    assert_eq!(h.integrations()[0]["isActive"], false);
}

#[tokio::test]
async fn renaming_patches_the_name() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    let config = h.config([("name", Value::string("Team wiki"))]);
    h.apply_config(&state, &config).await;
    assert_eq!(h.sent("PATCH"), [json!({"name": "Team wiki"})]);
}

#[tokio::test]
async fn integration_deleted_out_of_band_reads_as_gone() {
    let (mut h, config, state) = created(|h| h.config([])).await;
    assert!(
        h.emulator
            .delete_integration(ENV, state.attr("id").as_str().unwrap())
    );
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    assert!(read.state.is_null());
    let plan = h.plan(&Value::Null, &config).await;
    assert!(
        plan.planned.attr("id").is_unknown(),
        "plan proposes a create"
    );
}

#[tokio::test]
async fn destroy_deletes_and_succeeds_when_already_gone() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    assert_no_errors(&h.destroy(&state).await);
    assert!(h.integrations().is_empty());
    assert_no_errors(&h.destroy(&state).await);
}

const INTEGRATIONS: &str = "/app-integrations/resources/vendors-integrations/v1";

#[tokio::test]
async fn second_integration_conflicts_with_import_instructions() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    let id = state.attr("id").as_str().unwrap();
    let another_app = h.config([(
        "client_id",
        Value::string("AnotherAtlassianApp0123456789ab"),
    )]);
    let plan = h.plan(&Value::Null, &another_app).await;
    let applied = h.apply(&Value::Null, &plan.planned, &another_app).await;
    assert!(applied.state.is_null());
    let errors = errors(&applied.diags);
    assert_eq!(errors.len(), 1, "{:#?}", applied.diags);
    assert_eq!(errors[0].summary, "Confluence integration already exists");
    let detail = &errors[0].detail;
    assert!(detail.contains(id), "{detail}");
    assert!(
        detail.contains(&format!(
            "terraform import frontegg_confluence_integration.<name> {id}"
        )),
        "{detail}"
    );
    assert!(detail.contains("import {"), "{detail}");
    assert!(detail.contains(&format!("id = \"{id}\"")), "{detail}");
    assert!(!detail.contains(SECRET_ONE));
}

#[tokio::test]
async fn a_create_meeting_an_integration_with_its_settings_names_every_cause_it_may_have() {
    // The same create while the integration exists: what create_before_destroy with -replace
    // does, and what `count = 2` over one configuration does. The provider cannot tell them
    // apart, nor from an integration made outside the configuration with the same settings.
    let (mut h, config, state) = created(|h| h.config([])).await;
    let id = state.attr("id").as_str().unwrap();
    let plan = h.plan(&Value::Null, &config).await;
    let applied = h.apply(&Value::Null, &plan.planned, &config).await;
    assert!(applied.state.is_null());
    let errors = errors(&applied.diags);
    assert_eq!(errors.len(), 1, "{:#?}", applied.diags);
    assert_eq!(
        errors[0].summary,
        "Confluence integration already exists with these settings"
    );
    let detail = &errors[0].detail;
    assert!(detail.contains(id), "{detail}");
    assert!(
        detail.contains("Nothing was changed in Frontegg"),
        "{detail}"
    );
    // Two resources (or instances) for one environment:
    assert!(detail.contains("`count` or `for_each`"), "{detail}");
    // The replacement:
    assert!(
        detail.contains("cannot be replaced before it is destroyed"),
        "{detail}"
    );
    assert!(
        detail.contains("terraform apply -replace=frontegg_confluence_integration.<name>"),
        "{detail}"
    );
    // Made outside the configuration:
    assert!(
        detail.contains(&format!(
            "terraform import frontegg_confluence_integration.<name> {id}"
        )),
        "{detail}"
    );
    assert!(!detail.contains(SECRET_ONE));
    let replace_at = detail.find("-replace=").unwrap();
    let import_at = detail.find("terraform import").unwrap();
    assert!(
        replace_at < import_at,
        "the cause that fits the settings first: {detail}"
    );
    assert_eq!(h.integrations().len(), 1);
}

#[tokio::test]
async fn a_failed_read_back_after_assigning_agents_keeps_the_agents_that_were_assigned() {
    let mut h = Harness::start().await;
    let config = h.config([("agent_ids", strings(["agent-1", "agent-2"]))]);
    let plan = h.plan(&Value::Null, &config).await;
    assert_no_errors(&plan.diags);
    // The create and the assignment go through; the read-back after them fails.
    h.emulator.inject_fault(Fault::respond(
        "GET",
        INTEGRATIONS,
        1,
        400,
        r#"{"errors": ["listing is down"]}"#,
    ));
    let applied = h.apply(&Value::Null, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    let warning = warnings(&applied.diags)
        .into_iter()
        .find(|d| d.summary == "Cannot read back the Confluence integration")
        .unwrap_or_else(|| panic!("a warning says what failed: {:#?}", applied.diags));
    assert!(warning.detail.contains("listing is down"), "{warning:#?}");
    assert_eq!(
        string_elements(applied.state.attr("agent_ids")),
        ["agent-1", "agent-2"],
        "the state records the agents that were assigned"
    );
    assert_eq!(
        h.integrations()[0]["agentIds"],
        json!(["agent-1", "agent-2"])
    );
    let read = h.read(&applied.state).await;
    assert_no_errors(&read.diags);
    assert_eq!(read.state, applied.state);
    let plan = h.plan(&read.state, &config).await;
    assert_eq!(plan.planned, read.state, "nothing left to do");
}

#[tokio::test]
async fn after_an_import_a_write_only_secret_needs_a_version_and_is_then_sent() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    let id = state.attr("id").as_str().unwrap().to_string();
    let imported = h.import(&id).await;
    assert_no_errors(&imported.diags);
    let read = h.read(&imported.states[0]).await;
    assert_no_errors(&read.diags);

    let without_version = h.config([
        ("client_secret", Value::Null),
        ("client_secret_wo", Value::string(SECRET_TWO)),
    ]);
    let plan = h.plan(&read.state, &without_version).await;
    let errors = errors(&plan.diags);
    assert_eq!(errors.len(), 1, "{:#?}", plan.diags);
    assert_eq!(errors[0].path.as_deref(), Some("client_secret_wo_version"));
    assert!(errors[0].detail.contains("imported"), "{:#?}", errors[0]);
    assert!(!errors[0].detail.contains(SECRET_TWO));

    let with_version = h.config([
        ("client_secret", Value::Null),
        ("client_secret_wo", Value::string(SECRET_TWO)),
        ("client_secret_wo_version", Value::from(1)),
    ]);
    let plan = h.plan(&read.state, &with_version).await;
    assert_no_errors(&plan.diags);
    let applied = h.apply(&read.state, &plan.planned, &with_version).await;
    assert_no_errors(&applied.diags);
    assert_eq!(
        h.emulator.secret_fingerprint_of(ENV, &id),
        Some(fingerprint(SECRET_TWO)),
        "the apply after the import sent the write-only secret"
    );
    // Sent once: from now on the usual rule holds (a new version sends it again).
    let plan = h.plan(&applied.state, &with_version).await;
    assert_no_errors(&plan.diags);
    assert_eq!(plan.planned, applied.state);
}

#[tokio::test]
async fn a_create_whose_answer_does_not_identify_the_integration_records_it() {
    let mut h = Harness::start().await;
    let config = h.config([]);
    h.emulator.inject_fault(Fault::apply_then_respond(
        "POST",
        INTEGRATIONS,
        1,
        201,
        "<html><body>Created</body></html>",
    ));
    let state = h.create(&config).await;
    let held = h.integrations();
    assert_eq!(held.len(), 1);
    assert_eq!(state.attr("id").as_str(), held[0]["id"].as_str());
    let plan = h.plan(&state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(plan.planned, state, "no changes after the adoption");
}

#[tokio::test]
async fn a_created_integration_no_list_identifies_names_the_import_that_adopts_it() {
    let mut h = Harness::start().await;
    let config = h.config([]);
    h.emulator
        .inject_fault(Fault::apply_then_respond("POST", INTEGRATIONS, 1, 201, ""));
    h.emulator
        .inject_fault(Fault::respond("GET", INTEGRATIONS, 2, 200, "[]"));
    let plan = h.plan(&Value::Null, &config).await;
    let applied = h.apply(&Value::Null, &plan.planned, &config).await;
    assert!(applied.state.is_null());
    let errors = errors(&applied.diags);
    assert_eq!(errors.len(), 1, "{:#?}", applied.diags);
    assert_eq!(
        errors[0].summary,
        "Confluence integration created but not identified"
    );
    let detail = &errors[0].detail;
    assert!(
        detail.contains("terraform import frontegg_confluence_integration.<name> confluence"),
        "{detail}"
    );
    assert!(!detail.contains(SECRET_ONE));
    assert_eq!(h.integrations().len(), 1);
}

#[tokio::test]
async fn one_empty_list_keeps_the_integration_and_two_forget_it() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    h.emulator
        .inject_fault(Fault::respond("GET", INTEGRATIONS, 1, 200, "[]"));
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    assert_eq!(
        read.state, state,
        "one empty answer is not proof it is gone"
    );

    h.emulator
        .inject_fault(Fault::respond("GET", INTEGRATIONS, 2, 200, "[]"));
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    assert!(read.state.is_null(), "two empty answers in a row: gone");
}

#[tokio::test]
async fn a_list_that_ends_before_its_total_keeps_the_state_with_an_error() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    h.emulator.inject_fault(Fault::respond(
        "GET",
        INTEGRATIONS,
        1,
        200,
        r#"{"items":[],"_metadata":{"totalItems":1,"totalPages":1}}"#,
    ));
    let read = h.read(&state).await;
    assert_eq!(read.state, state);
    let errors = errors(&read.diags);
    assert_eq!(errors.len(), 1, "{:#?}", read.diags);
    assert!(errors[0].detail.contains("ended after 0 of its 1 items"));
}

#[tokio::test]
async fn failed_update_returns_what_frontegg_holds() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    h.emulator.inject_fault(Fault::respond(
        "PATCH",
        "/app-integrations/resources/vendors-integrations/v1/*",
        10,
        400,
        r#"{"errors":["secret rejected"]}"#,
    ));
    let config = h.config([
        ("scopes", recommended_plus("read:blogpost:confluence")),
        ("client_secret", Value::string(SECRET_TWO)),
    ]);
    let plan = h.plan(&state, &config).await;
    let applied = h.apply(&state, &plan.planned, &config).await;
    let errors = errors(&applied.diags);
    assert_eq!(errors.len(), 1, "{:#?}", applied.diags);
    assert!(
        errors[0].detail.contains("secret rejected"),
        "{:#?}",
        errors[0]
    );
    assert!(!errors[0].detail.contains(SECRET_TWO));
    assert_eq!(
        applied.state, state,
        "Frontegg still holds the prior integration"
    );
}

#[tokio::test]
async fn classic_scope_is_an_error_at_the_scopes_path() {
    let mut h = Harness::start().await;
    let config = h.config([("scopes", strings(["read:confluence-content.all"]))]);
    let diags = h.validate(&config).await;
    let errors = errors(&diags);
    assert_eq!(errors.len(), 1, "{diags:#?}");
    assert_eq!(errors[0].path.as_deref(), Some("scopes"));
    assert!(errors[0].detail.contains("granular scopes only"));
    assert!(errors[0].detail.contains("read:page:confluence"));
}

#[tokio::test]
async fn unknown_and_identity_scopes_warn_at_the_scopes_path() {
    let mut h = Harness::start().await;
    let config = h.config([(
        "scopes",
        strings([
            "read:page:confluence",
            "read:hologram:confluence",
            "read:me",
        ]),
    )]);
    let diags = h.validate(&config).await;
    assert_no_errors(&diags);
    let warnings = warnings(&diags);
    assert_eq!(warnings.len(), 2, "{diags:#?}");
    assert!(warnings.iter().all(|d| d.path.as_deref() == Some("scopes")));
}

#[tokio::test]
async fn jira_scope_typo_and_empty_set_are_errors() {
    let mut h = Harness::start().await;
    for scopes in [
        strings(["read:jira-work"]),
        strings(["read:page:confluenc"]),
        Value::set([]),
    ] {
        let config = h.config([("scopes", scopes.clone())]);
        let diags = h.validate(&config).await;
        let errors = errors(&diags);
        assert_eq!(errors.len(), 1, "{scopes:?}: {diags:#?}");
        assert_eq!(errors[0].path.as_deref(), Some("scopes"));
    }
}

#[tokio::test]
async fn unknown_scopes_are_checked_at_plan_time() {
    let mut h = Harness::start().await;
    let unknown = h.config([("scopes", Value::set([Value::Unknown]))]);
    assert_no_errors(&h.validate(&unknown).await);

    let known_bad = h.config([("scopes", strings(["search:confluence"]))]);
    let plan = h.plan(&Value::Null, &known_bad).await;
    let errors = errors(&plan.diags);
    assert_eq!(errors.len(), 1, "{:#?}", plan.diags);
    assert_eq!(errors[0].path.as_deref(), Some("scopes"));
}

#[tokio::test]
async fn client_id_must_not_be_blank_or_look_like_a_secret() {
    let mut h = Harness::start().await;
    // The value itself is not repeated in the message: it may be a secret.
    for client_id in ["  ", "ATOAabc123"] {
        let config = h.config([("client_id", Value::string(client_id))]);
        let diags = h.validate(&config).await;
        let errors = errors(&diags);
        assert_eq!(errors.len(), 1, "{client_id:?}: {diags:#?}");
        assert_eq!(errors[0].path.as_deref(), Some("client_id"));
        assert!(!errors[0].detail.contains("ATOAabc123"));
    }
}

#[tokio::test]
async fn exactly_one_client_secret_is_required() {
    let mut h = Harness::start().await;
    let both = h.config([("client_secret_wo", Value::string(SECRET_TWO))]);
    let diags = h.validate(&both).await;
    let both_errors = errors(&diags);
    assert_eq!(both_errors.len(), 1, "{diags:#?}");
    assert_eq!(both_errors[0].path.as_deref(), Some("client_secret_wo"));

    let neither = h.config([("client_secret", Value::Null)]);
    let diags = h.validate(&neither).await;
    let neither_errors = errors(&diags);
    assert_eq!(neither_errors.len(), 1, "{diags:#?}");
    assert_eq!(neither_errors[0].path.as_deref(), Some("client_secret"));
}

#[tokio::test]
async fn nothing_is_ever_replaced() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    let config = h.config([
        ("name", Value::string("Other")),
        (
            "client_id",
            Value::string("AnotherClientId0000000000000000AB"),
        ),
        ("client_secret", Value::string(SECRET_TWO)),
        ("scopes", strings(["read:page:confluence"])),
        ("enabled", Value::Bool(false)),
    ]);
    let plan = h.plan(&state, &config).await;
    assert_no_errors(&plan.diags);
    assert!(
        plan.requires_replace.is_empty(),
        "{:?}",
        plan.requires_replace
    );
    assert_eq!(plan.planned.attr("id"), state.attr("id"));
}

const CATALOG: &str = "/app-integrations/resources/frontegg-integrations/v1";

#[tokio::test]
async fn a_plan_of_an_unchanged_integration_reads_its_own_catalog_entry_once() {
    let (mut h, config, state) = created(|h| h.config([])).await;
    // `terraform plan`: a new provider process refreshes, then plans.
    h.new_run().await;
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    h.emulator.clear_requests();
    let plan = h.plan(&read.state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(plan.planned, read.state);
    let catalog_id = state.attr("frontegg_integration_id").as_str().unwrap();
    assert_eq!(
        h.calls(),
        [format!("GET {CATALOG}/{catalog_id}")],
        "one request, for its own catalog entry by the id in its state"
    );
    // A second plan in the same process reads the catalog no more.
    h.emulator.clear_requests();
    let again = h.plan(&read.state, &config).await;
    assert_no_errors(&again.diags);
    assert!(h.calls().is_empty(), "{:?}", h.calls());
}

#[tokio::test]
async fn an_unreachable_catalog_plans_an_unchanged_configuration_with_a_warning() {
    let (mut h, config, state) = created(|h| h.config([])).await;
    h.emulator.inject_fault(Fault::respond(
        "GET",
        &format!("{CATALOG}*"),
        0,
        503,
        "down",
    ));
    h.new_run().await;
    let plan = h.plan(&state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(plan.planned, state, "the tools as they are");
    let warnings = warnings(&plan.diags);
    assert_eq!(warnings.len(), 1, "{:#?}", plan.diags);
    assert_eq!(
        warnings[0].summary,
        "Confluence tools not checked against Frontegg's catalog"
    );
    assert!(warnings[0].detail.contains("503"), "{:#?}", warnings[0]);

    // A change of what the catalog decides needs the catalog: one clear error.
    let narrowed = h.config([("scopes", read_only_scopes())]);
    let plan = h.plan(&state, &narrowed).await;
    let errors = errors(&plan.diags);
    assert_eq!(errors.len(), 1, "{:#?}", plan.diags);
    assert_eq!(
        errors[0].summary,
        "Cannot look up Confluence in Frontegg's catalog"
    );
    h.emulator.clear_faults();
}
