//! Request bodies checked as strictly as Frontegg's NestJS services do (`whitelist` with
//! `forbidNonWhitelisted`): a property the DTO does not list is refused with
//! `property X should not exist`, a missing required property or a wrong type is refused naming it.
//! Every problem of a body is reported at once. Secrets leave here only as fingerprints.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::fingerprint;

pub(crate) const AUTHENTICATION_TYPES: [&str; 2] = ["app-to-app", "behalf-of-user"];

/// `CreateVendorIntegrationRequestDto`.
const CREATE_PROPERTIES: [&str; 8] = [
    "name",
    "description",
    "fronteggIntegrationId",
    "authenticationType",
    "tools",
    "useFronteggIntegration",
    "isActive",
    "oauthConfigurations",
];
/// `UpdateVendorIntegrationRequestDto`: the create properties but `fronteggIntegrationId`.
const UPDATE_PROPERTIES: [&str; 7] = [
    "name",
    "description",
    "authenticationType",
    "tools",
    "useFronteggIntegration",
    "isActive",
    "oauthConfigurations",
];
/// `OAuthConfigDto`.
const OAUTH_PROPERTIES: [&str; 2] = ["clientId", "clientSecret"];
/// `AssignAgentsToVendorIntegrationRequestDto` and its unassign twin.
const AGENTS_PROPERTIES: [&str; 1] = ["agentIds"];

/// `oauthConfigurations` with the secret already fingerprinted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OAuthInput {
    pub client_id: String,
    pub client_secret_fingerprint: String,
}

#[derive(Debug)]
pub(crate) struct CreateRequest {
    pub name: String,
    pub description: Option<String>,
    pub frontegg_integration_id: String,
    pub authentication_type: String,
    pub tools: BTreeSet<String>,
    pub use_frontegg_integration: bool,
    pub is_active: bool,
    pub oauth: OAuthInput,
}

/// `None`: the field was left out and stays as it is.
#[derive(Debug, Default)]
pub(crate) struct UpdateRequest {
    pub name: Option<String>,
    /// `Some(None)`: `description: null` clears it.
    pub description: Option<Option<String>>,
    pub authentication_type: Option<String>,
    pub tools: Option<BTreeSet<String>>,
    pub use_frontegg_integration: Option<bool>,
    pub is_active: Option<bool>,
    pub oauth: Option<OAuthInput>,
}

pub(crate) fn create_request(body: &Value) -> Result<CreateRequest, ApiError> {
    let obj = as_object(body)?;
    let mut errors = Vec::new();
    forbid_unlisted(obj, &CREATE_PROPERTIES, "", &mut errors);
    let name = required_string(obj, "name", "name", &mut errors);
    let description = optional_string(obj, "description", &mut errors);
    let frontegg_integration_id = required_string(
        obj,
        "fronteggIntegrationId",
        "fronteggIntegrationId",
        &mut errors,
    );
    let authentication_type = match obj.get("authenticationType") {
        None | Some(Value::Null) => {
            errors.push("authenticationType is required".to_string());
            String::new()
        }
        Some(value) => authentication_type(value, &mut errors),
    };
    let tools = match obj.get("tools") {
        None | Some(Value::Null) => {
            errors.push("tools is required".to_string());
            BTreeSet::new()
        }
        Some(value) => string_set(value, "tools", &mut errors),
    };
    let use_frontegg_integration = optional_bool(obj, "useFronteggIntegration", &mut errors);
    let is_active = optional_bool(obj, "isActive", &mut errors);
    let oauth = match obj.get("oauthConfigurations") {
        None | Some(Value::Null) => {
            errors.push("oauthConfigurations is required".to_string());
            None
        }
        Some(value) => oauth_configurations(value, &mut errors),
    };
    match (errors.is_empty(), oauth) {
        (true, Some(oauth)) => Ok(CreateRequest {
            name,
            description,
            frontegg_integration_id,
            authentication_type,
            tools,
            use_frontegg_integration: use_frontegg_integration.unwrap_or(true),
            is_active: is_active.unwrap_or(true),
            oauth,
        }),
        _ => Err(ApiError::invalid(errors)),
    }
}

pub(crate) fn update_request(body: &Value) -> Result<UpdateRequest, ApiError> {
    let obj = as_object(body)?;
    let mut errors = Vec::new();
    forbid_unlisted(obj, &UPDATE_PROPERTIES, "", &mut errors);
    let mut update = UpdateRequest::default();
    if obj.contains_key("name") {
        update.name = Some(required_string(obj, "name", "name", &mut errors));
    }
    if obj.contains_key("description") {
        update.description = Some(optional_string(obj, "description", &mut errors));
    }
    if let Some(value) = not_null(obj, "authenticationType", &mut errors) {
        update.authentication_type = Some(authentication_type(value, &mut errors));
    }
    if let Some(value) = not_null(obj, "tools", &mut errors) {
        update.tools = Some(string_set(value, "tools", &mut errors));
    }
    if not_null(obj, "useFronteggIntegration", &mut errors).is_some() {
        update.use_frontegg_integration = optional_bool(obj, "useFronteggIntegration", &mut errors);
    }
    if not_null(obj, "isActive", &mut errors).is_some() {
        update.is_active = optional_bool(obj, "isActive", &mut errors);
    }
    if let Some(value) = not_null(obj, "oauthConfigurations", &mut errors) {
        update.oauth = oauth_configurations(value, &mut errors);
    }
    if errors.is_empty() {
        Ok(update)
    } else {
        Err(ApiError::invalid(errors))
    }
}

/// The body of `agents/assign` and `agents/unassign`: `{"agentIds": ["..."]}`.
pub(crate) fn agents_request(body: &Value) -> Result<BTreeSet<String>, ApiError> {
    let obj = as_object(body)?;
    let mut errors = Vec::new();
    forbid_unlisted(obj, &AGENTS_PROPERTIES, "", &mut errors);
    let agent_ids = match obj.get("agentIds") {
        None | Some(Value::Null) => {
            errors.push("agentIds is required".to_string());
            BTreeSet::new()
        }
        Some(value) => string_set(value, "agentIds", &mut errors),
    };
    if agent_ids.iter().any(|id| id.trim().is_empty()) {
        errors.push("each value in agentIds should not be empty".to_string());
    }
    if errors.is_empty() {
        Ok(agent_ids)
    } else {
        Err(ApiError::invalid(errors))
    }
}

fn as_object(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    body.as_object()
        .ok_or_else(|| ApiError::invalid(vec!["Request body must be a JSON object".to_string()]))
}

/// `prefix` names the enclosing property of a nested object the way NestJS does
/// (`oauthConfigurations.property x should not exist`).
fn forbid_unlisted(
    obj: &Map<String, Value>,
    allowed: &[&str],
    prefix: &str,
    errors: &mut Vec<String>,
) {
    for key in obj.keys() {
        if !allowed.contains(&key.as_str()) {
            errors.push(format!("{prefix}property {key} should not exist"));
        }
    }
}

/// The value of an optional PATCH property that, when sent, must not be `null`.
fn not_null<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
    errors: &mut Vec<String>,
) -> Option<&'a Value> {
    match obj.get(field) {
        Some(Value::Null) => {
            errors.push(format!("{field} should not be null"));
            None
        }
        other => other,
    }
}

fn required_string(
    obj: &Map<String, Value>,
    field: &str,
    label: &str,
    errors: &mut Vec<String>,
) -> String {
    match obj.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::String(_)) => {
            errors.push(format!("{label} should not be empty"));
            String::new()
        }
        None | Some(Value::Null) => {
            errors.push(format!("{label} is required"));
            String::new()
        }
        Some(_) => {
            errors.push(format!("{label} must be a string"));
            String::new()
        }
    }
}

fn optional_string(
    obj: &Map<String, Value>,
    field: &str,
    errors: &mut Vec<String>,
) -> Option<String> {
    match obj.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.push(format!("{field} must be a string"));
            None
        }
    }
}

fn optional_bool(obj: &Map<String, Value>, field: &str, errors: &mut Vec<String>) -> Option<bool> {
    match obj.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            errors.push(format!("{field} must be a boolean value"));
            None
        }
    }
}

fn authentication_type(value: &Value, errors: &mut Vec<String>) -> String {
    match value.as_str() {
        Some(s) if AUTHENTICATION_TYPES.contains(&s) => s.to_string(),
        _ => {
            errors.push(format!(
                "authenticationType must be one of the following values: {}",
                AUTHENTICATION_TYPES.join(", ")
            ));
            String::new()
        }
    }
}

/// An array of strings; duplicates collapse.
fn string_set(value: &Value, field: &str, errors: &mut Vec<String>) -> BTreeSet<String> {
    let Value::Array(items) = value else {
        errors.push(format!("{field} must be an array"));
        return BTreeSet::new();
    };
    let strings: Option<BTreeSet<String>> = items
        .iter()
        .map(|item| item.as_str().map(str::to_string))
        .collect();
    strings.unwrap_or_else(|| {
        errors.push(format!("each value in {field} must be a string"));
        BTreeSet::new()
    })
}

/// `oauthConfigurations`: exactly `clientId` and `clientSecret`, both non-empty strings.
fn oauth_configurations(value: &Value, errors: &mut Vec<String>) -> Option<OAuthInput> {
    let Value::Object(oauth) = value else {
        errors.push("oauthConfigurations must be an object".to_string());
        return None;
    };
    let before = errors.len();
    forbid_unlisted(oauth, &OAUTH_PROPERTIES, "oauthConfigurations.", errors);
    let client_id = required_string(oauth, "clientId", "oauthConfigurations.clientId", errors);
    let secret = required_string(
        oauth,
        "clientSecret",
        "oauthConfigurations.clientSecret",
        errors,
    );
    (errors.len() == before).then(|| OAuthInput {
        client_id,
        client_secret_fingerprint: fingerprint(&secret),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors_of(result: Result<impl std::fmt::Debug, ApiError>) -> Vec<String> {
        result.unwrap_err().errors
    }

    fn valid_create() -> Value {
        json!({
            "name": "Confluence",
            "fronteggIntegrationId": "id",
            "authenticationType": "behalf-of-user",
            "tools": ["b", "a", "b"],
            "oauthConfigurations": { "clientId": "c", "clientSecret": "s" },
        })
    }

    #[test]
    fn create_defaults_and_collapses_duplicate_tools() {
        let request = create_request(&valid_create()).unwrap();
        assert!(request.use_frontegg_integration);
        assert!(request.is_active);
        assert_eq!(request.description, None);
        assert_eq!(
            request.tools.into_iter().collect::<Vec<_>>(),
            ["a".to_string(), "b".to_string()]
        );
        assert_eq!(request.oauth.client_secret_fingerprint, fingerprint("s"));
    }

    #[test]
    fn every_problem_of_a_body_is_reported() {
        let mut body = valid_create();
        body["scopes"] = json!(["read:page:confluence"]);
        body["tools"] = json!([1]);
        body["isActive"] = json!("yes");
        body["oauthConfigurations"] = json!({ "clientId": "c", "extra": 1 });
        assert_eq!(
            errors_of(create_request(&body)),
            [
                "property scopes should not exist",
                "each value in tools must be a string",
                "isActive must be a boolean value",
                "oauthConfigurations.property extra should not exist",
                "oauthConfigurations.clientSecret is required",
            ]
        );
    }

    #[test]
    fn update_refuses_null_for_fields_that_cannot_be_cleared() {
        let errors = errors_of(update_request(&json!({ "isActive": null, "tools": null })));
        assert_eq!(
            errors,
            ["tools should not be null", "isActive should not be null"]
        );
    }

    #[test]
    fn update_with_description_null_clears_it() {
        let update = update_request(&json!({ "description": null })).unwrap();
        assert_eq!(update.description, Some(None));
        assert_eq!(update.name, None);
    }

    #[test]
    fn agents_must_be_non_empty_strings() {
        assert_eq!(
            errors_of(agents_request(&json!({ "agentIds": ["a", " "] }))),
            ["each value in agentIds should not be empty"]
        );
        assert_eq!(
            errors_of(agents_request(&json!({}))),
            ["agentIds is required"]
        );
        assert_eq!(agents_request(&json!({ "agentIds": [] })).unwrap().len(), 0);
    }
}
