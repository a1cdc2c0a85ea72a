//! Acceptance: the first plan after an import, as the resource page ("Existing integrations")
//! describes it. Frontegg holds an integration with fewer tools than the defaults allow.
//! Imported into a configuration that leaves `scopes` and `tools` out, the plan sends the
//! secret and also widens `scopes` to the 13 default scopes and `tools` to every catalog tool;
//! imported into a configuration that sets `scopes` and `tools` to what the import read, the
//! plan sends the secret and changes nothing else. A `frontegg_mcp_integration` imported with
//! `tools` left out gets every catalog tool. Runs only with `TF_ACC`.

mod common;

use common::{ADDR, Mode, Scenario, Terraform, hcl_list};
use serde_json::Value as Json;

const CLIENT_ID: &str = "atl-client-import-docs";
const SECRET: &str = "atl-secret-import-docs-0c41d7";

fn as_str(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn resource(extra: &str) -> String {
    format!(
        "resource \"frontegg_confluence_integration\" \"this\" {{\n  client_id     = \"{CLIENT_ID}\"\n  client_secret = \"{SECRET}\"\n{extra}}}\n"
    )
}

/// The attributes whose planned value differs from the prior state (unknown counts as
/// different).
fn changed_attributes(change: &Json) -> Vec<String> {
    let before = change["before"].as_object().cloned().unwrap_or_default();
    let after = change["after"].as_object().cloned().unwrap_or_default();
    let unknown = change["after_unknown"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut changed: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| {
            unknown.get(*k).is_some_and(|u| u == &Json::Bool(true))
                || before.get(*k).unwrap_or(&Json::Null) != after.get(*k).unwrap_or(&Json::Null)
        })
        .cloned()
        .collect();
    changed.sort();
    changed.dedup();
    changed
}

/// An integration made "in the portal" with a narrow grant: imported into state, then the
/// configuration of `extra` is planned. Returns the attributes the plan changes.
async fn first_plan_after_import(s: &mut Scenario, extra: &str) -> Vec<String> {
    // Two read scopes: fewer tools than the defaults allow.
    s.write_main(&resource(&format!(
        "  scopes = {}\n",
        hcl_list(&["read:page:confluence", "read:space:confluence"])
    )));
    s.apply().await;
    s.state_rm(ADDR).await;

    s.write_main(&resource(extra));
    s.terraform(&["import", "-input=false", "-no-color", ADDR, "confluence"])
        .await
        .expect_code(0);
    let plan = s.plan_json().await;
    let change = common::change_of(&plan, ADDR);
    assert_eq!(
        change["actions"],
        serde_json::json!(["update"]),
        "an in-place update"
    );
    changed_attributes(&change)
}

async fn import_docs(tf: &Terraform) {
    // The configuration leaves `scopes` and `tools` out: the defaults widen both.
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET);
    let changed = first_plan_after_import(&mut s, "").await;
    for attribute in ["client_secret", "scopes", "tools"] {
        assert!(
            changed.iter().any(|c| c == attribute),
            "Terraform {}: the first plan after the import changes `{attribute}`: {changed:?}",
            tf.version
        );
    }
    s.apply().await;
    assert_eq!(
        common::remote_tools(&s.only_integration()),
        common::ALL_TOOLS,
        "every catalog tool after the apply"
    );
    s.destroy().await;
    s.finish().await;

    // The configuration sets `scopes` and `tools` to what the import read (as `terraform
    // state show` lists them after the import): only the secret.
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET);
    first_plan_after_import(&mut s, "").await;
    let state = s.state_values(ADDR).await;
    let scopes = common::sorted_strings(&state["scopes"]);
    let tools = common::sorted_strings(&state["tools"]);
    assert!(
        !tools.is_empty() && tools.len() < common::ALL_TOOLS.len(),
        "{tools:?}"
    );
    s.write_main(&resource(&format!(
        "  scopes = {}\n  tools  = {}\n",
        hcl_list(&as_str(&scopes)),
        hcl_list(&as_str(&tools)),
    )));
    let change = common::change_of(&s.plan_json().await, ADDR);
    assert_eq!(
        changed_attributes(&change),
        ["client_secret"],
        "Terraform {}: with `scopes` and `tools` as imported, the plan only sends the secret",
        tf.version
    );
    s.apply().await;
    assert_eq!(common::remote_tools(&s.only_integration()), tools);
    s.destroy().await;
    s.finish().await;
}

/// `frontegg_mcp_integration` imported by the app's name with `tools` left out: the first
/// apply also enables every catalog tool the integration lacks.
async fn mcp_import_docs(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET);
    let id = s
        .emulator
        .seed_integration(common::ENV_ID, serde_json::json!({"provider": "slack"}))
        .expect("seed a Slack integration");
    let all = common::remote_tools(&s.only_integration());
    assert!(all.len() > 1, "{all:?}");
    assert!(s.emulator.patch_integration(
        common::ENV_ID,
        &id,
        serde_json::json!({"tools": [all[0].clone()]})
    ));
    s.write_main(&format!(
        "resource \"frontegg_mcp_integration\" \"slack\" {{\n  app           = \"slack\"\n  client_id     = \"slack-client-import-docs\"\n  client_secret = \"{SECRET}\"\n}}\n"
    ));
    s.terraform(&[
        "import",
        "-input=false",
        "-no-color",
        "frontegg_mcp_integration.slack",
        "slack",
    ])
    .await
    .expect_code(0);
    let change = common::change_of(&s.plan_json().await, "frontegg_mcp_integration.slack");
    let changed = changed_attributes(&change);
    for attribute in ["client_secret", "tools"] {
        assert!(
            changed.iter().any(|c| c == attribute),
            "Terraform {}: the first plan after the import changes `{attribute}`: {changed:?}",
            tf.version
        );
    }
    s.apply().await;
    assert_eq!(common::remote_tools(&s.only_integration()), all);
    s.destroy().await;
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mcp_integration_imported_without_tools_gets_every_catalog_tool() {
    for_each_terraform!(
        "an_mcp_integration_imported_without_tools_gets_every_catalog_tool",
        |tf| mcp_import_docs(&tf).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_plan_after_an_import_is_as_the_docs_say() {
    for_each_terraform!("the_first_plan_after_an_import_is_as_the_docs_say", |tf| {
        import_docs(&tf).await
    });
}
