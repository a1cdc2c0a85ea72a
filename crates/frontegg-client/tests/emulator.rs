//! The client against the in-process Frontegg emulator: one test per behaviour.

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use frontegg_client::{
    CancellationToken, Client, ClientConfig, CreateVendorIntegration, ErrorKind,
    OauthConfiguration, PatchVendorIntegration, RetryPolicy, Secret,
};
use frontegg_emulator::{
    AccountConfig, Emulator, EmulatorConfig, EnvironmentConfig, Fault, FaultAction, LoggedRequest,
    RateLimit, fingerprint,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const ENV: &str = "env-demo";
const CLIENT_ID: &str = "demo-client-id";
const SECRET: &str = "demo-secret";
const AUTH: &str = "/auth/vendor";
const BASE: &str = "/app-integrations/resources/vendors-integrations/v1";
const ATLASSIAN_SECRET: &str = "atlassian-secret-do-not-leak";

/// Every log record of this test binary except the emulator's (its fault descriptions quote
/// what the tests inject), to check that none holds a secret.
struct CapturingLogger;

static LOG_LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

impl log::Log for CapturingLogger {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        if record.target().starts_with("frontegg_emulator") {
            return;
        }
        let line = format!("{} {}: {}", record.level(), record.target(), record.args());
        LOG_LINES
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(line);
    }

    fn flush(&self) {}
}

fn capture_logs() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let _ = log::set_boxed_logger(Box::new(CapturingLogger));
        log::set_max_level(log::LevelFilter::Trace);
    });
}

fn log_lines() -> Vec<String> {
    LOG_LINES.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

async fn start() -> Emulator {
    start_with(EmulatorConfig::default()).await
}

async fn start_with(cfg: EmulatorConfig) -> Emulator {
    capture_logs();
    Emulator::start(cfg).await.expect("emulator starts")
}

/// Short delays, so that retries do not slow the tests down.
fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        rate_limit_jitter: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

fn config(emulator: &Emulator) -> ClientConfig {
    ClientConfig::new(CLIENT_ID, SECRET)
        .with_base_url(&emulator.base_url())
        .expect("loopback http is accepted")
        .with_retry_policy(fast_policy())
}

fn client(emulator: &Emulator) -> Client {
    Client::new(config(emulator)).expect("client")
}

fn confluence(emulator: &Emulator) -> String {
    emulator
        .catalog_id(ENV, "confluence")
        .expect("confluence is in the catalog")
}

fn create_body(catalog_id: &str) -> CreateVendorIntegration {
    CreateVendorIntegration {
        name: "Confluence".to_string(),
        description: Some("Team wiki".to_string()),
        frontegg_integration_id: catalog_id.to_string(),
        tools: vec!["pages:read".to_string(), "spaces:read".to_string()],
        is_active: true,
        oauth_configurations: OauthConfiguration {
            client_id: "atlassian-client-id".to_string(),
            client_secret: Secret::new(ATLASSIAN_SECRET),
        },
    }
}

fn calls<'a>(log: &'a [LoggedRequest], method: &str, path: &str) -> Vec<&'a LoggedRequest> {
    log.iter()
        .filter(|r| r.method == method && r.path == path)
        .collect()
}

fn summary(log: &[LoggedRequest]) -> Vec<String> {
    log.iter()
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect()
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).expect("formats")
}

#[tokio::test]
async fn token_is_renewed_before_it_expires_without_a_401() {
    let emulator = start_with(EmulatorConfig {
        token_ttl_secs: 1,
        ..EmulatorConfig::default()
    })
    .await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    client.list_integrations(&cancel).await.expect("first list");
    // Past 75 % of the one-second lifetime, before the end of it.
    tokio::time::sleep(Duration::from_millis(900)).await;
    client
        .list_integrations(&cancel)
        .await
        .expect("second list");

    let log = emulator.requests();
    assert!(
        calls(&log, "POST", AUTH).len() >= 2,
        "the token was renewed: {:?}",
        summary(&log)
    );
    assert!(
        log.iter().all(|r| r.status != 401),
        "no call was refused: {:?}",
        summary(&log)
    );
}

#[tokio::test]
async fn a_401_leads_to_one_authentication_and_one_repeat() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    client.list_integrations(&cancel).await.expect("first list");

    emulator.expire_tokens();
    emulator.clear_requests();
    client
        .list_integrations(&cancel)
        .await
        .expect("list after the token was revoked");
    assert_eq!(
        summary(&emulator.requests()),
        [
            format!("GET {BASE} 401"),
            format!("POST {AUTH} 200"),
            format!("GET {BASE} 200"),
        ]
    );

    // A call that is refused again after the fresh authentication is not repeated twice.
    emulator.clear_requests();
    emulator.inject_fault(Fault::respond(
        "GET",
        BASE,
        0,
        401,
        r#"{"errors":["Invalid or expired token"],"errorCode":"ER-00401"}"#,
    ));
    let error = client
        .list_integrations(&cancel)
        .await
        .expect_err("still refused");
    emulator.clear_faults();
    assert_eq!(error.kind, ErrorKind::Auth);
    assert_eq!(error.status, Some(401));
    assert_eq!(
        summary(&emulator.requests()),
        [
            format!("GET {BASE} 401"),
            format!("POST {AUTH} 200"),
            format!("GET {BASE} 401"),
        ]
    );
    assert!(error.to_string().contains("fresh token"), "{error}");
}

#[tokio::test]
async fn rate_limit_waits_until_x_rate_limit_reset() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    client.authenticate(&cancel).await.expect("authenticates");

    let reset = OffsetDateTime::now_utc() + Duration::from_secs(1);
    emulator.inject_fault(Fault {
        method: "GET".to_string(),
        path: BASE.to_string(),
        times: 1,
        action: FaultAction::Respond {
            status: 429,
            body: r#"{"errors":["Too many requests"],"errorCode":"ER-00429"}"#.to_string(),
            // Retry-After would mean a much longer wait: the reset header comes first.
            headers: vec![
                ("X-Rate-Limit-Reset".to_string(), rfc3339(reset)),
                ("Retry-After".to_string(), "30".to_string()),
            ],
        },
        delay_ms: 0,
    });
    emulator.clear_requests();
    let started = Instant::now();
    client
        .list_integrations(&cancel)
        .await
        .expect("succeeds after the reset");
    let done = OffsetDateTime::now_utc();

    assert_eq!(
        summary(&emulator.requests()),
        [format!("GET {BASE} 429"), format!("GET {BASE} 200")]
    );
    assert!(
        done >= reset,
        "the repeat waited for the reset ({done} < {reset})"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "Retry-After was not used"
    );
}

#[tokio::test]
async fn the_emulators_rate_limit_is_waited_out() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    client.authenticate(&cancel).await.expect("authenticates");
    emulator.set_rate_limit(Some(RateLimit {
        requests: 2,
        window_secs: 1,
    }));
    emulator.clear_requests();
    for _ in 0..4 {
        client
            .list_integrations(&cancel)
            .await
            .expect("every call gets through");
    }
    emulator.set_rate_limit(None);
    let log = emulator.requests();
    let statuses: Vec<u16> = log.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        4,
        "{statuses:?}"
    );
    assert!(statuses.contains(&429), "the limit was hit: {statuses:?}");
}

#[tokio::test]
async fn a_rate_limit_beyond_the_budget_fails_at_once_and_says_so() {
    let emulator = start().await;
    let client = Client::new(config(&emulator).with_operation_budget(Duration::from_secs(5)))
        .expect("client");
    let cancel = CancellationToken::new();
    let reset = OffsetDateTime::now_utc() + Duration::from_secs(120);
    emulator.inject_fault(Fault {
        method: "GET".to_string(),
        path: BASE.to_string(),
        times: 0,
        action: FaultAction::Respond {
            status: 429,
            body: r#"{"errors":["Too many requests"],"errorCode":"ER-00429"}"#.to_string(),
            headers: vec![("X-Rate-Limit-Reset".to_string(), rfc3339(reset))],
        },
        delay_ms: 0,
    });
    let error = tokio::time::timeout(Duration::from_secs(4), client.list_integrations(&cancel))
        .await
        .expect("does not sit out a wait it cannot afford")
        .expect_err("rate limited");
    assert_eq!(error.kind, ErrorKind::RateLimited);
    let text = error.to_string();
    assert!(text.contains("rate limit"), "{text}");
    assert!(text.contains("429 Too Many Requests"), "{text}");
    assert!(text.contains("time budget"), "{text}");
    assert_eq!(
        calls(&emulator.requests(), "GET", BASE).len(),
        1,
        "asked once, then gave up"
    );
}

#[tokio::test]
async fn cancellation_aborts_a_rate_limit_wait_promptly() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let reset = OffsetDateTime::now_utc() + Duration::from_secs(60);
    emulator.inject_fault(Fault {
        method: "GET".to_string(),
        path: BASE.to_string(),
        times: 0,
        action: FaultAction::Respond {
            status: 429,
            body: String::new(),
            headers: vec![("X-Rate-Limit-Reset".to_string(), rfc3339(reset))],
        },
        delay_ms: 0,
    });
    let stopper = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        stopper.cancel();
    });
    let error = tokio::time::timeout(Duration::from_secs(10), client.list_integrations(&cancel))
        .await
        .expect("the wait ends when cancelled")
        .expect_err("cancelled");
    assert_eq!(error.kind, ErrorKind::Cancelled);
    assert!(error.to_string().contains("cancelled"), "{error}");
    assert_eq!(calls(&emulator.requests(), "GET", BASE).len(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_for_get_patch_and_delete() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let created = client
        .create_integration(&create_body(&confluence(&emulator)), &cancel)
        .await
        .expect("created");
    let one = format!("{BASE}/{}", created.id);
    let unavailable = r#"{"errors":["Service unavailable"]}"#;
    emulator.inject_fault(Fault::respond("GET", BASE, 2, 503, unavailable));
    emulator.inject_fault(Fault::respond("PATCH", &one, 2, 503, unavailable));
    emulator.inject_fault(Fault::respond("DELETE", &one, 2, 503, unavailable));
    emulator.clear_requests();

    let listed = client.list_integrations(&cancel).await.expect("list");
    assert_eq!(listed.len(), 1);
    let patch = PatchVendorIntegration {
        name: Some("Wiki".to_string()),
        ..PatchVendorIntegration::default()
    };
    let updated = client
        .update_integration(&created.id, &patch, &cancel)
        .await
        .expect("update");
    assert_eq!(updated.name.as_deref(), Some("Wiki"));
    client
        .delete_integration(&created.id, &cancel)
        .await
        .expect("delete");
    assert!(emulator.integrations(ENV).is_empty());

    let log = emulator.requests();
    for (method, path) in [
        ("GET", BASE),
        ("PATCH", one.as_str()),
        ("DELETE", one.as_str()),
    ] {
        let statuses: Vec<u16> = calls(&log, method, path).iter().map(|r| r.status).collect();
        assert_eq!(statuses.len(), 3, "{method}: {:?}", summary(&log));
        assert_eq!(&statuses[..2], [503, 503], "{method}");
        assert!(statuses[2] < 300, "{method}: {statuses:?}");
    }
}

#[tokio::test]
async fn persistent_server_errors_end_in_an_error_after_bounded_retries() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    emulator.inject_fault(Fault::respond(
        "GET",
        BASE,
        0,
        502,
        "<html>Bad Gateway</html>",
    ));
    let error = client
        .list_integrations(&cancel)
        .await
        .expect_err("keeps failing");
    assert_eq!(error.kind, ErrorKind::Server);
    assert_eq!(error.status, Some(502));
    let attempts = calls(&emulator.requests(), "GET", BASE).len();
    assert_eq!(attempts, 1 + fast_policy().max_retries as usize);
    assert!(error.to_string().contains("502 Bad Gateway"), "{error}");
    assert!(
        error
            .to_string()
            .contains(&format!("gave up after {attempts} attempts")),
        "{error}"
    );
}

#[tokio::test]
async fn a_lost_create_answer_adopts_the_created_integration() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    emulator.inject_fault(Fault::apply_then_drop("POST", BASE, 1));

    let created = client
        .create_integration(&create_body(&confluence(&emulator)), &cancel)
        .await
        .expect("the create is recognised");

    let stored = emulator.integrations(ENV);
    assert_eq!(stored.len(), 1, "no duplicate");
    assert_eq!(stored[0]["id"], created.id.as_str());
    assert_eq!(created.name.as_deref(), Some("Confluence"));
    let log = emulator.requests();
    assert_eq!(
        calls(&log, "POST", BASE).len(),
        1,
        "the POST was not repeated: {:?}",
        summary(&log)
    );
    assert_eq!(
        calls(&log, "POST", BASE)[0].status,
        0,
        "its answer was lost"
    );
}

#[tokio::test]
async fn a_create_answered_502_after_it_was_applied_is_adopted() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    emulator.inject_fault(Fault {
        method: "POST".to_string(),
        path: BASE.to_string(),
        times: 1,
        action: FaultAction::ApplyThenRespond {
            status: 502,
            body: String::new(),
        },
        delay_ms: 0,
    });
    let created = client
        .create_integration(&create_body(&confluence(&emulator)), &cancel)
        .await
        .expect("adopted");
    assert_eq!(emulator.integrations(ENV).len(), 1);
    assert_eq!(emulator.integrations(ENV)[0]["id"], created.id.as_str());
    assert_eq!(calls(&emulator.requests(), "POST", BASE).len(), 1);
}

#[tokio::test]
async fn a_create_that_provably_did_not_happen_is_sent_again() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    emulator.inject_fault(Fault::respond("POST", BASE, 1, 503, ""));
    let created = client
        .create_integration(&create_body(&confluence(&emulator)), &cancel)
        .await
        .expect("created on the second POST");
    assert_eq!(emulator.integrations(ENV).len(), 1);
    assert_eq!(emulator.integrations(ENV)[0]["id"], created.id.as_str());
    let log = emulator.requests();
    let relevant: Vec<String> = summary(&log)
        .into_iter()
        .filter(|l| !l.contains(AUTH))
        .collect();
    assert_eq!(
        relevant,
        [
            format!("POST {BASE} 503"),
            format!("GET {BASE} 200"),
            format!("POST {BASE} 201"),
        ],
        "the list proved nothing was created before the POST was repeated"
    );
}

#[tokio::test]
async fn a_conflict_names_the_existing_integration() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let body = create_body(&confluence(&emulator));
    let first = client
        .create_integration(&body, &cancel)
        .await
        .expect("first create");
    let error = client
        .create_integration(&body, &cancel)
        .await
        .expect_err("second create conflicts");
    assert_eq!(
        error.kind,
        ErrorKind::Conflict {
            existing_id: Some(first.id.clone())
        }
    );
    assert_eq!(error.existing_id(), Some(first.id.as_str()));
    let text = error.to_string();
    assert!(text.contains("409 Conflict"), "{text}");
    assert!(text.contains(&first.id), "{text}");
    assert_eq!(emulator.integrations(ENV).len(), 1);
}

#[tokio::test]
async fn deleting_a_missing_integration_succeeds() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    client
        .delete_integration("00000000-0000-4000-8000-000000000000", &cancel)
        .await
        .expect("a missing integration counts as deleted");
    let log = emulator.requests();
    assert_eq!(
        summary(&log).last().map(String::as_str),
        Some(
            "DELETE /app-integrations/resources/vendors-integrations/v1/00000000-0000-4000-8000-000000000000 404"
        )
    );
}

#[tokio::test]
async fn update_sends_only_what_changes_and_get_sees_drift() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let created = client
        .create_integration(&create_body(&confluence(&emulator)), &cancel)
        .await
        .expect("created");
    let patch = PatchVendorIntegration {
        tools: Some(vec!["pages:read".to_string()]),
        ..PatchVendorIntegration::default()
    };
    emulator.clear_requests();
    let updated = client
        .update_integration(&created.id, &patch, &cancel)
        .await
        .expect("updated");
    assert_eq!(
        updated.tool_identifiers(),
        Some(vec!["pages:read".to_string()])
    );
    assert_eq!(updated.description.as_deref(), Some("Team wiki"));
    let log = emulator.requests();
    assert_eq!(
        log.last().and_then(|r| r.body.clone()),
        Some(serde_json::json!({"tools": ["pages:read"]}))
    );

    let fetched = client
        .get_integration(&created.id, &cancel)
        .await
        .expect("get");
    assert_eq!(
        fetched.as_ref().map(|i| i.id.as_str()),
        Some(created.id.as_str())
    );
    assert!(emulator.delete_integration(ENV, &created.id));
    assert_eq!(
        client
            .get_integration(&created.id, &cancel)
            .await
            .expect("get"),
        None
    );
    let error = client
        .update_integration(&created.id, &patch, &cancel)
        .await
        .expect_err("gone");
    assert!(error.is_not_found(), "{error}");
}

#[tokio::test]
async fn catalog_ids_resolve_by_provider_name() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    assert_eq!(
        client
            .catalog_id("confluence", &cancel)
            .await
            .expect("confluence"),
        confluence(&emulator)
    );
    let error = client
        .catalog_id("no-such-app", &cancel)
        .await
        .expect_err("unknown provider");
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert!(error.to_string().contains("no-such-app"), "{error}");
}

const CATALOG: &str = "/app-integrations/resources/frontegg-integrations/v1";

#[tokio::test]
async fn the_catalog_and_its_entries_are_read_once_per_client_even_by_concurrent_callers() {
    let emulator = start().await;
    let confluence_id = confluence(&emulator);
    let slack_id = emulator
        .catalog_id(ENV, "slack")
        .expect("slack is in the catalog");
    // Slow answers, so that the concurrent callers below overlap with the first read.
    emulator.inject_fault(Fault::delay("GET", CATALOG, 1, 200));
    emulator.inject_fault(Fault::delay("GET", &format!("{CATALOG}/*"), 2, 200));
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let mut callers = tokio::task::JoinSet::new();
    for i in 0..24 {
        let (client, cancel) = (client.clone(), cancel.clone());
        let slack_id = slack_id.clone();
        callers.spawn(async move {
            let entry = |e: frontegg_client::CatalogIntegration| e.id;
            match i % 4 {
                0 => client
                    .catalog_integration("confluence", &cancel)
                    .await
                    .map(entry),
                1 => client
                    .catalog_integration("Slack", &cancel)
                    .await
                    .map(entry),
                2 => client
                    .catalog_integration_by_id(&slack_id, &cancel)
                    .await
                    .map(entry),
                _ => client.catalog_id("confluence", &cancel).await,
            }
        });
    }
    while let Some(result) = callers.join_next().await {
        let id = result.expect("caller ran").expect("catalog read");
        assert!(id == confluence_id || id == slack_id, "{id}");
    }
    // More calls, one after the other, on the same client and on a clone.
    let clone = client.clone();
    assert_eq!(
        client.catalog(&cancel).await.expect("catalog").len(),
        clone.catalog(&cancel).await.expect("catalog").len()
    );
    let entry = clone
        .catalog_integration("confluence", &cancel)
        .await
        .expect("entry");
    assert_eq!(entry.id, confluence_id);
    assert!(
        entry.tools.is_some_and(|t| !t.is_empty()),
        "the entry keeps its tools"
    );

    let log = emulator.requests();
    assert_eq!(calls(&log, "POST", AUTH).len(), 1, "{:?}", summary(&log));
    assert_eq!(calls(&log, "GET", CATALOG).len(), 1, "{:?}", summary(&log));
    for id in [&confluence_id, &slack_id] {
        assert_eq!(
            calls(&log, "GET", &format!("{CATALOG}/{id}")).len(),
            1,
            "{:?}",
            summary(&log)
        );
    }

    // Another client (another provider process) reads them again.
    let other = Client::new(config(&emulator)).expect("client");
    other
        .catalog_integration("confluence", &cancel)
        .await
        .expect("entry");
    let log = emulator.requests();
    assert_eq!(calls(&log, "GET", CATALOG).len(), 2, "{:?}", summary(&log));
}

#[tokio::test]
async fn a_failed_catalog_read_is_not_kept() {
    let emulator = start().await;
    emulator.inject_fault(Fault::respond(
        "GET",
        CATALOG,
        1,
        400,
        "{\"message\":\"no\"}",
    ));
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    client
        .catalog_id("confluence", &cancel)
        .await
        .expect_err("the first read fails");
    assert_eq!(
        client
            .catalog_id("confluence", &cancel)
            .await
            .expect("the next call reads again"),
        confluence(&emulator)
    );
    client
        .catalog_id("confluence", &cancel)
        .await
        .expect("from the cache");
    let log = emulator.requests();
    assert_eq!(calls(&log, "GET", CATALOG).len(), 2, "{:?}", summary(&log));
}

#[tokio::test]
async fn errors_show_messages_status_and_trace_id_but_no_secret() {
    let emulator = start().await;
    let cancel = CancellationToken::new();
    // The token the client will use is one we know, so that we can look for it.
    let token = "eyJhbGciOiJIUzI1NiJ9.known-token-value.signature";
    emulator.inject_fault(Fault::respond(
        "POST",
        AUTH,
        1,
        200,
        &format!(r#"{{"token":"{token}","expiresIn":3600}}"#),
    ));
    // A server that echoes secrets back in its messages.
    emulator.inject_fault(Fault {
        method: "POST".to_string(),
        path: BASE.to_string(),
        times: 1,
        action: FaultAction::Respond {
            status: 400,
            body: format!(
                r#"{{"errors":["clientSecret {ATLASSIAN_SECRET} is not accepted","token {token} and key {SECRET} seen"],"errorCode":"ER-01234"}}"#
            ),
            headers: vec![("frontegg-trace-id".to_string(), "trace-abc123".to_string())],
        },
        delay_ms: 0,
    });
    let client = client(&emulator);
    let error = client
        .create_integration(&create_body(&confluence(&emulator)), &cancel)
        .await
        .expect_err("400");

    let display = error.to_string();
    let debug = format!("{error:?}");
    assert!(
        display.starts_with(&format!(
            "Frontegg API POST {BASE} failed with 400 Bad Request: "
        )),
        "{display}"
    );
    assert!(display.contains("is not accepted"), "{display}");
    assert!(display.contains("ER-01234"), "{display}");
    assert!(display.contains("trace id trace-abc123"), "{display}");
    assert_eq!(error.trace_id.as_deref(), Some("trace-abc123"));
    assert_eq!(error.error_code.as_deref(), Some("ER-01234"));
    // The client really used the known token.
    let posted = emulator.requests();
    assert_eq!(
        calls(&posted, "POST", BASE)[0].header("authorization"),
        Some(format!("Bearer {}", fingerprint(token)).as_str())
    );
    let client_debug = format!("{client:?}");
    for secret in [SECRET, token, ATLASSIAN_SECRET] {
        assert!(
            !display.contains(secret),
            "Display leaks {secret}: {display}"
        );
        assert!(!debug.contains(secret), "Debug leaks {secret}: {debug}");
        assert!(
            !client_debug.contains(secret),
            "client Debug leaks {secret}"
        );
        for line in log_lines() {
            assert!(!line.contains(secret), "log line leaks {secret}: {line}");
        }
    }
    assert!(
        log_lines()
            .iter()
            .any(|l| l.contains(&format!("POST {BASE}: 400"))),
        "requests are logged"
    );
}

#[tokio::test]
async fn rejected_credentials_say_which_settings_to_check() {
    let emulator = start().await;
    let cfg = ClientConfig::new(CLIENT_ID, "wrong-secret-value")
        .with_base_url(&emulator.base_url())
        .expect("url")
        .with_retry_policy(fast_policy());
    let client = Client::new(cfg).expect("client");
    let error = client
        .list_integrations(&CancellationToken::new())
        .await
        .expect_err("rejected");
    assert_eq!(error.kind, ErrorKind::Auth);
    let text = error.to_string();
    assert!(
        text.starts_with("Frontegg rejected the credentials"),
        "{text}"
    );
    assert!(
        text.contains("401 Unauthorized: Invalid authentication"),
        "{text}"
    );
    assert!(text.contains("client_id and secret"), "{text}");
    assert!(text.contains("trace id "), "{text}");
    assert!(!text.contains("wrong-secret-value"), "{text}");
    assert!(!format!("{error:?}").contains("wrong-secret-value"));
    assert_eq!(summary(&emulator.requests()), [format!("POST {AUTH} 401")]);
}

#[tokio::test]
async fn plain_http_to_a_non_loopback_host_is_refused() {
    let error = ClientConfig::new(CLIENT_ID, SECRET)
        .with_base_url("http://api.frontegg.com")
        .expect_err("refused");
    assert_eq!(error.kind, ErrorKind::Config);
    assert!(error.to_string().contains("use https://"), "{error}");

    let mut cfg = ClientConfig::new(CLIENT_ID, SECRET);
    cfg.base_url = "http://192.168.1.10:8080".to_string();
    let error = Client::new(cfg).expect_err("refused by the client too");
    assert_eq!(error.kind, ErrorKind::Config);
    assert!(error.to_string().contains("not loopback"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_authentication() {
    let emulator = start().await;
    // Authentication is slow, so that every call is waiting for it.
    emulator.inject_fault(Fault::delay("POST", AUTH, 1, 200));
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let client = client.clone();
        let cancel = cancel.clone();
        tasks.spawn(async move { client.list_integrations(&cancel).await });
    }
    while let Some(result) = tasks.join_next().await {
        result.expect("task").expect("list");
    }
    let log = emulator.requests();
    assert_eq!(calls(&log, "POST", AUTH).len(), 1, "{:?}", summary(&log));
    assert_eq!(calls(&log, "GET", BASE).len(), 10);
}

#[tokio::test]
async fn environment_header_and_user_agent_are_sent_on_every_call() {
    let emulator = start_with(EmulatorConfig {
        accounts: vec![AccountConfig {
            client_id: "account-client".to_string(),
            secret: "account-secret".to_string(),
            environment_ids: vec![ENV.to_string(), "env-two".to_string()],
        }],
        environments: vec![
            EnvironmentConfig {
                id: ENV.to_string(),
                client_id: CLIENT_ID.to_string(),
                secret: SECRET.to_string(),
            },
            EnvironmentConfig {
                id: "env-two".to_string(),
                client_id: "two-client".to_string(),
                secret: "two-secret".to_string(),
            },
        ],
        ..EmulatorConfig::default()
    })
    .await;
    let cfg = ClientConfig::new("account-client", "account-secret")
        .with_base_url(&emulator.base_url())
        .expect("url")
        .with_environment_id(Some("env-two".to_string()))
        .with_version("9.8.7")
        .with_retry_policy(fast_policy());
    let client = Client::new(cfg).expect("client");
    let cancel = CancellationToken::new();
    let catalog_id = emulator
        .catalog_id("env-two", "confluence")
        .expect("catalog");
    client
        .create_integration(&create_body(&catalog_id), &cancel)
        .await
        .expect("created in env-two");
    assert_eq!(emulator.integrations("env-two").len(), 1);
    assert!(emulator.integrations(ENV).is_empty());

    let log = emulator.requests();
    assert!(!calls(&log, "POST", AUTH).is_empty());
    for request in &log {
        assert_eq!(
            request.header("frontegg-environment-id"),
            Some("env-two"),
            "{} {}",
            request.method,
            request.path
        );
        assert_eq!(
            request.header("user-agent"),
            Some("terraform-provider-frontegg/9.8.7")
        );
    }
}

#[tokio::test]
async fn a_request_without_an_answer_in_time_is_retried() {
    let emulator = start().await;
    let client = Client::new(config(&emulator).with_request_timeout(Duration::from_millis(300)))
        .expect("client");
    let cancel = CancellationToken::new();
    client.authenticate(&cancel).await.expect("authenticates");
    emulator.inject_fault(Fault::delay("GET", BASE, 1, 3_000));
    let listed = tokio::time::timeout(Duration::from_secs(10), client.list_integrations(&cancel))
        .await
        .expect("does not wait for the slow answer")
        .expect("the repeat is answered");
    assert!(listed.is_empty());
}

#[tokio::test]
async fn a_create_that_times_out_is_not_duplicated() {
    let emulator = start().await;
    let client = Client::new(config(&emulator).with_request_timeout(Duration::from_millis(300)))
        .expect("client");
    let cancel = CancellationToken::new();
    client.authenticate(&cancel).await.expect("authenticates");
    // The first POST is applied only after the client stopped waiting for it.
    emulator.inject_fault(Fault::delay("POST", BASE, 1, 1_000));
    let created = client
        .create_integration(&create_body(&confluence(&emulator)), &cancel)
        .await
        .expect("created once");
    // Let the slow first POST finish, if the server still processes it.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let log = emulator.requests();
    let posts = calls(&log, "POST", BASE);
    assert_eq!(
        posts.iter().filter(|r| r.status == 201).count(),
        1,
        "{:?}",
        summary(&log)
    );
    assert!(
        summary(&log).contains(&format!("GET {BASE} 200")),
        "the client checked before sending the create again: {:?}",
        summary(&log)
    );
    let stored = emulator.integrations(ENV);
    assert_eq!(stored.len(), 1, "no duplicate");
    assert_eq!(stored[0]["id"], created.id.as_str());
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error_after_bounded_retries() {
    let emulator = start().await;
    let base_url = emulator.base_url();
    emulator.shutdown().await;
    let cfg = ClientConfig::new(CLIENT_ID, SECRET)
        .with_base_url(&base_url)
        .expect("url")
        .with_retry_policy(fast_policy());
    let error = Client::new(cfg)
        .expect("client")
        .list_integrations(&CancellationToken::new())
        .await
        .expect_err("nobody listens");
    assert_eq!(error.kind, ErrorKind::Transport);
    assert_eq!(error.path, AUTH);
    let text = error.to_string();
    assert!(text.contains("could not connect"), "{text}");
    assert!(
        text.contains(&format!(
            "gave up after {} attempts",
            1 + fast_policy().max_retries
        )),
        "{text}"
    );
}

/// Cancels `cancel` once the request held by the emulator's only fault has arrived.
async fn cancel_when_held(emulator: &Emulator, cancel: &CancellationToken) {
    while emulator.pending_faults() > 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    cancel.cancel();
}

#[tokio::test]
async fn a_create_cancelled_while_the_post_is_on_the_wire_gets_its_answer() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    client.authenticate(&cancel).await.expect("authenticates");
    emulator.inject_fault(Fault::delay("POST", BASE, 1, 1_500));
    let body = create_body(&confluence(&emulator));
    let (created, ()) = tokio::join!(
        client.create_integration(&body, &cancel),
        cancel_when_held(&emulator, &cancel)
    );
    let created = created.expect("the POST that was sent is awaited");
    assert!(cancel.is_cancelled());
    let stored = emulator.integrations(ENV);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["id"], created.id.as_str());
    assert_eq!(calls(&emulator.requests(), "POST", BASE).len(), 1);
}

#[tokio::test]
async fn a_create_cancelled_in_flight_whose_answer_is_lost_is_adopted_by_one_list() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    client.authenticate(&cancel).await.expect("authenticates");
    emulator.inject_fault(Fault::apply_then_drop("POST", BASE, 1).after(1_000));
    let body = create_body(&confluence(&emulator));
    let (created, ()) = tokio::join!(
        client.create_integration(&body, &cancel),
        cancel_when_held(&emulator, &cancel)
    );
    let created = created.expect("adopted although cancelled");
    let stored = emulator.integrations(ENV);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["id"], created.id.as_str());
    let log = emulator.requests();
    assert_eq!(calls(&log, "POST", BASE).len(), 1, "{:?}", summary(&log));
    assert_eq!(calls(&log, "GET", BASE).len(), 1, "{:?}", summary(&log));
}

#[tokio::test]
async fn a_cancelled_create_without_an_answer_or_a_listed_integration_may_have_happened() {
    let emulator = start().await;
    let client = Client::new(config(&emulator).with_request_timeout(Duration::from_millis(400)))
        .expect("client");
    let cancel = CancellationToken::new();
    client.authenticate(&cancel).await.expect("authenticates");
    emulator.inject_fault(Fault::delay("POST", BASE, 1, 3_000));
    let body = create_body(&confluence(&emulator));
    let (error, ()) = tokio::join!(
        client.create_integration(&body, &cancel),
        cancel_when_held(&emulator, &cancel)
    );
    let error = error.expect_err("no answer, nothing listed");
    assert_eq!(error.kind, ErrorKind::Timeout);
    let text = error.to_string();
    assert!(text.contains("may have been created"), "{text}");
    // The held POST is not answered yet; a second one would have been.
    let log = emulator.requests();
    assert!(
        calls(&log, "POST", BASE).is_empty(),
        "the create was not sent again: {:?}",
        summary(&log)
    );
    assert!(emulator.integrations(ENV).is_empty());
}

#[tokio::test]
async fn a_create_cancelled_before_it_is_sent_says_nothing_may_have_been_created() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    emulator.inject_fault(Fault::delay("POST", AUTH, 1, 1_500));
    let body = create_body(&confluence(&emulator));
    let (error, ()) = tokio::join!(
        client.create_integration(&body, &cancel),
        cancel_when_held(&emulator, &cancel)
    );
    let error = error.expect_err("cancelled while authenticating");
    assert_eq!(error.kind, ErrorKind::Cancelled);
    let text = error.to_string();
    assert!(!text.contains("may have been created"), "{text}");
    assert!(calls(&emulator.requests(), "POST", BASE).is_empty());
    assert!(emulator.integrations(ENV).is_empty());
}

#[tokio::test]
async fn a_created_answer_that_does_not_identify_the_integration_adopts_it() {
    let too_large = format!("[{}]", " ".repeat(frontegg_client::MAX_ANSWER_SIZE));
    for body in [
        "",
        "<html><body>201 Created</body></html>",
        r#"{"data":{"name":"Confluence"}}"#,
        r#"{"name":"Confluence","isActive":true}"#,
        r#"{"id":"","name":"Confluence"}"#,
        &too_large,
    ] {
        let emulator = start().await;
        let client = client(&emulator);
        emulator.inject_fault(Fault::apply_then_respond("POST", BASE, 1, 201, body));
        let body = &body[..body.len().min(40)];
        let created = client
            .create_integration(
                &create_body(&confluence(&emulator)),
                &CancellationToken::new(),
            )
            .await
            .unwrap_or_else(|e| panic!("answer {body:?}: {e}"));
        let stored = emulator.integrations(ENV);
        assert_eq!(stored.len(), 1, "answer {body:?}");
        assert_eq!(stored[0]["id"], created.id.as_str(), "answer {body:?}");
        assert_eq!(created.client_id(), Some("atlassian-client-id"));
        assert_eq!(calls(&emulator.requests(), "POST", BASE).len(), 1);
    }
}

#[tokio::test]
async fn a_created_integration_no_list_identifies_is_a_clear_error() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let catalog_id = confluence(&emulator);
    emulator.inject_fault(Fault::apply_then_respond("POST", BASE, 1, 201, ""));
    emulator.inject_fault(Fault::respond("GET", BASE, 2, 200, "[]"));
    let error = client
        .create_integration(&create_body(&catalog_id), &cancel)
        .await
        .expect_err("nothing identifies it");
    assert_eq!(
        error.kind,
        ErrorKind::CreatedUnidentified { existing_id: None }
    );
    let text = error.to_string();
    assert!(text.contains("201 Created"), "{text}");
    assert!(text.contains("the integration was created"), "{text}");
    assert!(text.contains("import it"), "{text}");
    assert!(!text.contains(ATLASSIAN_SECRET), "{text}");
    assert_eq!(emulator.integrations(ENV).len(), 1);
    assert_eq!(calls(&emulator.requests(), "POST", BASE).len(), 1);

    // A list holding another integration for the catalog entry names it.
    let other = serde_json::json!([{
        "id": "other-integration",
        "name": "Wiki",
        "fronteggIntegrationId": catalog_id,
        "oauthConfigurations": {"clientId": "someone-else"}
    }]);
    emulator.inject_fault(Fault::apply_then_respond("POST", BASE, 1, 200, "{}"));
    emulator.inject_fault(Fault::respond("GET", BASE, 1, 200, &other.to_string()));
    let error = client
        .create_integration(&create_body(&catalog_id), &cancel)
        .await
        .expect_err("the listed one is not what was sent");
    assert_eq!(error.existing_id(), Some("other-integration"));
    assert!(matches!(error.kind, ErrorKind::CreatedUnidentified { .. }));
}

#[tokio::test]
async fn a_conflict_says_whether_the_existing_integration_holds_what_was_sent() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let body = create_body(&confluence(&emulator));
    client
        .create_integration(&body, &cancel)
        .await
        .expect("first");
    let same = client
        .create_integration(&body, &cancel)
        .await
        .expect_err("conflict");
    assert!(same.existing_matches_request());
    assert!(!same.to_string().contains("import it"), "{same}");
    let mut other = create_body(&confluence(&emulator));
    other.oauth_configurations.client_id = "another-atlassian-app".to_string();
    let different = client
        .create_integration(&other, &cancel)
        .await
        .expect_err("conflict");
    assert!(!different.existing_matches_request());
    assert!(different.to_string().contains("import it"), "{different}");
}

#[tokio::test]
async fn an_empty_list_is_read_once_more_before_an_integration_counts_as_gone() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let created = client
        .create_integration(&create_body(&confluence(&emulator)), &cancel)
        .await
        .expect("created");
    emulator.inject_fault(Fault::respond("GET", BASE, 1, 200, "[]"));
    let found = client
        .get_integration(&created.id, &cancel)
        .await
        .expect("read");
    assert_eq!(found.map(|f| f.id), Some(created.id.clone()));

    emulator.inject_fault(Fault::respond("GET", BASE, 2, 200, "[]"));
    let gone = client
        .get_integration(&created.id, &cancel)
        .await
        .expect("read");
    assert!(gone.is_none(), "two empty answers: gone");
    let log = emulator.requests();
    assert_eq!(calls(&log, "GET", BASE).len(), 4, "{:?}", summary(&log));
}

/// Seeds three integrations and pages by two; returns their ids in list order.
fn three_paged(emulator: &Emulator) -> Vec<serde_json::Value> {
    for provider in ["jira", "slack", "github"] {
        emulator
            .seed_integration(ENV, serde_json::json!({"provider": provider}))
            .expect("seeded");
    }
    emulator.set_page_size(Some(2));
    emulator.integrations(ENV)
}

#[tokio::test]
async fn a_paged_list_without_next_links_is_read_by_page_index() {
    let emulator = start().await;
    let stored = three_paged(&emulator);
    let first_page = serde_json::json!({
        "items": [stored[0], stored[1]],
        "_metadata": {"totalItems": 3, "totalPages": 2}
    });
    emulator.inject_fault(Fault::respond("GET", BASE, 1, 200, &first_page.to_string()));
    let listed = client(&emulator)
        .list_integrations(&CancellationToken::new())
        .await
        .expect("list");
    let ids: Vec<&str> = listed.iter().map(|i| i.id.as_str()).collect();
    let expected: Vec<&str> = stored.iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn a_paged_list_that_ends_before_its_total_is_an_error_not_a_shorter_list() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let created = client
        .create_integration(&create_body(&confluence(&emulator)), &cancel)
        .await
        .expect("created");
    emulator.inject_fault(Fault::respond(
        "GET",
        BASE,
        1,
        200,
        r#"{"items":[],"_metadata":{"totalItems":1,"totalPages":1}}"#,
    ));
    let error = client
        .get_integration(&created.id, &cancel)
        .await
        .expect_err("incomplete");
    assert_eq!(error.kind, ErrorKind::InvalidResponse);
    assert!(
        error.to_string().contains("ended after 0 of its 1 items"),
        "{error}"
    );
}

#[tokio::test]
async fn a_paged_list_whose_pages_repeat_an_item_is_an_error_not_a_list_missing_one() {
    let emulator = start().await;
    let stored = three_paged(&emulator);
    let second_id = stored[1]["id"].as_str().expect("id").to_string();
    // A server that ignores the page asked for: every page is the first one.
    let first_page = serde_json::json!({
        "items": [stored[0]],
        "_links": {"next": format!("{BASE}?_offset=1&_limit=1")},
        "_metadata": {"totalItems": 2}
    });
    emulator.inject_fault(Fault::respond("GET", BASE, 2, 200, &first_page.to_string()));
    let error = client(&emulator)
        .get_integration(&second_id, &CancellationToken::new())
        .await
        .expect_err("overlapping pages");
    assert!(error.to_string().contains("overlap"), "{error}");
}

#[tokio::test]
async fn create_sends_exactly_the_dto_and_the_answer_carries_tool_dtos() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let created = client
        .create_integration(&create_body(&confluence(&emulator)), &cancel)
        .await
        .expect("created");
    let log = emulator.requests();
    let posted = calls(&log, "POST", BASE)[0].body.clone().expect("body");
    assert_eq!(
        posted,
        serde_json::json!({
            "name": "Confluence",
            "description": "Team wiki",
            "fronteggIntegrationId": confluence(&emulator),
            "authenticationType": "behalf-of-user",
            "tools": ["pages:read", "spaces:read"],
            "useFronteggIntegration": false,
            "isActive": true,
            "oauthConfigurations": {
                "clientId": "atlassian-client-id",
                "clientSecret": fingerprint(ATLASSIAN_SECRET)
            }
        })
    );
    assert_eq!(created.use_frontegg_integration, Some(false));
    let tools = created.tools.expect("tools reported");
    let read = tools
        .iter()
        .find(|t| t.identifier == "pages:read")
        .expect("pages:read");
    assert_eq!(
        read.scopes.as_deref(),
        Some(&["read:page:confluence".to_string()][..])
    );
    assert_eq!(read.name.as_deref(), Some("Read pages"));
    assert_eq!(created.agent_ids, Some(vec![]));
}

#[tokio::test]
async fn catalog_entry_lists_its_tools_with_their_scopes() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let entry = client
        .catalog_integration("Confluence", &cancel)
        .await
        .expect("catalog entry");
    assert_eq!(entry.id, confluence(&emulator));
    let tools = entry.tools.expect("tools");
    assert_eq!(tools.len(), 11);
    let write = tools
        .iter()
        .find(|t| t.identifier == "pages:write")
        .expect("pages:write");
    assert_eq!(
        write.scopes,
        Some(vec![
            "read:page:confluence".to_string(),
            "write:page:confluence".to_string()
        ])
    );
    let log = emulator.requests();
    assert!(
        log.iter().any(|r| r.path
            == format!(
                "/app-integrations/resources/frontegg-integrations/v1/{}",
                entry.id
            )),
        "{:?}",
        summary(&log)
    );
}

#[tokio::test]
async fn agents_are_assigned_and_unassigned() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let created = client
        .create_integration(&create_body(&confluence(&emulator)), &cancel)
        .await
        .expect("created");
    let agents = vec!["agent-1".to_string(), "agent-2".to_string()];
    client
        .assign_agents(&created.id, &agents, &cancel)
        .await
        .expect("assigned");
    client
        .unassign_agents(&created.id, &agents[..1], &cancel)
        .await
        .expect("unassigned");
    emulator.clear_requests();
    client
        .assign_agents(&created.id, &[], &cancel)
        .await
        .expect("nothing to assign");
    assert!(emulator.requests().is_empty(), "no call for no agents");
    let held = client
        .get_integration(&created.id, &cancel)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(held.agent_ids, Some(vec!["agent-2".to_string()]));
    let error = client
        .assign_agents("00000000-0000-4000-8000-000000000000", &agents, &cancel)
        .await
        .expect_err("gone");
    assert!(error.is_not_found(), "{error}");
}

#[tokio::test]
async fn paged_lists_are_read_to_the_last_page() {
    let emulator = start().await;
    for provider in ["jira", "slack", "github", "notion"] {
        emulator
            .seed_integration(ENV, serde_json::json!({"provider": provider}))
            .expect("seeded");
    }
    emulator.set_page_size(Some(2));
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let listed = client.list_integrations(&cancel).await.expect("list");
    assert_eq!(listed.len(), 4);
    let catalog = client.catalog(&cancel).await.expect("catalog");
    assert_eq!(catalog.len(), 31);
    let log = emulator.requests();
    assert_eq!(calls(&log, "GET", BASE).len(), 2, "{:?}", summary(&log));
}

#[tokio::test]
async fn answers_with_fields_missing_decode_as_not_reported() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    client
        .create_integration(&create_body(&confluence(&emulator)), &cancel)
        .await
        .expect("created");
    emulator.omit_fields(&["tools", "agentIds", "isActive", "useFronteggIntegration"]);
    let listed = client.list_integrations(&cancel).await.expect("list");
    assert_eq!(listed[0].tools, None);
    assert_eq!(listed[0].agent_ids, None);
    assert_eq!(listed[0].is_active, None);
    assert_eq!(listed[0].use_frontegg_integration, None);
    assert_eq!(listed[0].client_id(), Some("atlassian-client-id"));
    emulator.omit_fields(&["tools.scopes"]);
    let listed = client.list_integrations(&cancel).await.expect("list");
    let tools = listed[0].tools.as_ref().expect("tools");
    assert!(tools.iter().all(|t| t.scopes.is_none()));
}

#[tokio::test]
async fn a_lost_create_answer_with_another_tool_set_is_a_conflict_not_an_adoption() {
    let emulator = start().await;
    let client = client(&emulator);
    let cancel = CancellationToken::new();
    let catalog_id = confluence(&emulator);
    let mut first = create_body(&catalog_id);
    first.tools = vec!["pages:read".to_string()];
    client
        .create_integration(&first, &cancel)
        .await
        .expect("created");
    emulator.inject_fault(Fault::respond(
        "POST",
        BASE,
        1,
        503,
        r#"{"errors":["busy"]}"#,
    ));
    let error = client
        .create_integration(&create_body(&catalog_id), &cancel)
        .await
        .expect_err("someone else's integration");
    assert!(matches!(error.kind, ErrorKind::Conflict { .. }), "{error}");
}
