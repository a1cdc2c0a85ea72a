//! Vendor integrations per environment: the catalog, the create/patch rules of the contract, and
//! the optional state file. Client secrets are kept only as their fingerprint.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::error::{ApiError, CODE_CONFLICT};
use crate::fingerprint;

/// Providers of the integration catalog.
pub(crate) const CATALOG_PROVIDERS: [&str; 4] = ["confluence", "jira", "slack", "github"];

const STATE_FILE_VERSION: u32 = 1;

/// One stored vendor integration, as it is written to the state file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Integration {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub frontegg_integration_id: String,
    pub authentication_type: String,
    pub tools: Vec<Value>,
    pub use_frontegg_integration: bool,
    pub is_active: bool,
    pub client_id: String,
    pub client_secret_fingerprint: String,
    pub scopes: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct EnvironmentState {
    /// In creation order.
    integrations: Vec<Integration>,
}

#[derive(Serialize, Deserialize)]
struct StateFile {
    version: u32,
    environments: BTreeMap<String, EnvironmentState>,
}

pub(crate) struct Store {
    environments: BTreeMap<String, EnvironmentState>,
    state_file: Option<PathBuf>,
}

impl Store {
    /// An empty store, or the one saved in `state_file` when that file exists.
    pub fn open(state_file: Option<PathBuf>) -> std::io::Result<Store> {
        let mut environments = BTreeMap::new();
        if let Some(path) = &state_file
            && path.exists()
        {
            let text = std::fs::read_to_string(path)?;
            let saved: StateFile = serde_json::from_str(&text).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}: not an emulator state file: {e}", path.display()),
                )
            })?;
            environments = saved.environments;
        }
        Ok(Store {
            environments,
            state_file,
        })
    }

    /// Writes the state file (temporary file + rename, so a crash never leaves half a file).
    fn save(&self) {
        let Some(path) = &self.state_file else {
            return;
        };
        let state = StateFile {
            version: STATE_FILE_VERSION,
            environments: self.environments.clone(),
        };
        if let Err(e) = write_atomically(path, &state) {
            log::error!("could not save the state file {}: {e}", path.display());
        }
    }

    pub fn list(&self, env_id: &str) -> Vec<Value> {
        self.environments
            .get(env_id)
            .map(|env| {
                env.integrations
                    .iter()
                    .map(|i| to_api_json(env_id, i))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn secret_fingerprint(&self, env_id: &str, id: &str) -> Option<String> {
        self.find(env_id, id)
            .map(|i| i.client_secret_fingerprint.clone())
    }

    fn find(&self, env_id: &str, id: &str) -> Option<&Integration> {
        self.environments
            .get(env_id)?
            .integrations
            .iter()
            .find(|i| i.id == id)
    }

    fn find_mut(&mut self, env_id: &str, id: &str) -> Option<&mut Integration> {
        self.environments
            .get_mut(env_id)?
            .integrations
            .iter_mut()
            .find(|i| i.id == id)
    }

    /// `POST {base}`: validates the body, enforces one integration per catalog entry.
    pub fn create(&mut self, env_id: &str, body: &Value) -> Result<Value, ApiError> {
        let new = validate_create(env_id, body)?;
        let env = self.environments.entry(env_id.to_string()).or_default();
        if let Some(existing) = env
            .integrations
            .iter()
            .find(|i| i.frontegg_integration_id == new.frontegg_integration_id)
        {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                CODE_CONFLICT,
                format!(
                    "An integration for fronteggIntegrationId {} already exists in this environment (id {})",
                    existing.frontegg_integration_id, existing.id
                ),
            ));
        }
        let answer = to_api_json(env_id, &new);
        env.integrations.push(new);
        self.save();
        Ok(answer)
    }

    /// `PATCH {base}/{id}`: fields left out stay as they are.
    pub fn patch(&mut self, env_id: &str, id: &str, body: &Value) -> Result<Value, ApiError> {
        let Some(current) = self.find_mut(env_id, id) else {
            return Err(ApiError::not_found(format!(
                "Vendor integration {id} not found"
            )));
        };
        let mut updated = current.clone();
        apply_patch(&mut updated, body)?;
        updated.updated_at = now_rfc3339();
        *current = updated.clone();
        self.save();
        Ok(to_api_json(env_id, &updated))
    }

    /// `DELETE {base}/{id}`.
    pub fn delete(&mut self, env_id: &str, id: &str) -> Result<(), ApiError> {
        if self.remove(env_id, id) {
            Ok(())
        } else {
            Err(ApiError::not_found(format!(
                "Vendor integration {id} not found"
            )))
        }
    }

    /// Removes an integration and saves; `false` when it does not exist.
    fn remove(&mut self, env_id: &str, id: &str) -> bool {
        let Some(env) = self.environments.get_mut(env_id) else {
            return false;
        };
        let before = env.integrations.len();
        env.integrations.retain(|i| i.id != id);
        let removed = env.integrations.len() != before;
        if removed {
            self.save();
        }
        removed
    }

    /// Out-of-band change (drift): applies whatever fields of `patch` it recognises, without the
    /// API's validation. `oauthConfigurations` may carry either field alone.
    pub fn drift_patch(&mut self, env_id: &str, id: &str, patch: &Value) -> bool {
        let Some(current) = self.find_mut(env_id, id) else {
            return false;
        };
        apply_drift(current, patch);
        current.updated_at = now_rfc3339();
        self.save();
        true
    }

    /// Out-of-band deletion (drift).
    pub fn drift_delete(&mut self, env_id: &str, id: &str) -> bool {
        self.remove(env_id, id)
    }
}

fn write_atomically(path: &Path, state: &StateFile) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state.json".to_string());
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(&bytes)?;
        file.write_all(b"\n")?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

/// The catalog of an environment: stable ids derived from the environment id.
pub(crate) fn catalog(env_id: &str) -> Vec<Value> {
    CATALOG_PROVIDERS
        .iter()
        .map(|provider| {
            json!({
                "id": catalog_id(env_id, provider),
                "provider": provider,
                "displayName": display_name(provider),
                "isEnabled": true,
            })
        })
        .collect()
}

pub(crate) fn catalog_id(env_id: &str, provider: &str) -> String {
    stable_uuid(&["catalog", env_id, provider])
}

fn display_name(provider: &str) -> String {
    match provider {
        "github" => "GitHub".to_string(),
        other => {
            let mut chars = other.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        }
    }
}

fn stable_uuid(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"frontegg-emulator");
    for part in parts {
        hasher.update([0u8]);
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

pub(crate) fn now_rfc3339() -> String {
    rfc3339_millis(OffsetDateTime::now_utc())
}

/// `2026-01-15T10:30:00.000Z`: UTC, milliseconds (truncated).
pub(crate) fn rfc3339_millis(at: OffsetDateTime) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".to_string())
}

/// The response shape: the contract's VendorIntegration plus fields clients must ignore.
/// Scopes come back sorted, not in the order they were sent.
fn to_api_json(env_id: &str, i: &Integration) -> Value {
    let mut scopes = i.scopes.clone();
    scopes.sort();
    json!({
        "id": i.id,
        "name": i.name,
        "description": i.description,
        "fronteggIntegrationId": i.frontegg_integration_id,
        "authenticationType": i.authentication_type,
        "agentIds": [],
        "tools": i.tools,
        "useFronteggIntegration": i.use_frontegg_integration,
        "isActive": i.is_active,
        "oauthConfigurations": { "clientId": i.client_id, "clientSecret": "********" },
        "scopes": scopes,
        "createdAt": i.created_at,
        "updatedAt": i.updated_at,
        "vendorId": stable_uuid(&["vendor", env_id]),
        "environmentId": env_id,
        "metadata": { "source": "frontegg-emulator", "version": 1 },
    })
}

fn as_object(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    body.as_object()
        .ok_or_else(|| ApiError::invalid(vec!["Request body must be a JSON object".to_string()]))
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
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            errors.push(format!("{field} must be a boolean value"));
            None
        }
    }
}

fn string_array(value: &Value, field: &str, errors: &mut Vec<String>) -> Vec<String> {
    match value {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => out.push(s.clone()),
                    _ => {
                        errors.push(format!("each value in {field} must be a string"));
                        return Vec::new();
                    }
                }
            }
            out
        }
        _ => {
            errors.push(format!("{field} must be an array"));
            Vec::new()
        }
    }
}

/// `oauthConfigurations` with both `clientId` and `clientSecret`; returns (client id, fingerprint).
fn oauth_configurations(value: Option<&Value>, errors: &mut Vec<String>) -> (String, String) {
    match value {
        None | Some(Value::Null) => {
            errors.push("oauthConfigurations is required".to_string());
            (String::new(), String::new())
        }
        Some(Value::Object(oauth)) => {
            let client_id =
                required_string(oauth, "clientId", "oauthConfigurations.clientId", errors);
            let secret = required_string(
                oauth,
                "clientSecret",
                "oauthConfigurations.clientSecret",
                errors,
            );
            (client_id, fingerprint(&secret))
        }
        Some(_) => {
            errors.push("oauthConfigurations must be an object".to_string());
            (String::new(), String::new())
        }
    }
}

fn validate_create(env_id: &str, body: &Value) -> Result<Integration, ApiError> {
    let obj = as_object(body)?;
    let mut errors = Vec::new();
    let name = required_string(obj, "name", "name", &mut errors);
    let description = optional_string(obj, "description", &mut errors);
    let frontegg_integration_id = required_string(
        obj,
        "fronteggIntegrationId",
        "fronteggIntegrationId",
        &mut errors,
    );
    let authentication_type =
        required_string(obj, "authenticationType", "authenticationType", &mut errors);
    let tools = match obj.get("tools") {
        None | Some(Value::Null) => {
            errors.push("tools is required".to_string());
            Vec::new()
        }
        Some(Value::Array(items)) => items.clone(),
        Some(_) => {
            errors.push("tools must be an array".to_string());
            Vec::new()
        }
    };
    let use_frontegg_integration =
        optional_bool(obj, "useFronteggIntegration", &mut errors).unwrap_or(false);
    let is_active = optional_bool(obj, "isActive", &mut errors).unwrap_or(true);
    let (client_id, client_secret_fingerprint) =
        oauth_configurations(obj.get("oauthConfigurations"), &mut errors);
    let scopes = match obj.get("scopes") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => string_array(v, "scopes", &mut errors),
    };
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    if !CATALOG_PROVIDERS
        .iter()
        .any(|p| catalog_id(env_id, p) == frontegg_integration_id)
    {
        return Err(ApiError::invalid(vec![format!(
            "fronteggIntegrationId {frontegg_integration_id} is not a known Frontegg integration"
        )]));
    }
    let now = now_rfc3339();
    Ok(Integration {
        id: uuid::Uuid::new_v4().to_string(),
        name,
        description,
        frontegg_integration_id,
        authentication_type,
        tools,
        use_frontegg_integration,
        is_active,
        client_id,
        client_secret_fingerprint,
        scopes,
        created_at: now.clone(),
        updated_at: now,
    })
}

fn apply_patch(target: &mut Integration, body: &Value) -> Result<(), ApiError> {
    let obj = as_object(body)?;
    let mut errors = Vec::new();
    if obj.contains_key("fronteggIntegrationId") {
        errors.push(
            "fronteggIntegrationId cannot be changed; delete the integration and create a new one"
                .to_string(),
        );
    }
    if obj.contains_key("name") {
        target.name = required_string(obj, "name", "name", &mut errors);
    }
    if obj.contains_key("description") {
        target.description = optional_string(obj, "description", &mut errors);
    }
    if let Some(active) = optional_bool(obj, "isActive", &mut errors) {
        target.is_active = active;
    } else if matches!(obj.get("isActive"), Some(Value::Null)) {
        errors.push("isActive must be a boolean value".to_string());
    }
    if let Some(oauth) = obj.get("oauthConfigurations") {
        let (client_id, secret_fingerprint) = oauth_configurations(Some(oauth), &mut errors);
        target.client_id = client_id;
        target.client_secret_fingerprint = secret_fingerprint;
    }
    if let Some(scopes) = obj.get("scopes") {
        target.scopes = string_array(scopes, "scopes", &mut errors);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(errors))
    }
}

fn apply_drift(target: &mut Integration, patch: &Value) {
    let Some(obj) = patch.as_object() else {
        return;
    };
    if let Some(Value::String(s)) = obj.get("name") {
        target.name = s.clone();
    }
    match obj.get("description") {
        Some(Value::String(s)) => target.description = Some(s.clone()),
        Some(Value::Null) => target.description = None,
        _ => {}
    }
    if let Some(Value::Bool(b)) = obj.get("isActive") {
        target.is_active = *b;
    }
    if let Some(Value::Bool(b)) = obj.get("useFronteggIntegration") {
        target.use_frontegg_integration = *b;
    }
    if let Some(Value::String(s)) = obj.get("authenticationType") {
        target.authentication_type = s.clone();
    }
    if let Some(Value::Array(tools)) = obj.get("tools") {
        target.tools = tools.clone();
    }
    if let Some(Value::Array(scopes)) = obj.get("scopes") {
        target.scopes = scopes
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect();
    }
    if let Some(Value::Object(oauth)) = obj.get("oauthConfigurations") {
        if let Some(Value::String(id)) = oauth.get("clientId") {
            target.client_id = id.clone();
        }
        if let Some(Value::String(secret)) = oauth.get("clientSecret") {
            target.client_secret_fingerprint = fingerprint(secret);
        }
    }
}
