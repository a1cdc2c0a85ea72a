//! Acceptance: `frontegg_mcp_integration` with real Terraform — Slack, GitHub and Jira side by
//! side with the Confluence integration in one environment, tools narrowed by `scopes`, by a
//! `for` expression over `frontegg_integration_catalog` and by a list, drift repaired, import
//! by the app's name, destroy; and (Terraform 1.8+) a `moved` block from
//! `frontegg_confluence_integration` that plans nothing. Runs only with `TF_ACC`.

mod common;

use common::{Mode, Scenario, Terraform, sorted_strings};
use serde_json::{Value as Json, json};

const ATLASSIAN_SECRET: &str = "atl-secret-mcp-acc-7a31";
const SLACK_SECRET: &str = "slack-secret-mcp-acc-1c9e";
const GITHUB_SECRET: &str = "github-secret-mcp-acc-52d0";

fn config() -> String {
    format!(
        r#"
data "frontegg_integration_catalog" "this" {{}}

resource "frontegg_confluence_integration" "this" {{
  client_id     = "atl-client-mcp"
  client_secret = "{ATLASSIAN_SECRET}"
}}

resource "frontegg_mcp_integration" "slack" {{
  app           = "slack"
  client_id     = "slack-client"
  client_secret = "{SLACK_SECRET}"
  scopes        = ["channels:read", "users:read"]
}}

resource "frontegg_mcp_integration" "github" {{
  app           = "github"
  client_id     = "github-client"
  client_secret = "{GITHUB_SECRET}"
  tools = [
    for t in data.frontegg_integration_catalog.this.apps["github"].tools : t.identifier
    if !contains(t.scopes, "repo")
  ]
}}

resource "frontegg_mcp_integration" "jira" {{
  app           = "jira"
  client_id     = "jira-client"
  client_secret = "{ATLASSIAN_SECRET}"
  tools         = ["issues:read", "projects:read"]
}}
"#
    )
}

/// The emulator's integration of catalog app `app`.
fn integration_of(s: &Scenario, app: &str) -> Json {
    let catalog_id = s.emulator.catalog_id(common::ENV_ID, app).expect("app");
    s.integrations()
        .into_iter()
        .find(|i| i["fronteggIntegrationId"] == json!(catalog_id))
        .unwrap_or_else(|| panic!("no {app} integration"))
}

async fn side_by_side(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    for secret in [ATLASSIAN_SECRET, SLACK_SECRET, GITHUB_SECRET] {
        s.secret(secret);
    }
    s.write_main(&config());
    s.apply().await;
    assert_eq!(s.integrations().len(), 4);
    assert_eq!(
        common::remote_tools(&integration_of(&s, "slack")),
        ["channels:list", "users:list"]
    );
    assert_eq!(
        common::remote_tools(&integration_of(&s, "github")),
        ["orgs:read", "user:read"]
    );
    assert_eq!(
        common::remote_tools(&integration_of(&s, "jira")),
        ["issues:read", "projects:read"]
    );
    assert_eq!(
        common::remote_tools(&integration_of(&s, "confluence")),
        common::ALL_TOOLS
    );
    for app in ["slack", "github", "jira"] {
        assert_eq!(integration_of(&s, app)["useFronteggIntegration"], false);
    }
    let slack = s.state_values("frontegg_mcp_integration.slack").await;
    assert_eq!(slack["name"], "Slack");
    assert_eq!(
        sorted_strings(&slack["requested_scopes"]),
        ["channels:read", "users:read"]
    );

    // Drift: a tool switched off in the portal comes back with the next apply.
    let slack_id = integration_of(&s, "slack")["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert!(s.emulator.patch_integration(
        common::ENV_ID,
        &slack_id,
        json!({"tools": ["users:list"]})
    ));
    assert_eq!(s.plan_code(true).await.code, 2, "drift shows in the plan");
    s.apply().await;
    assert_eq!(
        common::remote_tools(&integration_of(&s, "slack")),
        ["channels:list", "users:list"]
    );

    // Import by the app's name adopts the same integration.
    let jira_id = integration_of(&s, "jira")["id"].clone();
    s.state_rm("frontegg_mcp_integration.jira").await;
    s.terraform(&[
        "import",
        "-input=false",
        "-no-color",
        "frontegg_mcp_integration.jira",
        "jira",
    ])
    .await
    .expect_code(0);
    let imported = s.state_values("frontegg_mcp_integration.jira").await;
    assert_eq!(imported["id"], jira_id);
    assert_eq!(imported["app"], "jira");
    s.apply().await;
    assert_eq!(integration_of(&s, "jira")["id"], jira_id);
    assert_eq!(s.integrations().len(), 4);

    s.destroy().await;
    assert!(s.integrations().is_empty());
    s.finish().await;
}

async fn moved_between_the_confluence_resources(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(ATLASSIAN_SECRET);
    s.write_main(&format!(
        r#"
resource "frontegg_confluence_integration" "this" {{
  client_id     = "atl-client-mcp"
  client_secret = "{ATLASSIAN_SECRET}"
}}
"#
    ));
    s.apply().await;
    let id = s.only_integration()["id"].clone();
    s.write_main(&format!(
        r#"
moved {{
  from = frontegg_confluence_integration.this
  to   = frontegg_mcp_integration.confluence
}}

resource "frontegg_mcp_integration" "confluence" {{
  app           = "confluence"
  client_id     = "atl-client-mcp"
  client_secret = "{ATLASSIAN_SECRET}"
  scopes        = [
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
  ]
}}
"#
    ));
    let plan = s.plan_json().await;
    assert_eq!(
        common::actions_of(&plan, "frontegg_mcp_integration.confluence"),
        ["no-op"],
        "{plan:#}"
    );
    assert_eq!(
        common::change_of(&plan, "frontegg_mcp_integration.confluence")["before"],
        common::change_of(&plan, "frontegg_mcp_integration.confluence")["after"]
    );
    s.apply().await;
    let moved = s.state_values("frontegg_mcp_integration.confluence").await;
    assert_eq!(moved["id"], id);
    assert_eq!(s.only_integration()["id"], id);
    s.destroy().await;
    assert!(s.integrations().is_empty());
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apps_side_by_side_narrowed_drift_repaired_imported_by_name_and_destroyed() {
    for_each_terraform!(
        "apps_side_by_side_narrowed_drift_repaired_imported_by_name_and_destroyed",
        |tf| side_by_side(&tf).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moved_block_between_the_confluence_resources_plans_nothing() {
    for_each_terraform!(
        "a_moved_block_between_the_confluence_resources_plans_nothing",
        |tf| {
            // Moves across resource types need Terraform 1.8.
            if tf.at_least(1, 8) {
                moved_between_the_confluence_resources(&tf).await
            } else {
                eprintln!("Terraform {}: no moves across resource types", tf.version);
            }
        }
    );
}
