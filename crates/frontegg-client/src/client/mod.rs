//! The [`Client`]: its construction from a [`ClientConfig`] (checks, the connection pool) and
//! the state its clones share. Must never send a request while being built, nor show the
//! secret (its `Debug` leaves it out).

mod auth;
mod catalog;
mod create;
mod integrations;
mod notes;
mod paging;
mod request;
mod transport;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use reqwest::header::HeaderValue;
use tokio::sync::Mutex;

use crate::config::{ClientConfig, Secret, validate_base_url};
use crate::error::Error;
use crate::retry::RetryPolicy;

use auth::Token;
use catalog::CatalogCache;
use notes::Notes;

pub use transport::MAX_ANSWER_SIZE;
pub(crate) use transport::proxy_for;

/// A Frontegg management API client. Cloning is cheap: clones share one connection pool and
/// one token. Nothing is sent until the first call, which authenticates.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// `host[:port]` of the base URL, for messages.
    host: String,
    client_id: String,
    secret: Secret,
    environment_id: Option<String>,
    request_timeout: Duration,
    connect_timeout: Duration,
    unresponsive_limit: Duration,
    operation_budget: Duration,
    retry: RetryPolicy,
    /// The current token; the lock is held while authenticating, so that concurrent calls
    /// share one `POST /auth/vendor`.
    token: Mutex<Option<Token>>,
    generations: AtomicU64,
    /// What answers held that the client could not use (see [`Client::take_notes`]).
    notes: std::sync::Mutex<Notes>,
    /// What the client read of the integration catalog (see [`Client::catalog`]).
    catalog: CatalogCache,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("client_id", &self.inner.client_id)
            .field("environment_id", &self.inner.environment_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Checks the configuration and builds the connection pool; sends nothing.
    pub fn new(cfg: ClientConfig) -> Result<Client, Error> {
        let base_url = validate_base_url(&cfg.base_url)?;
        if cfg.client_id.trim().is_empty() {
            return Err(Error::config(
                "client_id is empty: set the Frontegg API client id",
            ));
        }
        if cfg.secret.expose().trim().is_empty() {
            return Err(Error::config(
                "secret is empty: set the Frontegg API key that goes with client_id",
            ));
        }
        let environment_id = cfg.environment_id.clone().filter(|e| !e.trim().is_empty());
        if let Some(env) = &environment_id
            && HeaderValue::from_str(env).is_err()
        {
            return Err(Error::config(format!(
                "environment_id {env:?} contains characters that cannot be sent in an HTTP header"
            )));
        }
        let user_agent = cfg.user_agent();
        if HeaderValue::from_str(&user_agent).is_err() {
            return Err(Error::config(format!(
                "version {:?} contains characters that cannot be sent in an HTTP header",
                cfg.version
            )));
        }
        let host = url::Url::parse(&base_url)
            .ok()
            .and_then(|u| {
                let host = u.host_str()?.to_string();
                Some(match u.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host,
                })
            })
            .unwrap_or_else(|| base_url.clone());
        // No proxy from the environment unless `proxy_for` picks one: reqwest's own lookup
        // would send plain-http loopback traffic, credentials included, to `HTTP_PROXY`.
        let connect_timeout = cfg.connect_timeout.min(cfg.request_timeout);
        let mut http = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .tls_backend_preconfigured(crate::tls::client_config()?)
            .no_proxy();
        if let Some(proxy) = proxy_for(&base_url, &cfg.proxy)? {
            http = http.proxy(proxy);
        }
        let http = http
            .build()
            .map_err(|e| Error::config(format!("the HTTP client could not be set up: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                host,
                client_id: cfg.client_id,
                secret: cfg.secret,
                environment_id,
                request_timeout: cfg.request_timeout,
                connect_timeout,
                unresponsive_limit: cfg.unresponsive_limit,
                operation_budget: cfg.operation_budget,
                retry: cfg.retry,
                token: Mutex::new(None),
                generations: AtomicU64::new(1),
                notes: std::sync::Mutex::default(),
                catalog: CatalogCache::default(),
            }),
        })
    }

    /// The base URL calls go to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The environment sent as `frontegg-environment-id`, if any.
    pub fn environment_id(&self) -> Option<&str> {
        self.inner.environment_id.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn client_debug_shows_no_secret() {
        let client = Client::new(ClientConfig::new("id", "frontegg-api-key")).expect("client");
        let debug = format!("{client:?}");
        assert!(!debug.contains("frontegg-api-key"), "{debug}");
        assert!(debug.contains("https://api.frontegg.com"), "{debug}");
    }

    #[test]
    fn empty_credentials_are_a_configuration_error() {
        let error = Client::new(ClientConfig::new("", "k")).expect_err("no client id");
        assert_eq!(error.kind, ErrorKind::Config);
        let error = Client::new(ClientConfig::new("id", "  ")).expect_err("no secret");
        assert!(error.to_string().contains("secret is empty"), "{error}");
        let error =
            Client::new(ClientConfig::new("id", "k").with_environment_id(Some("a\nb".into())))
                .expect_err("not a header value");
        assert!(error.to_string().contains("environment_id"), "{error}");
    }
}
