//! An emulator of the Frontegg management API surface that terraform-provider-frontegg uses
//! (vendor authentication, the integration catalog, vendor integrations and their agents), for
//! the demo and for tests. It follows version 2 of the project's API contract and imports no
//! provider code.
//!
//! Start it in-process with [`Emulator::start`], or run the `frontegg-emulator` binary. Tests
//! steer it through the in-process methods of [`Emulator`] or the admin API under `/_emulator/`:
//! injected faults, the request log, drift, portal seeds, token expiry, a rate limit, fields left
//! out of answers, paged lists, answers that disagree with the catalog or with themselves, and a
//! catalog that changes at run time.
//!
//! What it holds to:
//!
//! - The catalog lists the contract's 31 providers, with ids stable per environment; Confluence
//!   offers the tools of `data/confluence-tools.tsv`, the others those of
//!   `data/catalog-tools.tsv`. A tool retired at run time is no longer offered (its record is
//!   gone or says `enabled: false`), yet integrations that hold it keep it and answer it; a tool
//!   added at run time is offered after the others.
//! - Request bodies are validated as strictly as Frontegg's NestJS services: a property the DTO
//!   does not list is `400 {"errors": ["property scopes should not exist"], ...}`; a missing
//!   required property, a wrong type, an unknown `authenticationType` or a tool the catalog entry
//!   does not offer (`tool pages:fly is not offered by confluence`) is a 400 naming it.
//! - Answers carry `tools` as `ToolDto`s built from the catalog (in catalog order, each with its
//!   catalog scopes), sorted `agentIds`, the masked secret, and no `scopes`, unless the knobs
//!   below make them disagree: a tool's scopes set per identifier, tools or scopes in reverse
//!   order, `description: ""` for none.
//! - Lists are plain arrays unless paging is on; then both lists answer Frontegg's wrapper
//!   `{"items", "_links": {"next", ...}, "_metadata": {"totalItems", "totalPages"}}`, where
//!   `_limit` is the page size and `_offset` the 0-based page index, and `next` is absent on the
//!   last page.
//!
//! The knobs that shape answers act on the API's answers only; [`Emulator::integrations`] shows
//! what the emulator holds, answered the plain way. The catalog's run-time changes last until the
//! emulator stops (the state file holds integrations only).
//!
//! It also stands in for Atlassian's OAuth token endpoint (`POST /oauth/token`), with the
//! 3LO apps of [`EmulatorConfig::atlassian_apps`] (by default the demo's app), so a check
//! of an app's client id and secret runs offline.
//!
//! Client secrets are stored only as [`fingerprint`]s; the request log and the state file hold
//! no secret in clear (a body key or header that names a secret, `clientSecret`, `secret`,
//! `*token*`, `*password*`, `apiKey`, `Authorization`, is logged as its fingerprint).
//!
//! Admin API (JSON, no authentication, not in the request log):
//!
//! | call | effect |
//! | --- | --- |
//! | `GET /_emulator/health` | `{"status": "ok"}` |
//! | `POST /_emulator/faults` with a [`Fault`] / `DELETE /_emulator/faults` | inject one fault / clear all |
//! | `GET /_emulator/requests` / `DELETE /_emulator/requests` | the [`LoggedRequest`]s / clear them |
//! | `GET /_emulator/environments/{env}/integrations` | integrations as the API answers them, whole ([`Emulator::integrations`]) |
//! | `POST /_emulator/environments/{env}/integrations` with seed fields | an integration made in the portal → `201 {"id": ...}`; 400 for an unknown catalog entry, 409 when it has one ([`Emulator::seed_integration`]) |
//! | `PATCH` / `DELETE /_emulator/environments/{env}/integrations/{id}` | drift: change or delete out of band, 404 when absent ([`Emulator::patch_integration`]) |
//! | `GET /_emulator/environments/{env}/integrations/{id}/secret-fingerprint` | `{"fingerprint": "sha256:..."}` |
//! | `GET /_emulator/catalog/{provider}/tools` | the catalog's tool records with their identifier, as `GET {id}` holds them before fields are omitted ([`Emulator::catalog_tools`]) |
//! | `PUT /_emulator/omit-fields` with `{"fields": ["agentIds", "tools.scopes", "catalog.tools.scopes"]}` / `DELETE` | drop these fields from answers / none ([`Emulator::omit_fields`]; [`ENABLED_ONLY_TOOL_RECORDS`] leaves catalog tool records with `enabled` alone) |
//! | `PUT /_emulator/page-size` with `{"pageSize": 2}` / `DELETE` | lists in the paged wrapper / plain arrays ([`Emulator::set_page_size`]) |
//! | `PUT /_emulator/answer-scopes/{identifier}` with `{"scopes": [...]}` / `DELETE` (one) / `DELETE /_emulator/answer-scopes` (all) | the tool's `ToolDto`s answer these scopes, whatever its catalog record says / the catalog's ([`Emulator::set_answer_scopes`]) |
//! | `PUT /_emulator/answer-order` with `{"reverseTools": true, "reverseScopes": true}` / `DELETE` | answers list tools, and each tool's scopes, in reverse order / catalog order ([`Emulator::set_reversed_answers`]) |
//! | `PUT` / `DELETE /_emulator/empty-description` | `description: ""` where none is set / `null` ([`Emulator::set_empty_description`]) |
//! | `PUT /_emulator/catalog-entry-without-provider` with `{"provider": "absent"}` or `"null"` / `DELETE` | the catalog list ends with an entry without a usable `provider` / not ([`Emulator::set_catalog_entry_without_provider`]) |
//! | `PUT /_emulator/catalog/{provider}/provider-missing` with `{"provider": "absent"}` or `"null"` / `DELETE` | that entry is answered without its `provider` / with it ([`Emulator::set_catalog_provider_missing`]) |
//! | `PUT /_emulator/integration-without-id` with `{"provider": "confluence"}` / `DELETE` | the integration list ends with an item of that entry without `id` / not ([`Emulator::set_integration_without_id`]) |
//! | `POST /_emulator/catalog/{provider}/tools` with a [`NewCatalogTool`] (`{"identifier", "name", "category", "scopes", "scopesInRecord"}`) | the entry offers one tool more → 201; 400 when it offers it already, 404 for an unknown provider ([`Emulator::add_catalog_tool`]) |
//! | `POST /_emulator/catalog/{provider}/tools/{identifier}/retire` with `{"record": "removed"}` or `"disabled"` | the entry no longer offers the tool; 404 when it does not ([`Emulator::retire_catalog_tool`]) |
//! | `POST /_emulator/tokens/expire` | every issued token is refused from now on |
//! | `PUT /_emulator/rate-limit` with a [`RateLimit`] / `DELETE /_emulator/rate-limit` | turn the 429 limit on / off |

mod admin;
mod answer_shape;
mod api;
mod atlassian;
mod auth;
mod catalog;
mod config;
mod error;
mod faults;
mod rate_limit;
mod request_log;
mod server;
mod state_file;
mod store;
mod validation;

use sha2::{Digest, Sha256};

pub use answer_shape::{ENABLED_ONLY_TOOL_RECORDS, MissingProvider};
pub use catalog::{NewCatalogTool, Retirement};
pub use config::{
    AccountConfig, AtlassianAppConfig, DEFAULT_ATLASSIAN_CLIENT_ID, DEFAULT_ATLASSIAN_SECRET,
    DEFAULT_CLIENT_ID, DEFAULT_ENVIRONMENT_ID, DEFAULT_SECRET, DEFAULT_TOKEN_TTL_SECS,
    EmulatorConfig, EnvironmentConfig,
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
