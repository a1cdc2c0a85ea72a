//! A check of an Atlassian OAuth 2.0 (3LO) app's client id and secret, without a user:
//! a code exchange that must fail (`POST <endpoint>/oauth/token`, JSON,
//! `grant_type: authorization_code` with a random code that cannot be valid), of which only
//! the status and the `error` field are read.
//!
//! | answer | reading |
//! | --- | --- |
//! | `401` with `error: access_denied` | the client id or secret is not accepted ([`AppCheck::Rejected`]) |
//! | `403` `invalid_grant`, `400` `invalid_request` | the client is accepted, only the made-up code refused ([`AppCheck::Accepted`]) |
//! | anything else, or no answer | the check cannot tell ([`AppCheck::Undetermined`]) |
//!
//! Atlassian documents the token endpoint but none of these answers: the readings are
//! observed, and assume Atlassian checks the client before the code and the callback.
//! The secret goes to the configured endpoint only (https, or plain http on a loopback
//! host), is never logged, and no answer text is ever echoed.

use std::time::Duration;

use rand::Rng;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use crate::client::proxy_for;
use crate::config::{ProxyEnv, Secret, is_loopback};
use crate::error::Error;

/// Atlassian's authorization server.
pub const DEFAULT_ATLASSIAN_URL: &str = "https://auth.atlassian.com";

/// The token endpoint's path.
pub const ATLASSIAN_TOKEN_PATH: &str = "/oauth/token";

/// How long the whole check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of an answer read: an error object is a few hundred bytes.
const MAX_CHECK_ANSWER: usize = 64 << 10;

/// What the token endpoint's answer says of the client id and secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppCheck {
    /// Atlassian accepted the client and refused only the made-up code: the status and
    /// the `error` field it answered.
    Accepted { status: u16, error: String },
    /// `401 access_denied`: the client id or the secret is wrong.
    Rejected,
    /// Any other answer, or none: why the check cannot tell (no secret in it).
    Undetermined(String),
}

/// Checks apps against one Atlassian authorization server.
#[derive(Clone, Debug)]
pub struct AtlassianCheck {
    http: reqwest::Client,
    url: String,
}

/// The Atlassian endpoint `raw` as a base URL without trailing slash: `https://`, or
/// `http://` on a loopback host only, without user info, query or fragment.
pub fn validate_atlassian_url(raw: &str) -> Result<String, Error> {
    let trimmed = raw.trim();
    let url = url::Url::parse(trimmed).map_err(|e| {
        Error::config(format!(
            "the Atlassian endpoint {trimmed:?} is not a valid URL ({e}); expected something like {DEFAULT_ATLASSIAN_URL}"
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(
            "the Atlassian endpoint must not contain a user name or password",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "the Atlassian endpoint {trimmed:?} must not have a query string or fragment"
        )));
    }
    let Some(host) = url.host() else {
        return Err(Error::config(format!(
            "the Atlassian endpoint {trimmed:?} has no host"
        )));
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(Error::config(format!(
                "the Atlassian endpoint {trimmed:?} uses plain http:// to a host that is not loopback; use https:// \
                 (plain http is accepted only for localhost, 127.0.0.0/8 and [::1], so that an app's secret never crosses a network in clear)"
            )));
        }
        other => {
            return Err(Error::config(format!(
                "the Atlassian endpoint {trimmed:?} has scheme {other:?}; use https://"
            )));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

#[derive(Deserialize)]
struct OauthError {
    error: Option<String>,
}

impl AtlassianCheck {
    /// A checker of apps against `url` (see [`validate_atlassian_url`]), through the
    /// https proxy of `proxy` when the URL is `https://`.
    pub fn new(url: &str, version: &str, proxy: &ProxyEnv) -> Result<AtlassianCheck, Error> {
        let url = validate_atlassian_url(url)?;
        let mut http = reqwest::Client::builder()
            .user_agent(format!("terraform-provider-frontegg/{version}"))
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(CHECK_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .tls_backend_preconfigured(crate::tls::client_config()?)
            .no_proxy();
        if let Some(proxy) = proxy_for(&url, proxy)? {
            http = http.proxy(proxy);
        }
        let http = http
            .build()
            .map_err(|e| Error::config(format!("the HTTP client could not be set up: {e}")))?;
        Ok(AtlassianCheck { http, url })
    }

    /// The endpoint's base URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Exchanges a random code for `client_id` and `secret`, with `redirect_uri`, and reads
    /// the answer. Cancelling `cancel` ends the check as [`AppCheck::Undetermined`].
    pub async fn check_app(
        &self,
        client_id: &str,
        secret: &Secret,
        redirect_uri: &str,
        cancel: &CancellationToken,
    ) -> AppCheck {
        let code: String = {
            let mut rng = rand::rng();
            (0..32)
                .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)]))
                .collect()
        };
        let body = serde_json::json!({
            "grant_type": "authorization_code",
            "client_id": client_id,
            "client_secret": secret.expose(),
            "code": format!("not-a-code-{code}"),
            "redirect_uri": redirect_uri,
        });
        let endpoint = format!("{}{ATLASSIAN_TOKEN_PATH}", self.url);
        log::debug!("checking an Atlassian app at {endpoint}");
        let request = self.http.post(&endpoint).json(&body).send();
        let response = tokio::select! {
            r = request => r,
            _ = cancel.cancelled() => {
                return AppCheck::Undetermined("the check was cancelled".to_owned());
            }
        };
        let response = match response {
            Ok(r) => r,
            Err(e) => {
                let why = if e.is_timeout() {
                    "no answer in time".to_owned()
                } else if e.is_connect() {
                    "the endpoint could not be reached".to_owned()
                } else {
                    "the request failed before an answer came".to_owned()
                };
                log::debug!("Atlassian app check: {why}");
                return AppCheck::Undetermined(format!("{why} from {endpoint}"));
            }
        };
        let status = response.status().as_u16();
        let error = read_error(response).await;
        log::debug!("Atlassian app check: {status} {error:?}");
        match (status, error.as_deref()) {
            (401, Some("access_denied")) => AppCheck::Rejected,
            (403, Some(e @ "invalid_grant")) | (400, Some(e @ "invalid_request")) => {
                AppCheck::Accepted {
                    status,
                    error: e.to_owned(),
                }
            }
            (status, Some(e)) => AppCheck::Undetermined(format!(
                "{endpoint} answered {status} with error {e:?}, which this check does not know"
            )),
            (status, None) => AppCheck::Undetermined(format!(
                "{endpoint} answered {status} without an OAuth error object"
            )),
        }
    }
}

/// The `error` field of an OAuth error answer, if the answer is a small JSON object with
/// a plain-word one (nothing else of the answer is read).
async fn read_error(mut response: reqwest::Response) -> Option<String> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        if body.len() + chunk.len() > MAX_CHECK_ANSWER {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    let error = serde_json::from_slice::<OauthError>(&body).ok()?.error?;
    let plain = !error.is_empty()
        && error.len() <= 64
        && error
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    plain.then_some(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_https_or_loopback_http() {
        assert_eq!(
            validate_atlassian_url("https://auth.atlassian.com/").unwrap(),
            "https://auth.atlassian.com"
        );
        assert_eq!(
            validate_atlassian_url(" http://127.0.0.1:8080 ").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(validate_atlassian_url("http://[::1]:9").is_ok());
        for bad in [
            "http://auth.example.com",
            "ftp://auth.atlassian.com",
            "https://user:pw@auth.atlassian.com",
            "https://auth.atlassian.com/?x=1",
            "auth.atlassian.com",
            "",
        ] {
            assert!(validate_atlassian_url(bad).is_err(), "{bad}");
        }
        let err = validate_atlassian_url("https://user:hunter2@auth.atlassian.com")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }
}
