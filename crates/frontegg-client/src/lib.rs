//! A client for the Frontegg management API surface that terraform-provider-frontegg uses:
//! vendor authentication, the integration catalog (with each entry's tools) and vendor
//! integrations (with their tools and agents). It knows nothing about Terraform.
//!
//! - One connection pool per [`Client`] (clones share it), rustls, user agent
//!   `terraform-provider-frontegg/<version>`.
//! - Authentication is lazy and single-flight: the first call authenticates, concurrent calls
//!   share that one `POST /auth/vendor`, the token is renewed before it expires (at 75 % of
//!   `expiresIn` by default), and a 401 leads to one fresh authentication and one repeat.
//! - The integration catalog and its entries are read at most once per [`Client`] (and its
//!   clones), single-flight as well; a failed or cancelled read is not kept.
//! - `429` waits until `X-Rate-Limit-Reset` (or `Retry-After`, or backs off); `502`/`503`/`504`
//!   and connection errors are retried for GET, PATCH and DELETE. A create whose answer is lost
//!   is never blindly repeated (see [`Client::create_integration`]). Every operation has a time
//!   budget, a server that does not answer fails it after about a minute
//!   ([`DEFAULT_UNRESPONSIVE_LIMIT`]), and a [`CancellationToken`] aborts waits and requests at
//!   once. Answers larger than [`MAX_ANSWER_SIZE`] are refused unread.
//! - `https://` honours `HTTPS_PROXY`/`ALL_PROXY` and `NO_PROXY`; plain `http://` (loopback
//!   only) never uses a proxy (see [`ProxyEnv`]).
//! - [`Error`] renders as one sentence with the status, Frontegg's messages, the error code and
//!   the trace id. No secret (API key, token, OAuth client secret) is ever logged or shown:
//!   see [`Secret`].
//!
//! All paths and body shapes live in [`api`]. [`atlassian`] checks an Atlassian OAuth app's
//! client id and secret against Atlassian's token endpoint, without a user.

pub mod api;
pub mod atlassian;
mod client;
mod config;
mod error;
pub mod retry;
mod tls;

pub use api::{
    CatalogEntry, CatalogIntegration, CatalogTool, CreateVendorIntegration, OauthConfiguration,
    OauthConfigurationView, PatchVendorIntegration, Tool, VendorIntegration,
};
pub use client::{Client, MAX_ANSWER_SIZE};
pub use config::{
    ClientConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_OPERATION_BUDGET, DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_UNRESPONSIVE_LIMIT, ProxyEnv, Region, Secret, validate_base_url,
};
pub use error::{Error, ErrorDetails, ErrorKind};
pub use retry::RetryPolicy;
pub use tokio_util::sync::CancellationToken;
