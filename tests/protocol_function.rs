//! `provider::frontegg::integration_callback_url` over the plugin protocol: declared
//! with its parameter, callable without configuring the provider, errors at argument 0.

mod protocol_support;

use protocol_support::*;
use tfplugin::proto::tfplugin6 as pb;
use tfvalue::Value;

const FUNCTION: &str = "integration_callback_url";
const CALLBACK: &str = "https://your-id.mcp-gw.frontegg.com/integration-callback";

#[tokio::test]
async fn the_function_is_declared_in_the_schema_and_in_get_functions() {
    let mut h = Harness::unconfigured().await;
    let schema = h
        .rpc
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    let functions = h
        .rpc
        .get_functions(pb::get_functions::Request {})
        .await
        .unwrap()
        .into_inner();

    assert_eq!(schema.functions, functions.functions);
    let function = &functions.functions[FUNCTION];
    assert_eq!(function.parameters.len(), 1);
    assert_eq!(function.parameters[0].name, "gateway");
    assert_eq!(function.parameters[0].r#type, br#""string""#);
    assert_eq!(function.r#return.as_ref().unwrap().r#type, br#""string""#);
    assert!(!function.summary.is_empty() && !function.description.is_empty());
}

#[tokio::test]
async fn each_spelling_of_the_gateway_gives_the_callback_without_configuring() {
    let mut h = Harness::unconfigured().await;
    for gateway in [
        "your-id.mcp-gw.frontegg.com",
        "your-id.mcp-gw.frontegg.com/",
        "https://your-id.mcp-gw.frontegg.com",
        "https://your-id.mcp-gw.frontegg.com/mcp/",
    ] {
        assert_eq!(
            h.call_function(FUNCTION, &[Value::string(gateway)]).await,
            Ok(Value::string(CALLBACK)),
            "{gateway}"
        );
    }
}

#[tokio::test]
async fn unusable_gateways_are_errors_at_argument_0_with_the_reason() {
    let mut h = Harness::unconfigured().await;
    for (gateway, reason) in [
        (
            "http://your-id.mcp-gw.frontegg.com",
            "the callback must be https",
        ),
        ("https://", "names no host"),
        ("", "names no host"),
    ] {
        let (text, argument) = h
            .call_function(FUNCTION, &[Value::string(gateway)])
            .await
            .unwrap_err();
        assert_eq!(argument, Some(0), "{gateway}");
        assert!(text.contains(reason), "{gateway}: {text}");
    }
}

#[tokio::test]
async fn a_null_gateway_is_refused_at_argument_0() {
    let mut h = Harness::unconfigured().await;
    let (_, argument) = h.call_function(FUNCTION, &[Value::Null]).await.unwrap_err();
    assert_eq!(argument, Some(0));
}
