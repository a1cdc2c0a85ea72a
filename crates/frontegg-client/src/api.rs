//! Every path and body shape of the Frontegg API surface the client uses, in one place: a
//! change of endpoint or field name is a change here only.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::config::Secret;

/// `POST` vendor authentication.
pub const AUTH_PATH: &str = "/auth/vendor";
/// `GET` the integration catalog.
pub const CATALOG_PATH: &str = "/app-integrations/resources/frontegg-integrations/v1";
/// `GET` (list) / `POST` (create) vendor integrations.
pub const VENDOR_INTEGRATIONS_PATH: &str = "/app-integrations/resources/vendors-integrations/v1";

/// Request header naming the environment a call acts on.
pub const ENVIRONMENT_HEADER: &str = "frontegg-environment-id";
/// Response header with Frontegg's correlation id.
pub const TRACE_ID_HEADER: &str = "frontegg-trace-id";

/// `PATCH` / `DELETE` one vendor integration (the id is percent-encoded as one path segment).
pub fn integration_path(id: &str) -> String {
    format!("{VENDOR_INTEGRATIONS_PATH}/{}", encode_segment(id))
}

fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    // "." and ".." would be read as relative path steps.
    match out.as_str() {
        "." => "%2E".to_string(),
        ".." => "%2E%2E".to_string(),
        _ => out,
    }
}

/// `authenticationType` the provider always sends.
pub const AUTHENTICATION_TYPE: &str = "behalf-of-user";

/// Body of `POST /auth/vendor`.
#[derive(Serialize)]
pub(crate) struct AuthRequest<'a> {
    #[serde(rename = "clientId")]
    pub client_id: &'a str,
    pub secret: &'a str,
}

/// Answer of `POST /auth/vendor`. `Debug` is not derived: the token is a secret.
#[derive(Deserialize)]
pub(crate) struct AuthResponse {
    pub token: String,
    /// Seconds.
    #[serde(rename = "expiresIn")]
    pub expires_in: f64,
}

/// One entry of the integration catalog.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CatalogEntry {
    /// The `fronteggIntegrationId` of this provider.
    pub id: String,
    /// `confluence`, `jira`, `slack`, ...
    pub provider: String,
}

/// A vendor integration as Frontegg answers it. Unknown fields are ignored, and the client
/// secret is never read (it is not even deserialised).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VendorIntegration {
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub frontegg_integration_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub authentication_type: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_active: bool,
    #[serde(default)]
    pub oauth_configurations: Option<OauthConfigurationView>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// The readable part of `oauthConfigurations` in an answer: only the client id.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OauthConfigurationView {
    #[serde(default, deserialize_with = "null_as_default")]
    pub client_id: String,
}

/// The OAuth app credentials sent on create and update. `Debug` redacts the secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OauthConfiguration {
    pub client_id: String,
    #[serde(serialize_with = "expose_secret")]
    pub client_secret: Secret,
}

/// Body of `POST {VENDOR_INTEGRATIONS_PATH}`. Serialises with `authenticationType`
/// `behalf-of-user`, `tools: []` and `useFronteggIntegration: false`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateVendorIntegration {
    pub name: String,
    /// Left out of the body when `None`.
    pub description: Option<String>,
    pub frontegg_integration_id: String,
    pub is_active: bool,
    pub oauth_configurations: OauthConfiguration,
    pub scopes: Vec<String>,
}

impl Serialize for CreateVendorIntegration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Wire<'a> {
            name: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            description: Option<&'a str>,
            frontegg_integration_id: &'a str,
            authentication_type: &'static str,
            tools: [(); 0],
            use_frontegg_integration: bool,
            is_active: bool,
            oauth_configurations: &'a OauthConfiguration,
            scopes: &'a [String],
        }
        Wire {
            name: &self.name,
            description: self.description.as_deref(),
            frontegg_integration_id: &self.frontegg_integration_id,
            authentication_type: AUTHENTICATION_TYPE,
            tools: [],
            use_frontegg_integration: false,
            is_active: self.is_active,
            oauth_configurations: &self.oauth_configurations,
            scopes: &self.scopes,
        }
        .serialize(serializer)
    }
}

/// Body of `PATCH {VENDOR_INTEGRATIONS_PATH}/{id}`: only the fields that are `Some` are sent;
/// the others stay as they are in Frontegg.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatchVendorIntegration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    /// Both fields together, as the API requires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth_configurations: Option<OauthConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
}

impl PatchVendorIntegration {
    /// True when nothing would be changed.
    pub fn is_empty(&self) -> bool {
        self == &PatchVendorIntegration::default()
    }
}

/// Frontegg's error body: `{"errors": [...], "errorCode": "..."}` or `{"message": "..."}`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub errors: Option<serde_json::Value>,
    #[serde(default)]
    pub message: Option<serde_json::Value>,
    #[serde(default)]
    pub error_code: Option<serde_json::Value>,
}

/// The texts and error code of an error answer; handles empty and non-JSON bodies.
pub(crate) fn error_texts(body: &[u8]) -> (Vec<String>, Option<String>) {
    if body.iter().all(u8::is_ascii_whitespace) {
        return (Vec::new(), None);
    }
    if let Ok(parsed) = serde_json::from_slice::<ErrorBody>(body) {
        let mut messages = Vec::new();
        for value in [&parsed.errors, &parsed.message].into_iter().flatten() {
            collect_texts(value, &mut messages);
        }
        let code = match parsed.error_code {
            Some(serde_json::Value::String(s)) => Some(s),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        if !messages.is_empty() || code.is_some() {
            return (messages, code);
        }
    }
    let text = String::from_utf8_lossy(body);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let description =
        if collapsed.starts_with('<') || collapsed.starts_with('{') || collapsed.starts_with('[') {
            format!(
                "the answer's body ({} bytes) carries no error message",
                body.len()
            )
        } else if collapsed.chars().count() > 200 {
            format!("{}…", collapsed.chars().take(200).collect::<String>())
        } else {
            collapsed
        };
    (vec![description], None)
}

fn collect_texts(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_texts(v, out)),
        serde_json::Value::Object(map) => {
            // e.g. {"message": "...", "property": "..."}
            if let Some(m) = map.get("message") {
                collect_texts(m, out);
            }
        }
        _ => {}
    }
}

fn expose_secret<S: Serializer>(secret: &Secret, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose())
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn create() -> CreateVendorIntegration {
        CreateVendorIntegration {
            name: "Confluence".into(),
            description: None,
            frontegg_integration_id: "cat-1".into(),
            is_active: true,
            oauth_configurations: OauthConfiguration {
                client_id: "atl-id".into(),
                client_secret: Secret::new("atl-secret"),
            },
            scopes: vec!["read:page:confluence".into()],
        }
    }

    #[test]
    fn create_body_matches_the_contract() {
        assert_eq!(
            serde_json::to_value(create()).unwrap(),
            json!({
                "name": "Confluence",
                "fronteggIntegrationId": "cat-1",
                "authenticationType": "behalf-of-user",
                "tools": [],
                "useFronteggIntegration": false,
                "isActive": true,
                "oauthConfigurations": {"clientId": "atl-id", "clientSecret": "atl-secret"},
                "scopes": ["read:page:confluence"],
            })
        );
        let debug = format!("{:?}", create());
        assert!(!debug.contains("atl-secret"), "{debug}");
    }

    #[test]
    fn patch_body_holds_only_what_is_set() {
        let patch = PatchVendorIntegration {
            scopes: Some(vec!["a".into()]),
            is_active: Some(false),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&patch).unwrap(),
            json!({"isActive": false, "scopes": ["a"]})
        );
        assert!(PatchVendorIntegration::default().is_empty());
        assert!(!patch.is_empty());
    }

    #[test]
    fn answer_ignores_unknown_fields_and_the_secret() {
        let v: VendorIntegration = serde_json::from_value(json!({
            "id": "i1", "name": "Confluence", "description": null, "fronteggIntegrationId": "cat-1",
            "authenticationType": "behalf-of-user", "agentIds": [], "tools": [], "useFronteggIntegration": false,
            "isActive": true, "oauthConfigurations": {"clientId": "atl-id", "clientSecret": "********"},
            "scopes": null, "createdAt": "2026-01-15T10:30:00.000Z", "somethingNew": {"x": 1}
        }))
        .unwrap();
        assert_eq!(v.id, "i1");
        assert_eq!(v.scopes, Vec::<String>::new());
        assert_eq!(v.oauth_configurations.as_ref().unwrap().client_id, "atl-id");
        assert!(!format!("{v:?}").contains("****"));
    }

    #[test]
    fn error_bodies_of_every_shape() {
        assert_eq!(
            error_texts(br#"{"errors":["a","b"],"errorCode":"ER-1"}"#),
            (
                vec!["a".to_string(), "b".to_string()],
                Some("ER-1".to_string())
            )
        );
        assert_eq!(
            error_texts(br#"{"message":"nope","statusCode":404}"#).0,
            vec!["nope".to_string()]
        );
        assert_eq!(
            error_texts(br#"{"message":["x must be a string"]}"#).0,
            vec!["x must be a string".to_string()]
        );
        assert_eq!(error_texts(b""), (vec![], None));
        assert_eq!(error_texts(b"  \n"), (vec![], None));
        assert_eq!(
            error_texts(b"upstream connect error").0,
            vec!["upstream connect error".to_string()]
        );
        let html = error_texts(b"<html><body>502 Bad Gateway</body></html>").0;
        assert!(html[0].contains("carries no error message"), "{html:?}");
        let long = "x".repeat(500);
        assert!(error_texts(long.as_bytes()).0[0].chars().count() <= 201);
    }

    #[test]
    fn ids_are_one_path_segment() {
        assert_eq!(
            integration_path("123e4567-e89b-12d3-a456-426614174000"),
            "/app-integrations/resources/vendors-integrations/v1/123e4567-e89b-12d3-a456-426614174000"
        );
        assert!(integration_path("../x?y").ends_with("/v1/..%2Fx%3Fy"));
        assert!(integration_path("..").ends_with("/v1/%2E%2E"));
    }
}
