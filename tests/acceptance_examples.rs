//! Acceptance: every folder under `examples/` runs where it stands. Each folder's files are
//! copied as they are (with its `terraform.tf`, nothing added) into a working directory, its
//! declared variables get values, and real Terraform applies it against the emulator, plans
//! clean afterwards (a plan without and with refresh), and destroys it. Folders that adopt
//! an integration (an `import` block, the Confluence data source) find one made "in the
//! portal" first; the `moved` folder finds the integration it moves in the state. A folder
//! that needs a newer Terraform than the one running is skipped for that version only.
//! Every file under `examples/` must belong to a folder this test runs. Runs only with
//! `TF_ACC`.

mod common;

use std::path::{Path, PathBuf};

use common::{Mode, Scenario, Terraform};
use frontegg_emulator::{AtlassianAppConfig, EmulatorConfig};
use serde_json::json;

const SECRET: &str = "atl-secret-examples-5d21c8";
const AGENTS: [&str; 2] = ["docs-agent", "support-agent"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every folder under `examples/` that holds files, relative to the project, sorted.
fn example_folders() -> Vec<String> {
    let root = root();
    let mut folders = Vec::new();
    let mut pending = vec![root.join("examples")];
    while let Some(dir) = pending.pop() {
        let mut has_files = false;
        for entry in std::fs::read_dir(&dir).expect("examples dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                has_files = true;
            }
        }
        if has_files {
            let relative = dir.strip_prefix(&root).expect("under root");
            folders.push(relative.display().to_string());
        }
    }
    folders.sort();
    folders
}

/// The folder's files: (name, content).
fn files_of(folder: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(root().join(folder))
        .expect("example folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, text)
        })
        .collect();
    files.sort();
    files
}

fn configuration(files: &[(String, String)]) -> String {
    files
        .iter()
        .filter(|(name, _)| name.ends_with(".tf"))
        .map(|(_, text)| text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Values for the variables the configuration declares (and only those: Terraform warns
/// about values for undeclared variables, and an undeclared one used is an error).
fn tfvars(config: &str) -> String {
    let mut vars = String::new();
    for app in ["atlassian", "slack", "github"] {
        if config.contains(&format!("variable \"{app}_client_id\"")) {
            vars.push_str(&format!("{app}_client_id = \"{app}-client-examples\"\n"));
        }
        if config.contains(&format!("variable \"{app}_client_secret\"")) {
            vars.push_str(&format!("{app}_client_secret = \"{SECRET}\"\n"));
        }
    }
    if config.contains("variable \"agent_ids\"") {
        vars.push_str(&format!("agent_ids = {}\n", common::hcl_list(&AGENTS)));
    }
    vars
}

/// What a folder needs from Terraform, or `None` when `tf` runs it.
fn needs_newer(config: &str, folder: &str, tf: &Terraform) -> Option<&'static str> {
    if (config.contains("client_secret_wo") || config.contains("ephemeral = true"))
        && !tf.supports_write_only()
    {
        return Some("write-only attributes (1.11)");
    }
    if config.contains("import {") && !tf.supports_import_blocks() {
        return Some("import blocks (1.5)");
    }
    if (config.contains("provider::") || config.contains("moved {")) && !tf.supports_functions() {
        return Some("provider functions and moves between resource types (1.8)");
    }
    if folder.starts_with("examples/list-resources") && !tf.supports_query() {
        return Some("terraform query (1.14)");
    }
    if config.contains("action \"") && !tf.at_least(1, 14) {
        return Some("actions (1.14)");
    }
    None
}

/// The app an `import` block of the configuration adopts (`id = "<app>"`).
fn imported_app(config: &str) -> Option<String> {
    let (_, block) = config.split_once("import {")?;
    let (block, _) = block.split_once('}')?;
    block
        .lines()
        .find_map(|l| l.trim().strip_prefix("id"))
        .and_then(|rest| rest.split('"').nth(1))
        .map(str::to_string)
}

fn outputs(json: &str) -> serde_json::Value {
    serde_json::from_str(json).expect("terraform output -json")
}

async fn run_folder(s: &mut Scenario, tf: &Terraform, folder: &str, written: &mut Vec<String>) {
    for name in written.drain(..) {
        s.remove_file(&name);
    }
    let files = files_of(folder);
    let config = configuration(&files);
    if let Some(feature) = needs_newer(&config, folder, tf) {
        eprintln!(
            "{folder}: skipped on Terraform {} (needs {feature})",
            tf.version
        );
        return;
    }
    eprintln!("{folder}: Terraform {}", tf.version);
    let resources = config.matches("resource \"frontegg_").count();

    // What the folder expects to find.
    let mut seeded = None;
    if let Some(app) = imported_app(&config) {
        seeded = s
            .emulator
            .seed_integration(common::ENV_ID, json!({ "provider": app }));
        assert!(seeded.is_some(), "{folder}: seed a {app} integration");
    } else if folder == "examples/data-sources/frontegg_confluence_integration" {
        seeded = s
            .emulator
            .seed_integration(common::ENV_ID, json!({ "provider": "confluence" }));
        assert!(seeded.is_some(), "{folder}: seed a Confluence integration");
    } else if folder == "examples/moved" {
        // The state the `moved` block starts from: the Confluence resource, applied.
        s.write_file(
            "main.tf",
            &format!(
                "{}\nresource \"frontegg_confluence_integration\" \"this\" {{\n  client_id     = var.atlassian_client_id\n  client_secret = var.atlassian_client_secret\n}}\n",
                files
                    .iter()
                    .find(|(n, _)| n == "terraform.tf")
                    .map(|(_, t)| t.as_str())
                    .unwrap_or_default()
            ),
        );
        s.write_file(
            "vars.tf",
            "variable \"atlassian_client_id\" {}\nvariable \"atlassian_client_secret\" {}\n",
        );
        s.write_file("terraform.tfvars", &tfvars(&config));
        s.apply().await;
        s.remove_file("vars.tf");
        s.remove_file("main.tf");
    }

    for (name, text) in &files {
        s.write_file(name, text);
        written.push(name.clone());
    }
    s.write_file("terraform.tfvars", &tfvars(&config));
    written.push("terraform.tfvars".to_string());

    if folder == "examples/moved" {
        assert_eq!(
            s.planned_actions("frontegg_mcp_integration.confluence")
                .await,
            ["no-op"],
            "{folder}: the move plans no change"
        );
    }
    if folder.starts_with("examples/list-resources") {
        let run = s.terraform(&["query", "-no-color"]).await;
        run.expect_code(0);
        return;
    }

    s.apply().await;
    let integrations = s.integrations();
    assert_eq!(
        integrations.len(),
        resources.max(seeded.iter().count()),
        "{folder}"
    );
    for integration in &integrations {
        if resources > 0 {
            assert_eq!(integration["useFronteggIntegration"], false, "{folder}");
        }
    }
    if config.contains("agent_ids") {
        for integration in &integrations {
            assert_eq!(
                common::sorted_strings(&integration["agentIds"]),
                AGENTS,
                "{folder}"
            );
        }
    }
    if config.contains("output \"") {
        let run = s.terraform(&["output", "-json", "-no-color"]).await;
        run.expect_code(0);
        let outputs = outputs(&run.stdout);
        check_outputs(folder, &outputs);
    }
    s.destroy().await;
    if let Some(id) = seeded.filter(|_| resources == 0) {
        assert!(
            s.emulator.delete_integration(common::ENV_ID, &id),
            "{folder}"
        );
    }
    assert!(
        s.integrations().is_empty(),
        "{folder}: {:?}",
        s.integrations()
    );
}

/// What the outputs of the folders that have them must say.
fn check_outputs(folder: &str, outputs: &serde_json::Value) {
    match folder {
        "examples/data-sources/frontegg_confluence_integration" => assert_eq!(
            common::sorted_strings(&outputs["confluence_tools"]["value"]),
            common::ALL_TOOLS,
            "{folder}"
        ),
        "examples/data-sources/frontegg_integration_catalog" => {
            assert_eq!(outputs["apps"]["value"].as_array().map(Vec::len), Some(31));
            assert_eq!(
                common::sorted_strings(&outputs["slack_read_tools"]["value"]),
                ["channels:history", "channels:list", "users:list"]
            );
        }
        "examples/functions/integration_callback_url" => assert_eq!(
            outputs["atlassian_callback_url"]["value"],
            "https://your-id.mcp-gw.frontegg.com/integration-callback"
        ),
        "examples/confluence-tools" => {
            let scopes = common::sorted_strings(&outputs["requested_scopes"]["value"]);
            assert!(!scopes.is_empty(), "{folder}");
            assert!(
                scopes.iter().all(|s| s.starts_with("read:")),
                "{folder}: only read tools: {scopes:?}"
            );
        }
        "examples/confluence-read-only" => {
            let tools = common::sorted_strings(&outputs["enabled_tools"]["value"]);
            assert!(!tools.is_empty(), "{folder}");
        }
        _ => {
            for (name, value) in outputs.as_object().into_iter().flatten() {
                assert!(!value["value"].is_null(), "{folder}: output {name} is null");
            }
        }
    }
}

async fn examples(tf: &Terraform) {
    // The Atlassian app check of the examples asks the emulator's stand-in of Atlassian's
    // token endpoint, which knows the apps the examples name with the examples' secret.
    let apps = [
        "atlassian-client-examples",
        "Zx4kQ9bW2mT7rY1pL8vN3cH6dF0sJ5aG",
    ]
    .map(|client_id| AtlassianAppConfig {
        client_id: client_id.to_string(),
        secret: SECRET.to_string(),
    });
    let cfg = EmulatorConfig {
        atlassian_apps: apps.to_vec(),
        ..common::emulator_config()
    };
    let mut s = Scenario::start_with(tf, Mode::DevOverrides, cfg).await;
    let atlassian = s.emulator.base_url();
    s.set_env("FRONTEGG_ATLASSIAN_URL", &atlassian);
    s.secret(SECRET);
    let mut written = Vec::new();
    let folders = example_folders();
    assert!(
        folders.len() >= 15,
        "only {} example folders",
        folders.len()
    );
    for folder in &folders {
        run_folder(&mut s, tf, folder, &mut written).await;
    }
    s.finish().await;
}

#[test]
fn every_file_under_examples_is_in_a_folder_that_runs() {
    let folders = example_folders();
    for folder in &folders {
        let files = files_of(folder);
        assert!(
            files.iter().any(|(n, _)| n.ends_with(".tf")),
            "{folder}: no Terraform file, so nothing runs it"
        );
        for (name, _) in &files {
            assert!(
                name.ends_with(".tf") || name.ends_with(".tfquery.hcl") || name == "import.sh",
                "{folder}/{name}: a file the examples test neither plans nor queries"
            );
        }
    }
    assert!(Path::new(&root().join("examples/moved/main.tf")).is_file());
}

#[test]
fn tfvars_only_for_declared_variables() {
    let config = "variable \"slack_client_id\" {}\nvariable \"agent_ids\" {}\n";
    assert_eq!(
        tfvars(config),
        "slack_client_id = \"slack-client-examples\"\nagent_ids = [\"docs-agent\", \"support-agent\"]\n"
    );
    assert_eq!(
        imported_app("import {\n  to = x.y\n  id = \"slack\"\n}\n").as_deref(),
        Some("slack")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_folder_applies_where_it_stands_plans_clean_and_destroys() {
    for_each_terraform!(
        "every_example_folder_applies_where_it_stands_plans_clean_and_destroys",
        |tf| examples(&tf).await
    );
}
