//! `GenerateResourceConfig` (Terraform 1.14+): the capability is declared, and the
//! configuration generated from a state has no computed-only attribute, no value equal to
//! its default, no sensitive or write-only value, in nested blocks too.

mod common;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfplugin::schema::{Attribute, Block, BlockNesting, NestedBlock, Schema};
use tfvalue::{Type, Value};
use tonic::Request;

async fn generate(
    svc: &tfplugin::ProviderService,
    type_name: &str,
    state: Option<pb::DynamicValue>,
) -> pb::generate_resource_config::Response {
    svc.generate_resource_config(Request::new(pb::generate_resource_config::Request {
        type_name: type_name.into(),
        state,
    }))
    .await
    .unwrap()
    .into_inner()
}

#[tokio::test]
async fn the_capability_is_declared() {
    let (svc, _) = new_service();
    let schema = svc
        .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert!(schema.server_capabilities.unwrap().generate_resource_config);
}

#[tokio::test]
async fn the_configuration_drops_computed_defaulted_and_secret_values() {
    let (svc, _) = new_service();
    let state = widget(&[
        ("id", s("w-1")),
        ("name", s("one")),
        ("size", Value::from(3)),
        ("etag", s("e-9")),
        ("token", s("tok-secret")),
        ("secret_wo_version", Value::from(2)),
        ("tags", Value::set([s("a")])),
        ("region", s("eu")),
    ]);
    let resp = generate(&svc, WIDGET, widget_dv(&state)).await;
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let config = decode_widget(&resp.config);
    assert_eq!(
        config,
        widget(&[
            ("name", s("one")),
            ("secret_wo_version", Value::from(2)),
            ("tags", Value::set([s("a")])),
            ("region", s("eu")),
        ])
    );

    // A value other than the default stays.
    let mut bigger = state.clone();
    bigger.set_attr("size", Value::from(5));
    let config = decode_widget(&generate(&svc, WIDGET, widget_dv(&bigger)).await.config);
    assert_eq!(config.attr("size"), &Value::from(5));

    let resp = generate(&svc, "test_other", None).await;
    assert_eq!(errors(&resp.diagnostics), vec!["Unknown resource type"]);
    let resp = generate(&svc, WIDGET, None).await;
    assert!(resp.config.is_none());
    assert_eq!(errors(&resp.diagnostics).len(), 1);
}

#[tokio::test]
async fn nested_blocks_follow_the_same_rules() {
    let schema = Schema::new(
        0,
        Block::new([Attribute::new("id", Type::String).computed()]).block(NestedBlock::new(
            "rule",
            BlockNesting::List,
            Block::new([
                Attribute::new("name", Type::String).required(),
                Attribute::new("key", Type::String).optional().sensitive(),
                Attribute::new("hash", Type::String).computed(),
            ]),
        )),
    );
    let ty = schema.value_type();
    let svc = new_thing_service(schema);
    let rule =
        |name: &str| Value::object([("name", s(name)), ("key", s("k-secret")), ("hash", s("h"))]);
    let state = Value::object([
        ("id", s("t-1")),
        ("rule", Value::list([rule("a"), rule("b")])),
    ]);
    let resp = generate(&svc, "test_thing", dv(&state, &ty)).await;
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let clean = |name: &str| {
        Value::object([
            ("name", s(name)),
            ("key", Value::Null),
            ("hash", Value::Null),
        ])
    };
    assert_eq!(
        decode(&resp.config, &ty),
        Value::object([
            ("id", Value::Null),
            ("rule", Value::list([clean("a"), clean("b")])),
        ])
    );
}
