//! Vendor integrations per environment: the create, patch and agents rules of the contract,
//! out-of-band changes (drift, portal seeds), and the answers. Client secrets are kept only as
//! their fingerprint.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::catalog::{Catalog, catalog_id, display_name, provider_named, provider_of, stable_uuid};
use crate::error::{ApiError, CODE_CONFLICT};
use crate::fingerprint;
use crate::state_file;
use crate::validation::{OAuthInput, agents_request, create_request, update_request};

/// One stored vendor integration, as it is written to the state file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Integration {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub frontegg_integration_id: String,
    pub authentication_type: String,
    /// Identifiers of the enabled tools.
    pub tools: BTreeSet<String>,
    pub agent_ids: BTreeSet<String>,
    pub use_frontegg_integration: bool,
    pub is_active: bool,
    /// `None`: no credentials of its own (an integration on Frontegg's shared app).
    pub oauth_configurations: Option<StoredOAuth>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredOAuth {
    pub client_id: String,
    /// `None` only after an out-of-band change that set a client id alone.
    pub client_secret_fingerprint: Option<String>,
}

impl From<OAuthInput> for StoredOAuth {
    fn from(input: OAuthInput) -> StoredOAuth {
        StoredOAuth {
            client_id: input.client_id,
            client_secret_fingerprint: Some(input.client_secret_fingerprint),
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct EnvironmentState {
    /// In creation order.
    pub integrations: Vec<Integration>,
}

/// Which way `agents/assign` and `agents/unassign` change the set.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AgentChange {
    Assign,
    Unassign,
}

pub(crate) struct Store {
    environments: BTreeMap<String, EnvironmentState>,
    state_file: Option<PathBuf>,
    /// The catalog lives with the integrations: a tool retired from it stays on the
    /// integrations that hold it, and one lock covers both.
    catalog: Catalog,
}

impl Store {
    /// An empty store, or the one saved in `state_file` when that file exists.
    pub fn open(state_file: Option<PathBuf>, catalog: Catalog) -> std::io::Result<Store> {
        let environments = match &state_file {
            Some(path) => state_file::load(path)?,
            None => BTreeMap::new(),
        };
        Ok(Store {
            environments,
            state_file,
            catalog,
        })
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn catalog_mut(&mut self) -> &mut Catalog {
        &mut self.catalog
    }

    fn save(&self) {
        let Some(path) = &self.state_file else {
            return;
        };
        if let Err(e) = state_file::save(path, &self.environments) {
            log::error!("could not save the state file {}: {e}", path.display());
        }
    }

    /// Every integration of an environment as the API answers it, in creation order.
    pub fn list(&self, env_id: &str) -> Vec<Value> {
        self.environments
            .get(env_id)
            .map(|env| {
                env.integrations
                    .iter()
                    .map(|i| self.answer(env_id, i))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn secret_fingerprint(&self, env_id: &str, id: &str) -> Option<String> {
        self.find(env_id, id)?
            .oauth_configurations
            .as_ref()?
            .client_secret_fingerprint
            .clone()
    }

    fn find(&self, env_id: &str, id: &str) -> Option<&Integration> {
        self.environments
            .get(env_id)?
            .integrations
            .iter()
            .find(|i| i.id == id)
    }

    fn find_mut(&mut self, env_id: &str, id: &str) -> Result<&mut Integration, ApiError> {
        self.environments
            .get_mut(env_id)
            .and_then(|env| env.integrations.iter_mut().find(|i| i.id == id))
            .ok_or_else(|| ApiError::not_found(format!("Vendor integration {id} not found")))
    }

    /// `POST {base}`: a valid body, a known catalog entry, tools it offers, and one integration
    /// per catalog entry and environment.
    pub fn create(&mut self, env_id: &str, body: &Value) -> Result<Value, ApiError> {
        let request = create_request(body)?;
        let Some(provider) = provider_of(env_id, &request.frontegg_integration_id) else {
            return Err(ApiError::invalid(vec![format!(
                "fronteggIntegrationId {} is not a known Frontegg integration",
                request.frontegg_integration_id
            )]));
        };
        check_offered(&self.catalog, provider, &request.tools)?;
        self.check_no_conflict(env_id, &request.frontegg_integration_id)?;
        let now = now_rfc3339();
        let new = Integration {
            id: uuid::Uuid::new_v4().to_string(),
            name: request.name,
            description: request.description,
            frontegg_integration_id: request.frontegg_integration_id,
            authentication_type: request.authentication_type,
            tools: request.tools,
            agent_ids: BTreeSet::new(),
            use_frontegg_integration: request.use_frontegg_integration,
            is_active: request.is_active,
            oauth_configurations: Some(request.oauth.into()),
            created_at: now.clone(),
            updated_at: now,
        };
        Ok(self.insert(env_id, new))
    }

    /// `PATCH {base}/{id}`: fields left out stay as they are; `tools` replaces the set.
    pub fn patch(&mut self, env_id: &str, id: &str, body: &Value) -> Result<Value, ApiError> {
        let update = update_request(body)?;
        if let (Some(tools), Some(current)) = (&update.tools, self.find(env_id, id)) {
            let provider = provider_of(env_id, &current.frontegg_integration_id).unwrap_or("");
            check_offered(&self.catalog, provider, tools)?;
        }
        let current = self.find_mut(env_id, id)?;
        if let Some(name) = update.name {
            current.name = name;
        }
        if let Some(description) = update.description {
            current.description = description;
        }
        if let Some(authentication_type) = update.authentication_type {
            current.authentication_type = authentication_type;
        }
        if let Some(tools) = update.tools {
            current.tools = tools;
        }
        if let Some(use_frontegg_integration) = update.use_frontegg_integration {
            current.use_frontegg_integration = use_frontegg_integration;
        }
        if let Some(is_active) = update.is_active {
            current.is_active = is_active;
        }
        if let Some(oauth) = update.oauth {
            current.oauth_configurations = Some(oauth.into());
        }
        current.updated_at = now_rfc3339();
        let updated = current.clone();
        self.save();
        Ok(self.answer(env_id, &updated))
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

    /// `POST {base}/{id}/agents/assign` and `/unassign`: assigning a present agent or
    /// unassigning an absent one changes nothing.
    pub fn change_agents(
        &mut self,
        env_id: &str,
        id: &str,
        change: AgentChange,
        body: &Value,
    ) -> Result<Value, ApiError> {
        let agent_ids = agents_request(body)?;
        let current = self.find_mut(env_id, id)?;
        let before = current.agent_ids.clone();
        match change {
            AgentChange::Assign => current.agent_ids.extend(agent_ids),
            AgentChange::Unassign => current.agent_ids.retain(|a| !agent_ids.contains(a)),
        }
        let changed = current.agent_ids != before;
        if changed {
            current.updated_at = now_rfc3339();
        }
        let updated = current.clone();
        if changed {
            self.save();
        }
        Ok(self.answer(env_id, &updated))
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
    /// API's validation (see [`apply_drift`]).
    pub fn drift_patch(&mut self, env_id: &str, id: &str, patch: &Value) -> bool {
        let Ok(current) = self.find_mut(env_id, id) else {
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

    /// An integration made in the portal: `provider` or `fronteggIntegrationId` names the catalog
    /// entry; every other field is optional and taken as drift takes it. Defaults: the catalog
    /// display name, every tool the catalog offers, Frontegg's shared app
    /// (`useFronteggIntegration: true`, no credentials), `behalf-of-user`, active, no agents.
    /// Returns the new id.
    pub fn seed(&mut self, env_id: &str, body: &Value) -> Result<String, ApiError> {
        let Some(obj) = body.as_object() else {
            return Err(ApiError::invalid(vec![
                "The seed must be a JSON object".to_string(),
            ]));
        };
        let provider = seed_provider(env_id, obj)?;
        let frontegg_integration_id = catalog_id(env_id, provider);
        self.check_no_conflict(env_id, &frontegg_integration_id)?;
        let now = now_rfc3339();
        let mut new = Integration {
            id: uuid::Uuid::new_v4().to_string(),
            name: display_name(provider).to_string(),
            description: None,
            frontegg_integration_id,
            authentication_type: "behalf-of-user".to_string(),
            tools: self
                .catalog
                .offered(provider)
                .map(|tool| tool.identifier.clone())
                .collect(),
            agent_ids: BTreeSet::new(),
            use_frontegg_integration: true,
            is_active: true,
            oauth_configurations: None,
            created_at: now.clone(),
            updated_at: now,
        };
        apply_drift(&mut new, body);
        let id = new.id.clone();
        self.insert(env_id, new);
        Ok(id)
    }

    fn insert(&mut self, env_id: &str, new: Integration) -> Value {
        let answer = self.answer(env_id, &new);
        self.environments
            .entry(env_id.to_string())
            .or_default()
            .integrations
            .push(new);
        self.save();
        answer
    }

    fn check_no_conflict(
        &self,
        env_id: &str,
        frontegg_integration_id: &str,
    ) -> Result<(), ApiError> {
        let existing = self.environments.get(env_id).and_then(|env| {
            env.integrations
                .iter()
                .find(|i| i.frontegg_integration_id == frontegg_integration_id)
        });
        match existing {
            None => Ok(()),
            Some(existing) => Err(ApiError::new(
                StatusCode::CONFLICT,
                CODE_CONFLICT,
                format!(
                    "An integration for fronteggIntegrationId {frontegg_integration_id} already exists in this environment (id {})",
                    existing.id
                ),
            )),
        }
    }

    /// The answer shape: the contract's VendorIntegration (tools as `ToolDto`s from the catalog,
    /// the secret masked) plus fields clients must ignore.
    fn answer(&self, env_id: &str, i: &Integration) -> Value {
        let provider = provider_of(env_id, &i.frontegg_integration_id).unwrap_or("");
        let oauth = i.oauth_configurations.as_ref().map(|oauth| {
            let mut shown = json!({ "clientId": oauth.client_id });
            if oauth.client_secret_fingerprint.is_some() {
                shown["clientSecret"] = json!("********");
            }
            shown
        });
        json!({
            "id": i.id,
            "name": i.name,
            "description": i.description,
            "fronteggIntegrationId": i.frontegg_integration_id,
            "authenticationType": i.authentication_type,
            "agentIds": i.agent_ids,
            "tools": self.catalog.tool_dtos(provider, &i.tools),
            "useFronteggIntegration": i.use_frontegg_integration,
            "isActive": i.is_active,
            "oauthConfigurations": oauth,
            "createdAt": i.created_at,
            "updatedAt": i.updated_at,
            "vendorId": stable_uuid(&["vendor", env_id]),
            "environmentId": env_id,
            "metadata": { "source": "frontegg-emulator", "version": 2 },
        })
    }
}

/// An identifier the catalog entry does not offer is a 400 naming it.
fn check_offered(
    catalog: &Catalog,
    provider: &str,
    tools: &BTreeSet<String>,
) -> Result<(), ApiError> {
    let not_offered = catalog.not_offered(provider, tools);
    if not_offered.is_empty() {
        return Ok(());
    }
    Err(ApiError::invalid(
        not_offered
            .into_iter()
            .map(|tool| format!("tool {tool} is not offered by {provider}"))
            .collect(),
    ))
}

/// The provider a seed names by `provider` or by `fronteggIntegrationId` (both must agree).
fn seed_provider(env_id: &str, obj: &Map<String, Value>) -> Result<&'static str, ApiError> {
    let by_name = match obj.get("provider") {
        None => None,
        Some(Value::String(name)) => match provider_named(name) {
            Some(provider) => Some(provider),
            None => {
                return Err(ApiError::invalid(vec![format!(
                    "provider {name} is not in the catalog"
                )]));
            }
        },
        Some(_) => {
            return Err(ApiError::invalid(vec![
                "provider must be a string".to_string(),
            ]));
        }
    };
    let by_id = match obj.get("fronteggIntegrationId") {
        None => None,
        Some(value) => match value.as_str().and_then(|id| provider_of(env_id, id)) {
            Some(provider) => Some(provider),
            None => {
                return Err(ApiError::invalid(vec![format!(
                    "fronteggIntegrationId {value} is not a known Frontegg integration"
                )]));
            }
        },
    };
    match (by_name, by_id) {
        (Some(a), Some(b)) if a != b => Err(ApiError::invalid(vec![format!(
            "provider {a} and fronteggIntegrationId (of {b}) disagree"
        )])),
        (Some(provider), _) | (None, Some(provider)) => Ok(provider),
        (None, None) => Err(ApiError::invalid(vec![
            "provider or fronteggIntegrationId is required".to_string(),
        ])),
    }
}

/// Drift and seeds: `name`, `description` (string or null), `isActive`,
/// `useFronteggIntegration`, `authenticationType` (any string), `tools` (identifiers, not checked
/// against the catalog), `agentIds` (replaces the set), `oauthConfigurations` (`null` removes it;
/// an object sets the fields it carries). Anything else is ignored.
fn apply_drift(target: &mut Integration, patch: &Value) {
    let Some(obj) = patch.as_object() else {
        return;
    };
    let strings = |value: &Vec<Value>| -> BTreeSet<String> {
        value
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
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
        target.tools = strings(tools);
    }
    if let Some(Value::Array(agents)) = obj.get("agentIds") {
        target.agent_ids = strings(agents);
    }
    match obj.get("oauthConfigurations") {
        Some(Value::Null) => target.oauth_configurations = None,
        Some(Value::Object(oauth)) => {
            let stored = target
                .oauth_configurations
                .get_or_insert_with(|| StoredOAuth {
                    client_id: String::new(),
                    client_secret_fingerprint: None,
                });
            if let Some(Value::String(id)) = oauth.get("clientId") {
                stored.client_id = id.clone();
            }
            if let Some(Value::String(secret)) = oauth.get("clientSecret") {
                stored.client_secret_fingerprint = Some(fingerprint(secret));
            }
        }
        _ => {}
    }
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
