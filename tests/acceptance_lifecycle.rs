//! Acceptance: the whole life of a `frontegg_confluence_integration` with real Terraform:
//! create (every catalog tool, the 13 scopes requested), empty plans, scopes narrowed to
//! read-only (write and delete tools go) and restored, a tool outside the grant refused,
//! agents assigned and unassigned, client id changed, the secret rotated (plain and
//! write-only), disabled, drift (a tool toggled, the shared app switched on, deleted out of
//! band), import (command, by `confluence`, import block, identity, of an integration on
//! Frontegg's shared app), answers with fields missing, a state of the previous schema,
//! `-replace` with and without `create_before_destroy`, and destroy. Runs only with `TF_ACC`.

mod common;

use common::{
    ADDR, ALL_TOOLS, DEFAULT_SCOPES, Mode, Scenario, Terraform, hcl_list, remote_tools,
    sorted_strings,
};
use frontegg_emulator::fingerprint;
use serde_json::json;

const CLIENT_ID_1: &str = "atl-client-id-one";
const CLIENT_ID_2: &str = "atl-client-id-two";
const SECRET_1: &str = "atl-secret-first-8c41d7";
const SECRET_2: &str = "atl-secret-second-2f9e03";
const SECRET_WO_1: &str = "atl-secret-wo-first-71b5aa";
const SECRET_WO_2: &str = "atl-secret-wo-second-c03d6e";

/// The resource with a plain secret; `extra` goes inside the block.
fn plain(client_id: &str, secret: &str, extra: &str) -> String {
    format!(
        "resource \"frontegg_confluence_integration\" \"this\" {{\n  client_id     = \"{client_id}\"\n  client_secret = \"{secret}\"\n{extra}}}\n"
    )
}

/// The resource with a write-only secret.
fn write_only(client_id: &str, secret: &str, version: u32, extra: &str) -> String {
    format!(
        "resource \"frontegg_confluence_integration\" \"this\" {{\n  client_id                = \"{client_id}\"\n  client_secret_wo         = \"{secret}\"\n  client_secret_wo_version = {version}\n{extra}}}\n"
    )
}

fn scopes_line(scopes: &[&str]) -> String {
    format!("  scopes = {}\n", hcl_list(scopes))
}

async fn expect_update(s: &mut Scenario) {
    assert_eq!(
        s.planned_actions(ADDR).await,
        vec!["update"],
        "Terraform {}: expected an in-place update",
        s.tf.version
    );
}

async fn lifecycle(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    for secret in [SECRET_1, SECRET_2, SECRET_WO_1, SECRET_WO_2] {
        s.secret(secret);
    }

    // Create with the defaults.
    s.write_main(&plain(CLIENT_ID_1, SECRET_1, ""));
    assert_eq!(s.planned_actions(ADDR).await, vec!["create"]);
    s.apply().await;
    let remote = s.only_integration();
    let id = remote["id"].as_str().expect("integration id").to_string();
    assert_eq!(remote["name"], "Confluence");
    assert_eq!(remote["isActive"], true);
    assert_eq!(remote["oauthConfigurations"]["clientId"], CLIENT_ID_1);
    assert_eq!(remote["useFronteggIntegration"], false);
    assert_eq!(remote_tools(&remote), ALL_TOOLS);
    assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET_1)));
    let state = s.state_values(ADDR).await;
    assert_eq!(state["id"], id.as_str());
    assert_eq!(state["enabled"], true);
    assert_eq!(sorted_strings(&state["requested_scopes"]), DEFAULT_SCOPES);
    assert_eq!(sorted_strings(&state["scopes"]), DEFAULT_SCOPES);
    assert!(
        state["frontegg_integration_id"]
            .as_str()
            .is_some_and(|v| !v.is_empty()),
        "frontegg_integration_id: {state:#}"
    );
    s.assert_state_matches_emulator().await;

    // Scopes narrowed to the read scopes: the plan names the tools that go.
    let read_only: Vec<&str> = DEFAULT_SCOPES
        .iter()
        .copied()
        .filter(|sc| sc.starts_with("read:"))
        .collect();
    s.write_main(&plain(CLIENT_ID_1, SECRET_1, &scopes_line(&read_only)));
    let plan = s.plan_json().await;
    let after = &common::change_of(&plan, ADDR)["after"];
    let planned_tools = sorted_strings(&after["tools"]);
    for gone in [
        "labels:write",
        "pages:delete",
        "pages:write",
        "spaces:write",
    ] {
        assert!(
            !planned_tools.contains(&gone.to_string()),
            "{gone} stays: {planned_tools:?}"
        );
    }
    assert_eq!(planned_tools.len(), 7, "{planned_tools:?}");
    s.apply().await;
    assert_eq!(remote_tools(&s.only_integration()), planned_tools);
    assert_eq!(
        sorted_strings(&s.state_values(ADDR).await["requested_scopes"]),
        read_only
    );
    s.assert_state_matches_emulator().await;
    // A tool outside the grant is a plan error that changes nothing.
    s.write_main(&plain(
        CLIENT_ID_1,
        SECRET_1,
        &format!(
            "{}  tools = [\"pages:read\", \"pages:delete\"]\n",
            scopes_line(&read_only)
        ),
    ));
    let run = s.plan_code(true).await;
    assert_eq!(run.code, 1, "{}", run.output());
    run.expect_message("Tool needs scopes the OAuth app does not grant");
    run.expect_message("`pages:delete` (Delete pages) needs `delete:page:confluence`");
    assert_eq!(remote_tools(&s.only_integration()), planned_tools);
    // Removing the attribute reverts to the default scopes and every tool.
    s.write_main(&plain(CLIENT_ID_1, SECRET_1, ""));
    expect_update(&mut s).await;
    s.apply().await;
    assert_eq!(remote_tools(&s.only_integration()), ALL_TOOLS);

    // Agents: exactly the configured ones; unset leaves them alone.
    s.write_main(&plain(
        CLIENT_ID_1,
        SECRET_1,
        "  agent_ids = [\"agent-1\", \"agent-2\"]\n",
    ));
    expect_update(&mut s).await;
    s.apply().await;
    assert_eq!(
        sorted_strings(&s.only_integration()["agentIds"]),
        ["agent-1", "agent-2"]
    );
    s.write_main(&plain(
        CLIENT_ID_1,
        SECRET_1,
        "  agent_ids = [\"agent-2\"]\n",
    ));
    expect_update(&mut s).await;
    s.apply().await;
    assert_eq!(
        sorted_strings(&s.only_integration()["agentIds"]),
        ["agent-2"]
    );
    s.write_main(&plain(CLIENT_ID_1, SECRET_1, ""));
    s.assert_empty_plans().await;
    assert_eq!(
        sorted_strings(&s.only_integration()["agentIds"]),
        ["agent-2"]
    );
    s.assert_state_matches_emulator().await;

    // Client id changed: the id stays, the secret is sent along.
    s.write_main(&plain(CLIENT_ID_2, SECRET_1, ""));
    expect_update(&mut s).await;
    s.apply().await;
    let remote = s.only_integration();
    assert_eq!(remote["id"], id.as_str(), "updates keep the id");
    assert_eq!(remote["oauthConfigurations"]["clientId"], CLIENT_ID_2);
    assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET_1)));

    // Secret rotated through client_secret.
    s.write_main(&plain(CLIENT_ID_2, SECRET_2, ""));
    expect_update(&mut s).await;
    s.apply().await;
    assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET_2)));

    // Secret rotated through client_secret_wo + client_secret_wo_version (Terraform 1.11+).
    if tf.supports_write_only() {
        s.write_main(&write_only(CLIENT_ID_2, SECRET_WO_1, 1, ""));
        expect_update(&mut s).await;
        s.apply().await;
        assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET_WO_1)));
        // Another write-only value with the same version: nothing to do.
        s.write_main(&write_only(CLIENT_ID_2, SECRET_WO_2, 1, ""));
        s.assert_empty_plans().await;
        assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET_WO_1)));
        // A new version sends the new value.
        s.write_main(&write_only(CLIENT_ID_2, SECRET_WO_2, 2, ""));
        expect_update(&mut s).await;
        s.apply().await;
        assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET_WO_2)));
        let text = s.state_file_text();
        for wo in [SECRET_WO_1, SECRET_WO_2] {
            assert!(
                !text.contains(wo),
                "the state file holds client_secret_wo's value"
            );
        }
        let attrs = &s.state_file_instance(ADDR)["attributes"];
        assert!(attrs["client_secret_wo"].is_null(), "{attrs:#}");
        assert_eq!(attrs["client_secret_wo_version"], 2);
        // Back to the plain secret for the rest.
        s.write_main(&plain(CLIENT_ID_2, SECRET_2, ""));
        expect_update(&mut s).await;
        s.apply().await;
        assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET_2)));
    }

    // Disabled.
    let disabled = "  enabled = false\n";
    s.write_main(&plain(CLIENT_ID_2, SECRET_2, disabled));
    expect_update(&mut s).await;
    s.apply().await;
    assert_eq!(s.only_integration()["isActive"], false);
    s.assert_state_matches_emulator().await;

    // Drift: a tool switched off in the portal shows as an update, and apply restores it.
    assert!(s.emulator.patch_integration(
        common::ENV_ID,
        &id,
        json!({ "tools": ["pages:read", "pages:write"] })
    ));
    let run = s.plan_code(true).await;
    assert_eq!(run.code, 2, "drift must show:\n{}", run.output());
    run.expect_output("tools");
    expect_update(&mut s).await;
    s.apply().await;
    assert_eq!(remote_tools(&s.only_integration()), ALL_TOOLS);

    // Drift: switched to Frontegg's shared app in the portal; apply switches it back.
    assert!(s.emulator.patch_integration(
        common::ENV_ID,
        &id,
        json!({ "useFronteggIntegration": true })
    ));
    let run = s.plan_code(true).await;
    assert_eq!(run.code, 2, "the shared app must show:\n{}", run.output());
    run.expect_message("not on your OAuth app");
    expect_update(&mut s).await;
    s.apply().await;
    assert_eq!(s.only_integration()["useFronteggIntegration"], false);
    s.assert_state_matches_emulator().await;

    // Drift: the integration deleted out of band → plan proposes a create.
    assert!(s.emulator.delete_integration(common::ENV_ID, &id));
    assert_eq!(s.planned_actions(ADDR).await, vec!["create"]);
    s.apply().await;
    let id = s.only_integration()["id"].as_str().expect("id").to_string();
    assert_eq!(s.state_values(ADDR).await["id"], id.as_str());

    // Import with the `terraform import` command, by id. The secret cannot be read back,
    // so the first plan after an import sends it once.
    s.state_rm(ADDR).await;
    s.terraform(&["import", "-input=false", "-no-color", ADDR, &id])
        .await
        .expect_code(0);
    assert_eq!(s.state_values(ADDR).await["id"], id.as_str());
    imported_then_converges(&mut s, &id).await;

    // … and by the word `confluence`.
    s.state_rm(ADDR).await;
    s.terraform(&["import", "-input=false", "-no-color", ADDR, "confluence"])
        .await
        .expect_code(0);
    assert_eq!(s.state_values(ADDR).await["id"], id.as_str());
    imported_then_converges(&mut s, &id).await;

    // Import blocks (Terraform 1.5+), by id and by `confluence`.
    if tf.supports_import_blocks() {
        for import_id in [id.as_str(), "confluence"] {
            s.state_rm(ADDR).await;
            s.write_file(
                "import.tf",
                &format!("import {{\n  to = {ADDR}\n  id = \"{import_id}\"\n}}\n"),
            );
            let plan = s.plan_json().await;
            let change = plan["resource_changes"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|rc| rc["address"] == ADDR)
                .cloned()
                .unwrap_or_default();
            assert_eq!(
                change["change"]["importing"]["id"], import_id,
                "the plan imports {ADDR}: {change:#}"
            );
            s.apply().await;
            s.remove_file("import.tf");
            s.assert_empty_plans().await;
            assert_eq!(s.state_values(ADDR).await["id"], id.as_str());
        }
    }

    // Import by identity (Terraform 1.12+).
    if tf.supports_identity() {
        let identity = &s.state_file_instance(ADDR)["identity"];
        assert_eq!(identity["id"], id.as_str(), "identity in the state file");
        s.state_rm(ADDR).await;
        s.write_file(
            "import.tf",
            &format!("import {{\n  to = {ADDR}\n  identity = {{\n    id = \"{id}\"\n  }}\n}}\n"),
        );
        s.apply().await;
        s.remove_file("import.tf");
        s.assert_empty_plans().await;
        assert_eq!(s.state_values(ADDR).await["id"], id.as_str());
    }
    s.assert_state_matches_emulator().await;

    // Destroy leaves the emulator empty.
    s.destroy().await;
    assert!(s.integrations().is_empty(), "{:#?}", s.integrations());
    let state = s.show_state().await;
    assert!(common::resource_values(&state, ADDR).is_null());
    s.finish().await;
}

/// After an import the secret is unknown: one update sends it, then plans are empty and
/// state matches the emulator.
async fn imported_then_converges(s: &mut Scenario, id: &str) {
    let actions = s.planned_actions(ADDR).await;
    assert!(
        actions == vec!["update"] || actions == vec!["no-op"],
        "after import: {actions:?}"
    );
    s.apply().await;
    assert_eq!(s.only_integration()["id"], id);
    s.assert_state_matches_emulator().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confluence_integration_lifecycle() {
    for_each_terraform!("confluence_integration_lifecycle", |tf| lifecycle(&tf)
        .await);
}

/// `create_before_destroy` with `terraform apply -replace`: the create meets the integration
/// being replaced (an environment holds one), and the error says so and how to replace it;
/// Frontegg and state keep the original. Without `create_before_destroy` the replace works.
async fn replace_before_destroy(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET_1);
    let lifecycle = "  lifecycle {\n    create_before_destroy = true\n  }\n";
    s.write_main(&plain(CLIENT_ID_1, SECRET_1, lifecycle));
    s.apply().await;
    let original = s.only_integration()["id"].clone();
    let replace = format!("-replace={ADDR}");
    let args = [
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        &replace,
    ];

    let run = s.terraform(&args).await;
    run.expect_code(1)
        .expect_message("already exists with these settings")
        .expect_message("cannot be replaced before it is destroyed")
        .expect_message("terraform apply -replace=frontegg_confluence_integration.<name>");
    assert_eq!(s.only_integration()["id"], original);
    s.assert_state_matches_emulator().await;
    s.assert_empty_plans().await;

    // The advice: without create_before_destroy, -replace destroys, then creates.
    s.write_main(&plain(CLIENT_ID_1, SECRET_1, ""));
    s.terraform(&args).await.expect_code(0);
    assert_ne!(s.only_integration()["id"], original);
    s.assert_state_matches_emulator().await;
    s.assert_empty_plans().await;
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_with_create_before_destroy_says_how_to_replace() {
    for_each_terraform!(
        "replace_with_create_before_destroy_says_how_to_replace",
        |tf| replace_before_destroy(&tf).await
    );
}

/// `terraform plan -generate-config-out` (Terraform 1.5+) writes configuration for an
/// imported integration; once a secret is added it plans clean after one update.
async fn generated_config(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET_1);
    s.write_main(&plain(
        CLIENT_ID_1,
        SECRET_1,
        &scopes_line(&["read:page:confluence"]),
    ));
    s.apply().await;
    let id = s.only_integration()["id"].as_str().expect("id").to_string();
    s.state_rm(ADDR).await;

    s.write_main(&format!(
        "import {{\n  to = {ADDR}\n  id = \"confluence\"\n}}\n"
    ));
    let run = s
        .terraform(&[
            "plan",
            "-input=false",
            "-no-color",
            "-generate-config-out=generated.tf",
        ])
        .await;
    let generated = std::fs::read_to_string(s.work_dir().join("generated.tf"))
        .unwrap_or_else(|_| panic!("no generated.tf:\n{}", run.output()));
    // The secret cannot be read back: the generated configuration lacks it, and the plan
    // says what to set.
    run.expect_message("Missing client secret");
    assert!(generated.contains("atl-client-id-one"), "{generated}");
    assert!(generated.contains("read:page:confluence"), "{generated}");
    // Add the secret, as the docs say to.
    let with_secret: String = generated
        .lines()
        .filter(|l| !l.trim_start().starts_with("client_secret"))
        .map(|l| {
            if l.trim_start().starts_with("client_id ") || l.trim_start().starts_with("client_id=")
            {
                format!("{l}\n  client_secret = \"{SECRET_1}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    s.write_file("generated.tf", &with_secret);
    s.apply().await;
    s.write_main(""); // the import block has done its work
    s.assert_empty_plans().await;
    assert_eq!(s.state_values(ADDR).await["id"], id.as_str());
    s.assert_state_matches_emulator().await;
    s.destroy().await;
    assert!(s.integrations().is_empty());
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_with_generated_config() {
    for_each_terraform!("import_with_generated_config", |tf| {
        if tf.supports_import_blocks() {
            generated_config(&tf).await
        }
    });
}

/// An integration made in the portal on Frontegg's shared app: importing it plans the switch
/// to the configured OAuth app, and apply makes it.
async fn shared_app_import(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET_1);
    let id = s
        .emulator
        .seed_integration(common::ENV_ID, json!({"provider": "confluence"}))
        .expect("seeded");
    assert_eq!(s.only_integration()["useFronteggIntegration"], true);
    s.write_main(&plain(CLIENT_ID_1, SECRET_1, ""));
    s.terraform(&["import", "-input=false", "-no-color", ADDR, "confluence"])
        .await
        .expect_code(0);
    let run = s.plan_code(true).await;
    assert_eq!(run.code, 2, "the switch must show:\n{}", run.output());
    run.expect_message("not on your OAuth app");
    run.expect_output(CLIENT_ID_1);
    expect_update(&mut s).await;
    s.apply().await;
    let remote = s.only_integration();
    assert_eq!(remote["id"], id.as_str());
    assert_eq!(remote["useFronteggIntegration"], false);
    assert_eq!(remote["authenticationType"], "behalf-of-user");
    assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET_1)));
    s.assert_empty_plans().await;
    s.assert_state_matches_emulator().await;
    s.destroy().await;
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_of_a_shared_app_integration_switches_to_own_credentials() {
    for_each_terraform!(
        "import_of_a_shared_app_integration_switches_to_own_credentials",
        |tf| shared_app_import(&tf).await
    );
}

/// Frontegg leaving optional fields out of its answers never makes a plan change.
async fn sparse_answers(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET_1);
    s.emulator.omit_fields(&[
        "description",
        "agentIds",
        "tools",
        "isActive",
        "useFronteggIntegration",
        "authenticationType",
        "oauthConfigurations",
    ]);
    s.write_main(&plain(
        CLIENT_ID_1,
        SECRET_1,
        "  description = \"Team wiki\"\n  agent_ids = [\"agent-1\"]\n",
    ));
    let run = s.apply().await;
    run.expect_message("Frontegg did not report every field");
    s.assert_empty_plans().await;
    let state = s.state_values(ADDR).await;
    assert_eq!(sorted_strings(&state["tools"]), ALL_TOOLS);
    assert_eq!(state["client_id"], CLIENT_ID_1);
    s.emulator.omit_fields(&[]);
    s.destroy().await;
    assert!(s.integrations().is_empty());
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_missing_optional_fields_give_empty_plans() {
    for_each_terraform!("answers_missing_optional_fields_give_empty_plans", |tf| {
        sparse_answers(&tf).await
    });
}

/// A state written by the previous schema (version 0, no tools, agents or description)
/// upgrades on the next plan without a change.
async fn previous_schema(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET_1);
    s.write_main(&plain(CLIENT_ID_1, SECRET_1, ""));
    s.apply().await;
    let mut file = s.state_file();
    let instance = &mut file["resources"][0]["instances"][0];
    instance["schema_version"] = json!(0);
    let attributes = instance["attributes"].as_object_mut().expect("attributes");
    for new in [
        "description",
        "tools",
        "requested_scopes",
        "tool_scopes",
        "agent_ids",
    ] {
        attributes.remove(new);
    }
    s.write_file(
        "terraform.tfstate",
        &serde_json::to_string_pretty(&file).expect("state json"),
    );
    let run = s.plan_code(true).await;
    assert_eq!(
        run.code,
        0,
        "the upgraded state plans no change:\n{}",
        run.output()
    );
    s.terraform(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ])
    .await
    .expect_code(0);
    s.assert_empty_plans().await;
    let instance = s.state_file_instance(ADDR);
    assert_eq!(instance["schema_version"], 1, "{instance:#}");
    assert_eq!(sorted_strings(&instance["attributes"]["tools"]), ALL_TOOLS);
    s.assert_state_matches_emulator().await;
    s.destroy().await;
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_of_the_previous_schema_upgrades_without_a_change() {
    for_each_terraform!(
        "state_of_the_previous_schema_upgrades_without_a_change",
        |tf| previous_schema(&tf).await
    );
}
