//! Acceptance: the action `frontegg_atlassian_app_check` (Terraform 1.14 and later) against
//! the emulator's stand-in of Atlassian's token endpoint. An `action_trigger` before create
//! stops the apply on a wrong secret with nothing sent to Frontegg; the right pair passes
//! and the create goes on; `-invoke` reports success in its progress output; an odd or
//! unreachable endpoint is a warning, never a success; no secret appears in any output at
//! `TF_LOG=trace`. Terraform 1.13 accepts `action` blocks and triggers but never runs
//! them (a wrong secret goes through: the docs say to require 1.14); 1.8 and 1.0.3 reject
//! the `action` block with their own error. Runs only with `TF_ACC`.

mod common;

use common::{Mode, PROVIDER_ADDRESS, Scenario, Terraform, emulator_config};
use frontegg_emulator::{AtlassianAppConfig, EmulatorConfig, Fault};

const APP_CLIENT_ID: &str = "acc-atlassian-app-7c41";
const APP_SECRET: &str = "ATOA-acc-app-secret-91f2d07e";
const WRONG_SECRET: &str = "ATOA-acc-wrong-secret-5a0c3b";
const ACTION: &str = "action.frontegg_atlassian_app_check.this";
const VERSIONS: &[&str] = &["1.15.5", "1.14.9", "1.13.5", "1.8.4", "1.0.3"];

fn supports_actions(tf: &Terraform) -> bool {
    tf.at_least(1, 14)
}

fn config() -> EmulatorConfig {
    EmulatorConfig {
        atlassian_apps: vec![AtlassianAppConfig {
            client_id: APP_CLIENT_ID.to_string(),
            secret: APP_SECRET.to_string(),
        }],
        ..emulator_config()
    }
}

/// The configuration: the app's secret comes from an ephemeral variable, the action
/// checks it before the integration is created or updated with it.
fn main_tf(atlassian_url: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    frontegg = {{
      source = "{PROVIDER_ADDRESS}"
    }}
  }}
}}

provider "frontegg" {{
  atlassian_url = "{atlassian_url}"
}}

variable "app_secret" {{
  type      = string
  sensitive = true
  ephemeral = true
}}

action "frontegg_atlassian_app_check" "this" {{
  config {{
    client_id     = "{APP_CLIENT_ID}"
    client_secret = var.app_secret
    callback_url  = "https://acc.mcp-gw.example.com/integration-callback"
    scopes        = ["read:page:confluence", "read:space:confluence"]
  }}
}}

resource "frontegg_confluence_integration" "this" {{
  client_id                = "{APP_CLIENT_ID}"
  client_secret_wo         = var.app_secret
  client_secret_wo_version = 1
  scopes                   = ["read:page:confluence", "read:space:confluence"]

  lifecycle {{
    action_trigger {{
      events  = [before_create, before_update]
      actions = [action.frontegg_atlassian_app_check.this]
    }}
  }}
}}
"#
    )
}

async fn run(s: &mut Scenario, args: &[&str], secret: &str, trace: bool) -> common::Run {
    let mut env = vec![("TF_VAR_app_secret", secret)];
    if trace {
        env.push(("TF_LOG", "trace"));
    }
    s.terraform_env(args, &env).await
}

/// The calls that change something at Frontegg (anything but reading and signing in).
fn frontegg_writes(s: &Scenario) -> Vec<String> {
    s.emulator
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET" && r.path != "/auth/vendor" && r.path != "/oauth/token")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn token_checks(s: &Scenario) -> usize {
    s.emulator
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/oauth/token")
        .count()
}

async fn actions(tf: &Terraform) {
    let mut s = Scenario::start_with(tf, Mode::DevOverrides, config()).await;
    s.secret(APP_SECRET);
    s.secret(WRONG_SECRET);
    let url = s.emulator.base_url();
    s.write_file("main.tf", &main_tf(&url));
    let apply = ["apply", "-auto-approve", "-input=false", "-no-color"];

    // A wrong secret: the trigger before create stops the apply, Frontegg gets nothing.
    s.emulator.clear_requests();
    let out = run(&mut s, &apply, WRONG_SECRET, true).await;
    out.expect_code(1)
        .expect_message("Atlassian does not accept this client id and secret")
        .expect_message("Copy both again from the app's Settings page");
    assert!(s.integrations().is_empty());
    assert_eq!(frontegg_writes(&s), Vec::<String>::new());
    assert_eq!(token_checks(&s), 1);

    // The right pair passes, with success in the progress output, and the create goes on.
    let out = run(&mut s, &apply, APP_SECRET, true).await;
    out.expect_code(0)
        .expect_output(&format!(
            "Atlassian accepted the client id and secret of \"{APP_CLIENT_ID}\""
        ))
        .expect_output("Actions: 1 invoked");
    let integration = s.only_integration();
    assert_eq!(
        integration["oauthConfigurations"]["clientId"], APP_CLIENT_ID,
        "{integration:#}"
    );
    // Nothing changes, so nothing triggers the action again.
    let checks = token_checks(&s);
    let plan = ["plan", "-detailed-exitcode", "-input=false", "-no-color"];
    run(&mut s, &plan, APP_SECRET, false).await.expect_code(0);
    assert_eq!(token_checks(&s), checks);

    // On demand: -invoke reports success in its progress output and changes nothing.
    let invoke = format!("-invoke={ACTION}");
    let mut invoke_args = apply.to_vec();
    invoke_args.push(&invoke);
    run(&mut s, &invoke_args, APP_SECRET, true)
        .await
        .expect_code(0)
        .expect_output("(triggered by CLI)")
        .expect_output("Atlassian accepted the client id and secret");
    run(&mut s, &invoke_args, WRONG_SECRET, false)
        .await
        .expect_code(1)
        .expect_message("Atlassian does not accept this client id and secret");

    // An answer the check does not know: a warning, the apply goes on.
    s.emulator.inject_fault(Fault::respond(
        "POST",
        "/oauth/token",
        1,
        502,
        "<html>Bad gateway</html>",
    ));
    run(&mut s, &invoke_args, APP_SECRET, true)
        .await
        .expect_code(0)
        .expect_message("Could not check the Atlassian app")
        .expect_message("answered 502 without an OAuth error object");

    // No answer at all: a warning too.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    s.write_file("main.tf", &main_tf(&format!("http://127.0.0.1:{closed}")));
    let out = run(&mut s, &invoke_args, APP_SECRET, true).await;
    out.expect_code(0)
        .expect_message("Could not check the Atlassian app")
        .expect_message("the endpoint could not be reached");
    assert!(!out.output().contains("Atlassian accepted"));

    // Plain http to a host that is not loopback is refused before anything is sent.
    s.write_file("main.tf", &main_tf("http://atlassian.example.com"));
    run(&mut s, &invoke_args, APP_SECRET, false)
        .await
        .expect_code(1)
        .expect_message("Invalid `atlassian_url`");

    // The emulator's request log holds no secret either.
    let log = serde_json::to_string(&s.emulator.requests()).unwrap();
    assert!(!log.contains(APP_SECRET) && !log.contains(WRONG_SECRET));
    s.finish().await;
}

/// The documented example applies: its app is checked, then the integration created.
async fn example(tf: &Terraform) {
    const EXAMPLE: &str = "examples/actions/frontegg_atlassian_app_check/action.tf";
    const EXAMPLE_CLIENT_ID: &str = "Zx4kQ9bW2mT7rY1pL8vN3cH6dF0sJ5aG";
    let cfg = EmulatorConfig {
        atlassian_apps: vec![AtlassianAppConfig {
            client_id: EXAMPLE_CLIENT_ID.to_string(),
            secret: APP_SECRET.to_string(),
        }],
        ..emulator_config()
    };
    let mut s = Scenario::start_with(tf, Mode::DevOverrides, cfg).await;
    s.secret(APP_SECRET);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE);
    s.write_main(&std::fs::read_to_string(path).expect(EXAMPLE));
    let url = s.emulator.base_url();
    let env = [
        ("TF_VAR_atlassian_client_secret", APP_SECRET),
        ("FRONTEGG_ATLASSIAN_URL", url.as_str()),
    ];
    s.terraform_env(
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        &env,
    )
    .await
    .expect_code(0)
    .expect_output("Atlassian accepted the client id and secret")
    .expect_output("Actions: 1 invoked");
    assert_eq!(
        s.only_integration()["oauthConfigurations"]["clientId"],
        EXAMPLE_CLIENT_ID
    );
    s.terraform_env(
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
        &env,
    )
    .await
    .expect_code(0);
    s.finish().await;
}

/// Terraform 1.13 parses `action` blocks and `action_trigger` but never runs them: the
/// create goes on with a wrong secret, and the provider is never asked.
async fn actions_ignored(tf: &Terraform) {
    let mut s = Scenario::start_with(tf, Mode::DevOverrides, config()).await;
    s.secret(APP_SECRET);
    s.secret(WRONG_SECRET);
    let url = s.emulator.base_url();
    s.write_file("main.tf", &main_tf(&url));
    let apply = ["apply", "-auto-approve", "-input=false", "-no-color"];
    run(&mut s, &apply, WRONG_SECRET, false)
        .await
        .expect_code(0);
    assert_eq!(s.integrations().len(), 1);
    assert_eq!(token_checks(&s), 0);
    let mut invoke = apply.to_vec();
    invoke.push("-invoke=action.frontegg_atlassian_app_check.this");
    run(&mut s, &invoke, APP_SECRET, false)
        .await
        .expect_code(1)
        .expect_message("flag provided but not defined: -invoke");
    s.finish().await;
}

/// Terraform before 1.13: its own error on the `action` block, nothing from the provider.
async fn no_actions(tf: &Terraform) {
    let mut s = Scenario::start_with(tf, Mode::DevOverrides, config()).await;
    s.secret(APP_SECRET);
    let url = s.emulator.base_url();
    s.write_file("main.tf", &main_tf(&url));
    let out = run(
        &mut s,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        APP_SECRET,
        false,
    )
    .await;
    out.expect_code(1)
        .expect_message("Blocks of type \"action\" are not expected here.");
    assert!(s.integrations().is_empty());
    assert_eq!(token_checks(&s), 0);
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_atlassian_app_check_guards_the_integration() {
    for tf in common::acc_terraforms_of("actions", VERSIONS) {
        eprintln!("actions: Terraform {}", tf.version);
        if supports_actions(&tf) {
            actions(&tf).await;
            example(&tf).await;
        } else if tf.at_least(1, 13) {
            actions_ignored(&tf).await;
        } else {
            no_actions(&tf).await;
        }
    }
}
