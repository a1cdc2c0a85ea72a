//! Write-only attributes: accepted only from Terraform 1.11+, passed to the resource in
//! the configuration, and null in every state the server returns.

mod common;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfvalue::Value;
use tonic::Request;

async fn validate(
    config: &Value,
    caps: Option<pb::ClientCapabilities>,
) -> pb::validate_resource_config::Response {
    let (svc, _) = new_service();
    svc.validate_resource_config(Request::new(pb::validate_resource_config::Request {
        type_name: WIDGET.into(),
        config: widget_dv(config),
        client_capabilities: caps,
    }))
    .await
    .unwrap()
    .into_inner()
}

#[tokio::test]
async fn a_write_only_value_without_the_client_capability_is_an_error_at_its_path() {
    let config = widget(&[("name", s("a")), ("secret_wo", s("hunter2"))]);
    for caps in [None, capabilities(false)] {
        let resp = validate(&config, caps).await;

        assert_eq!(
            errors(&resp.diagnostics),
            ["Write-only attribute not supported by this Terraform version"]
        );
        let d = &resp.diagnostics[0];
        assert_eq!(d.attribute, wire_path(&["secret_wo"]));
        assert!(
            d.detail.starts_with(
                "secret_wo is a write-only attribute, which needs Terraform 1.11 or later;"
            ),
            "{}",
            d.detail
        );
        assert!(d.detail.contains("set `token` instead"), "{}", d.detail);
    }
}

#[tokio::test]
async fn an_unknown_write_only_value_without_the_capability_is_an_error_too() {
    let config = widget(&[("name", s("a")), ("secret_wo", Value::Unknown)]);
    let resp = validate(&config, None).await;
    assert_eq!(resp.diagnostics.len(), 1);
}

#[tokio::test]
async fn write_only_values_are_fine_with_the_capability_and_nulls_without_it() {
    let with_secret = widget(&[("name", s("a")), ("secret_wo", s("hunter2"))]);
    assert!(
        validate(&with_secret, capabilities(true))
            .await
            .diagnostics
            .is_empty()
    );

    let without_secret = widget(&[("name", s("a")), ("token", s("plain"))]);
    assert!(validate(&without_secret, None).await.diagnostics.is_empty());
}

#[tokio::test]
async fn create_gets_the_secret_from_the_configuration_and_stores_null() {
    let (svc, behaviour) = new_service();
    let config = widget(&[
        ("name", s("a")),
        ("secret_wo", s("hunter2")),
        ("secret_wo_version", n(1)),
    ]);
    let planned = widget(&[
        ("id", Value::Unknown),
        ("name", s("a")),
        ("size", n(3)),
        ("etag", Value::Unknown),
        ("secret_wo_version", n(1)),
    ]);
    let resp = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: WIDGET.into(),
            prior_state: widget_dv(&Value::Null),
            planned_state: widget_dv(&planned),
            config: widget_dv(&config),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(
        behaviour.secret_seen.lock().unwrap().as_deref(),
        Some("hunter2")
    );
    let state = decode_widget(&resp.new_state);
    assert_eq!(state.attr("secret_wo"), &Value::Null);
    assert_eq!(state.attr("secret_wo_version"), &n(1));
}

#[tokio::test]
async fn a_secret_echoed_by_update_is_not_stored() {
    let (svc, _) = new_service();
    let prior = widget(&[("id", s("w-1")), ("name", s("a")), ("size", n(3))]);
    let planned = widget(&[
        ("id", s("w-1")),
        ("name", s("b")),
        ("size", n(3)),
        ("etag", Value::Unknown),
    ]);
    let config = widget(&[("name", s("b")), ("secret_wo", s("hunter2"))]);
    let resp = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: WIDGET.into(),
            prior_state: widget_dv(&prior),
            planned_state: widget_dv(&planned),
            config: widget_dv(&config),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(
        decode_widget(&resp.new_state).attr("secret_wo"),
        &Value::Null
    );
}

#[tokio::test]
async fn plan_nulls_the_write_only_value_of_the_proposal() {
    let (svc, _) = new_service();
    let config = widget(&[("name", s("a")), ("secret_wo", s("hunter2"))]);
    let resp = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: WIDGET.into(),
            prior_state: widget_dv(&Value::Null),
            proposed_new_state: widget_dv(&config),
            config: widget_dv(&config),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        decode_widget(&resp.planned_state).attr("secret_wo"),
        &Value::Null
    );
}

#[tokio::test]
async fn read_import_and_upgrade_null_the_write_only_value() {
    let (svc, _) = new_service();
    let state = widget(&[("id", s("w-1")), ("name", s("a"))]);
    let read = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: WIDGET.into(),
            current_state: widget_dv(&state),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        decode_widget(&read.new_state).attr("secret_wo"),
        &Value::Null
    );

    let import = svc
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: WIDGET.into(),
            id: "w-9".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let imported = decode_widget(&import.imported_resources[0].state);
    assert_eq!(imported.attr("secret_wo"), &Value::Null);

    let upgrade = svc
        .upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
            type_name: WIDGET.into(),
            version: 1,
            raw_state: Some(pb::RawState {
                json: br#"{"id":"w-1","name":"a","secret_wo":"leaked"}"#.to_vec(),
                flatmap: Default::default(),
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(upgrade.diagnostics.is_empty(), "{:?}", upgrade.diagnostics);
    assert_eq!(
        decode_widget(&upgrade.upgraded_state).attr("secret_wo"),
        &Value::Null
    );
}
