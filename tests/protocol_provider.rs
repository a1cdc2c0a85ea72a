//! Provider configuration over the plugin protocol: credentials, region and base URL,
//! values unknown at plan time, and what the provider sends to Frontegg.

mod protocol_support;

use protocol_support::*;
use tfvalue::Value;

/// True when the environment would fill in credentials the test leaves out.
fn credentials_in_environment() -> bool {
    [
        "FRONTEGG_CLIENT_ID",
        "FRONTEGG_SECRET",
        "FRONTEGG_SECRET_KEY",
        "FRONTEGG_API_KEY",
    ]
    .iter()
    .any(|name| std::env::var_os(name).is_some())
}

#[tokio::test]
async fn missing_credentials_are_one_error_naming_attributes_and_environment_variables() {
    if credentials_in_environment() {
        eprintln!("skipped: FRONTEGG_* credentials are set in the environment");
        return;
    }
    let mut h = Harness::unconfigured().await;
    let config = h.provider_config([("client_id", Value::Null), ("secret", Value::Null)]);
    let diags = h.configure(&config).await;
    let errors = errors(&diags);
    assert_eq!(errors.len(), 1, "{diags:#?}");
    let detail = &errors[0].detail;
    for needle in [
        "`client_id`",
        "FRONTEGG_CLIENT_ID",
        "`secret`",
        "FRONTEGG_SECRET",
    ] {
        assert!(detail.contains(needle), "{needle}: {detail}");
    }
    assert_eq!(errors[0].path.as_deref(), Some("client_id"));
}

#[tokio::test]
async fn missing_secret_names_the_secret_only() {
    if credentials_in_environment() {
        eprintln!("skipped: FRONTEGG_* credentials are set in the environment");
        return;
    }
    let mut h = Harness::unconfigured().await;
    let config = h.provider_config([("secret", Value::Null)]);
    let diags = h.configure(&config).await;
    let errors = errors(&diags);
    assert_eq!(errors.len(), 1, "{diags:#?}");
    assert_eq!(errors[0].path.as_deref(), Some("secret"));
    assert!(!errors[0].detail.contains("FRONTEGG_CLIENT_ID"));
}

#[tokio::test]
async fn unknown_region_is_an_error_at_its_path() {
    let mut h = Harness::unconfigured().await;
    let config = h.provider_config([("region", Value::string("mars"))]);
    let diags = h.validate_provider(&config).await;
    let errors = errors(&diags);
    assert_eq!(errors.len(), 1, "{diags:#?}");
    assert_eq!(errors[0].path.as_deref(), Some("region"));
    assert!(errors[0].detail.contains("eu, us, ca, au, uk"));
}

#[tokio::test]
async fn region_names_are_accepted_in_any_case() {
    for region in ["US", "Eu", "uK"] {
        let mut h = Harness::unconfigured().await;
        let config = h.provider_config([("region", Value::string(region))]);
        assert_no_errors(&h.validate_provider(&config).await);
        assert_no_errors(&h.configure(&config).await);
    }
}

#[tokio::test]
async fn plain_http_base_url_off_loopback_is_refused() {
    let mut h = Harness::unconfigured().await;
    let config = h.provider_config([("base_url", Value::string("http://frontegg.example.com"))]);
    let diags = h.configure(&config).await;
    let errors = errors(&diags);
    assert_eq!(errors.len(), 1, "{diags:#?}");
    assert_eq!(errors[0].path.as_deref(), Some("base_url"));
}

#[tokio::test]
async fn a_base_url_that_does_not_parse_is_never_echoed_with_its_credentials() {
    for raw in [
        "https://admin:hunter2@front egg.example.com",
        "admin:hunter2@api.frontegg.com",
    ] {
        let mut h = Harness::unconfigured().await;
        let config = h.provider_config([("base_url", Value::string(raw))]);
        for diags in [
            h.validate_provider(&config).await,
            h.configure(&config).await,
        ] {
            for d in &diags {
                assert!(
                    !d.summary.contains("hunter2") && !d.detail.contains("hunter2"),
                    "{d:#?}"
                );
            }
        }
        let diags = h.configure(&config).await;
        let errors = errors(&diags);
        assert_eq!(errors.len(), 1, "{diags:#?}");
        assert_eq!(errors[0].path.as_deref(), Some("base_url"));
        assert!(errors[0].detail.contains("***@"), "{:#?}", errors[0]);
    }
}

#[tokio::test]
async fn configuring_calls_no_api() {
    let mut h = Harness::unconfigured().await;
    let config = h.provider_config([]);
    let diags = h.configure(&config).await;
    assert!(diags.is_empty(), "{diags:#?}");
    assert!(h.emulator.requests().is_empty());
}

#[tokio::test]
async fn unknown_settings_let_plan_work_and_fail_only_when_frontegg_is_needed() {
    let mut h = Harness::unconfigured().await;
    let config = h.provider_config([("secret", Value::Unknown)]);
    assert_no_errors(&h.validate_provider(&config).await);
    assert_no_errors(&h.configure(&config).await);

    let resource = h.config([]);
    let plan = h.plan(&Value::Null, &resource).await;
    assert_no_errors(&plan.diags);

    let applied = h.apply(&Value::Null, &plan.planned, &resource).await;
    let errors = errors(&applied.diags);
    assert_eq!(errors.len(), 1, "{:#?}", applied.diags);
    assert!(errors[0].detail.contains("`secret`"), "{:#?}", errors[0]);
    assert!(h.emulator.requests().is_empty());
}

#[tokio::test]
async fn refresh_with_unknown_settings_keeps_the_state() {
    let mut h = Harness::start().await;
    let state = h.create(&h.config([])).await;
    let config = h.provider_config([("client_id", Value::Unknown)]);
    assert_no_errors(&h.configure(&config).await);
    let read = h.read(&state).await;
    assert_no_errors(&read.diags);
    assert_eq!(read.state, state);
}

#[tokio::test]
async fn calls_carry_the_environment_header_and_the_provider_version() {
    let mut h = Harness::unconfigured().await;
    let config = h.provider_config([("environment_id", Value::string(ENV))]);
    assert_no_errors(&h.configure(&config).await);
    h.create(&h.config([])).await;
    let requests = h.emulator.requests();
    assert!(!requests.is_empty());
    for request in &requests {
        if !request.path.starts_with("/auth/") {
            assert_eq!(
                request.header("frontegg-environment-id"),
                Some(ENV),
                "{}",
                request.path
            );
        }
        let agent = request.header("user-agent").unwrap_or_default();
        assert!(
            agent.contains(&format!(
                "terraform-provider-frontegg/{}",
                env!("CARGO_PKG_VERSION")
            )),
            "{agent}"
        );
    }
}
