//! Protocol tests of `frontegg_jira_integration`, the resource of one more catalog app that the
//! tests build (feature `test-vendor`): an `App` of a few lines gets the whole shared
//! integration resource — plan, create, read back, narrowing by `scopes`, import, moves from
//! `frontegg_mcp_integration`, and the checks of an Atlassian app — over gRPC against the
//! emulator, under Terraform's rules.

mod protocol_support;

use protocol_support::*;
use serde_json::json;
use tfvalue::Value;

const JIRA: &str = "frontegg_jira_integration";
const MCP: &str = "frontegg_mcp_integration";
const JIRA_TOOLS: [&str; 4] = ["issues:read", "issues:write", "projects:read", "users:read"];

#[tokio::test]
async fn the_test_vendor_enables_every_catalog_tool_and_plans_no_change_after_apply() {
    let mut h = Harness::start_with(JIRA).await;
    let config = h.config([]);
    let plan = h.plan(&Value::Null, &config).await;
    assert_no_errors(&plan.diags);
    assert_eq!(string_elements(plan.planned.attr("tools")), JIRA_TOOLS);
    assert_eq!(plan.planned.attr("name"), &Value::string("Jira"));

    let state = h.create(&config).await;
    assert_eq!(
        state.attr("frontegg_integration_id").as_str(),
        h.emulator.catalog_id(ENV, "jira").as_deref()
    );
    assert_eq!(
        string_elements(state.attr("requested_scopes")),
        ["read:jira-user", "read:jira-work", "write:jira-work"]
    );
    let posted = h.sent("POST");
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0]["name"], json!("Jira"));
    assert_eq!(posted[0]["tools"].as_array().map(Vec::len), Some(4));
    let plan = h.plan(&state, &config).await;
    assert_eq!(plan.planned, state, "the next plan is empty");
}

#[tokio::test]
async fn the_test_vendor_keeps_tools_inside_scopes_and_checks_its_client_id() {
    let mut h = Harness::start_with(JIRA).await;
    let state = h
        .create(&h.config([("scopes", strings(["read:jira-work"]))]))
        .await;
    assert_eq!(
        string_elements(state.attr("tools")),
        ["issues:read", "projects:read"]
    );

    let looks_like_a_secret = h.config([("client_id", Value::string("ATOAsecret"))]);
    let diags = h.validate(&looks_like_a_secret).await;
    let errors = errors(&diags);
    assert_eq!(errors.len(), 1, "{diags:#?}");
    assert_eq!(errors[0].path.as_deref(), Some("client_id"));
    assert_eq!(errors[0].summary, "Client id looks like a client secret");
}

#[tokio::test]
async fn the_test_vendor_imports_by_app_name_and_takes_a_state_moved_from_the_mcp_resource() {
    let mut h = Harness::start_with(MCP).await;
    let config = h.config([("app", Value::string("jira"))]);
    let mcp_state = h.create(&config).await;
    let (stored, version) = h.stored(&mcp_state);

    h.drive(JIRA);
    let moved = h.move_state(MCP, version, &stored).await;
    assert_no_errors(&moved.diags);
    assert_eq!(moved.state.attr("id"), mcp_state.attr("id"));
    assert!(moved.state.attr("scopes").is_null(), "no default grant");
    let plan = h.plan(&moved.state, &h.config([])).await;
    assert_no_errors(&plan.diags);
    assert_eq!(plan.planned, moved.state, "the move plans no change");

    let imported = h.import("jira").await;
    assert_no_errors(&imported.diags);
    assert_eq!(imported.states[0].attr("id"), mcp_state.attr("id"));
}
