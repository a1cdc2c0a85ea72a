//! `provider::frontegg::integration_callback_url(gateway)`: the OAuth callback URL of an
//! MCP gateway, to paste into the Atlassian developer console.

use tfplugin::schema::{Parameter, Signature};
use tfplugin::{Function, FunctionError};
use tfvalue::{Type, Value};
use url::{ParseError, Url};

/// The path of the gateway's OAuth callback.
const CALLBACK_PATH: &str = "/integration-callback";

/// The `integration_callback_url` function.
pub struct IntegrationCallbackUrl;

impl Function for IntegrationCallbackUrl {
    fn name(&self) -> &'static str {
        "integration_callback_url"
    }

    fn signature(&self) -> Signature {
        Signature::new(
            [Parameter::new("gateway", Type::String).description(
                "The MCP gateway of the Frontegg environment: its host name \
                 (`your-id.mcp-gw.frontegg.com`) or any `https://` URL on it; a path, query or \
                 trailing slash is ignored.",
            )],
            Type::String,
            "The OAuth callback URL of an MCP gateway.",
        )
        .description(
            "Returns the callback URL to set in the Atlassian developer console for the OAuth \
             2.0 (3LO) app of the Confluence integration: `https://<gateway host>/integration-callback`. \
             Fails on a gateway URL with a scheme other than `https` or without a host.",
        )
    }

    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        let gateway = args.first().and_then(Value::as_str).unwrap_or_default();
        callback_url(gateway)
            .map(Value::string)
            .map_err(|reason| FunctionError::argument(0, reason))
    }
}

/// `https://<host>[:port]/integration-callback` for a gateway host name or URL, or why
/// there is none.
fn callback_url(gateway: &str) -> Result<String, String> {
    let gateway = gateway.trim();
    let (scheme, rest) = gateway.split_once("://").unwrap_or(("https", gateway));
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        // Not repeated in the message: it may hold a password.
        return Err(
            "The gateway URL carries user credentials, which a callback URL cannot hold; give \
             the gateway's host name."
                .to_string(),
        );
    }
    if !scheme.eq_ignore_ascii_case("https") {
        return Err(format!(
            "{gateway:?} uses {scheme}://, but the callback must be https; give the gateway's \
             https:// URL or just its host name."
        ));
    }
    // Checked here: the URL parser would take the first path segment of `https:///x` for
    // the host.
    if rest.is_empty() || rest.starts_with(['/', '\\', '?', '#']) {
        return Err(no_host(gateway));
    }
    let url = Url::parse(&format!("https://{rest}")).map_err(|e| match e {
        ParseError::EmptyHost => no_host(gateway),
        other => format!(
            "{gateway:?} is not a host name or URL ({other}); give the MCP gateway's host name, \
             e.g. \"your-id.mcp-gw.frontegg.com\"."
        ),
    })?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| no_host(gateway))?;
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    Ok(format!("https://{host}{port}{CALLBACK_PATH}"))
}

fn no_host(gateway: &str) -> String {
    format!(
        "{gateway:?} names no host; give the MCP gateway's host name, e.g. \
         \"your-id.mcp-gw.frontegg.com\"."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPECTED: &str = "https://your-id.mcp-gw.frontegg.com/integration-callback";

    #[test]
    fn every_spelling_of_a_gateway_gives_the_same_callback() {
        for gateway in [
            "your-id.mcp-gw.frontegg.com",
            "your-id.mcp-gw.frontegg.com/",
            "https://your-id.mcp-gw.frontegg.com",
            "https://your-id.mcp-gw.frontegg.com/",
            "https://your-id.mcp-gw.frontegg.com/mcp/sse?x=1#top",
            "HTTPS://Your-Id.MCP-GW.frontegg.com:443/",
            "  your-id.mcp-gw.frontegg.com/some/path  ",
        ] {
            assert_eq!(callback_url(gateway).as_deref(), Ok(EXPECTED), "{gateway}");
        }
    }

    #[test]
    fn a_port_other_than_443_is_kept() {
        assert_eq!(
            callback_url("gw.example.com:8443/x").as_deref(),
            Ok("https://gw.example.com:8443/integration-callback")
        );
    }

    #[test]
    fn other_schemes_are_refused_naming_the_scheme() {
        for gateway in ["http://gw.example.com", "ftp://gw.example.com/"] {
            let reason = callback_url(gateway).unwrap_err();
            assert!(reason.contains("the callback must be https"), "{reason}");
            assert!(reason.contains(&gateway[..gateway.find(':').unwrap()]));
        }
    }

    #[test]
    fn a_gateway_without_host_is_refused() {
        for gateway in ["", "https://", "https:///path", "  "] {
            let reason = callback_url(gateway).unwrap_err();
            assert!(reason.contains("names no host"), "{gateway:?}: {reason}");
        }
    }

    #[test]
    fn credentials_and_nonsense_are_refused() {
        for gateway in [
            "https://user:pw@gw.example.com",
            "http://user:pw@gw.example.com/",
        ] {
            let reason = callback_url(gateway).unwrap_err();
            assert!(
                reason.contains("user credentials") && !reason.contains("pw"),
                "{reason}"
            );
        }
        assert!(
            callback_url("gw example com")
                .unwrap_err()
                .contains("is not a host name or URL")
        );
    }

    #[test]
    fn errors_point_at_the_gateway_argument() {
        let error = IntegrationCallbackUrl
            .call(&[Value::string("http://gw.example.com")])
            .unwrap_err();
        assert_eq!(error.argument, Some(0));
    }
}
