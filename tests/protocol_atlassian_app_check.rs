//! `frontegg_atlassian_app_check` over the plugin protocol, against the emulator's
//! stand-in of Atlassian's token endpoint: its schema (the secret write-only and
//! sensitive), validation (empty credentials, classic scopes, a callback that is no URL),
//! planning with unknown values, and invocation — a wrong secret is an error at
//! `client_secret`, the right pair a success in progress, an odd answer or none a warning —
//! with the secret in no message and in clear nowhere in the emulator's log.

mod protocol_support;

use frontegg_emulator::{DEFAULT_ATLASSIAN_CLIENT_ID, DEFAULT_ATLASSIAN_SECRET, Fault};
use protocol_support::*;
use tfplugin::proto::tfplugin6 as pb;
use tfvalue::{Type, Value, msgpack};

const ACTION: &str = "frontegg_atlassian_app_check";
const WRONG: &str = "ATOA-protocol-wrong-secret-00ff";

fn config_type() -> Type {
    Type::object([
        ("client_id", Type::String),
        ("client_secret", Type::String),
        ("callback_url", Type::String),
        ("scopes", Type::set(Type::String)),
    ])
}

fn config(client_id: Value, secret: Value, scopes: Option<&[&str]>) -> Value {
    Value::object([
        ("client_id", client_id),
        ("client_secret", secret),
        (
            "callback_url",
            Value::string("https://your-id.mcp-gw.frontegg.com/integration-callback"),
        ),
        (
            "scopes",
            scopes.map_or(Value::Null, |s| strings(s.iter().copied())),
        ),
    ])
}

fn dv(v: &Value) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(v, &config_type()).unwrap(),
        json: Vec::new(),
    })
}

/// (severity is error, summary, detail, path) of each diagnostic.
fn summarise(diags: &[pb::Diagnostic]) -> Vec<(bool, String, String, Option<String>)> {
    diags
        .iter()
        .map(|d| {
            let path = d.attribute.as_ref().map(|p| {
                p.steps
                    .iter()
                    .filter_map(|s| match &s.selector {
                        Some(pb::attribute_path::step::Selector::AttributeName(n)) => {
                            Some(n.clone())
                        }
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(".")
            });
            (
                d.severity == pb::diagnostic::Severity::Error as i32,
                d.summary.clone(),
                d.detail.clone(),
                path,
            )
        })
        .collect()
}

async fn harness(atlassian_url: Option<String>) -> Harness {
    let mut h = Harness::unconfigured().await;
    let url = atlassian_url.unwrap_or_else(|| h.emulator.base_url());
    let config = h.provider_config([("atlassian_url", Value::string(url))]);
    assert_no_errors(&h.configure(&config).await);
    h
}

async fn validate(h: &mut Harness, v: &Value) -> Vec<(bool, String, String, Option<String>)> {
    let resp = h
        .rpc
        .validate_action_config(pb::validate_action_config::Request {
            type_name: ACTION.into(),
            config: dv(v),
        })
        .await
        .unwrap()
        .into_inner();
    summarise(&resp.diagnostics)
}

/// The progress messages and the completion's diagnostics of one invocation.
async fn invoke(
    h: &mut Harness,
    v: &Value,
) -> (Vec<String>, Vec<(bool, String, String, Option<String>)>) {
    let mut stream = h
        .rpc
        .invoke_action(pb::invoke_action::Request {
            action_type: ACTION.into(),
            config: dv(v),
            client_capabilities: Some(pb::ClientCapabilities {
                deferral_allowed: false,
                write_only_attributes_allowed: true,
            }),
        })
        .await
        .unwrap()
        .into_inner();
    let mut progress = Vec::new();
    let mut completed = None;
    while let Some(event) = stream.message().await.transpose() {
        assert!(completed.is_none(), "an event after the completion");
        match event.unwrap().r#type.unwrap() {
            pb::invoke_action::event::Type::Progress(p) => progress.push(p.message),
            pb::invoke_action::event::Type::Completed(c) => {
                completed = Some(summarise(&c.diagnostics))
            }
        }
    }
    (progress, completed.expect("a completion"))
}

fn right() -> Value {
    config(
        Value::string(DEFAULT_ATLASSIAN_CLIENT_ID),
        Value::string(DEFAULT_ATLASSIAN_SECRET),
        Some(&["read:page:confluence"]),
    )
}

fn assert_no_secret(progress: &[String], diags: &[(bool, String, String, Option<String>)]) {
    let text = format!("{progress:?} {diags:?}");
    assert!(
        !text.contains(DEFAULT_ATLASSIAN_SECRET) && !text.contains(WRONG),
        "{text}"
    );
}

#[tokio::test]
async fn the_action_is_declared_with_a_write_only_sensitive_secret() {
    let mut h = Harness::unconfigured().await;
    let schema = h
        .rpc
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    let block = schema.action_schemas[ACTION]
        .schema
        .as_ref()
        .unwrap()
        .block
        .as_ref()
        .unwrap();
    let attr = |n: &str| block.attributes.iter().find(|a| a.name == n).unwrap();
    assert!(attr("client_id").required);
    let secret = attr("client_secret");
    assert!(secret.required && secret.sensitive && secret.write_only);
    assert!(attr("callback_url").optional && attr("scopes").optional);
    assert!(block.attributes.iter().all(|a| !a.computed));
    let provider = schema.provider.unwrap().block.unwrap();
    assert!(
        provider
            .attributes
            .iter()
            .any(|a| a.name == "atlassian_url")
    );
}

#[tokio::test]
async fn validation_checks_credentials_scopes_and_callback_offline() {
    let mut h = harness(None).await;
    assert_eq!(validate(&mut h, &right()).await, vec![]);

    let empty = config(Value::string(" "), Value::string(""), None);
    let diags = validate(&mut h, &empty).await;
    let paths: Vec<_> = diags.iter().map(|d| (d.0, d.3.clone())).collect();
    assert_eq!(
        paths,
        vec![
            (true, Some("client_id".to_string())),
            (true, Some("client_secret".to_string()))
        ]
    );

    // A classic scope is an error naming its granular replacements, as for the resource.
    let classic = config(
        Value::string(DEFAULT_ATLASSIAN_CLIENT_ID),
        Value::string(DEFAULT_ATLASSIAN_SECRET),
        Some(&["read:confluence-content.all"]),
    );
    let diags = validate(&mut h, &classic).await;
    assert!(
        diags
            .iter()
            .any(|d| d.0 && d.3.as_deref() == Some("scopes")),
        "{diags:#?}"
    );

    let mut bad_callback = right();
    bad_callback.set_attr("callback_url", Value::string("not a url"));
    let diags = validate(&mut h, &bad_callback).await;
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].3.as_deref(), Some("callback_url"));

    // Values known only at apply are skipped.
    let unknown = config(Value::Unknown, Value::Unknown, None);
    assert_eq!(validate(&mut h, &unknown).await, vec![]);
    let resp = h
        .rpc
        .plan_action(pb::plan_action::Request {
            action_type: ACTION.into(),
            config: dv(&unknown),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
}

#[tokio::test]
async fn the_right_pair_succeeds_and_a_wrong_secret_fails_at_client_secret() {
    let mut h = harness(None).await;
    h.emulator.clear_requests();
    let (progress, diags) = invoke(&mut h, &right()).await;
    assert_eq!(diags, vec![]);
    assert_eq!(progress.len(), 2, "{progress:?}");
    assert!(progress[1].contains("Atlassian accepted the client id and secret"));
    assert!(progress[1].contains("403 invalid_grant"));

    let wrong = config(
        Value::string(DEFAULT_ATLASSIAN_CLIENT_ID),
        Value::string(WRONG),
        None,
    );
    let (progress, diags) = invoke(&mut h, &wrong).await;
    assert_eq!(diags.len(), 1);
    assert!(diags[0].0);
    assert_eq!(
        diags[0].1,
        "Atlassian does not accept this client id and secret"
    );
    assert_eq!(diags[0].3.as_deref(), Some("client_secret"));
    assert!(diags[0].2.contains("Settings page"));
    assert_no_secret(&progress, &diags);

    // Only Atlassian's endpoint was called, with the made-up code and the callback; the
    // secret is in the emulator's log as a fingerprint only.
    let requests = h.emulator.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/oauth/token")
        );
        let body = r.body.as_ref().unwrap();
        assert_eq!(body["grant_type"], "authorization_code");
        assert_eq!(
            body["redirect_uri"],
            "https://your-id.mcp-gw.frontegg.com/integration-callback"
        );
        assert!(body["code"].as_str().unwrap().len() > 16);
    }
    assert_ne!(
        requests[0].body.as_ref().unwrap()["code"],
        requests[1].body.as_ref().unwrap()["code"]
    );
    let log = serde_json::to_string(&requests).unwrap();
    assert!(!log.contains(DEFAULT_ATLASSIAN_SECRET) && !log.contains(WRONG));
}

#[tokio::test]
async fn an_odd_answer_or_none_is_a_warning_never_a_success() {
    let mut h = harness(None).await;
    for (status, body, reading) in [
        (500, "oops", "answered 500 without an OAuth error object"),
        (
            401,
            r#"{"error":"invalid_client"}"#,
            "answered 401 with error \"invalid_client\"",
        ),
        (
            200,
            r#"{"access_token":"x"}"#,
            "answered 200 without an OAuth error object",
        ),
    ] {
        h.emulator
            .inject_fault(Fault::respond("POST", "/oauth/token", 1, status, body));
        let (progress, diags) = invoke(&mut h, &right()).await;
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert!(!diags[0].0, "{diags:#?}");
        assert_eq!(diags[0].1, "Could not check the Atlassian app");
        assert!(diags[0].2.contains(reading), "{}", diags[0].2);
        assert!(!progress.iter().any(|p| p.contains("accepted")));
    }

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut h = harness(Some(format!("http://127.0.0.1:{closed}"))).await;
    let (progress, diags) = invoke(&mut h, &right()).await;
    assert_eq!(diags.len(), 1);
    assert!(!diags[0].0);
    assert!(
        diags[0].2.contains("could not be reached"),
        "{}",
        diags[0].2
    );
    assert_no_secret(&progress, &diags);
}

#[tokio::test]
async fn atlassian_url_must_be_https_or_loopback() {
    let mut h = Harness::unconfigured().await;
    for (url, ok) in [
        ("https://auth.atlassian-us-gov-mod.com", true),
        ("http://localhost:8080", true),
        ("http://auth.example.com", false),
        ("ftp://auth.example.com", false),
    ] {
        let config = h.provider_config([("atlassian_url", Value::string(url))]);
        let diags = h.validate_provider(&config).await;
        assert_eq!(errors(&diags).is_empty(), ok, "{url}: {diags:#?}");
        if !ok {
            assert_eq!(errors(&diags)[0].path.as_deref(), Some("atlassian_url"));
        }
    }
}
