//! List resources (`terraform query`): the schema of the `config` block, validation,
//! results streamed with the identity the managed resource derives and the state only
//! when asked for, the limit, errors after results, and refusal of a list
//! resource Terraform could not import from.

mod common;

use std::any::Any;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_client::ProviderClient;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::testing::plain_channel;
use tfplugin::{
    Context, DataSource, Diagnostics, ListRequest, ListResource, ListResult, ListResults, Provider,
    ProviderService, Resource, ServeConfig, async_trait, serve_debug,
};
use tfvalue::{AttributePath, Type, Value};
use tokio::sync::Notify;
use tokio_stream::StreamExt as _;
use tonic::Request;

/// What the list resource saw.
#[derive(Default)]
struct Seen {
    /// The last request.
    request: Mutex<Option<ListRequest>>,
    /// Results pushed that Terraform took.
    taken: AtomicUsize,
    /// Notified when a push was refused.
    refused: Notify,
}

/// `test_widget` (from `common`) and a list resource of it that finds `count` widgets
/// `w-0`, `w-1`, ... Its `config { mode = ... }` steers it: `invalid` fails validation,
/// `fail` reports an error after the first widget, `panic` panics after it, `unknown`
/// leaves the first widget's id unknown, `stateless` gives no state.
struct Listing {
    inner: TestProvider,
    count: usize,
    seen: Arc<Seen>,
}

struct WidgetList {
    count: usize,
    seen: Arc<Seen>,
}

fn listing(count: usize) -> (ProviderService, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let provider = Listing {
        inner: TestProvider {
            behaviour: Arc::default(),
        },
        count,
        seen: seen.clone(),
    };
    (ProviderService::new(Arc::new(provider)).unwrap(), seen)
}

fn list_config_type() -> Type {
    Type::object([("mode", Type::String)])
}

fn list_config(mode: Option<&str>) -> Option<pb::DynamicValue> {
    let mode = mode.map_or(Value::Null, Value::from);
    dv(&Value::object([("mode", mode)]), &list_config_type())
}

#[async_trait]
impl Provider for Listing {
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
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        vec![Arc::new(WidgetList {
            count: self.count,
            seen: self.seen.clone(),
        })]
    }
}

#[async_trait]
impl ListResource for WidgetList {
    fn type_name(&self) -> &'static str {
        WIDGET
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new([Attribute::new("mode", Type::String).optional()])
                .description("Lists widgets."),
        )
    }

    fn validate(&self, _ctx: &Context, config: &Value, diags: &mut Diagnostics) {
        if config.attr("mode").as_str() == Some("invalid") {
            diags.error_at(AttributePath::attr("mode"), "Invalid mode", "");
        }
    }

    async fn list(
        &self,
        _ctx: &Context,
        req: &ListRequest,
        results: &mut ListResults,
        diags: &mut Diagnostics,
    ) {
        *self.seen.request.lock().unwrap() = Some(req.clone());
        let mode = req.config.attr("mode").as_str().unwrap_or_default();
        for i in 0..self.count {
            let mut state = widget(&[
                ("id", s(&format!("w-{i}"))),
                ("name", s(&format!("widget {i}"))),
                ("secret_wo", s("echoed-secret")),
            ]);
            if i == 0 && mode == "unknown" {
                state.set_attr("id", Value::Unknown);
            }
            if mode == "stateless" {
                state = Value::Null;
            }
            if i == 1 && mode == "fail" {
                diags.error("Listing failed", "The widget service went away.");
                return;
            }
            if i == 1 && mode == "panic" {
                panic!("the widget index is corrupt");
            }
            let result = ListResult {
                display_name: format!("Widget {i}"),
                state,
            };
            if !results.push(result).await {
                self.seen.refused.notify_one();
                return;
            }
            self.seen.taken.fetch_add(1, Ordering::SeqCst);
        }
    }
}

fn list_request(mode: Option<&str>, include: bool, limit: i64) -> pb::list_resource::Request {
    pb::list_resource::Request {
        type_name: WIDGET.into(),
        config: list_config(mode),
        include_resource_object: include,
        limit,
    }
}

async fn list(
    svc: &ProviderService,
    req: pb::list_resource::Request,
) -> Vec<pb::list_resource::Event> {
    svc.list_resource(Request::new(req))
        .await
        .unwrap()
        .into_inner()
        .map(|e| e.unwrap())
        .collect()
        .await
}

#[tokio::test]
async fn the_provider_schema_declares_the_config_block_of_each_list_resource() {
    let (svc, _) = listing(0);
    let schema = svc
        .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .unwrap()
        .into_inner();
    let block = schema.list_resource_schemas[WIDGET].block.clone().unwrap();
    assert_eq!(block.description, "Lists widgets.");
    assert_eq!(block.attributes.len(), 1);
    assert_eq!(block.attributes[0].name, "mode");
    assert!(block.attributes[0].optional);
    assert!(schema.resource_schemas.contains_key(WIDGET));

    let metadata = svc
        .get_metadata(Request::new(pb::get_metadata::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(metadata.list_resources[0].type_name, WIDGET);
}

#[tokio::test]
async fn each_result_carries_its_identity_and_display_name_but_no_state_unless_asked() {
    let (svc, seen) = listing(3);
    let events = list(&svc, list_request(None, false, 100)).await;

    assert_eq!(events.len(), 3);
    for (i, event) in events.iter().enumerate() {
        assert!(event.diagnostic.is_empty(), "{:?}", event.diagnostic);
        assert_eq!(event.display_name, format!("Widget {i}"));
        assert_eq!(
            decode_identity(&event.identity),
            Value::object([("id", s(&format!("w-{i}")))])
        );
        assert_eq!(event.resource_object, None);
    }
    let request = seen.request.lock().unwrap().clone().unwrap();
    assert_eq!(
        request,
        ListRequest {
            config: Value::object([("mode", Value::Null)]),
            include_resource: false,
            limit: 100,
        }
    );
}

#[tokio::test]
async fn with_include_resource_each_result_carries_its_state_with_write_only_values_null() {
    let (svc, _) = listing(1);
    let events = list(&svc, list_request(None, true, 100)).await;

    assert_eq!(events.len(), 1);
    let state = decode_widget(&events[0].resource_object);
    assert_eq!(state.attr("id"), &s("w-0"));
    assert_eq!(state.attr("name"), &s("widget 0"));
    assert_eq!(state.attr("secret_wo"), &Value::Null);
}

#[tokio::test]
async fn the_limit_stops_the_list_resource() {
    let (svc, seen) = listing(5);
    let events = list(&svc, list_request(None, false, 2)).await;

    assert_eq!(events.len(), 2);
    // The second push was taken and told the list resource to stop.
    seen.refused.notified().await;
    assert_eq!(seen.taken.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_error_arrives_after_the_results_found_before_it() {
    let (svc, _) = listing(3);
    let events = list(&svc, list_request(Some("fail"), false, 100)).await;

    assert_eq!(events.len(), 2);
    assert!(events[0].identity.is_some());
    assert_eq!(events[1].identity, None);
    assert_eq!(errors(&events[1].diagnostic), ["Listing failed"]);
}

#[tokio::test]
async fn a_panicking_list_resource_gives_an_error_event_and_the_server_keeps_serving() {
    let (svc, _) = listing(3);
    let events = list(&svc, list_request(Some("panic"), false, 100)).await;

    assert_eq!(events.len(), 2);
    assert_eq!(
        errors(&events[1].diagnostic),
        [format!("The provider panicked while listing {WIDGET}")]
    );
    assert_eq!(list(&svc, list_request(None, false, 100)).await.len(), 3);
}

#[tokio::test]
async fn results_with_unknowns_or_without_state_are_errors_of_the_provider() {
    let (svc, _) = listing(1);
    for mode in ["unknown", "stateless"] {
        let events = list(&svc, list_request(Some(mode), true, 100)).await;

        assert_eq!(events.len(), 1, "{mode}");
        assert_eq!(
            errors(&events[0].diagnostic),
            ["Provider produced an invalid list result"],
            "{mode}"
        );
        assert_eq!(events[0].identity, None);
        assert_eq!(events[0].resource_object, None);
    }
}

#[tokio::test]
async fn an_unknown_list_resource_type_is_one_error_event() {
    let (svc, _) = listing(1);
    let mut req = list_request(None, false, 100);
    req.type_name = "test_gadget".into();
    let events = list(&svc, req).await;

    assert_eq!(events.len(), 1);
    assert_eq!(
        errors(&events[0].diagnostic),
        ["Unknown list resource type"]
    );
    assert!(events[0].diagnostic[0].detail.contains("test_gadget"));
}

#[tokio::test]
async fn validation_checks_the_config_block_with_attribute_paths() {
    let (svc, _) = listing(1);
    let validate = |mode: Option<&'static str>| {
        svc.validate_list_resource_config(Request::new(
            pb::validate_list_resource_config::Request {
                type_name: WIDGET.into(),
                config: list_config(mode),
                ..Default::default()
            },
        ))
    };

    let ok = validate(Some("fine")).await.unwrap().into_inner();
    assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
    let bad = validate(Some("invalid")).await.unwrap().into_inner();
    assert_eq!(errors(&bad.diagnostics), ["Invalid mode"]);
    assert_eq!(bad.diagnostics[0].attribute, wire_path(&["mode"]));
}

#[tokio::test]
async fn results_stream_over_grpc_and_a_closed_stream_stops_the_list_resource() {
    let seen = Arc::new(Seen::default());
    let provider = Listing {
        inner: TestProvider {
            behaviour: Arc::default(),
        },
        // More than HTTP/2's flow-control window holds, so the server must wait for the
        // client.
        count: 100_000,
        seen: seen.clone(),
    };
    let cfg = ServeConfig {
        provider_address: "registry.terraform.io/example/test",
        version: "0.0.0-test",
    };
    let server = serve_debug(Arc::new(provider), cfg).await.unwrap();
    let mut client = ProviderClient::new(plain_channel(server.addr()).await.unwrap());

    let mut stream = client
        .list_resource(list_request(None, false, 100_000))
        .await
        .unwrap()
        .into_inner();
    let first = stream.message().await.unwrap().unwrap();
    assert_eq!(first.display_name, "Widget 0");
    drop(stream);

    seen.refused.notified().await;
    assert!(seen.taken.load(Ordering::SeqCst) < 100_000);
    server.shutdown().await;
}

/// A provider whose list resource `list` is named `name` and whose one resource is
/// `test_widget` (with an identity) or `test_thing` (without).
struct Misnamed {
    name: &'static str,
    with_identity: bool,
}

#[async_trait]
impl Provider for Misnamed {
    fn schema(&self) -> Schema {
        Schema::new(0, Block::new([]))
    }
    async fn configure(
        &self,
        _: &Context,
        _: &Value,
        _: &mut Diagnostics,
    ) -> Option<Arc<dyn Any + Send + Sync>> {
        None
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        if self.with_identity {
            TestProvider {
                behaviour: Arc::default(),
            }
            .resources()
        } else {
            OneResource(Schema::new(0, Block::new([]))).resources()
        }
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        vec![Arc::new(Named(self.name))]
    }
}

struct Named(&'static str);

#[async_trait]
impl ListResource for Named {
    fn type_name(&self) -> &'static str {
        self.0
    }
    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new([Attribute::new("token", Type::String)
                .optional()
                .write_only()]),
        )
    }
    async fn list(&self, _: &Context, _: &ListRequest, _: &mut ListResults, _: &mut Diagnostics) {}
}

#[test]
fn a_list_resource_needs_a_resource_of_its_name_with_an_identity() {
    let refused = |name, with_identity| {
        ProviderService::new(Arc::new(Misnamed {
            name,
            with_identity,
        }))
        .unwrap_err()
        .0
    };

    assert_eq!(
        refused("test_gadget", true),
        [
            "list resource test_gadget: list resources cannot have write-only attributes",
            "list resource test_gadget: no resource test_gadget: a list resource lists the objects of the resource type of its name",
        ]
    );
    assert_eq!(
        refused("test_thing", false)[1],
        "list resource test_thing: the resource test_thing has no identity schema; Terraform imports what a query finds by its identity"
    );
}

#[tokio::test]
async fn a_service_built_at_the_first_request_fails_every_request_with_the_problems() {
    // What the binary serves: nothing is collected before the first request.
    let lazy = tfplugin::LazyProviderService::new(Arc::new(Misnamed {
        name: "test_gadget",
        with_identity: true,
    }));
    for _ in 0..2 {
        let status = lazy
            .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
            .await
            .unwrap_err();
        assert_eq!(status.code(), tonic::Code::FailedPrecondition);
        assert!(
            status
                .message()
                .contains("no resource test_gadget: a list resource lists"),
            "{status:?}"
        );
    }
    // Start-up leaves the schema checks to the tests: the write-only attribute of the list
    // resource is not among the problems.
    let status = lazy
        .get_metadata(Request::new(pb::get_metadata::Request {}))
        .await
        .unwrap_err();
    assert!(!status.message().contains("write-only"), "{status:?}");
}
