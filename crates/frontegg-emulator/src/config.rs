//! What the emulator knows at start: credentials, token lifetime, state file, port.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fingerprint;

/// The emulator's configuration. `--config F.json` holds the same fields in camelCase
/// (`environments`, `accounts`, `tokenTtlSecs`, `stateFile`, `port`, `atlassianApps`); every field is optional there.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EmulatorConfig {
    pub environments: Vec<EnvironmentConfig>,
    pub accounts: Vec<AccountConfig>,
    #[serde(alias = "token_ttl_secs")]
    pub token_ttl_secs: u64,
    #[serde(alias = "state_file")]
    pub state_file: Option<PathBuf>,
    /// 0 picks a free port.
    pub port: u16,
    /// The Atlassian OAuth 2.0 (3LO) apps the stand-in of Atlassian's token endpoint
    /// (`POST /oauth/token`) knows; by default the demo's app.
    #[serde(alias = "atlassian_apps")]
    pub atlassian_apps: Vec<AtlassianAppConfig>,
}

/// An Atlassian OAuth 2.0 (3LO) app: the client id and secret of its Settings page.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AtlassianAppConfig {
    #[serde(alias = "client_id")]
    pub client_id: String,
    pub secret: String,
}

/// One Frontegg environment and its environment-level API credentials.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentConfig {
    pub id: String,
    #[serde(alias = "client_id")]
    pub client_id: String,
    pub secret: String,
}

/// Account-level credentials: one token covers several environments, picked per call with the
/// `frontegg-environment-id` header.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountConfig {
    #[serde(alias = "client_id")]
    pub client_id: String,
    pub secret: String,
    #[serde(alias = "environment_ids")]
    pub environment_ids: Vec<String>,
}

pub const DEFAULT_ENVIRONMENT_ID: &str = "env-demo";
pub const DEFAULT_CLIENT_ID: &str = "demo-client-id";
pub const DEFAULT_SECRET: &str = "demo-secret";
pub const DEFAULT_TOKEN_TTL_SECS: u64 = 3600;
/// The demo's Atlassian app (`examples/quickstart`'s defaults).
pub const DEFAULT_ATLASSIAN_CLIENT_ID: &str = "demo-atlassian-client-id";
pub const DEFAULT_ATLASSIAN_SECRET: &str = "demo-atlassian-client-secret";

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            environments: vec![EnvironmentConfig {
                id: DEFAULT_ENVIRONMENT_ID.to_string(),
                client_id: DEFAULT_CLIENT_ID.to_string(),
                secret: DEFAULT_SECRET.to_string(),
            }],
            accounts: Vec::new(),
            token_ttl_secs: DEFAULT_TOKEN_TTL_SECS,
            state_file: None,
            port: 0,
            atlassian_apps: vec![AtlassianAppConfig {
                client_id: DEFAULT_ATLASSIAN_CLIENT_ID.to_string(),
                secret: DEFAULT_ATLASSIAN_SECRET.to_string(),
            }],
        }
    }
}

impl EmulatorConfig {
    /// Reads a JSON configuration file; fields it leaves out keep their defaults.
    pub fn from_json_file(path: &Path) -> std::io::Result<EmulatorConfig> {
        let text = std::fs::read_to_string(path)?;
        serde_json::from_str(&text).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{}: not a valid emulator configuration: {e}",
                    path.display()
                ),
            )
        })
    }
}

impl fmt::Debug for EnvironmentConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvironmentConfig")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .field("secret", &fingerprint(&self.secret))
            .finish()
    }
}

impl fmt::Debug for AtlassianAppConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtlassianAppConfig")
            .field("client_id", &self.client_id)
            .field("secret", &fingerprint(&self.secret))
            .finish()
    }
}

impl fmt::Debug for AccountConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountConfig")
            .field("client_id", &self.client_id)
            .field("secret", &fingerprint(&self.secret))
            .field("environment_ids", &self.environment_ids)
            .finish()
    }
}
