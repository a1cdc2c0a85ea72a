//! ApplyResourceChange, ReadResource, ImportResourceState, ConfigureProvider and
//! ReadDataSource.

mod common;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfvalue::{Type, Value};
use tonic::Request;

async fn configure(svc: &CheckedService, endpoint: &str) {
    let ty = Type::object([("endpoint", Type::String)]);
    let resp = svc
        .configure_provider(Request::new(pb::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: dv(&Value::object([("endpoint", s(endpoint))]), &ty),
            client_capabilities: capabilities(true),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
}

async fn apply(
    svc: &CheckedService,
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> pb::apply_resource_change::Response {
    svc.apply_resource_change(Request::new(pb::apply_resource_change::Request {
        type_name: WIDGET.into(),
        prior_state: widget_dv(prior),
        planned_state: widget_dv(planned),
        config: widget_dv(config),
        planned_private: b"planned-private".to_vec(),
        ..Default::default()
    }))
    .await
    .unwrap()
    .into_inner()
}

fn planned_create(name: &str) -> Value {
    widget(&[
        ("id", Value::Unknown),
        ("name", s(name)),
        ("size", n(3)),
        ("etag", Value::Unknown),
    ])
}

#[tokio::test]
async fn create_returns_the_resource_state_its_identity_and_the_private_data() {
    let (svc, _) = new_service();
    configure(&svc, "https://api.example").await;
    let config = widget(&[("name", s("a"))]);
    let resp = apply(&svc, &Value::Null, &planned_create("a"), &config).await;

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(
        decode_widget(&resp.new_state),
        widget(&[
            ("id", s("w-1")),
            ("name", s("a")),
            ("size", n(3)),
            ("etag", s("https://api.example/1")),
        ])
    );
    assert_eq!(
        decode_identity(&resp.new_identity),
        Value::object([("id", s("w-1"))])
    );
    assert_eq!(resp.private, b"planned-private");
}

#[tokio::test]
async fn a_resource_sees_no_provider_data_before_configure() {
    let (svc, _) = new_service();
    let resp = apply(
        &svc,
        &Value::Null,
        &planned_create("a"),
        &widget(&[("name", s("a"))]),
    )
    .await;
    assert_eq!(
        decode_widget(&resp.new_state).attr("etag"),
        &s("unconfigured/1")
    );
}

#[tokio::test]
async fn a_planned_null_deletes_and_returns_a_null_state() {
    let (svc, behaviour) = new_service();
    let prior = widget(&[("id", s("w-1")), ("name", s("a"))]);
    let resp = apply(&svc, &prior, &Value::Null, &Value::Null).await;

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert!(*behaviour.deleted.lock().unwrap());
    assert_eq!(decode_widget(&resp.new_state), Value::Null);
    assert!(resp.new_identity.is_none());
}

#[tokio::test]
async fn unknowns_left_after_apply_become_errors_at_their_paths_not_values() {
    let (svc, _) = new_service();
    let resp = apply(
        &svc,
        &Value::Null,
        &planned_create("leave_unknown"),
        &widget(&[("name", s("leave_unknown"))]),
    )
    .await;

    assert_eq!(
        errors(&resp.diagnostics),
        [
            "Provider left a value unknown after apply",
            "Provider left a value unknown after apply"
        ]
    );
    let paths: Vec<_> = resp
        .diagnostics
        .iter()
        .map(|d| d.attribute.clone())
        .collect();
    assert_eq!(paths, [wire_path(&["etag"]), wire_path(&["id"])]);
    let state = decode_widget(&resp.new_state);
    assert!(state.is_wholly_known());
    assert_eq!(state.attr("id"), &Value::Null);
}

#[tokio::test]
async fn read_returning_null_removes_the_resource() {
    let (svc, behaviour) = new_service();
    *behaviour.gone.lock().unwrap() = true;
    let resp = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: WIDGET.into(),
            current_state: widget_dv(&widget(&[("id", s("w-1")), ("name", s("a"))])),
            private: b"kept".to_vec(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(decode_widget(&resp.new_state), Value::Null);
    assert!(resp.new_identity.is_none());
}

#[tokio::test]
async fn read_returns_the_state_with_its_identity_and_private_data() {
    let (svc, _) = new_service();
    let current = widget(&[("id", s("w-1")), ("name", s("a"))]);
    let resp = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: WIDGET.into(),
            current_state: widget_dv(&current),
            private: b"kept".to_vec(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();

    assert_eq!(decode_widget(&resp.new_state), current);
    assert_eq!(
        decode_identity(&resp.new_identity),
        Value::object([("id", s("w-1"))])
    );
    assert_eq!(resp.private, b"kept");
}

async fn import(
    svc: &CheckedService,
    id: &str,
    identity: Option<pb::ResourceIdentityData>,
) -> pb::import_resource_state::Response {
    svc.import_resource_state(Request::new(pb::import_resource_state::Request {
        type_name: WIDGET.into(),
        id: id.into(),
        client_capabilities: capabilities(true),
        identity,
    }))
    .await
    .unwrap()
    .into_inner()
}

#[tokio::test]
async fn import_by_id_answers_exactly_one_resource() {
    let (svc, _) = new_service();
    let resp = import(&svc, "w-9", None).await;

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(resp.imported_resources.len(), 1);
    let imported = &resp.imported_resources[0];
    assert_eq!(imported.type_name, WIDGET);
    assert_eq!(decode_widget(&imported.state), widget(&[("id", s("w-9"))]));
    assert_eq!(
        decode_identity(&imported.identity),
        Value::object([("id", s("w-9"))])
    );
}

#[tokio::test]
async fn import_by_identity_uses_the_id_the_resource_derives() {
    let (svc, _) = new_service();
    let resp = import(&svc, "", identity_dv("w-7")).await;

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(resp.imported_resources.len(), 1);
    assert_eq!(
        decode_widget(&resp.imported_resources[0].state).attr("id"),
        &s("w-7")
    );
    assert_eq!(
        decode_identity(&resp.imported_resources[0].identity),
        Value::object([("id", s("w-7"))])
    );
}

#[tokio::test]
async fn importing_a_missing_object_is_an_error_with_no_resources() {
    let (svc, _) = new_service();
    let resp = import(&svc, "missing", None).await;
    assert_eq!(
        errors(&resp.diagnostics),
        ["Cannot import non-existent remote object"]
    );
    assert!(resp.imported_resources.is_empty());
}

#[tokio::test]
async fn a_data_source_reads_its_state() {
    let (svc, _) = new_service();
    let ty = Type::object([("name", Type::String), ("value", Type::String)]);
    let resp = svc
        .read_data_source(Request::new(pb::read_data_source::Request {
            type_name: LOOKUP.into(),
            config: dv(
                &Value::object([("name", s("x")), ("value", Value::Null)]),
                &ty,
            ),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(
        decode(&resp.state, &ty),
        Value::object([("name", s("x")), ("value", s("value-of-x"))])
    );
}

#[tokio::test]
async fn configuration_values_arrive_as_json_too() {
    let (svc, _) = new_service();
    let resp = svc
        .validate_resource_config(Request::new(pb::validate_resource_config::Request {
            type_name: WIDGET.into(),
            config: Some(pb::DynamicValue {
                msgpack: Vec::new(),
                json: br#"{"name":"invalid"}"#.to_vec(),
            }),
            client_capabilities: capabilities(true),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&resp.diagnostics), ["Invalid name"]);
    assert_eq!(resp.diagnostics[0].attribute, wire_path(&["name"]));
}
