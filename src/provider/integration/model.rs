//! The model every integration resource shares, the app-generic resource's model, what
//! Frontegg reports of an integration, and the name of every attribute. Never holds logic.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use tfplugin::model::{Maybe, Number, Unknowable};

/// The scopes each tool needs: tool identifier → scopes.
pub type ToolScopes = BTreeMap<String, BTreeSet<String>>;

/// The attribute names: the schemas are built from these and the models are checked against
/// the schemas, so a diagnostic's path that uses them names an attribute that exists.
pub(crate) mod attr {
    pub(crate) const APP: &str = "app";
    pub(crate) const ID: &str = "id";
    pub(crate) const NAME: &str = "name";
    pub(crate) const DESCRIPTION: &str = "description";
    pub(crate) const CLIENT_ID: &str = "client_id";
    pub(crate) const CLIENT_SECRET: &str = "client_secret";
    pub(crate) const CLIENT_SECRET_WO: &str = "client_secret_wo";
    pub(crate) const CLIENT_SECRET_WO_VERSION: &str = "client_secret_wo_version";
    pub(crate) const SCOPES: &str = "scopes";
    pub(crate) const TOOLS: &str = "tools";
    pub(crate) const REQUESTED_SCOPES: &str = "requested_scopes";
    pub(crate) const TOOL_SCOPES: &str = "tool_scopes";
    pub(crate) const AGENT_IDS: &str = "agent_ids";
    pub(crate) const ENABLED: &str = "enabled";
    pub(crate) const FRONTEGG_INTEGRATION_ID: &str = "frontegg_integration_id";
}

/// The attributes every integration resource has.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Integration {
    pub id: Maybe<String>,
    pub name: Maybe<String>,
    pub description: Maybe<String>,
    pub client_id: Maybe<String>,
    pub client_secret: Maybe<String>,
    pub client_secret_wo: Maybe<String>,
    pub client_secret_wo_version: Maybe<Number>,
    pub scopes: Maybe<BTreeSet<String>>,
    pub tools: Maybe<BTreeSet<String>>,
    pub requested_scopes: Maybe<BTreeSet<String>>,
    pub tool_scopes: Maybe<ToolScopes>,
    pub agent_ids: Maybe<BTreeSet<String>>,
    pub enabled: Maybe<bool>,
    pub frontegg_integration_id: Maybe<String>,
}

/// The model of the resource that names its app in an attribute: the app, and the attributes
/// every integration has.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppIntegration {
    pub app: Unknowable<String>,
    #[serde(flatten)]
    pub integration: Integration,
}

/// What Frontegg reports of an integration (`None`: its answer leaves the field out). Also the
/// model of the `frontegg_confluence_integration` data source.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reported {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub client_id: Option<String>,
    pub tools: Option<BTreeSet<String>>,
    pub requested_scopes: Option<BTreeSet<String>>,
    pub tool_scopes: Option<ToolScopes>,
    pub agent_ids: Option<BTreeSet<String>>,
    pub enabled: Option<bool>,
    pub frontegg_integration_id: Option<String>,
}
