//! Protocol tests of `frontegg_mcp_integration` (any catalog app) and of the
//! `frontegg_integration_catalog` data source, over gRPC against the emulator: default and
//! narrowed tools, tool errors, an unknown app, replacement on a new app, drift, import by
//! app name and by id, the 409 advice, and a state moved from the Confluence resource.

mod protocol_support;

use protocol_support::*;
use serde_json::json;
use tfvalue::Value;

const MCP: &str = "frontegg_mcp_integration";
const SLACK_TOOLS: [&str; 4] = [
    "channels:history",
    "channels:list",
    "chat:post_message",
    "users:list",
];

async fn mcp() -> Harness {
    Harness::start_with(MCP).await
}

fn app(name: &str) -> (&'static str, Value) {
    ("app", Value::string(name))
}

#[tokio::test]
async fn an_app_enables_every_catalog_tool_by_default_and_is_named_as_the_catalog_names_it() {
    let mut h = mcp().await;
    let config = h.config([app("slack")]);
    let plan = h.plan(&Value::Null, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(string_elements(plan.planned.attr("tools")), SLACK_TOOLS);
    assert_eq!(plan.planned.attr("name"), &Value::string("Slack"));

    let state = h.create(&config).await;
    assert_eq!(string_elements(state.attr("tools")), SLACK_TOOLS);
    assert_eq!(
        string_elements(state.attr("requested_scopes")),
        [
            "channels:history",
            "channels:read",
            "chat:write",
            "users:read"
        ]
    );
    assert_eq!(
        string_elements(&state.attr("tool_scopes").entries().unwrap()["chat:post_message"]),
        ["chat:write"]
    );
    assert_eq!(
        state.attr("frontegg_integration_id").as_str(),
        h.emulator.catalog_id(ENV, "slack").as_deref()
    );
    let posted = h.sent("POST");
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0]["useFronteggIntegration"], json!(false));
    assert_eq!(posted[0]["name"], json!("Slack"));
    assert!(posted[0].get("scopes").is_none());

    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    assert_eq!(read.state, state);
    let plan = h.plan(&state, &config).await;
    assert_eq!(plan.planned, state, "the next plan is empty");
}

#[tokio::test]
async fn scopes_narrow_the_default_tools_to_those_inside_them() {
    let mut h = mcp().await;
    let config = h.config([
        app("slack"),
        ("scopes", strings(["channels:read", "users:read"])),
    ]);
    let state = h.create(&config).await;
    assert_eq!(
        string_elements(state.attr("tools")),
        ["channels:list", "users:list"]
    );
    assert_eq!(
        string_elements(state.attr("requested_scopes")),
        ["channels:read", "users:read"]
    );
}

#[tokio::test]
async fn a_tool_outside_scopes_or_not_offered_is_a_plan_error_at_tools() {
    let mut h = mcp().await;
    let config = h.config([
        app("github"),
        ("scopes", strings(["read:org"])),
        ("tools", strings(["repos:read", "orgs:read", "pages:read"])),
    ]);
    let plan = h.plan(&Value::Null, &config).await;
    let errors = errors(&plan.diags);
    assert_eq!(errors.len(), 2, "{:#?}", plan.diags);
    assert!(errors.iter().all(|e| e.path.as_deref() == Some("tools")));
    assert!(errors[0].detail.contains("`pages:read` is not offered"));
    assert!(errors[1].detail.contains("`repos:read`"));
    assert!(errors[1].detail.contains("`repo`"));
    assert!(h.integrations().is_empty());
}

#[tokio::test]
async fn an_unknown_app_is_an_error_listing_the_catalogs_apps() {
    let mut h = mcp().await;
    let config = h.config([app("myspace")]);
    let plan = h.plan(&Value::Null, &config).await;
    let errors = errors(&plan.diags);
    assert_eq!(errors.len(), 1, "{:#?}", plan.diags);
    assert_eq!(errors[0].path.as_deref(), Some("app"));
    for listed in ["`slack`", "`github`", "`pagerduty`", "`confluence`"] {
        assert!(errors[0].detail.contains(listed), "{}", errors[0].detail);
    }
}

#[tokio::test]
async fn another_app_replaces_the_integration() {
    let mut h = mcp().await;
    let state = h.create(&h.config([app("slack")])).await;
    let plan = h.plan(&state, &h.config([app("jira")])).await;
    assert_no_errors(&plan.diags);
    assert_eq!(
        plan.requires_replace.len(),
        1,
        "{:?}",
        plan.requires_replace
    );
    assert!(plan.requires_replace[0].contains("app"));
}

#[tokio::test]
async fn a_tool_switched_off_in_the_portal_is_drift_that_apply_repairs() {
    let mut h = mcp().await;
    let config = h.config([app("jira")]);
    let state = h.create(&config).await;
    let id = state.attr("id").as_str().unwrap().to_string();
    assert!(
        h.emulator
            .patch_integration(ENV, &id, json!({"tools": ["issues:read"]}))
    );
    let read = h.read(&state).await;
    assert_eq!(string_elements(read.state.attr("tools")), ["issues:read"]);
    let plan = h.plan(&read.state, &config).await;
    let mut expected = state.clone();
    expected.set_attr("requested_scopes", Value::Unknown);
    expected.set_attr("tool_scopes", Value::Unknown);
    assert_eq!(plan.planned, expected, "the plan puts every tool back");
    let applied = h.apply(&read.state, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    assert_eq!(applied.state, state);
    assert_eq!(
        h.integrations()[0]["tools"].as_array().map(Vec::len),
        Some(4)
    );
}

#[tokio::test]
async fn import_by_the_apps_name_or_by_id_gives_the_state_without_secrets() {
    let mut h = mcp().await;
    let state = h.create(&h.config([app("github")])).await;
    let id = state.attr("id").as_str().unwrap().to_string();
    for import_id in ["github", id.as_str()] {
        let imported = h.import(import_id).await;
        assert_no_errors(&imported.diags);
        assert_eq!(imported.states.len(), 1);
        let mut expected = state.clone();
        expected.set_attr("client_secret", Value::Null);
        assert_eq!(imported.states[0], expected, "{import_id}");
        assert_eq!(
            imported.identities[0],
            Value::object([("id", Value::string(&id))])
        );
    }
    let imported = h.import("gitlab").await;
    assert_eq!(errors(&imported.diags).len(), 1, "{:#?}", imported.diags);
    assert!(
        errors(&imported.diags)[0]
            .summary
            .contains("No gitlab integration")
    );
}

#[tokio::test]
async fn a_second_integration_of_an_app_is_refused_with_the_import_commands() {
    let mut h = mcp().await;
    let state = h.create(&h.config([app("slack")])).await;
    // Another integration of the app, made elsewhere with other settings.
    let config = h.config([app("slack"), ("name", Value::string("Slack (support)"))]);
    let plan = h.plan(&Value::Null, &config).await;
    let applied = h.apply(&Value::Null, &plan.planned, &config).await;
    let errors = errors(&applied.diags);
    assert_eq!(errors.len(), 1, "{:#?}", applied.diags);
    let id = state.attr("id").as_str().unwrap();
    assert!(
        errors[0].detail.contains(&format!(
            "terraform import frontegg_mcp_integration.<name> {id}"
        )),
        "{}",
        errors[0].detail
    );
}

#[tokio::test]
async fn apps_side_by_side_each_keep_their_own_tools() {
    let mut h = mcp().await;
    let slack = h.create(&h.config([app("slack")])).await;
    let github = h.create(&h.config([app("github")])).await;
    h.drive(TYPE_NAME);
    let confluence = h.create(&h.config([])).await;
    assert_eq!(h.integrations().len(), 3);
    assert_eq!(string_elements(slack.attr("tools")), SLACK_TOOLS);
    assert_eq!(
        string_elements(github.attr("tools")),
        ["issues:write", "orgs:read", "repos:read", "user:read"]
    );
    assert_eq!(
        confluence.attr("tools").elements().map(<[_]>::len),
        Some(11)
    );
}

#[tokio::test]
async fn a_confluence_integration_moved_here_plans_no_change() {
    let mut h = mcp().await;
    h.drive(TYPE_NAME);
    let confluence_config = h.config([]);
    let confluence = h.create(&confluence_config).await;
    let (stored, _) = h.stored(&confluence);

    h.drive(MCP);
    let moved = h.move_state(TYPE_NAME, 1, &stored).await;
    assert_no_errors(&moved.diags);
    assert_eq!(moved.state.attr("app"), &Value::string("confluence"));
    assert_eq!(moved.state.attr("id"), confluence.attr("id"));
    // The grant moves as it is: the 13 scopes the Confluence resource defaulted to.
    assert_eq!(moved.state.attr("scopes"), confluence.attr("scopes"));
    assert_eq!(
        moved.identity,
        Value::object([("id", confluence.attr("id").clone())])
    );
    let read = h.read(&moved.state).await;
    assert_no_errors(&read.diags);
    let config = h.config([
        app("confluence"),
        ("scopes", confluence.attr("scopes").clone()),
    ]);
    let plan = h.plan(&read.state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(plan.planned, read.state, "the move plans no change");

    // A configuration that leaves `scopes` out asks for an unbounded grant: the plan says so.
    let unbounded = h.config([app("confluence")]);
    let plan = h.plan(&read.state, &unbounded).await;
    assert_no_errors(&plan.diags);
    assert_eq!(plan.planned.attr("scopes"), &Value::Null);
}

#[tokio::test]
async fn a_move_back_to_the_confluence_resource_keeps_every_tool() {
    let mut h = mcp().await;
    // One tool needs a scope beyond the 13 recommended ones, as Frontegg reports it.
    h.emulator.set_answer_scopes(
        "pages:read",
        Some(&["read:page:confluence", "read:content.metadata:confluence"]),
    );
    let state = h
        .create(&h.config([app("confluence"), ("scopes", Value::Null)]))
        .await;
    let tools = string_elements(state.attr("tools"));
    let (stored, _) = h.stored(&state);
    h.drive(TYPE_NAME);
    let moved = h.move_state(MCP, 0, &stored).await;
    assert_no_errors(&moved.diags);
    let granted = string_elements(moved.state.attr("scopes"));
    for scope in string_elements(state.attr("requested_scopes")) {
        assert!(granted.contains(&scope), "{scope} kept in {granted:?}");
    }
    let plan = h
        .plan(
            &moved.state,
            &h.config([("scopes", moved.state.attr("scopes").clone())]),
        )
        .await;
    assert_no_errors(&plan.diags);
    assert_eq!(
        string_elements(plan.planned.attr("tools")),
        tools,
        "no tool switched off"
    );
}

#[tokio::test]
async fn a_move_from_a_type_that_is_not_an_integration_is_refused() {
    let mut h = mcp().await;
    let moved = h
        .move_state("frontegg_something_else", 0, &json!({"id": "x"}))
        .await;
    assert_eq!(errors(&moved.diags).len(), 1, "{:#?}", moved.diags);
    assert_eq!(moved.state, Value::Null);
}

#[tokio::test]
async fn the_catalog_data_source_lists_every_app_with_its_tools() {
    let mut h = mcp().await;
    let (catalog, diags) = h.read_data_source_of("frontegg_integration_catalog").await;
    assert_no_errors(&diags);
    let apps = catalog.attr("apps").entries().expect("apps");
    assert_eq!(apps.len(), 31);
    let slack = &apps["slack"];
    assert_eq!(slack.attr("name"), &Value::string("Slack"));
    assert_eq!(
        slack.attr("id").as_str(),
        h.emulator.catalog_id(ENV, "slack").as_deref()
    );
    let tools = slack.attr("tools").elements().expect("tools");
    let identifiers: Vec<&str> = tools
        .iter()
        .map(|t| t.attr("identifier").as_str().unwrap())
        .collect();
    assert_eq!(identifiers, SLACK_TOOLS);
    assert_eq!(tools[2].attr("category"), &Value::string("Messages"));
    assert_eq!(tools[2].attr("scopes"), &strings(["chat:write"]));
}

#[tokio::test]
async fn planned_while_the_provider_settings_are_unknown_the_name_is_the_catalogs() {
    let mut h = Harness::unconfigured_with(MCP).await;
    let unknown = h.provider_config([("secret", Value::Unknown)]);
    assert_no_errors(&h.configure(&unknown).await);
    let config = h.config([app("slack")]);
    let plan = h.plan(&Value::Null, &config).await;
    assert_no_errors(&plan.diags);
    assert!(plan.planned.attr("name").is_unknown(), "named at apply");

    // At apply Terraform configures the provider with the values now known.
    let known = h.provider_config([]);
    assert_no_errors(&h.configure(&known).await);
    let applied = h.apply(&Value::Null, &plan.planned, &config).await;
    assert_no_errors(&applied.diags);
    assert_eq!(applied.state.attr("name"), &Value::string("Slack"));
    assert_eq!(h.sent("POST")[0]["name"], json!("Slack"));
    let plan = h.plan(&applied.state, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(plan.planned, applied.state, "no rename afterwards");
}

#[tokio::test]
async fn empty_confluence_scopes_advise_what_an_unset_attribute_means_here() {
    let mut h = mcp().await;
    let config = h.config([app("confluence"), ("scopes", strings([]))]);
    let diags = h.validate(&config).await;
    let errors = errors(&diags);
    assert_eq!(errors.len(), 1, "{diags:#?}");
    assert_eq!(errors[0].summary, "No Confluence scopes");
    assert!(
        !errors[0].detail.contains("13 recommended"),
        "{:#?}",
        errors[0]
    );
    assert!(errors[0].detail.contains("unbounded"), "{:#?}", errors[0]);
}
