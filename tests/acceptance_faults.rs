//! Acceptance: faults injected in the emulator while real Terraform applies (rate limits,
//! 503s, an expiring token, a lost or unreadable create answer, Ctrl-C during a create and
//! an update). Each case ends with Terraform's state matching the emulator, one integration
//! (no duplicate) and empty plans. Runs only with `TF_ACC`.

mod common;

use std::time::Duration;

use common::{ADDR, ENV_ID, Mode, Scenario, Terraform, emulator_config};
use frontegg_emulator::{Fault, LoggedRequest, RateLimit};

const INTEGRATIONS: &str = "/app-integrations/resources/vendors-integrations/v1";
const AUTH: &str = "/auth/vendor";
const SECRET: &str = "atl-secret-faults-93ad0e";

fn config(client_id: &str) -> String {
    format!(
        "variable \"secret\" {{\n  type      = string\n  sensitive = true\n  default   = \"{SECRET}\"\n}}\n\nresource \"frontegg_confluence_integration\" \"this\" {{\n  client_id     = \"{client_id}\"\n  client_secret = var.secret\n}}\n"
    )
}

fn count(requests: &[LoggedRequest], method: &str, path: &str, status: u16) -> usize {
    requests
        .iter()
        .filter(|r| r.method == method && r.path.starts_with(path) && r.status == status)
        .count()
}

fn describe(requests: &[LoggedRequest]) -> String {
    requests
        .iter()
        .map(|r| format!("{} {} -> {}", r.method, r.path, r.status))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn start(tf: &Terraform, cfg: frontegg_emulator::EmulatorConfig) -> Scenario {
    let mut s = Scenario::start_with(tf, Mode::DevOverrides, cfg).await;
    s.secret(SECRET);
    s
}

/// Ends a case: one integration, state matching it, secret scan.
async fn converged(mut s: Scenario) {
    s.emulator.clear_faults();
    s.emulator.set_rate_limit(None);
    s.assert_empty_plans().await;
    s.assert_state_matches_emulator().await;
    s.finish().await;
}

/// 429 answers with `X-Rate-Limit-Reset` (the emulator's own rate limit): the provider
/// waits until the reset and carries on.
async fn rate_limited(tf: &Terraform) {
    let mut s = start(tf, emulator_config()).await;
    s.write_main(&config("atl-client-rate"));
    s.emulator.set_rate_limit(Some(RateLimit {
        requests: 2,
        window_secs: 1,
    }));
    s.apply().await;
    let log = s.emulator.requests();
    assert!(
        log.iter().any(|r| r.status == 429),
        "the rate limit was hit:\n{}",
        describe(&log)
    );
    assert_eq!(
        count(&log, "POST", INTEGRATIONS, 201),
        1,
        "{}",
        describe(&log)
    );
    converged(s).await;
}

/// 503 twice on create and twice on update: retried, one integration.
async fn unavailable_twice(tf: &Terraform) {
    let mut s = start(tf, emulator_config()).await;
    s.write_main(&config("atl-client-503"));
    s.emulator.inject_fault(Fault::respond(
        "POST",
        INTEGRATIONS,
        2,
        503,
        r#"{"errors":["Service Unavailable"]}"#,
    ));
    s.apply().await;
    let log = s.emulator.requests();
    assert_eq!(
        count(&log, "POST", INTEGRATIONS, 503),
        2,
        "{}",
        describe(&log)
    );
    assert_eq!(
        count(&log, "POST", INTEGRATIONS, 201),
        1,
        "{}",
        describe(&log)
    );
    s.only_integration();

    s.emulator.clear_requests();
    s.write_main(&config("atl-client-503-updated"));
    s.emulator.inject_fault(Fault::respond(
        "PATCH",
        &format!("{INTEGRATIONS}/*"),
        2,
        503,
        r#"{"errors":["Service Unavailable"]}"#,
    ));
    s.apply().await;
    let log = s.emulator.requests();
    assert_eq!(
        count(&log, "PATCH", INTEGRATIONS, 503),
        2,
        "{}",
        describe(&log)
    );
    assert_eq!(
        s.only_integration()["oauthConfigurations"]["clientId"],
        "atl-client-503-updated"
    );
    converged(s).await;
}

/// The token expires while the create is on its way (tokens live 2 s, the create is
/// held 3 s before the emulator checks the token): 401, a new token, the create again.
async fn token_expires_mid_apply(tf: &Terraform) {
    let mut cfg = emulator_config();
    cfg.token_ttl_secs = 2;
    let mut s = start(tf, cfg).await;
    s.write_main(&config("atl-client-token"));
    s.emulator
        .inject_fault(Fault::delay("POST", INTEGRATIONS, 1, 3000));
    s.apply().await;
    let log = s.emulator.requests();
    assert_eq!(
        count(&log, "POST", INTEGRATIONS, 401),
        1,
        "{}",
        describe(&log)
    );
    assert_eq!(
        count(&log, "POST", INTEGRATIONS, 201),
        1,
        "{}",
        describe(&log)
    );
    assert!(count(&log, "POST", AUTH, 200) >= 2, "{}", describe(&log));
    converged(s).await;
}

/// The create is processed but its answer lost (connection closed): the provider finds
/// the integration it made instead of creating a second one.
async fn lost_create_answer(tf: &Terraform) {
    let mut s = start(tf, emulator_config()).await;
    s.write_main(&config("atl-client-lost"));
    s.emulator
        .inject_fault(Fault::apply_then_drop("POST", INTEGRATIONS, 1));
    s.apply().await;
    let log = s.emulator.requests();
    let creates = log
        .iter()
        .filter(|r| r.method == "POST" && r.path == INTEGRATIONS)
        .count();
    assert_eq!(
        creates,
        1,
        "exactly one create was sent:\n{}",
        describe(&log)
    );
    s.only_integration();
    converged(s).await;
}

/// The create is processed but answered with a page that is not the integration: the
/// success proves it was created, and the provider records it from the list.
async fn unreadable_create_answer(tf: &Terraform) {
    let mut s = start(tf, emulator_config()).await;
    s.write_main(&config("atl-client-unreadable"));
    s.emulator.inject_fault(Fault::apply_then_respond(
        "POST",
        INTEGRATIONS,
        1,
        201,
        "<html><body>Created</body></html>",
    ));
    s.apply().await;
    let log = s.emulator.requests();
    assert_eq!(
        count(&log, "POST", INTEGRATIONS, 201),
        1,
        "exactly one create was sent:\n{}",
        describe(&log)
    );
    s.only_integration();
    converged(s).await;
}

/// Ctrl-C while the create is on the wire (the emulator holds it 3 s): the provider waits
/// for its answer, as Terraform waits for the apply, so the interrupted run records the
/// integration it created and the next plan is empty.
async fn interrupted_apply(tf: &Terraform) {
    let mut s = start(tf, emulator_config()).await;
    s.write_main(&config("atl-client-interrupted"));
    s.emulator
        .inject_fault(Fault::delay("POST", INTEGRATIONS, 1, 3000));
    let args = ["apply", "-auto-approve", "-input=false", "-no-color"];
    let child = s.spawn(&args);
    // The held create takes its fault when it arrives.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while s.emulator.pending_faults() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the apply never sent the create:\n{}",
            describe(&s.emulator.requests())
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    common::interrupt(&child);
    let run = s.wait(&args, child).await;
    eprintln!(
        "interrupted apply (Terraform {}) exited {}",
        tf.version, run.code
    );
    run.expect_message("Interrupt received");
    let log = s.emulator.requests();
    assert_eq!(
        count(&log, "POST", INTEGRATIONS, 201),
        1,
        "the create that was sent was answered:\n{}",
        describe(&log)
    );
    assert_eq!(s.emulator.integrations(ENV_ID).len(), 1);
    assert!(
        !s.state_values(ADDR).await.is_null(),
        "Terraform {}: the interrupted apply recorded the integration:\n{}",
        tf.version,
        run.output()
    );
    s.assert_state_matches_emulator().await;
    s.assert_empty_plans().await;

    // Ctrl-C while an update is in flight: state keeps what Frontegg holds, and the next
    // apply finishes the change.
    s.emulator.clear_requests();
    s.write_main(&config("atl-client-interrupted-update"));
    s.emulator
        .inject_fault(Fault::delay("PATCH", &format!("{INTEGRATIONS}/*"), 1, 3000));
    let child = s.spawn(&args);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !s
        .emulator
        .requests()
        .iter()
        .any(|r| r.method == "GET" && r.path == INTEGRATIONS)
    {
        assert!(tokio::time::Instant::now() < deadline, "no refresh");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    common::interrupt(&child);
    let run = s.wait(&args, child).await;
    eprintln!(
        "interrupted update (Terraform {}) exited {}",
        tf.version, run.code
    );
    tokio::time::sleep(Duration::from_millis(3000)).await;
    s.apply().await;
    assert_eq!(
        s.only_integration()["oauthConfigurations"]["clientId"],
        "atl-client-interrupted-update"
    );
    converged(s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_rate_limited() {
    for_each_terraform!("fault_rate_limited", |tf| rate_limited(&tf).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_unavailable_twice() {
    for_each_terraform!("fault_unavailable_twice", |tf| unavailable_twice(&tf).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_token_expires_mid_apply() {
    for_each_terraform!("fault_token_expires_mid_apply", |tf| {
        token_expires_mid_apply(&tf).await
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_lost_create_answer() {
    for_each_terraform!("fault_lost_create_answer", |tf| lost_create_answer(&tf)
        .await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_unreadable_create_answer() {
    for_each_terraform!("fault_unreadable_create_answer", |tf| {
        unreadable_create_answer(&tf).await
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_interrupted_apply() {
    for_each_terraform!("fault_interrupted_apply", |tf| interrupted_apply(&tf).await);
}
