//! Acceptance: a compact lifecycle of `frontegg_confluence_integration` on every installed
//! Terraform (1.0.3 and 1.8 to 1.15, see `scripts/install-terraform.sh`): create, empty
//! plans, a change, drift, import (by identity from 1.12, with an import block from 1.5,
//! else the `import` command) and destroy; write-only secrets from 1.11, the identity in
//! the state from 1.12, the provider function from 1.8, and `terraform query` and the
//! action `frontegg_atlassian_app_check` (`apply -invoke`) from 1.14 (1.13 parses
//! `action` blocks but ignores them).
//! Where a version lacks a feature, Terraform's own error (or the provider's, for
//! write-only) must say so.
//!
//! Each version runs in a task of its own, so one failure does not hide the others;
//! every version prints one line with its result, outside the test's captured output.
//! Runs only with `TF_ACC`.

mod common;

use std::io::Write as _;
use std::time::Instant;

use common::{ADDR, ENV_ID, MATRIX_VERSIONS, Mode, Scenario, Terraform, emulator_config};
use frontegg_emulator::{AtlassianAppConfig, EmulatorConfig, fingerprint};
use serde_json::json;

const CLIENT_ID: &str = "atl-matrix-client-id";
const SECRET: &str = "atl-matrix-secret-5d20c7";
const SECRET_WO: &str = "atl-matrix-secret-wo-9a61e4";
const GATEWAY: &str = "https://your-id.mcp-gw.frontegg.com/mcp/";
const CALLBACK: &str = "https://your-id.mcp-gw.frontegg.com/integration-callback";

fn resource(secret_line: &str, extra: &str) -> String {
    format!(
        "resource \"frontegg_confluence_integration\" \"this\" {{\n  client_id = \"{CLIENT_ID}\"\n  name      = \"Matrix\"\n{secret_line}{extra}}}\n"
    )
}

fn plain(extra: &str) -> String {
    resource(&format!("  client_secret = \"{SECRET}\"\n"), extra)
}

/// The write-only secret comes from a variable: Terraform before 1.11 does not know the
/// attribute is write-only, and its error would quote a literal's source line.
fn write_only() -> String {
    let mut text = resource(
        "  client_secret_wo         = var.secret_wo\n  client_secret_wo_version = 1\n",
        "",
    );
    text.push_str(&format!(
        "\nvariable \"secret_wo\" {{\n  type      = string\n  sensitive = true\n  default   = \"{SECRET_WO}\"\n}}\n"
    ));
    text
}

/// `plain(extra)`, with an output calling the provider function where Terraform has
/// provider functions.
fn main_tf(tf: &Terraform, extra: &str) -> String {
    let mut text = plain(extra);
    if tf.supports_functions() {
        text.push_str(&format!(
            "\noutput \"callback\" {{\n  value = provider::frontegg::integration_callback_url(\"{GATEWAY}\")\n}}\n"
        ));
    }
    text
}

async fn expect_update(s: &mut Scenario) {
    assert_eq!(
        s.planned_actions(ADDR).await,
        vec!["update"],
        "Terraform {}: expected an in-place update",
        s.tf.version
    );
}

/// The compact lifecycle on `tf`; returns what it checked, in order.
async fn compact_lifecycle(tf: Terraform) -> Vec<&'static str> {
    let mut checked = Vec::new();
    // The emulator's stand-in of Atlassian's token endpoint knows the app.
    let cfg = EmulatorConfig {
        atlassian_apps: vec![AtlassianAppConfig {
            client_id: CLIENT_ID.to_string(),
            secret: SECRET.to_string(),
        }],
        ..emulator_config()
    };
    let mut s = Scenario::start_with(&tf, Mode::DevOverrides, cfg).await;
    s.secret(SECRET);
    s.secret(SECRET_WO);

    // Create; Scenario::apply also asserts that both plans afterwards are empty.
    s.write_main(&main_tf(&tf, ""));
    assert_eq!(s.planned_actions(ADDR).await, vec!["create"]);
    s.apply().await;
    let remote = s.only_integration();
    let id = remote["id"].as_str().expect("integration id").to_string();
    assert_eq!(remote["name"], "Matrix");
    assert_eq!(remote["isActive"], true);
    assert_eq!(remote["oauthConfigurations"]["clientId"], CLIENT_ID);
    assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET)));
    s.assert_state_matches_emulator().await;
    checked.extend(["create", "empty plans"]);
    if tf.supports_identity() {
        let identity = &s.state_file_instance(ADDR)["identity"];
        assert_eq!(identity["id"], id.as_str(), "identity in the state file");
        checked.push("identity");
    }
    if tf.supports_functions() {
        let state = s.show_state().await;
        assert_eq!(state["values"]["outputs"]["callback"]["value"], CALLBACK);
        checked.push("function");
    } else {
        let run = s
            .console(&format!(
                "provider::frontegg::integration_callback_url(\"{GATEWAY}\")"
            ))
            .await;
        refused_by_terraform(&run);
        checked.push("function refused by Terraform");
    }

    // A change.
    s.write_main(&main_tf(&tf, "  enabled = false\n"));
    expect_update(&mut s).await;
    s.apply().await;
    assert_eq!(s.only_integration()["isActive"], false);
    checked.push("update");

    // Drift: renamed in the portal; the plan shows it and apply restores the name.
    assert!(
        s.emulator
            .patch_integration(ENV_ID, &id, json!({ "name": "Renamed in the portal" }))
    );
    let run = s.plan_code(true).await;
    assert_eq!(run.code, 2, "drift must show:\n{}", run.output());
    run.expect_output("Renamed in the portal");
    s.apply().await;
    assert_eq!(s.only_integration()["name"], "Matrix");
    checked.push("drift");

    // Write-only secrets (1.11+); older versions get the provider's error at the attribute.
    if tf.supports_write_only() {
        s.write_main(&write_only());
        expect_update(&mut s).await;
        s.apply().await;
        assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET_WO)));
        assert!(
            !s.state_file_text().contains(SECRET_WO),
            "the state file holds client_secret_wo's value"
        );
        checked.push("write-only");
    } else {
        s.write_main(&write_only());
        s.terraform(&["plan", "-input=false", "-no-color"])
            .await
            .expect_code(1)
            .expect_message("Write-only attribute not supported by this Terraform version");
        checked.push("write-only refused");
    }
    s.write_main(&main_tf(&tf, "  enabled = false\n"));
    s.apply_any().await.expect_code(0);

    // Import: by identity from 1.12, with an import block from 1.5, else with the
    // command; the secret is sent once.
    s.state_rm(ADDR).await;
    if tf.supports_import_blocks() {
        let (to, checks) = if tf.supports_identity() {
            (
                format!("identity = {{\n    id = \"{id}\"\n  }}"),
                "import by identity",
            )
        } else {
            (format!("id = \"{id}\""), "import block")
        };
        s.write_file(
            "import.tf",
            &format!("import {{\n  to = {ADDR}\n  {to}\n}}\n"),
        );
        s.apply().await;
        s.remove_file("import.tf");
        checked.push(checks);
    } else {
        s.terraform(&["import", "-input=false", "-no-color", ADDR, &id])
            .await
            .expect_code(0);
        expect_update(&mut s).await;
        s.apply().await;
        checked.push("import");
    }
    s.assert_empty_plans().await;
    assert_eq!(s.state_values(ADDR).await["id"], id.as_str());
    assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET)));

    // terraform query (1.14+) finds the integration; older versions have no such command.
    s.write_file(
        "all.tfquery.hcl",
        "list \"frontegg_confluence_integration\" \"all\" {\n  provider = frontegg\n}\n",
    );
    let query = s.terraform(&["query", "-no-color"]).await;
    if tf.supports_query() {
        query.expect_code(0).expect_output(&id);
        checked.push("query");
    } else {
        refused_by_terraform(&query);
        query.expect_message("Terraform has no command named \"query\"");
        checked.push("query refused by Terraform");
    }
    s.remove_file("all.tfquery.hcl");

    // The Atlassian app check on demand (1.14+); older versions refuse the `action` block.
    s.write_file(
        "action.tf",
        &format!(
            "action \"frontegg_atlassian_app_check\" \"matrix\" {{\n  config {{\n    client_id     = \"{CLIENT_ID}\"\n    client_secret = \"{SECRET}\"\n  }}\n}}\n"
        ),
    );
    let url = s.emulator.base_url();
    let env = [("FRONTEGG_ATLASSIAN_URL", url.as_str())];
    if tf.at_least(1, 14) {
        let invoke = "-invoke=action.frontegg_atlassian_app_check.matrix";
        s.terraform_env(&["apply", "-auto-approve", "-no-color", invoke], &env)
            .await
            .expect_code(0)
            .expect_output("Atlassian accepted the client id and secret");
        checked.push("action");
    } else if tf.at_least(1, 13) {
        // 1.13 parses `action` blocks but never runs them, and has no -invoke.
        let run = s.terraform_env(&["validate", "-no-color"], &env).await;
        run.expect_code(0);
        let invoke = "-invoke=action.frontegg_atlassian_app_check.matrix";
        let run = s
            .terraform_env(&["apply", "-auto-approve", "-no-color", invoke], &env)
            .await;
        run.expect_code(1)
            .expect_message("flag provided but not defined: -invoke");
        checked.push("action ignored by Terraform");
    } else {
        // Terraform's own error (the provider is never asked).
        let run = s.terraform_env(&["validate", "-no-color"], &env).await;
        run.expect_code(1)
            .expect_message("Blocks of type \"action\" are not expected here.");
        checked.push("action refused by Terraform");
    }
    s.remove_file("action.tf");

    // Destroy leaves the emulator empty.
    s.destroy().await;
    assert!(s.integrations().is_empty(), "{:#?}", s.integrations());
    checked.push("destroy");
    s.finish().await;
    checked
}

/// An error of Terraform's own: exit code 1, an error message, no plugin failure.
#[track_caller]
fn refused_by_terraform(run: &common::Run) {
    run.expect_code(1);
    let out = run.output();
    assert!(
        !out.contains("plugin") && !out.contains("panic"),
        "expected Terraform's own error, not the provider's:\n{out}"
    );
    assert!(
        out.contains("Error") || out.contains("no command named"),
        "{out}"
    );
}

/// One line on the test's standard error, which libtest does not capture (it captures
/// only the `print!` family): the matrix shows in every test run's output.
fn report(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compact_lifecycle_on_every_installed_terraform() {
    let versions = common::acc_terraforms_of("acceptance_matrix", MATRIX_VERSIONS);
    let mut failed = Vec::new();
    for tf in versions {
        let version = tf.version.clone();
        let started = Instant::now();
        let outcome = tokio::spawn(compact_lifecycle(tf)).await;
        let seconds = started.elapsed().as_secs_f64();
        match outcome {
            Ok(checked) => report(&format!(
                "matrix: Terraform {version:<7} ok      {seconds:5.1} s  {}",
                checked.join(", ")
            )),
            Err(e) => {
                let reason = e
                    .try_into_panic()
                    .ok()
                    .and_then(|p| {
                        p.downcast_ref::<String>()
                            .cloned()
                            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    })
                    .unwrap_or_else(|| "cancelled".to_string());
                let first_line = reason.lines().next().unwrap_or_default().to_string();
                report(&format!(
                    "matrix: Terraform {version:<7} FAILED  {seconds:5.1} s  {first_line}"
                ));
                failed.push((version, reason));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "the compact lifecycle failed on {} Terraform version(s):\n{}",
        failed.len(),
        failed
            .iter()
            .map(|(v, r)| format!("--- Terraform {v}\n{r}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
