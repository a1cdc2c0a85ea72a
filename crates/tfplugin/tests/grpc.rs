//! The service over a real gRPC connection (in-process debug server, loopback): a
//! plan → apply → read round trip and StopProvider, as Terraform would call them.

mod common;

use std::sync::Arc;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_client::ProviderClient;
use tfplugin::testing::plain_channel;
use tfplugin::{ServeConfig, serve_debug};
use tfvalue::Value;

const CFG: ServeConfig = ServeConfig {
    provider_address: "registry.terraform.io/example/test",
    version: "0.0.0-test",
};

#[tokio::test]
async fn plan_apply_and_read_round_trip_over_grpc() {
    let provider = TestProvider {
        behaviour: Arc::default(),
    };
    let server = serve_debug(Arc::new(provider), CFG).await.unwrap();
    let mut client = ProviderClient::new(plain_channel(server.addr()).await.unwrap());

    let schema = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(schema.resource_schemas.contains_key(WIDGET));

    let config = widget(&[("name", s("a")), ("secret_wo", s("hunter2"))]);
    let plan = client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: WIDGET.into(),
            prior_state: widget_dv(&Value::Null),
            proposed_new_state: widget_dv(&config),
            config: widget_dv(&config),
            client_capabilities: capabilities(true),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);

    let apply = client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: WIDGET.into(),
            prior_state: widget_dv(&Value::Null),
            planned_state: plan.planned_state,
            config: widget_dv(&config),
            planned_private: plan.planned_private,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(apply.diagnostics.is_empty(), "{:?}", apply.diagnostics);
    let state = decode_widget(&apply.new_state);
    assert_eq!(state.attr("id"), &s("w-1"));
    assert_eq!(state.attr("secret_wo"), &Value::Null);

    let read = client
        .read_resource(pb::read_resource::Request {
            type_name: WIDGET.into(),
            current_state: apply.new_state,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(decode_widget(&read.new_state), state);

    let stop = client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stop.error, "");
    let after = client
        .get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(after.identity_schemas.contains_key(WIDGET));

    server.shutdown().await;
}
