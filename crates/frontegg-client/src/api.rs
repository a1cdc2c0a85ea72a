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

/// One entry of the integration catalog (`FronteggIntegrationLeanDto`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CatalogEntry {
    /// The `fronteggIntegrationId` of this provider.
    pub id: String,
    /// `confluence`, `jira`, `slack`, ... (a client must accept providers it does not know).
    pub provider: String,
    /// The name the portal shows (`displayName`), when Frontegg sends it.
    #[serde(default, rename = "displayName")]
    pub display_name: Option<String>,
}

/// `GET` one catalog entry with its tools.
pub fn catalog_entry_path(id: &str) -> String {
    format!("{CATALOG_PATH}/{}", encode_segment(id))
}

/// A catalog entry with the tools it offers (`FronteggIntegrationDto`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogIntegration {
    pub id: String,
    pub provider: String,
    /// The name the portal shows (`displayName`), when Frontegg sends it.
    pub display_name: Option<String>,
    /// The offered tools, by identifier; `None` when Frontegg did not report them.
    pub tools: Option<Vec<CatalogTool>>,
}

/// One tool of a catalog entry. Only `identifier` is certain: `enabled` is published, the
/// other fields are read when Frontegg sends them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogTool {
    pub identifier: String,
    pub enabled: Option<bool>,
    pub name: Option<String>,
    pub category: Option<String>,
    /// The OAuth scopes the tool needs; `None` when the record does not say.
    pub scopes: Option<Vec<String>>,
}

impl<'de> Deserialize<'de> for CatalogIntegration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Record {
            #[serde(default)]
            enabled: Option<bool>,
            #[serde(default)]
            name: Option<String>,
            #[serde(default)]
            category: Option<String>,
            #[serde(default)]
            scopes: Option<Vec<String>>,
        }
        #[derive(Deserialize)]
        struct Wire {
            id: String,
            #[serde(default)]
            provider: Option<String>,
            #[serde(default, rename = "displayName")]
            display_name: Option<String>,
            #[serde(default)]
            tools: Option<std::collections::BTreeMap<String, Option<Record>>>,
        }
        let wire = Wire::deserialize(deserializer)?;
        Ok(CatalogIntegration {
            id: wire.id,
            provider: wire.provider.unwrap_or_default(),
            display_name: wire.display_name,
            tools: wire.tools.map(|tools| {
                tools
                    .into_iter()
                    .map(|(identifier, record)| {
                        let record = record.unwrap_or(Record {
                            enabled: None,
                            name: None,
                            category: None,
                            scopes: None,
                        });
                        CatalogTool {
                            identifier,
                            enabled: record.enabled,
                            name: record.name,
                            category: record.category,
                            scopes: record.scopes,
                        }
                    })
                    .collect()
            }),
        })
    }
}

/// A vendor integration as Frontegg answers it (`VendorIntegrationResponseDto`). Every field but
/// `id` is an `Option`: `None` means Frontegg did not report it (missing or `null`), never
/// "empty" or "false". Unknown fields are ignored, and the client secret is never read.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VendorIntegration {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub frontegg_integration_id: Option<String>,
    #[serde(default)]
    pub authentication_type: Option<String>,
    #[serde(default)]
    pub agent_ids: Option<Vec<String>>,
    #[serde(default)]
    pub tools: Option<Vec<Tool>>,
    #[serde(default)]
    pub use_frontegg_integration: Option<bool>,
    #[serde(default)]
    pub is_active: Option<bool>,
    #[serde(default)]
    pub oauth_configurations: Option<OauthConfigurationView>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

impl VendorIntegration {
    /// The identifiers of the enabled tools, if Frontegg reported the tools.
    pub fn tool_identifiers(&self) -> Option<Vec<String>> {
        self.tools
            .as_ref()
            .map(|tools| tools.iter().map(|t| t.identifier.clone()).collect())
    }

    /// The client id of the OAuth app, if Frontegg reported one.
    pub fn client_id(&self) -> Option<&str> {
        self.oauth_configurations.as_ref()?.client_id.as_deref()
    }
}

/// One enabled tool in an answer (`ToolDto`). Answers that list tools as plain identifier
/// strings are read too (then only `identifier` is known).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tool {
    pub identifier: String,
    pub name: Option<String>,
    pub category: Option<String>,
    /// "OAuth scopes required by this tool"; `None` when not reported.
    pub scopes: Option<Vec<String>>,
}

impl<'de> Deserialize<'de> for Tool {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Dto {
            identifier: String,
            #[serde(default)]
            name: Option<String>,
            #[serde(default)]
            category: Option<String>,
            #[serde(default)]
            scopes: Option<Vec<String>>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Identifier(String),
            Dto(Dto),
        }
        Ok(match Wire::deserialize(deserializer)? {
            Wire::Identifier(identifier) => Tool {
                identifier,
                name: None,
                category: None,
                scopes: None,
            },
            Wire::Dto(d) => Tool {
                identifier: d.identifier,
                name: d.name,
                category: d.category,
                scopes: d.scopes,
            },
        })
    }
}

/// The readable part of `oauthConfigurations` in an answer: only the client id.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OauthConfigurationView {
    #[serde(default)]
    pub client_id: Option<String>,
}

/// The OAuth app credentials sent on create and update. `Debug` redacts the secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OauthConfiguration {
    pub client_id: String,
    #[serde(serialize_with = "expose_secret")]
    pub client_secret: Secret,
}

/// Body of `POST {VENDOR_INTEGRATIONS_PATH}` (`CreateVendorIntegrationRequestDto`): exactly the
/// DTO's properties, with `authenticationType` `behalf-of-user` and `useFronteggIntegration:
/// false` (the customer's own OAuth app; Frontegg's default is its shared app).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateVendorIntegration {
    pub name: String,
    /// Left out of the body when `None`.
    pub description: Option<String>,
    pub frontegg_integration_id: String,
    /// The identifiers of the catalog tools to enable (an empty list enables none).
    pub tools: Vec<String>,
    pub is_active: bool,
    pub oauth_configurations: OauthConfiguration,
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
            tools: &'a [String],
            use_frontegg_integration: bool,
            is_active: bool,
            oauth_configurations: &'a OauthConfiguration,
        }
        Wire {
            name: &self.name,
            description: self.description.as_deref(),
            frontegg_integration_id: &self.frontegg_integration_id,
            authentication_type: AUTHENTICATION_TYPE,
            tools: &self.tools,
            use_frontegg_integration: false,
            is_active: self.is_active,
            oauth_configurations: &self.oauth_configurations,
        }
        .serialize(serializer)
    }
}

/// Body of `PATCH {VENDOR_INTEGRATIONS_PATH}/{id}` (`UpdateVendorIntegrationRequestDto`): only
/// the fields that are `Some` are sent; the others stay as they are in Frontegg. Credentials are
/// always the customer's own app: with `oauth_configurations` the body also carries
/// `authenticationType: behalf-of-user` and `useFronteggIntegration: false`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatchVendorIntegration {
    pub name: Option<String>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    pub is_active: Option<bool>,
    /// Replaces the whole set of enabled tools.
    pub tools: Option<Vec<String>>,
    /// Both fields together, as the API requires.
    pub oauth_configurations: Option<OauthConfiguration>,
}

impl PatchVendorIntegration {
    /// True when nothing would be changed.
    pub fn is_empty(&self) -> bool {
        self == &PatchVendorIntegration::default()
    }
}

impl Serialize for PatchVendorIntegration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Wire<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            name: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            description: Option<Option<&'a str>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            authentication_type: Option<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            tools: Option<&'a [String]>,
            #[serde(skip_serializing_if = "Option::is_none")]
            use_frontegg_integration: Option<bool>,
            #[serde(skip_serializing_if = "Option::is_none")]
            is_active: Option<bool>,
            #[serde(skip_serializing_if = "Option::is_none")]
            oauth_configurations: Option<&'a OauthConfiguration>,
        }
        let own_app = self.oauth_configurations.is_some();
        Wire {
            name: self.name.as_deref(),
            description: self.description.as_ref().map(Option::as_deref),
            authentication_type: own_app.then_some(AUTHENTICATION_TYPE),
            tools: self.tools.as_deref(),
            use_frontegg_integration: own_app.then_some(false),
            is_active: self.is_active,
            oauth_configurations: self.oauth_configurations.as_ref(),
        }
        .serialize(serializer)
    }
}

/// Body of `POST {base}/{id}/agents/assign` and `.../agents/unassign`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AgentIds<'a> {
    pub agent_ids: &'a [String],
}

/// `POST` assign (`true`) or unassign agents of one vendor integration.
pub fn agents_path(id: &str, assign: bool) -> String {
    let verb = if assign { "assign" } else { "unassign" };
    format!("{}/agents/{verb}", integration_path(id))
}

/// A list as Frontegg answers it: a plain array, or the paged wrapper
/// `{"items": [...], "_links": {"next": ...}, "_metadata": {"totalItems", "totalPages"}}`.
pub(crate) enum ListPage<T> {
    Complete(Vec<T>),
    Page {
        items: Vec<T>,
        /// `_links.next`: where the next page is, when there is one.
        next: Option<String>,
        total_items: Option<u64>,
    },
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ListPage<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Links {
            #[serde(default)]
            next: Option<serde_json::Value>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Metadata {
            #[serde(default)]
            total_items: Option<u64>,
        }
        #[derive(Deserialize)]
        struct Paged<T> {
            items: Vec<T>,
            #[serde(default, rename = "_links")]
            links: Option<Links>,
            #[serde(default, rename = "_metadata")]
            metadata: Option<Metadata>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire<T> {
            Plain(Vec<T>),
            Paged(Paged<T>),
        }
        Ok(match Wire::<T>::deserialize(deserializer)? {
            Wire::Plain(items) => ListPage::Complete(items),
            Wire::Paged(page) => ListPage::Page {
                items: page.items,
                next: page.links.and_then(|l| match l.next {
                    Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s),
                    // HAL style: {"href": "..."}
                    Some(serde_json::Value::Object(o)) => o
                        .get("href")
                        .and_then(serde_json::Value::as_str)
                        .filter(|s| !s.trim().is_empty())
                        .map(str::to_string),
                    _ => None,
                }),
                total_items: page.metadata.and_then(|m| m.total_items),
            },
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn create() -> CreateVendorIntegration {
        CreateVendorIntegration {
            name: "Confluence".into(),
            description: None,
            frontegg_integration_id: "cat-1".into(),
            tools: vec!["pages:read".into(), "spaces:read".into()],
            is_active: true,
            oauth_configurations: OauthConfiguration {
                client_id: "atl-id".into(),
                client_secret: Secret::new("atl-secret"),
            },
        }
    }

    #[test]
    fn create_body_holds_exactly_the_dto_properties() {
        assert_eq!(
            serde_json::to_value(create()).unwrap(),
            json!({
                "name": "Confluence",
                "fronteggIntegrationId": "cat-1",
                "authenticationType": "behalf-of-user",
                "tools": ["pages:read", "spaces:read"],
                "useFronteggIntegration": false,
                "isActive": true,
                "oauthConfigurations": {"clientId": "atl-id", "clientSecret": "atl-secret"},
            })
        );
        let with_description = CreateVendorIntegration {
            description: Some("wiki".into()),
            tools: vec![],
            ..create()
        };
        let body = serde_json::to_value(with_description).unwrap();
        assert_eq!(body["description"], "wiki");
        assert_eq!(body["tools"], json!([]));
        let debug = format!("{:?}", create());
        assert!(!debug.contains("atl-secret"), "{debug}");
    }

    #[test]
    fn patch_body_holds_only_what_is_set() {
        let patch = PatchVendorIntegration {
            tools: Some(vec!["pages:read".into()]),
            is_active: Some(false),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&patch).unwrap(),
            json!({"isActive": false, "tools": ["pages:read"]})
        );
        assert!(PatchVendorIntegration::default().is_empty());
        assert!(!patch.is_empty());
        let clear = PatchVendorIntegration {
            description: Some(None),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&clear).unwrap(),
            json!({"description": null})
        );
    }

    #[test]
    fn patch_with_credentials_moves_to_the_own_app() {
        let patch = PatchVendorIntegration {
            oauth_configurations: Some(create().oauth_configurations),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&patch).unwrap(),
            json!({
                "authenticationType": "behalf-of-user",
                "useFronteggIntegration": false,
                "oauthConfigurations": {"clientId": "atl-id", "clientSecret": "atl-secret"},
            })
        );
    }

    #[test]
    fn answer_reads_tool_dtos_and_ignores_unknown_fields_and_the_secret() {
        let v: VendorIntegration = serde_json::from_value(json!({
            "id": "i1", "name": "Confluence", "description": null, "fronteggIntegrationId": "cat-1",
            "authenticationType": "behalf-of-user", "agentIds": ["a1"],
            "tools": [{"name": "Read pages", "identifier": "pages:read",
                       "scopes": ["read:page:confluence"], "category": "Pages"}],
            "useFronteggIntegration": false, "isActive": true,
            "oauthConfigurations": {"clientId": "atl-id", "clientSecret": "********"},
            "createdAt": "2026-01-15T10:30:00.000Z", "somethingNew": {"x": 1}
        }))
        .unwrap();
        assert_eq!(v.id, "i1");
        assert_eq!(v.tool_identifiers(), Some(vec!["pages:read".to_string()]));
        let tool = &v.tools.as_ref().unwrap()[0];
        assert_eq!(
            tool.scopes.as_deref(),
            Some(&["read:page:confluence".to_string()][..])
        );
        assert_eq!(tool.category.as_deref(), Some("Pages"));
        assert_eq!(v.agent_ids, Some(vec!["a1".to_string()]));
        assert_eq!(v.client_id(), Some("atl-id"));
        assert_eq!(v.use_frontegg_integration, Some(false));
        assert!(!format!("{v:?}").contains("****"));
    }

    #[test]
    fn missing_or_null_fields_are_not_reported() {
        let v: VendorIntegration = serde_json::from_value(json!({
            "id": "i1", "name": null, "tools": null, "isActive": null, "oauthConfigurations": {}
        }))
        .unwrap();
        assert_eq!(v.name, None);
        assert_eq!(v.tools, None);
        assert_eq!(v.tool_identifiers(), None);
        assert_eq!(v.agent_ids, None);
        assert_eq!(v.is_active, None);
        assert_eq!(v.use_frontegg_integration, None);
        assert_eq!(v.authentication_type, None);
        assert_eq!(v.client_id(), None);
    }

    #[test]
    fn tools_given_as_plain_identifiers_are_read() {
        let v: VendorIntegration = serde_json::from_value(
            json!({"id": "i1", "tools": ["pages:read", {"identifier": "x"}]}),
        )
        .unwrap();
        assert_eq!(
            v.tool_identifiers(),
            Some(vec!["pages:read".to_string(), "x".to_string()])
        );
        assert_eq!(v.tools.unwrap()[0].scopes, None);
    }

    #[test]
    fn catalog_entry_tools_are_read_with_optional_fields() {
        let entry: CatalogIntegration = serde_json::from_value(json!({
            "id": "cat-1", "provider": "confluence",
            "tools": {
                "pages:read": {"enabled": true, "name": "Read pages", "category": "Pages",
                               "scopes": ["read:page:confluence"]},
                "pages:delete": {"enabled": false},
                "labels:read": null
            }
        }))
        .unwrap();
        let tools = entry.tools.unwrap();
        let ids: Vec<&str> = tools.iter().map(|t| t.identifier.as_str()).collect();
        assert_eq!(ids, ["labels:read", "pages:delete", "pages:read"]);
        assert_eq!(tools[1].enabled, Some(false));
        assert_eq!(tools[1].scopes, None);
        assert_eq!(tools[2].name.as_deref(), Some("Read pages"));
        let bare: CatalogIntegration = serde_json::from_value(json!({"id": "cat-1"})).unwrap();
        assert_eq!(bare.tools, None);
    }

    #[test]
    fn lists_come_plain_or_paged() {
        let plain: ListPage<CatalogEntry> =
            serde_json::from_value(json!([{"id": "c", "provider": "confluence"}])).unwrap();
        assert!(matches!(plain, ListPage::Complete(items) if items.len() == 1));
        let paged: ListPage<CatalogEntry> = serde_json::from_value(json!({
            "items": [{"id": "c", "provider": "confluence"}],
            "_links": {"next": "/x?_offset=1&_limit=1"},
            "_metadata": {"totalItems": 2, "totalPages": 2}
        }))
        .unwrap();
        match paged {
            ListPage::Page {
                items,
                next,
                total_items,
            } => {
                assert_eq!(items.len(), 1);
                assert_eq!(next.as_deref(), Some("/x?_offset=1&_limit=1"));
                assert_eq!(total_items, Some(2));
            }
            ListPage::Complete(_) => panic!("paged answer read as plain"),
        }
        let last: ListPage<CatalogEntry> =
            serde_json::from_value(json!({"items": [], "_links": {"next": null}})).unwrap();
        assert!(matches!(last, ListPage::Page { next: None, .. }));
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
            agents_path("i-1", true),
            "/app-integrations/resources/vendors-integrations/v1/i-1/agents/assign"
        );
        assert_eq!(
            catalog_entry_path("c 1"),
            "/app-integrations/resources/frontegg-integrations/v1/c%201"
        );
        assert_eq!(
            integration_path("123e4567-e89b-12d3-a456-426614174000"),
            "/app-integrations/resources/vendors-integrations/v1/123e4567-e89b-12d3-a456-426614174000"
        );
        assert!(integration_path("../x?y").ends_with("/v1/..%2Fx%3Fy"));
        assert!(integration_path("..").ends_with("/v1/%2E%2E"));
    }
}
