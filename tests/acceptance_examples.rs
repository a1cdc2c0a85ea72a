//! Acceptance: every resource and data source example under `examples/` applies against the
//! emulator with real Terraform, plans clean afterwards, and destroys. Runs only with `TF_ACC`.

mod common;

use std::path::{Path, PathBuf};

use common::{Mode, Scenario, Terraform};

const SECRET: &str = "atl-secret-examples-5d21c8";
const RESOURCE_EXAMPLES: &str = "examples/resources/frontegg_confluence_integration";
const DATA_SOURCE_EXAMPLE: &str =
    "examples/data-sources/frontegg_confluence_integration/data-source.tf";
const MCP_EXAMPLES: &str = "examples/resources/frontegg_mcp_integration";
const CATALOG_EXAMPLE: &str = "examples/data-sources/frontegg_integration_catalog/data-source.tf";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The resource examples (`resource*.tf`) in `dir`, sorted.
fn resource_examples(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .expect("examples dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("resource") && n.ends_with(".tf"))
        })
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Values for the examples' variables.
fn tfvars(example: &str) -> String {
    let mut vars = format!("atlassian_client_secret = \"{SECRET}\"\n");
    if example.contains("variable \"atlassian_client_id\"") {
        vars.push_str("atlassian_client_id = \"atl-client-examples\"\n");
    }
    for app in ["slack", "github"] {
        if example.contains(&format!("variable \"{app}_client_secret\"")) {
            vars.push_str(&format!("{app}_client_secret = \"{SECRET}\"\n"));
        }
        if example.contains(&format!("variable \"{app}_client_id\"")) {
            vars.push_str(&format!("{app}_client_id = \"{app}-client-examples\"\n"));
        }
    }
    vars
}

async fn examples(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET);
    let mut applied = 0;
    for path in resource_examples(RESOURCE_EXAMPLES) {
        let example = read(&path);
        // Ephemeral variables (here: the write-only secret) need Terraform 1.11.
        if example.contains("ephemeral = true") && !tf.supports_write_only() {
            continue;
        }
        s.write_main(&example);
        s.write_file("terraform.tfvars", &tfvars(&example));
        s.apply().await;
        assert_eq!(s.integrations().len(), 1, "{}", path.display());
        s.assert_state_matches_emulator().await;
        if example.contains("agent_ids") {
            assert_eq!(
                common::sorted_strings(&s.only_integration()["agentIds"]),
                ["docs-agent", "support-agent"]
            );
        }
        if path.ends_with("resource.tf") {
            // The data source example reads the integration the resource example made.
            let data_source = read(&root().join(DATA_SOURCE_EXAMPLE));
            s.write_main(&format!("{example}\n{data_source}"));
            s.apply().await;
            let outputs = s
                .terraform(&["output", "-json", "-no-color"])
                .await
                .expect_code(0)
                .stdout
                .clone();
            let outputs: serde_json::Value = serde_json::from_str(&outputs).expect("outputs");
            assert_eq!(
                common::sorted_strings(&outputs["confluence_tools"]["value"]),
                common::ALL_TOOLS
            );
        }
        s.destroy().await;
        assert!(s.integrations().is_empty(), "{}", path.display());
        applied += 1;
    }
    assert!(applied >= 4, "only {applied} examples ran");
    for path in resource_examples(MCP_EXAMPLES) {
        let example = read(&path);
        if example.contains("ephemeral = true") && !tf.supports_write_only() {
            continue;
        }
        s.write_main(&example);
        s.write_file("terraform.tfvars", &tfvars(&example));
        s.apply().await;
        let resources = example
            .matches("resource \"frontegg_mcp_integration\"")
            .count();
        assert_eq!(s.integrations().len(), resources, "{}", path.display());
        for integration in s.integrations() {
            assert_eq!(integration["useFronteggIntegration"], false);
            assert!(
                !common::remote_tools(&integration).is_empty(),
                "{}",
                path.display()
            );
        }
        s.destroy().await;
        assert!(s.integrations().is_empty(), "{}", path.display());
    }
    s.write_main(&read(&root().join(CATALOG_EXAMPLE)));
    s.remove_file("terraform.tfvars");
    s.apply().await;
    let outputs = s
        .terraform(&["output", "-json", "-no-color"])
        .await
        .expect_code(0)
        .stdout
        .clone();
    let outputs: serde_json::Value = serde_json::from_str(&outputs).expect("outputs");
    assert_eq!(outputs["apps"]["value"].as_array().map(Vec::len), Some(31));
    assert_eq!(
        common::sorted_strings(&outputs["slack_read_tools"]["value"]),
        ["channels:history", "channels:list", "users:list"]
    );
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_applies_plans_clean_and_destroys() {
    for_each_terraform!("every_example_applies_plans_clean_and_destroys", |tf| {
        examples(&tf).await
    });
}
