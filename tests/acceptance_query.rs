//! Acceptance: `terraform query` with the `frontegg_confluence_integration` list resource
//! (Terraform 1.14 and later): an empty environment lists nothing and succeeds; an
//! integration made elsewhere is listed with its identity; `-generate-config-out` writes
//! a resource and an import block — the configuration a user would write, compared with
//! the expected text — that, once a secret is added, apply once and then plan clean.
//! Terraform 1.13 and 1.0.3 have no `query` command and say so. Runs only with `TF_ACC`.

mod common;

use common::{ADDR, Mode, Scenario, Terraform};
use frontegg_emulator::fingerprint;
use serde_json::Value as Json;

const CLIENT_ID: &str = "atl-query-client-id";
const SECRET: &str = "atl-query-secret-6be013";
const LIST: &str = "list \"frontegg_confluence_integration\" \"all\" {\n  provider = frontegg\n}\n";
/// The versions with `terraform query`, and the newest without it and the oldest.
const VERSIONS: &[&str] = &["1.15.5", "1.14.9", "1.13.5", "1.0.3"];

/// `terraform query -json`: the `list_resource_found` messages.
async fn found(s: &mut Scenario) -> Vec<Json> {
    let run = s.terraform(&["query", "-json", "-no-color"]).await;
    run.expect_code(0);
    run.stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Json>(l).ok())
        .filter(|m| m["type"] == "list_resource_found")
        .collect()
}

/// What `terraform query -generate-config-out` writes for the integration `id` (1.14 and
/// 1.15 alike).
fn expected_generated(id: &str) -> String {
    format!(
        r#"# __generated__ by Terraform
# Please review these resources and move them into your main configuration files.

# __generated__ by Terraform
resource "frontegg_confluence_integration" "all_0" {{
  provider                 = frontegg
  client_id                = "{CLIENT_ID}"
  client_secret            = null # sensitive
  client_secret_wo         = null # sensitive
  client_secret_wo_version = null
  description              = null
  name                     = "Wiki"
}}

import {{
  to       = frontegg_confluence_integration.all_0
  provider = frontegg
  identity = {{
    id = "{id}"
  }}
}}


"#
    )
}

/// Creates the integration as the portal would: applied from a configuration that is
/// then forgotten. Returns its id.
async fn made_elsewhere(s: &mut Scenario) -> String {
    s.write_main(&format!(
        "resource \"frontegg_confluence_integration\" \"this\" {{\n  client_id     = \"{CLIENT_ID}\"\n  client_secret = \"{SECRET}\"\n  name          = \"Wiki\"\n}}\n"
    ));
    s.apply().await;
    let id = s.only_integration()["id"].as_str().expect("id").to_string();
    s.state_rm(ADDR).await;
    s.write_main("");
    id
}

async fn query(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET);
    s.write_main("");
    s.write_file("all.tfquery.hcl", LIST);

    // An empty environment: nothing found, success.
    assert_eq!(found(&mut s).await, Vec::<Json>::new());
    s.terraform(&["query", "-no-color"]).await.expect_code(0);

    // An integration made elsewhere is found, with its identity and display name.
    let id = made_elsewhere(&mut s).await;
    let results = found(&mut s).await;
    assert_eq!(results.len(), 1, "{results:#?}");
    let result = &results[0]["list_resource_found"];
    assert_eq!(
        result["address"],
        "list.frontegg_confluence_integration.all"
    );
    assert_eq!(result["display_name"], format!("Wiki ({id})"));
    assert_eq!(result["identity"]["id"], id.as_str());
    s.terraform(&["query", "-no-color"])
        .await
        .expect_code(0)
        .expect_output(&id);

    // -generate-config-out writes a resource block and an import block by identity.
    let run = s
        .terraform(&["query", "-no-color", "-generate-config-out=generated.tf"])
        .await;
    run.expect_code(0);
    let generated = std::fs::read_to_string(s.work_dir().join("generated.tf"))
        .unwrap_or_else(|_| panic!("no generated.tf:\n{}", run.output()));
    let generated_addr = "frontegg_confluence_integration.all_0";
    // The configuration a user would write: no computed-only attribute, no value equal to
    // its default (`scopes`, `enabled`), no `tools` the plan derives from `scopes`, no empty
    // `agent_ids`, and no secret (Terraform writes the optional attributes left null).
    assert_eq!(generated, expected_generated(&id), "generated.tf");

    // With the secret added it applies once (the import and one update that sends the
    // secret) and then plans clean (Scenario::apply checks both plans).
    let with_secret: String = generated
        .lines()
        .map(|line| match line.split_once('=') {
            Some((name, _)) if name.trim() == "client_secret" => {
                format!("{name}= \"{SECRET}\"\n")
            }
            _ => format!("{line}\n"),
        })
        .collect();
    s.write_file("generated.tf", &with_secret);
    s.remove_file("all.tfquery.hcl");
    let plan = s.plan_json().await;
    let change = plan["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|rc| rc["address"] == generated_addr)
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        change["change"]["importing"]["identity"]["id"],
        id.as_str(),
        "{change:#}"
    );
    s.apply().await;
    assert_eq!(s.state_values(generated_addr).await["id"], id.as_str());
    assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET)));
    assert_eq!(s.integrations().len(), 1);

    s.destroy().await;
    assert!(s.integrations().is_empty());
    s.finish().await;
}

/// Terraform before 1.14: its own message, nothing from the provider.
async fn no_query_command(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.write_main("");
    s.write_file("all.tfquery.hcl", LIST);
    let run = s.terraform(&["query", "-no-color"]).await;
    run.expect_code(1)
        .expect_message("Terraform has no command named \"query\"");
    // The .tfquery.hcl file does not disturb the other commands.
    s.plan_code(true).await.expect_code(0);
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_lists_the_integration_and_generates_configuration() {
    for tf in common::acc_terraforms_of("query", VERSIONS) {
        eprintln!("query: Terraform {}", tf.version);
        if tf.supports_query() {
            query(&tf).await;
        } else {
            no_query_command(&tf).await;
        }
    }
}
