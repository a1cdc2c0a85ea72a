//! The `frontegg_confluence_integration` list resource (`terraform query`) over the
//! plugin protocol: the environment's integration with the resource's identity and state.

mod protocol_support;

use protocol_support::*;
use tfplugin::proto::tfplugin6 as pb;
use tfvalue::Value;

#[tokio::test]
async fn the_list_resource_is_declared_with_an_empty_config_block() {
    let mut h = Harness::unconfigured().await;
    let schema = h
        .rpc
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    let block = schema.list_resource_schemas[TYPE_NAME]
        .block
        .clone()
        .unwrap();
    assert!(block.attributes.is_empty() && block.block_types.is_empty());
    assert!(
        schema
            .server_capabilities
            .unwrap()
            .get_provider_schema_optional,
        "every RPC works without GetProviderSchema"
    );
}

#[tokio::test]
async fn the_integration_is_listed_with_the_identity_and_the_state_an_import_reads() {
    let mut h = Harness::start().await;
    let created = h.create(&h.config([])).await;
    let id = created.attr("id").as_str().unwrap().to_string();
    let imported = h.import(&id).await;

    let listed = h.list(true).await;

    assert_no_errors(&listed.diags);
    assert_eq!(listed.results.len(), 1);
    let result = &listed.results[0];
    assert_eq!(result.display_name, format!("Confluence ({id})"));
    assert_eq!(result.identity, Value::object([("id", Value::string(&id))]));
    assert_eq!(result.state, imported.states[0]);
    assert!(result.state.attr("client_secret").is_null());
}

#[tokio::test]
async fn without_include_resource_only_the_identity_is_sent() {
    let mut h = Harness::start().await;
    h.create(&h.config([])).await;

    let listed = h.list(false).await;

    assert_no_errors(&listed.diags);
    assert_eq!(listed.results.len(), 1);
    assert!(listed.results[0].state.is_null());
    assert!(!listed.results[0].identity.is_null());
}

#[tokio::test]
async fn an_environment_without_the_integration_lists_nothing_without_error() {
    let mut h = Harness::start().await;

    let listed = h.list(true).await;

    assert!(listed.results.is_empty());
    assert!(listed.diags.is_empty(), "{:?}", listed.diags);
}

#[tokio::test]
async fn a_frontegg_failure_is_an_error_of_the_listing() {
    let mut h = Harness::start().await;
    let config = h.provider_config([("secret", Value::string("wrong-secret"))]);
    assert_no_errors(&h.configure(&config).await);

    let listed = h.list(false).await;

    assert!(listed.results.is_empty());
    assert_eq!(errors(&listed.diags).len(), 1, "{:?}", listed.diags);
}
