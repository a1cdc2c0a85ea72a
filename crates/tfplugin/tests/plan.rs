//! PlanResourceChange: Terraform's rules applied once, for every resource.

mod common;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfvalue::Value;
use tonic::Request;

async fn plan(
    prior: &Value,
    config: &Value,
    proposed: &Value,
) -> pb::plan_resource_change::Response {
    let (svc, _) = new_service();
    svc.plan_resource_change(Request::new(pb::plan_resource_change::Request {
        type_name: WIDGET.into(),
        prior_state: widget_dv(prior),
        proposed_new_state: widget_dv(proposed),
        config: widget_dv(config),
        prior_private: b"private-bytes".to_vec(),
        client_capabilities: capabilities(true),
        ..Default::default()
    }))
    .await
    .unwrap()
    .into_inner()
}

fn existing() -> Value {
    widget(&[
        ("id", s("w-1")),
        ("name", s("a")),
        ("size", n(3)),
        ("etag", s("e1")),
        ("secret_wo_version", n(1)),
        ("tags", Value::set([s("x")])),
        ("region", s("eu")),
    ])
}

/// What Terraform proposes: the configuration plus prior values of computed attributes
/// the configuration leaves null.
fn proposed_from(prior: &Value, config: &Value) -> Value {
    let mut p = config.clone();
    for attr in ["id", "size", "etag"] {
        if config.attr(attr).is_null() {
            p.set_attr(attr, prior.attr(attr).clone());
        }
    }
    p
}

#[tokio::test]
async fn create_plans_computed_attributes_unknown_and_applies_defaults() {
    let config = widget(&[
        ("name", s("a")),
        ("secret_wo", s("hunter2")),
        ("secret_wo_version", n(1)),
        ("tags", Value::set([s("y"), s("x")])),
    ]);
    let resp = plan(&Value::Null, &config, &config).await;

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(
        decode_widget(&resp.planned_state),
        widget(&[
            ("id", Value::Unknown),
            ("name", s("a")),
            ("size", n(3)),
            ("etag", Value::Unknown),
            ("secret_wo_version", n(1)),
            ("tags", Value::set([s("x"), s("y")])),
        ])
    );
    assert!(resp.requires_replace.is_empty());
    assert_eq!(resp.planned_private, b"private-bytes");
}

#[tokio::test]
async fn update_plans_only_the_change_keeps_the_id_and_unknowns_other_computed_values() {
    let prior = existing();
    let config = widget(&[
        ("name", s("b")),
        ("secret_wo_version", n(1)),
        ("tags", Value::set([s("x")])),
        ("region", s("eu")),
    ]);
    let resp = plan(&prior, &config, &proposed_from(&prior, &config)).await;

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let mut expected = prior.clone();
    expected.set_attr("name", s("b"));
    expected.set_attr("etag", Value::Unknown);
    assert_eq!(decode_widget(&resp.planned_state), expected);
    assert!(resp.requires_replace.is_empty());
}

#[tokio::test]
async fn an_unchanged_configuration_plans_the_prior_state_exactly() {
    let prior = existing();
    let config = widget(&[
        ("name", s("a")),
        ("secret_wo", s("hunter2")),
        ("secret_wo_version", n(1)),
        ("tags", Value::set([s("x")])),
        ("region", s("eu")),
    ]);
    let resp = plan(&prior, &config, &proposed_from(&prior, &config)).await;

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(decode_widget(&resp.planned_state), prior);
}

#[tokio::test]
async fn removing_an_optional_computed_attribute_plans_its_default() {
    let mut prior = existing();
    prior.set_attr("size", n(7));
    let config = widget(&[
        ("name", s("a")),
        ("secret_wo_version", n(1)),
        ("tags", Value::set([s("x")])),
        ("region", s("eu")),
    ]);
    let resp = plan(&prior, &config, &proposed_from(&prior, &config)).await;

    let planned = decode_widget(&resp.planned_state);
    assert_eq!(planned.attr("size"), &n(3));
    assert_eq!(planned.attr("id"), &s("w-1"));
    assert_eq!(planned.attr("etag"), &Value::Unknown);
}

#[tokio::test]
async fn changing_a_requires_replace_attribute_is_reported() {
    let prior = existing();
    let config = widget(&[
        ("name", s("a")),
        ("secret_wo_version", n(1)),
        ("tags", Value::set([s("x")])),
        ("region", s("us")),
    ]);
    let resp = plan(&prior, &config, &proposed_from(&prior, &config)).await;

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(resp.requires_replace, vec![wire_path(&["region"]).unwrap()]);
    assert_eq!(decode_widget(&resp.planned_state).attr("region"), &s("us"));
}

#[tokio::test]
async fn an_unknown_requires_replace_value_is_reported() {
    let prior = existing();
    let config = widget(&[
        ("name", s("a")),
        ("secret_wo_version", n(1)),
        ("tags", Value::set([s("x")])),
        ("region", Value::Unknown),
    ]);
    let resp = plan(&prior, &config, &proposed_from(&prior, &config)).await;

    assert_eq!(resp.requires_replace, vec![wire_path(&["region"]).unwrap()]);
}

#[tokio::test]
async fn destroy_plans_a_null_state() {
    let resp = plan(&existing(), &Value::Null, &Value::Null).await;

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(decode_widget(&resp.planned_state), Value::Null);
    assert!(resp.requires_replace.is_empty());
    assert_eq!(resp.planned_private, b"private-bytes");
}

#[tokio::test]
async fn unknown_configuration_values_stay_unknown() {
    let config = widget(&[("name", Value::Unknown)]);
    let resp = plan(&Value::Null, &config, &config).await;

    let planned = decode_widget(&resp.planned_state);
    assert_eq!(planned.attr("name"), &Value::Unknown);
    assert_eq!(planned.attr("size"), &n(3));
}

#[tokio::test]
async fn plan_time_validation_keeps_errors_and_drops_warnings() {
    let config = widget(&[("name", s("warn"))]);
    let resp = plan(&Value::Null, &config, &config).await;
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);

    let config = widget(&[("name", s("invalid"))]);
    let resp = plan(&Value::Null, &config, &config).await;
    assert_eq!(errors(&resp.diagnostics), ["Invalid name"]);
    assert_eq!(resp.diagnostics[0].attribute, wire_path(&["name"]));
    assert!(resp.planned_state.is_none());
}

#[tokio::test]
async fn a_plan_for_an_unknown_resource_type_is_an_error() {
    let (svc, _) = new_service();
    let resp = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "test_nothing".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&resp.diagnostics), ["Unknown resource type"]);
    assert!(resp.diagnostics[0].detail.contains("test_nothing"));
}
