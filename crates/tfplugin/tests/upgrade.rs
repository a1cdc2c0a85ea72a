//! UpgradeResourceState and UpgradeResourceIdentity from the stored JSON.

mod common;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfvalue::Value;
use tonic::Request;

fn raw(json: &str) -> Option<pb::RawState> {
    Some(pb::RawState {
        json: json.as_bytes().to_vec(),
        flatmap: Default::default(),
    })
}

async fn upgrade(
    version: i64,
    raw_state: Option<pb::RawState>,
) -> pb::upgrade_resource_state::Response {
    let (svc, _) = new_service();
    svc.upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
        type_name: WIDGET.into(),
        version,
        raw_state,
    }))
    .await
    .unwrap()
    .into_inner()
}

#[tokio::test]
async fn same_version_drops_attributes_the_schema_no_longer_has() {
    let resp = upgrade(
        1,
        raw(r#"{"id":"w-1","name":"a","size":3,"retired_flag":true,"tags":["b","a"]}"#),
    )
    .await;

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(
        decode_widget(&resp.upgraded_state),
        widget(&[
            ("id", s("w-1")),
            ("name", s("a")),
            ("size", n(3)),
            ("tags", Value::set([s("a"), s("b")])),
        ])
    );
}

#[tokio::test]
async fn state_from_a_newer_provider_is_a_clear_error() {
    let resp = upgrade(2, raw(r#"{"id":"w-1","name":"a"}"#)).await;

    assert_eq!(
        errors(&resp.diagnostics),
        ["The state was written by a newer version of the provider"]
    );
    assert!(resp.diagnostics[0].detail.contains("Upgrade the provider"));
    assert!(resp.upgraded_state.is_none());
}

#[tokio::test]
async fn flatmap_state_is_an_error() {
    let resp = upgrade(
        1,
        Some(pb::RawState {
            json: Vec::new(),
            flatmap: [("id".to_owned(), "w-1".to_owned())].into(),
        }),
    )
    .await;
    assert_eq!(
        errors(&resp.diagnostics),
        ["Unsupported legacy state format"]
    );
}

#[tokio::test]
async fn unreadable_json_is_an_error() {
    let resp = upgrade(1, raw(r#"{"name":["not","a","string"]}"#)).await;
    assert_eq!(errors(&resp.diagnostics), ["Unreadable stored state"]);
}

#[tokio::test]
async fn identity_of_the_same_version_passes_through_and_a_newer_one_errors() {
    let (svc, _) = new_service();
    let same = svc
        .upgrade_resource_identity(Request::new(pb::upgrade_resource_identity::Request {
            type_name: WIDGET.into(),
            version: 0,
            raw_identity: raw(r#"{"id":"w-1"}"#),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(same.diagnostics.is_empty(), "{:?}", same.diagnostics);
    assert_eq!(
        decode_identity(&same.upgraded_identity),
        Value::object([("id", s("w-1"))])
    );

    let newer = svc
        .upgrade_resource_identity(Request::new(pb::upgrade_resource_identity::Request {
            type_name: WIDGET.into(),
            version: 3,
            raw_identity: raw(r#"{"id":"w-1"}"#),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        errors(&newer.diagnostics),
        ["The identity was written by a newer version of the provider"]
    );
}
