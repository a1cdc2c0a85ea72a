//! Actions (Terraform 1.14+): action schemas in `GetProviderSchema`, validation,
//! planning with unknown values, invocation streaming progress then a completion over
//! gRPC, secrets of sensitive and write-only attributes kept out of every message, and
//! refusal at start-up of an action schema with state-like attributes.

mod common;

use std::any::Any;
use std::sync::{Arc, Mutex};

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_client::ProviderClient;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::testing::plain_channel;
use tfplugin::{
    Action, ActionProgress, Context, DataSource, Diagnostics, Provider, ProviderService, Resource,
    ServeConfig, async_trait, serve_debug,
};
use tfvalue::{AttributePath, Type, Value};
use tokio_stream::StreamExt as _;
use tonic::Request;

const PING: &str = "test_ping";
const TOKEN: &str = "tok-4f1d9a-secret";
const TOKEN_WO: &str = "wo-88c2e1-secret";

/// What the action saw.
#[derive(Default)]
struct Seen {
    planned: Mutex<Vec<Value>>,
    invoked: Mutex<Vec<Value>>,
}

/// `TestProvider` (from `common`) with the action `test_ping`, steered by `mode`:
/// `invalid` fails validation, `refuse` fails the plan, `fail` fails the invocation
/// after one progress message (quoting the tokens), `panic` panics, `chatty` sends
/// `count` messages.
struct WithAction {
    inner: TestProvider,
    seen: Arc<Seen>,
    computed: bool,
}

struct Ping {
    seen: Arc<Seen>,
    computed: bool,
}

fn config_type() -> Type {
    Type::object([
        ("target", Type::String),
        ("mode", Type::String),
        ("count", Type::Number),
        ("token", Type::String),
        ("token_wo", Type::String),
    ])
}

fn config(target: Value, mode: Option<&str>) -> Value {
    Value::object([
        ("target", target),
        ("mode", mode.map_or(Value::Null, Value::from)),
        ("count", Value::Null),
        ("token", s(TOKEN)),
        ("token_wo", s(TOKEN_WO)),
    ])
}

fn service_with(computed: bool) -> Result<(ProviderService, Arc<Seen>), tfplugin::InvalidSchemas> {
    let seen = Arc::new(Seen::default());
    let provider = WithAction {
        inner: TestProvider {
            behaviour: Arc::default(),
        },
        seen: seen.clone(),
        computed,
    };
    ProviderService::new(Arc::new(provider)).map(|s| (s, seen))
}

fn service() -> (ProviderService, Arc<Seen>) {
    service_with(false).unwrap()
}

#[async_trait]
impl Provider for WithAction {
    fn schema(&self) -> Schema {
        self.inner.schema()
    }
    async fn configure(
        &self,
        ctx: &Context,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Arc<dyn Any + Send + Sync>> {
        self.inner.configure(ctx, config, diags).await
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        self.inner.resources()
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
    fn actions(&self) -> Vec<Arc<dyn Action>> {
        vec![Arc::new(Ping {
            seen: self.seen.clone(),
            computed: self.computed,
        })]
    }
}

#[async_trait]
impl Action for Ping {
    fn type_name(&self) -> &'static str {
        PING
    }

    fn schema(&self) -> Schema {
        let mut count = Attribute::new("count", Type::Number).optional();
        if self.computed {
            count = count.computed();
        }
        Schema::new(
            0,
            Block::new([
                Attribute::new("target", Type::String).required(),
                Attribute::new("mode", Type::String).optional(),
                count,
                Attribute::new("token", Type::String).optional().sensitive(),
                Attribute::new("token_wo", Type::String)
                    .optional()
                    .write_only(),
            ])
            .description("Pings a target."),
        )
    }

    fn validate(&self, _ctx: &Context, config: &Value, diags: &mut Diagnostics) {
        match config.attr("mode").as_str() {
            Some("invalid") => diags.error_at(
                AttributePath::attr("mode"),
                "Invalid mode",
                format!(
                    "Not with token {}",
                    config.attr("token").as_str().unwrap_or("")
                ),
            ),
            Some("noisy") => diags.warning("Noisy mode", "It is loud."),
            _ => {}
        }
    }

    async fn plan(&self, _ctx: &Context, config: &Value, diags: &mut Diagnostics) {
        self.seen.planned.lock().unwrap().push(config.clone());
        if config.attr("target").is_unknown() {
            diags.warning(
                "Target not known yet",
                "The ping goes to the target known at apply.",
            );
        }
        if config.attr("mode").as_str() == Some("refuse") {
            diags.error("Refused", "The plan is refused.");
        }
    }

    async fn invoke(
        &self,
        _ctx: &Context,
        config: &Value,
        progress: &ActionProgress,
        diags: &mut Diagnostics,
    ) {
        self.seen.invoked.lock().unwrap().push(config.clone());
        let target = config.attr("target").as_str().unwrap_or_default();
        let token = config.attr("token").as_str().unwrap_or_default();
        let token_wo = config.attr("token_wo").as_str().unwrap_or_default();
        match config.attr("mode").as_str() {
            Some("panic") => {
                progress.send("about to fail").await;
                panic!("ping exploded with {token}");
            }
            Some("fail") => {
                progress
                    .send(format!("pinging {target} with {token} and {token_wo}"))
                    .await;
                diags.error(
                    "Ping failed",
                    format!("{target} refused {token} / {token_wo}"),
                );
            }
            Some("chatty") => {
                let n = config.attr("count").as_i64().unwrap_or(0);
                for i in 0..n {
                    if !progress.send(format!("step {i}")).await {
                        return;
                    }
                }
                diags.warning("Chatty", "Many steps.");
            }
            _ => {
                progress.send(format!("pinging {target}")).await;
                progress.send(format!("{target} answered")).await;
            }
        }
    }
}

fn validate_req(v: &Value) -> pb::validate_action_config::Request {
    pb::validate_action_config::Request {
        type_name: PING.into(),
        config: dv(v, &config_type()),
    }
}

fn plan_req(v: &Value) -> pb::plan_action::Request {
    pb::plan_action::Request {
        action_type: PING.into(),
        config: dv(v, &config_type()),
        client_capabilities: capabilities(true),
    }
}

fn invoke_req(v: &Value) -> pb::invoke_action::Request {
    pb::invoke_action::Request {
        action_type: PING.into(),
        config: dv(v, &config_type()),
        client_capabilities: capabilities(true),
    }
}

/// Progress messages and the completion's diagnostics of one invocation, checking that
/// exactly one completion comes, last.
async fn events(
    mut stream: impl tokio_stream::Stream<Item = Result<pb::invoke_action::Event, tonic::Status>>
    + Unpin,
) -> (Vec<String>, Vec<pb::Diagnostic>) {
    let mut progress = Vec::new();
    let mut completed = None;
    while let Some(event) = stream.next().await {
        assert!(completed.is_none(), "an event after the completion");
        match event.unwrap().r#type.expect("an event type") {
            pb::invoke_action::event::Type::Progress(p) => progress.push(p.message),
            pb::invoke_action::event::Type::Completed(c) => completed = Some(c.diagnostics),
        }
    }
    (progress, completed.expect("a completion event"))
}

fn all_text(progress: &[String], diags: &[pb::Diagnostic]) -> String {
    let mut text = progress.join("\n");
    for d in diags {
        text.push_str(&format!("\n{}\n{}", d.summary, d.detail));
    }
    text
}

#[tokio::test]
async fn the_action_schema_is_declared_with_sensitive_and_write_only_attributes() {
    let (svc, _) = service();
    let schema = svc
        .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .unwrap()
        .into_inner();
    let action = schema.action_schemas.get(PING).expect("action schema");
    let block = action.schema.as_ref().unwrap().block.as_ref().unwrap();
    assert_eq!(block.description, "Pings a target.");
    let attr = |name: &str| {
        block
            .attributes
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert!(attr("target").required);
    assert!(attr("token").sensitive && !attr("token").write_only);
    assert!(attr("token_wo").write_only);
    assert!(block.attributes.iter().all(|a| !a.computed));

    let metadata = svc
        .get_metadata(Request::new(pb::get_metadata::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        metadata
            .actions
            .iter()
            .map(|a| a.type_name.as_str())
            .collect::<Vec<_>>(),
        vec![PING]
    );
}

#[test]
fn a_computed_attribute_in_an_action_schema_stops_the_provider_at_start_up() {
    let err = service_with(true).err().expect("refused");
    assert!(
        err.0.iter().any(|p| p.contains("action test_ping")
            && p.contains("count")
            && p.contains("cannot be computed")),
        "{err}"
    );
}

#[tokio::test]
async fn validation_reports_at_the_attribute_without_the_secret_and_skips_unknowns() {
    let (svc, _) = service();
    let resp = svc
        .validate_action_config(Request::new(validate_req(&config(s("a"), Some("invalid")))))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&resp.diagnostics), vec!["Invalid mode"]);
    assert_eq!(resp.diagnostics[0].attribute, wire_path(&["mode"]));
    assert!(
        !resp.diagnostics[0].detail.contains(TOKEN),
        "{:?}",
        resp.diagnostics[0].detail
    );
    assert!(resp.diagnostics[0].detail.contains("(sensitive value)"));

    let mut unknown = config(Value::Unknown, None);
    unknown.set_attr("mode", Value::Unknown);
    let resp = svc
        .validate_action_config(Request::new(validate_req(&unknown)))
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);

    let resp = svc
        .validate_action_config(Request::new(pb::validate_action_config::Request {
            type_name: "test_other".into(),
            config: None,
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&resp.diagnostics), vec!["Unknown action type"]);
}

#[tokio::test]
async fn plan_takes_unknown_values_and_keeps_only_validation_errors() {
    let (svc, seen) = service();
    // A target known only at apply: the plan sees it unknown and warns.
    let resp = svc
        .plan_action(Request::new(plan_req(&config(Value::Unknown, None))))
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&resp.diagnostics).is_empty());
    assert_eq!(
        resp.diagnostics
            .iter()
            .map(|d| d.summary.as_str())
            .collect::<Vec<_>>(),
        vec!["Target not known yet"]
    );
    assert!(resp.deferred.is_none());
    assert!(seen.planned.lock().unwrap()[0].attr("target").is_unknown());
    assert_eq!(
        seen.planned.lock().unwrap()[0].attr("token_wo").as_str(),
        Some(TOKEN_WO)
    );

    // Validation warnings were shown at validation; its errors stop the plan before
    // the action's own planning.
    let resp = svc
        .plan_action(Request::new(plan_req(&config(s("a"), Some("noisy")))))
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let before = seen.planned.lock().unwrap().len();
    let resp = svc
        .plan_action(Request::new(plan_req(&config(s("a"), Some("invalid")))))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&resp.diagnostics), vec!["Invalid mode"]);
    assert_eq!(seen.planned.lock().unwrap().len(), before);

    let resp = svc
        .plan_action(Request::new(plan_req(&config(s("a"), Some("refuse")))))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&resp.diagnostics), vec!["Refused"]);
}

#[tokio::test]
async fn invoke_streams_progress_then_completes_over_grpc() {
    let seen = Arc::new(Seen::default());
    let provider = WithAction {
        inner: TestProvider {
            behaviour: Arc::default(),
        },
        seen: seen.clone(),
        computed: false,
    };
    let cfg = ServeConfig {
        provider_address: "registry.terraform.io/example/test",
        version: "0.0.0-test",
    };
    let server = serve_debug(Arc::new(provider), cfg).await.unwrap();
    let mut client = ProviderClient::new(plain_channel(server.addr()).await.unwrap());

    let stream = client
        .invoke_action(invoke_req(&config(s("host-a"), None)))
        .await
        .unwrap()
        .into_inner();
    let (progress, diags) = events(stream).await;
    assert_eq!(progress, vec!["pinging host-a", "host-a answered"]);
    assert!(diags.is_empty(), "{diags:?}");
    // The write-only value reaches the action.
    assert_eq!(
        seen.invoked.lock().unwrap()[0].attr("token_wo").as_str(),
        Some(TOKEN_WO)
    );

    // More messages than a buffer holds all arrive, in order, before the completion.
    let mut chatty = config(s("host-b"), Some("chatty"));
    chatty.set_attr("count", Value::number(500));
    let stream = client
        .invoke_action(invoke_req(&chatty))
        .await
        .unwrap()
        .into_inner();
    let (progress, diags) = events(stream).await;
    assert_eq!(progress.len(), 500);
    assert_eq!(progress[0], "step 0");
    assert_eq!(progress[499], "step 499");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].summary, "Chatty");
    assert_eq!(diags[0].severity, pb::diagnostic::Severity::Warning as i32);
}

#[tokio::test]
async fn a_failed_invocation_completes_with_its_error_and_no_secret() {
    let (svc, _) = service();
    let stream = svc
        .invoke_action(Request::new(invoke_req(&config(s("host-c"), Some("fail")))))
        .await
        .unwrap()
        .into_inner();
    let (progress, diags) = events(stream).await;
    assert_eq!(errors(&diags), vec!["Ping failed"]);
    let text = all_text(&progress, &diags);
    assert!(!text.contains(TOKEN) && !text.contains(TOKEN_WO), "{text}");
    assert!(
        text.contains("pinging host-c with (sensitive value) and (sensitive value)"),
        "{text}"
    );
    assert!(text.contains("host-c refused"), "{text}");
}

#[tokio::test]
async fn a_panicking_action_completes_with_an_error_and_the_provider_keeps_serving() {
    let (svc, _) = service();
    let stream = svc
        .invoke_action(Request::new(invoke_req(&config(
            s("host-d"),
            Some("panic"),
        ))))
        .await
        .unwrap()
        .into_inner();
    let (progress, diags) = events(stream).await;
    assert_eq!(progress, vec!["about to fail"]);
    assert_eq!(
        errors(&diags),
        vec!["The provider panicked while invoking a test_ping action"]
    );
    assert!(!all_text(&progress, &diags).contains(TOKEN));

    let stream = svc
        .invoke_action(Request::new(invoke_req(&config(s("host-e"), None))))
        .await
        .unwrap()
        .into_inner();
    let (progress, diags) = events(stream).await;
    assert_eq!(progress.len(), 2);
    assert!(diags.is_empty());
}

#[tokio::test]
async fn invoke_refuses_unknown_values_and_unknown_types() {
    let (svc, seen) = service();
    let stream = svc
        .invoke_action(Request::new(invoke_req(&config(Value::Unknown, None))))
        .await
        .unwrap()
        .into_inner();
    let (progress, diags) = events(stream).await;
    assert!(progress.is_empty());
    assert_eq!(
        errors(&diags),
        vec!["Action configuration unknown during apply"]
    );
    assert!(seen.invoked.lock().unwrap().is_empty());

    let stream = svc
        .invoke_action(Request::new(pb::invoke_action::Request {
            action_type: "test_other".into(),
            config: None,
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner();
    let (_, diags) = events(stream).await;
    assert_eq!(errors(&diags), vec!["Unknown action type"]);
}
