//! An emulator of the Frontegg management API surface that terraform-provider-frontegg uses
//! (vendor authentication, the integration catalog, vendor integrations), for the demo and for
//! tests. It follows the project's API contract and imports no provider code.
//!
//! Start it in-process with [`Emulator::start`], or run the `frontegg-emulator` binary. Tests
//! steer it through the in-process methods of [`Emulator`] or the admin API under `/_emulator/`:
//! injected faults, the request log, drift, token expiry and a rate limit.
//!
//! Client secrets are stored only as [`fingerprint`]s; the request log and the state file hold
//! no secret in clear.
//!
//! Admin API (JSON, no authentication, not in the request log):
//!
//! | call | effect |
//! | --- | --- |
//! | `GET /_emulator/health` | `{"status": "ok"}` |
//! | `POST /_emulator/faults` with a [`Fault`] / `DELETE /_emulator/faults` | inject one fault / clear all |
//! | `GET /_emulator/requests` / `DELETE /_emulator/requests` | the [`LoggedRequest`]s / clear them |
//! | `GET /_emulator/environments/{env}/integrations` | integrations as the API answers them |
//! | `PATCH` / `DELETE /_emulator/environments/{env}/integrations/{id}` | drift: change or delete out of band (404 when absent) |
//! | `GET /_emulator/environments/{env}/integrations/{id}/secret-fingerprint` | `{"fingerprint": "sha256:..."}` |
//! | `POST /_emulator/tokens/expire` | every issued token is refused from now on |
//! | `PUT /_emulator/rate-limit` with a [`RateLimit`] / `DELETE /_emulator/rate-limit` | turn the 429 limit on / off |

mod admin;
mod api;
mod auth;
mod config;
mod error;
mod faults;
mod rate_limit;
mod request_log;
mod server;
mod store;

use sha2::{Digest, Sha256};

pub use config::{
    AccountConfig, DEFAULT_CLIENT_ID, DEFAULT_ENVIRONMENT_ID, DEFAULT_SECRET,
    DEFAULT_TOKEN_TTL_SECS, EmulatorConfig, EnvironmentConfig,
};
pub use faults::{Fault, FaultAction};
pub use rate_limit::RateLimit;
pub use request_log::LoggedRequest;
pub use server::Emulator;

/// `"sha256:"` + the first 12 hex characters of SHA-256(`secret`): tells secrets apart without
/// revealing them.
pub fn fingerprint(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    format!("sha256:{}", &hex::encode(digest)[..12])
}
