//! The optional state file that keeps the integrations between starts. It is written whole after
//! every change (temporary file + rename) and holds secrets only as fingerprints.
//!
//! Version 2 follows contract v2. A version 1 file (contract v1: a writable `scopes` field, tools
//! as sent, no agents) is migrated on load: its scopes have no place in contract v2 and are
//! dropped, its tools keep their identifiers, its credentials are kept. Any other version is
//! refused.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::EnvironmentState;

const VERSION: u32 = 2;

#[derive(Serialize)]
struct StateFileOut<'a> {
    version: u32,
    environments: &'a BTreeMap<String, EnvironmentState>,
}

#[derive(Deserialize)]
struct VersionProbe {
    version: u32,
}

#[derive(Deserialize)]
struct StateFileV2 {
    environments: BTreeMap<String, EnvironmentState>,
}

/// The environments saved in `path`; empty when the file does not exist.
pub(crate) fn load(path: &Path) -> std::io::Result<BTreeMap<String, EnvironmentState>> {
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let text = std::fs::read_to_string(path)?;
    let invalid = |message: String| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: {message}", path.display()),
        )
    };
    let not_a_state_file =
        |e: serde_json::Error| invalid(format!("not an emulator state file: {e}"));
    let probe: VersionProbe = serde_json::from_str(&text).map_err(not_a_state_file)?;
    match probe.version {
        VERSION => {
            let saved: StateFileV2 = serde_json::from_str(&text).map_err(not_a_state_file)?;
            Ok(saved.environments)
        }
        1 => {
            let saved: v1::StateFile = serde_json::from_str(&text).map_err(not_a_state_file)?;
            log::info!(
                "{}: state file version 1 migrated to version {VERSION} (scopes dropped; saved as version {VERSION} on the next change)",
                path.display()
            );
            Ok(saved.migrate())
        }
        other => Err(invalid(format!(
            "state file version {other} is not supported: this emulator reads versions 1 and {VERSION}; \
             start without this file or delete it"
        ))),
    }
}

pub(crate) fn save(
    path: &Path,
    environments: &BTreeMap<String, EnvironmentState>,
) -> std::io::Result<()> {
    let state = StateFileOut {
        version: VERSION,
        environments,
    };
    let bytes = serde_json::to_vec_pretty(&state).map_err(std::io::Error::other)?;
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

/// The version 1 format, read only to migrate it.
mod v1 {
    use std::collections::{BTreeMap, BTreeSet};

    use serde::Deserialize;
    use serde_json::Value;

    use crate::store::{EnvironmentState, Integration, StoredOAuth};

    #[derive(Deserialize)]
    pub(super) struct StateFile {
        environments: BTreeMap<String, Environment>,
    }

    #[derive(Deserialize)]
    struct Environment {
        integrations: Vec<IntegrationV1>,
    }

    /// Its `scopes` are not read: contract v2 has no such field.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct IntegrationV1 {
        id: String,
        name: String,
        description: Option<String>,
        frontegg_integration_id: String,
        authentication_type: String,
        tools: Vec<Value>,
        use_frontegg_integration: bool,
        is_active: bool,
        client_id: String,
        client_secret_fingerprint: String,
        created_at: String,
        updated_at: String,
    }

    impl StateFile {
        pub(super) fn migrate(self) -> BTreeMap<String, EnvironmentState> {
            self.environments
                .into_iter()
                .map(|(env_id, env)| {
                    let integrations = env.integrations.into_iter().map(migrate).collect();
                    (env_id, EnvironmentState { integrations })
                })
                .collect()
        }
    }

    /// Tools were stored as sent: identifiers, or objects carrying one.
    fn migrate(old: IntegrationV1) -> Integration {
        let tools: BTreeSet<String> = old
            .tools
            .iter()
            .filter_map(|tool| match tool {
                Value::String(identifier) => Some(identifier.clone()),
                other => other["identifier"].as_str().map(str::to_string),
            })
            .collect();
        Integration {
            id: old.id,
            name: old.name,
            description: old.description,
            frontegg_integration_id: old.frontegg_integration_id,
            authentication_type: old.authentication_type,
            tools,
            agent_ids: BTreeSet::new(),
            use_frontegg_integration: old.use_frontegg_integration,
            is_active: old.is_active,
            oauth_configurations: Some(StoredOAuth {
                client_id: old.client_id,
                client_secret_fingerprint: Some(old.client_secret_fingerprint),
            }),
            created_at: old.created_at,
            updated_at: old.updated_at,
        }
    }
}
