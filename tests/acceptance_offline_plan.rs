//! Acceptance: plans that survive the network. With Frontegg unreachable (a closed loopback
//! port), `terraform plan -refresh=false` of an unchanged configuration plans no change and
//! warns what could not be checked, while a change that needs the catalog is one clear error;
//! and Ctrl-C during a plan-time request to a server that never answers lets Terraform exit at
//! once, well before the client's own time limits. Runs only with `TF_ACC`.

mod common;

use std::time::Duration;

use common::{DEFAULT_SCOPES, Mode, Scenario, Terraform, hcl_list};
use tokio::io::AsyncReadExt as _;

const SECRET: &str = "atl-secret-offline-77d0e1";

fn config(scopes: Option<&[&str]>) -> String {
    let scopes = scopes
        .map(|s| format!("  scopes        = {}\n", hcl_list(s)))
        .unwrap_or_default();
    format!(
        "resource \"frontegg_confluence_integration\" \"this\" {{\n  client_id     = \"atl-offline\"\n  client_secret = \"{SECRET}\"\n{scopes}}}\n"
    )
}

/// A loopback address where nothing listens.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

async fn offline(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET);
    s.write_main(&config(None));
    s.apply().await;

    let unreachable = closed_port();
    let env = [("FRONTEGG_BASE_URL", unreachable.as_str())];
    let args = [
        "plan",
        "-refresh=false",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
    ];
    let run = s.terraform_env(&args, &env).await;
    assert_eq!(
        run.code,
        0,
        "Terraform {}: an unchanged configuration plans no change:\n{}",
        tf.version,
        run.output()
    );
    run.expect_message("Confluence tools not checked against Frontegg's catalog");

    let read_only: Vec<&str> = DEFAULT_SCOPES
        .iter()
        .copied()
        .filter(|sc| sc.starts_with("read:"))
        .collect();
    s.write_main(&config(Some(&read_only)));
    let run = s.terraform_env(&args, &env).await;
    assert_eq!(run.code, 1, "{}", run.output());
    run.expect_message("Cannot look up Confluence in Frontegg's catalog");
    s.write_main(&config(None));
    s.destroy().await;
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_without_refresh_survives_an_unreachable_frontegg() {
    for_each_terraform!(
        "plan_without_refresh_survives_an_unreachable_frontegg",
        |tf| { offline(&tf).await }
    );
}

async fn interrupted(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET);
    s.write_main(&config(None));
    s.apply().await;

    // A server that accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", silent.local_addr().expect("addr"));
    let (arrived_tx, mut arrived) = tokio::sync::mpsc::channel::<()>(8);
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut conn, _)) = silent.accept().await {
            let _ = arrived_tx.try_send(());
            let mut buf = [0u8; 1024];
            let _ = conn.read(&mut buf).await;
            held.push(conn);
        }
    });
    let args = ["plan", "-refresh=false", "-input=false", "-no-color"];
    let child = s.spawn_env(&args, &[("FRONTEGG_BASE_URL", url.as_str())]);
    tokio::time::timeout(Duration::from_secs(60), arrived.recv())
        .await
        .expect("the plan reaches the silent server")
        .expect("a connection");
    common::interrupt(&child);
    // The client's own limit for a server that never answers is a minute; Ctrl-C must end
    // the plan-time request long before that.
    let out = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .unwrap_or_else(|_| {
            panic!(
                "Terraform {}: still running 30 s after Ctrl-C during a plan-time request",
                tf.version
            )
        })
        .expect("wait for terraform");
    assert!(
        !out.status.success(),
        "an interrupted plan does not succeed"
    );
    hold.abort();
    s.destroy().await;
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_a_plan_time_request_ends_the_plan() {
    for_each_terraform!("ctrl_c_during_a_plan_time_request_ends_the_plan", |tf| {
        interrupted(&tf).await
    });
}
