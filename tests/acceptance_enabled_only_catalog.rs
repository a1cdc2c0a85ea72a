//! Acceptance: tools converge with real Terraform when Frontegg's catalog records carry only
//! `enabled` (the shape of Frontegg's own published example, no scopes, names or categories),
//! under a read-only grant. The provider judges tools by the scopes Frontegg reported for them
//! (remembered in private state, also once a tool is switched off): drift of tools in both
//! directions is repaired, a tool added to the catalog is planned and one retired from it is
//! removed, and no tool known to need more than the grant is ever left enabled. Runs only with
//! `TF_ACC`.

mod common;

use common::{ADDR, DEFAULT_SCOPES, Mode, Scenario, Terraform, hcl_list, remote_tools};
use frontegg_emulator::{ENABLED_ONLY_TOOL_RECORDS, NewCatalogTool, Retirement};
use serde_json::{Value as Json, json};

const SECRET: &str = "atl-secret-enabled-only-4be1c2";

const READ_ONLY_TOOLS: [&str; 7] = [
    "groups:read",
    "labels:read",
    "pages:read",
    "pages:tree",
    "settings:read",
    "spaces:read",
    "users:read",
];

fn read_only_scopes() -> Vec<&'static str> {
    DEFAULT_SCOPES
        .iter()
        .copied()
        .filter(|s| s.starts_with("read:"))
        .collect()
}

fn config() -> String {
    format!(
        "resource \"frontegg_confluence_integration\" \"this\" {{\n  client_id     = \"atl-enabled-only\"\n  client_secret = \"{SECRET}\"\n  scopes        = {}\n}}\n",
        hcl_list(&read_only_scopes())
    )
}

fn sorted(items: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    out.sort();
    out
}

/// No tool Frontegg holds needs a scope outside the grant (by the scopes it reports).
fn assert_inside_grant(s: &Scenario, step: &str) {
    let granted = read_only_scopes();
    let held = s.only_integration();
    for tool in held["tools"].as_array().into_iter().flatten() {
        for scope in tool["scopes"].as_array().into_iter().flatten() {
            let scope = scope.as_str().unwrap_or_default();
            assert!(
                granted.contains(&scope),
                "Terraform {} ({step}): tool {} needs {scope}, outside the grant; held: {held:#}",
                s.tf.version,
                tool["identifier"]
            );
        }
    }
}

/// `terraform plan` shows a change; apply; both plans are then empty.
async fn repaired(s: &mut Scenario, step: &str) {
    let run = s.plan_code(true).await;
    assert_eq!(
        run.code,
        2,
        "Terraform {} ({step}): the plan must show a change:\n{}",
        s.tf.version,
        run.output()
    );
    s.apply().await;
    s.assert_empty_plans().await;
    assert_inside_grant(s, step);
}

async fn converge(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET);
    s.emulator.omit_fields(&ENABLED_ONLY_TOOL_RECORDS);

    // Create: the catalog says nothing of scopes; apply enables the tools not known to need
    // more, and switches off again those that Frontegg's answer shows to need more.
    s.write_main(&config());
    s.apply().await;
    assert_eq!(
        remote_tools(&s.only_integration()),
        sorted(&READ_ONLY_TOOLS)
    );
    s.assert_empty_plans().await;
    assert_inside_grant(&s, "create");
    let id = s.only_integration()["id"].as_str().expect("id").to_string();

    // Drift both ways in the portal: a read tool off, a delete tool on.
    let mut drifted: Vec<&str> = READ_ONLY_TOOLS
        .iter()
        .copied()
        .filter(|t| *t != "pages:read")
        .collect();
    drifted.push("pages:delete");
    assert!(
        s.emulator
            .patch_integration(common::ENV_ID, &id, json!({ "tools": drifted }))
    );
    repaired(&mut s, "drift").await;
    assert_eq!(
        remote_tools(&s.only_integration()),
        sorted(&READ_ONLY_TOOLS)
    );

    // A tool added to the catalog that the grant allows is planned on.
    s.emulator
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
        .expect("tool added");
    repaired(&mut s, "catalog addition").await;
    let mut with_export: Vec<&str> = READ_ONLY_TOOLS.to_vec();
    with_export.push("pages:export");
    assert_eq!(remote_tools(&s.only_integration()), sorted(&with_export));

    // A tool added to the catalog that needs more than the grant stays off.
    s.emulator
        .add_catalog_tool(
            "confluence",
            NewCatalogTool {
                identifier: "pages:purge".into(),
                name: Some("Purge pages".into()),
                category: Some("Pages".into()),
                scopes: vec!["delete:page:confluence".into()],
                scopes_in_record: false,
            },
        )
        .expect("tool added");
    // Never seen with its scopes: the plan leaves the tools to apply, which settles them.
    s.apply().await;
    s.assert_empty_plans().await;
    assert_inside_grant(&s, "catalog addition beyond the grant");
    assert_eq!(remote_tools(&s.only_integration()), sorted(&with_export));

    // A tool retired from the catalog is removed.
    assert!(
        s.emulator
            .retire_catalog_tool("confluence", "labels:read", Retirement::Removed)
    );
    repaired(&mut s, "catalog retirement").await;
    let held: Vec<String> = remote_tools(&s.only_integration());
    assert!(!held.contains(&"labels:read".to_string()), "{held:?}");

    let state = s.state_values(ADDR).await;
    let requested: Vec<&str> = state["requested_scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .collect();
    assert!(
        requested.iter().all(|r| read_only_scopes().contains(r)),
        "{requested:?}"
    );
    s.destroy().await;
    assert!(s.integrations().is_empty());
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_converge_when_catalog_records_carry_only_enabled() {
    for_each_terraform!(
        "tools_converge_when_catalog_records_carry_only_enabled",
        |tf| { converge(&tf).await }
    );
}
