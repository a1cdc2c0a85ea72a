//! Import of `frontegg_confluence_integration` (by id, by `confluence`, by identity) and the
//! `frontegg_confluence_integration` data source, over the plugin protocol.

mod protocol_support;

use protocol_support::*;
use serde_json::json;
use tfvalue::Value;

/// Creates an integration out of band, as the portal would.
async fn with_portal_integration() -> (Harness, String) {
    let mut h = Harness::start().await;
    let state = h.create(&h.config([])).await;
    let id = state.attr("id").as_str().unwrap().to_string();
    h.emulator.clear_requests();
    (h, id)
}

#[track_caller]
fn assert_imported(imported: &Imported, id: &str) -> Value {
    assert_no_errors(&imported.diags);
    assert_eq!(imported.states.len(), 1, "exactly one imported resource");
    let state = imported.states[0].clone();
    assert_eq!(state.attr("id"), &Value::string(id));
    assert!(
        state.attr("client_secret").is_null(),
        "the secret is unknown after import"
    );
    assert!(state.attr("client_secret_wo").is_null());
    assert_eq!(
        imported.identities[0],
        Value::object([("id", Value::string(id))])
    );
    state
}

#[tokio::test]
async fn import_by_id_then_read_fills_the_state() {
    let (mut h, id) = with_portal_integration().await;
    let imported = h.import(&id).await;
    let state = assert_imported(&imported, &id);
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    assert_eq!(read.state.attr("name"), &Value::string("Confluence"));
    assert_eq!(
        read.state.attr("client_id"),
        &Value::string(ATLASSIAN_CLIENT_ID)
    );
    assert_eq!(
        read.state.attr("scopes").elements().map(<[_]>::len),
        Some(13),
        "the scopes the enabled tools need"
    );
    assert_eq!(
        read.state.attr("tools").elements().map(<[_]>::len),
        Some(11)
    );
    assert_eq!(read.state.attr("enabled"), &Value::Bool(true));
    assert!(read.state.attr("client_secret_wo").is_null());
    assert_eq!(read.identity, Value::object([("id", Value::string(&id))]));
}

#[tokio::test]
async fn first_plan_after_import_sends_the_configured_secret_once() {
    let (mut h, id) = with_portal_integration().await;
    let imported = h.import(&id).await;
    let state = h.read(&assert_imported(&imported, &id)).await.state;

    let config = h.config([("client_secret", Value::string(SECRET_TWO))]);
    let plan = h.plan(&state, &config).await;
    assert_no_errors(&plan.diags);
    assert_ne!(plan.planned, state, "one update sends the secret");
    let applied = h.apply(&state, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    assert_eq!(
        h.emulator.secret_fingerprint_of(ENV, &id),
        Some(frontegg_emulator::fingerprint(SECRET_TWO))
    );
    let plan = h.plan(&applied.state, &config).await;
    assert_eq!(plan.planned, applied.state, "then the plan is empty");
}

#[tokio::test]
async fn importing_an_integration_on_the_shared_app_plans_and_applies_the_switch_to_own_credentials()
 {
    let mut h = Harness::start().await;
    let id = h
        .emulator
        .seed_integration(ENV, json!({"provider": "confluence"}))
        .expect("seeded");
    assert_eq!(h.integrations()[0]["useFronteggIntegration"], true);
    let imported = h.import("confluence").await;
    let read = h.read(&assert_imported(&imported, &id)).await;
    assert_no_errors(&read.diags);
    assert!(read.state.attr("client_id").is_null());
    assert!(
        warnings(&read.diags)
            .iter()
            .any(|d| d.summary == "Confluence integration not on your OAuth app"),
        "{:#?}",
        read.diags
    );

    let config = h.config([]);
    let plan = h.plan(&read.state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(
        plan.planned.attr("client_id"),
        &Value::string(ATLASSIAN_CLIENT_ID)
    );
    let applied = h.apply(&read.state, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    let held = &h.integrations()[0];
    assert_eq!(held["useFronteggIntegration"], false);
    assert_eq!(held["oauthConfigurations"]["clientId"], ATLASSIAN_CLIENT_ID);
    assert_eq!(
        h.emulator.secret_fingerprint_of(ENV, &id),
        Some(frontegg_emulator::fingerprint(SECRET_ONE))
    );
    let read = h.read(&applied.state).await;
    assert_no_errors(&read.diags);
    let plan = h.plan(&read.state, &config).await;
    assert_eq!(plan.planned, applied.state, "then the plan is empty");
}

#[tokio::test]
async fn import_by_the_word_confluence_finds_the_environments_integration() {
    let (mut h, id) = with_portal_integration().await;
    let imported = h.import("confluence").await;
    assert_imported(&imported, &id);
}

#[tokio::test]
async fn import_by_identity() {
    let (mut h, id) = with_portal_integration().await;
    let imported = h.import_by_identity(&id).await;
    assert_imported(&imported, &id);
}

#[tokio::test]
async fn import_by_confluence_fails_clearly_when_there_is_none() {
    let mut h = Harness::start().await;
    let imported = h.import("confluence").await;
    let errors = errors(&imported.diags);
    assert_eq!(errors.len(), 1, "{:#?}", imported.diags);
    assert!(errors[0].summary.contains("No Confluence integration"));
}

#[tokio::test]
async fn import_of_an_unknown_id_or_a_bad_id_fails_clearly() {
    let (mut h, _) = with_portal_integration().await;
    let missing = h.import("00000000-0000-4000-8000-000000000000").await;
    assert_eq!(errors(&missing.diags).len(), 1, "{:#?}", missing.diags);
    let bad = h.import("not-an-id").await;
    let errors = errors(&bad.diags);
    assert_eq!(errors.len(), 1, "{:#?}", bad.diags);
    assert!(errors[0].detail.contains("confluence"));
}

#[tokio::test]
async fn data_source_reads_the_environments_integration_without_a_secret() {
    let (mut h, id) = with_portal_integration().await;
    assert!(h.emulator.patch_integration(
        ENV,
        &id,
        json!({"name": "Wiki", "tools": ["pages:read", "spaces:read"], "agentIds": ["agent-7"]})
    ));
    let (state, diags) = h.read_data_source().await;
    assert_no_errors(&diags);
    assert_eq!(state.attr("id"), &Value::string(&id));
    assert_eq!(state.attr("name"), &Value::string("Wiki"));
    assert_eq!(state.attr("client_id"), &Value::string(ATLASSIAN_CLIENT_ID));
    assert_eq!(state.attr("enabled"), &Value::Bool(true));
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
    assert_eq!(
        string_elements(&state.attr("tool_scopes").entries().unwrap()["pages:read"]),
        ["read:page:confluence"]
    );
    assert_eq!(string_elements(state.attr("agent_ids")), ["agent-7"]);
    assert_eq!(
        state
            .attr("frontegg_integration_id")
            .as_str()
            .map(str::to_string),
        h.emulator.catalog_id(ENV, "confluence")
    );
    assert!(state.attr("client_secret").is_null());
}

#[tokio::test]
async fn data_source_fails_clearly_when_there_is_no_integration() {
    let mut h = Harness::start().await;
    let (_, diags) = h.read_data_source().await;
    let errors = errors(&diags);
    assert_eq!(errors.len(), 1, "{diags:#?}");
    assert!(errors[0].summary.contains("No Confluence integration"));
}
