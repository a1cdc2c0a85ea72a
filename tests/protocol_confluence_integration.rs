//! `frontegg_confluence_integration` over the plugin protocol against the emulator: plans
//! of create and of each kind of update, apply, drift, validation diagnostics, write-only.

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

#[tokio::test]
async fn plan_create_fills_the_defaults_and_leaves_the_ids_unknown() {
    let mut h = Harness::start().await;
    let config = h.config([]);
    let plan = h.plan(&Value::Null, &config).await;
    assert_no_errors(&plan.diags);
    let planned = &plan.planned;
    assert_eq!(planned.attr("name"), &Value::string("Confluence"));
    assert_eq!(string_elements(planned.attr("scopes")), RECOMMENDED);
    assert_eq!(planned.attr("enabled"), &Value::Bool(true));
    assert!(planned.attr("id").is_unknown());
    assert!(planned.attr("frontegg_integration_id").is_unknown());
    assert_eq!(planned.attr("client_secret"), &Value::string(SECRET_ONE));
    assert!(h.emulator.requests().is_empty(), "planning calls no API");
}

#[tokio::test]
async fn create_posts_the_integration_and_the_next_plan_is_empty() {
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
    assert_eq!(
        h.emulator
            .secret_fingerprint_of(ENV, state.attr("id").as_str().unwrap()),
        Some(fingerprint(SECRET_ONE))
    );
    let posted = h.sent("POST");
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0]["name"], "Confluence");
    assert_eq!(posted[0]["isActive"], true);
    assert_eq!(posted[0]["scopes"].as_array().map(Vec::len), Some(13));

    let plan = h.plan(&state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(plan.planned, state, "no changes after create");
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    assert_eq!(read.state, state, "read after create shows no drift");
}

#[tokio::test]
async fn adding_a_scope_is_an_in_place_update_that_patches_only_scopes() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    let config = h.config([("scopes", recommended_plus("read:blogpost:confluence"))]);
    let plan = h.plan(&state, &config).await;
    assert_no_errors(&plan.diags);
    assert!(plan.requires_replace.is_empty());
    assert_eq!(plan.planned.attr("id"), state.attr("id"), "id stays known");
    assert_eq!(
        plan.planned.attr("frontegg_integration_id"),
        state.attr("frontegg_integration_id")
    );
    assert!(
        string_elements(plan.planned.attr("scopes")).contains(&"read:blogpost:confluence".into())
    );

    let applied = h.apply(&state, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    assert_eq!(applied.state, plan.planned);
    let patches = h.sent("PATCH");
    assert_eq!(patches.len(), 1);
    assert_eq!(
        patches[0]
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["scopes".to_string()])
    );
    assert_eq!(patches[0]["scopes"].as_array().map(Vec::len), Some(14));
}

#[tokio::test]
async fn removing_a_scope_and_then_the_attribute_reverts_to_the_default() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    let fewer = h.config([(
        "scopes",
        strings(["read:page:confluence", "offline_access"]),
    )]);
    let state = h.apply_config(&state, &fewer).await;
    assert_eq!(
        string_elements(state.attr("scopes")),
        ["offline_access", "read:page:confluence"]
    );

    let default = h.config([]);
    let plan = h.plan(&state, &default).await;
    assert_no_errors(&plan.diags);
    assert_eq!(string_elements(plan.planned.attr("scopes")), RECOMMENDED);
    let applied = h.apply(&state, &plan.planned, &default).await;
    assert_no_errors(&applied.diags);
    assert_eq!(
        h.integrations()[0]["scopes"].as_array().map(Vec::len),
        Some(13)
    );
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
        patches[0]["oauthConfigurations"],
        json!({"clientId": "AnotherClientId0000000000000000AB", "clientSecret": fingerprint(SECRET_ONE)})
    );
    assert!(patches[0].get("scopes").is_none());
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
async fn scope_changed_out_of_band_shows_in_read_and_plan_restores_it() {
    let (mut h, config, state) = created(|h| h.config([])).await;
    let id = state.attr("id").as_str().unwrap().to_string();
    assert!(h.emulator.patch_integration(
        ENV,
        &id,
        json!({"scopes": ["read:page:confluence"], "isActive": false})
    ));
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    assert_eq!(
        string_elements(read.state.attr("scopes")),
        ["read:page:confluence"]
    );
    assert_eq!(read.state.attr("enabled"), &Value::Bool(false));
    assert_eq!(
        read.state.attr("client_secret"),
        state.attr("client_secret")
    );

    let plan = h.plan(&read.state, &config).await;
    assert_eq!(plan.planned, state, "the plan puts back the configuration");
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

#[tokio::test]
async fn second_integration_conflicts_with_import_instructions() {
    let (mut h, config, state) = created(|h| h.config([])).await;
    let id = state.attr("id").as_str().unwrap();
    let plan = h.plan(&Value::Null, &config).await;
    let applied = h.apply(&Value::Null, &plan.planned, &config).await;
    assert!(applied.state.is_null());
    let errors = errors(&applied.diags);
    assert_eq!(errors.len(), 1, "{:#?}", applied.diags);
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
async fn failed_update_returns_what_frontegg_holds() {
    let (mut h, _, state) = created(|h| h.config([])).await;
    h.emulator.inject_fault(Fault::respond(
        "PATCH",
        "/app-integrations/resources/vendors-integrations/v1/*",
        10,
        400,
        r#"{"errors":["scopes rejected"]}"#,
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
        errors[0].detail.contains("scopes rejected"),
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
