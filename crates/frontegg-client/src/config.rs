//! Client configuration: credentials, the base URL (region or explicit), timeouts, retry policy.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

use crate::error::Error;
use crate::retry::RetryPolicy;

/// A Frontegg region: picks the management API's base URL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Region {
    /// `https://api.frontegg.com` (the default).
    #[default]
    Eu,
    /// `https://api.us.frontegg.com`.
    Us,
    /// `https://api.ca.frontegg.com`.
    Ca,
    /// `https://api.au.frontegg.com`.
    Au,
    /// `https://api.uk.frontegg.com`.
    Uk,
}

impl Region {
    /// Every region, in the order the documentation lists them.
    pub const ALL: [Region; 5] = [Region::Eu, Region::Us, Region::Ca, Region::Au, Region::Uk];

    /// The management API's base URL for this region (no trailing slash).
    pub fn base_url(&self) -> &'static str {
        match self {
            Region::Eu => "https://api.frontegg.com",
            Region::Us => "https://api.us.frontegg.com",
            Region::Ca => "https://api.ca.frontegg.com",
            Region::Au => "https://api.au.frontegg.com",
            Region::Uk => "https://api.uk.frontegg.com",
        }
    }

    /// The lower-case name used in configuration: `eu`, `us`, `ca`, `au`, `uk`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Region::Eu => "eu",
            Region::Us => "us",
            Region::Ca => "ca",
            Region::Au => "au",
            Region::Uk => "uk",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Region {
    type Err = Error;

    /// Case-insensitive `eu`, `us`, `ca`, `au` or `uk`.
    fn from_str(s: &str) -> Result<Region, Error> {
        let wanted = s.trim();
        Region::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                Error::config(format!(
                    "unknown Frontegg region {wanted:?}: use one of eu (the default), us, ca, au or uk"
                ))
            })
    }
}

/// A secret value (the Frontegg API key, a token, an Atlassian client secret). `Debug` and
/// `Display` print `<redacted>`; only [`Secret::expose`] gives the value, for the request that
/// needs it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret in clear. Never log or format it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_string())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Default per-request timeout.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default budget of one operation (all its requests, retries and waits together).
pub const DEFAULT_OPERATION_BUDGET: Duration = Duration::from_secs(5 * 60);

/// Everything a [`crate::Client`] needs. `Debug` never shows the secret.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The environment's (or account's) API client id.
    pub client_id: String,
    /// The API key that goes with `client_id`.
    pub secret: Secret,
    /// Base URL of the management API, without a trailing slash. Checked by [`Client::new`]
    /// (`https://`, or `http://` to a loopback host only).
    ///
    /// [`Client::new`]: crate::Client::new
    pub base_url: String,
    /// Sent as `frontegg-environment-id` on every call when set.
    pub environment_id: Option<String>,
    /// Timeout of each single HTTP request.
    pub request_timeout: Duration,
    /// Bound on one operation: all of its requests, retries and waits.
    pub operation_budget: Duration,
    /// Version in the user agent `terraform-provider-frontegg/<version>`.
    pub version: String,
    /// Backoff and retry limits.
    pub retry: RetryPolicy,
}

impl ClientConfig {
    /// Credentials for the default region (`eu`), default timeouts and retry policy.
    pub fn new(client_id: impl Into<String>, secret: impl Into<Secret>) -> ClientConfig {
        ClientConfig {
            client_id: client_id.into(),
            secret: secret.into(),
            base_url: Region::default().base_url().to_string(),
            environment_id: None,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            operation_budget: DEFAULT_OPERATION_BUDGET,
            version: env!("CARGO_PKG_VERSION").to_string(),
            retry: RetryPolicy::default(),
        }
    }

    /// Uses the region's base URL.
    pub fn with_region(mut self, region: Region) -> ClientConfig {
        self.base_url = region.base_url().to_string();
        self
    }

    /// Uses an explicit base URL (overrides the region); errors when it is not acceptable.
    pub fn with_base_url(mut self, base_url: &str) -> Result<ClientConfig, Error> {
        self.base_url = validate_base_url(base_url)?;
        Ok(self)
    }

    pub fn with_environment_id(mut self, environment_id: Option<String>) -> ClientConfig {
        self.environment_id = environment_id.filter(|e| !e.trim().is_empty());
        self
    }

    pub fn with_request_timeout(mut self, timeout: Duration) -> ClientConfig {
        self.request_timeout = timeout;
        self
    }

    pub fn with_operation_budget(mut self, budget: Duration) -> ClientConfig {
        self.operation_budget = budget;
        self
    }

    /// The provider's version, shown in the user agent.
    pub fn with_version(mut self, version: impl Into<String>) -> ClientConfig {
        self.version = version.into();
        self
    }

    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> ClientConfig {
        self.retry = retry;
        self
    }

    /// `terraform-provider-frontegg/<version>`.
    pub fn user_agent(&self) -> String {
        format!("terraform-provider-frontegg/{}", self.version)
    }
}

/// Checks a base URL and returns it normalised (no trailing slash): `https://` anywhere, plain
/// `http://` only to `localhost`, `127.0.0.0/8` or `[::1]`; no credentials, query or fragment.
pub fn validate_base_url(raw: &str) -> Result<String, Error> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(Error::config(
            "base_url is empty: set it to the Frontegg API's https:// URL or leave it unset to use the region",
        ));
    }
    let url = url::Url::parse(trimmed).map_err(|e| {
        Error::config(format!(
            "base_url {trimmed:?} is not a valid URL ({e}); expected something like https://api.frontegg.com"
        ))
    })?;
    let shown = shown_url(&url);
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(format!(
            "base_url {shown} must not contain a user name or password; credentials belong in client_id and secret"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "base_url {shown} must not have a query string or fragment"
        )));
    }
    let Some(host) = url.host() else {
        return Err(Error::config(format!("base_url {shown} has no host")));
    };
    match url.scheme() {
        "https" => {}
        "http" => {
            if !is_loopback(&host) {
                return Err(Error::config(format!(
                    "base_url {shown} uses plain http:// to a host that is not loopback; use https:// \
                     (plain http is accepted only for localhost, 127.0.0.0/8 and [::1], so that credentials never cross a network in clear)"
                )));
            }
        }
        other => {
            return Err(Error::config(format!(
                "base_url {shown} has scheme {other:?}; use https://"
            )));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// The URL without any user info, for messages.
fn shown_url(url: &url::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.as_str().trim_end_matches('/').to_string()
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.');
            name.eq_ignore_ascii_case("localhost")
        }
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn regions_and_their_urls() {
        assert_eq!(Region::default().base_url(), "https://api.frontegg.com");
        assert_eq!(
            "US".parse::<Region>().unwrap().base_url(),
            "https://api.us.frontegg.com"
        );
        assert_eq!(
            "ca".parse::<Region>().unwrap().base_url(),
            "https://api.ca.frontegg.com"
        );
        assert_eq!(
            "au".parse::<Region>().unwrap().base_url(),
            "https://api.au.frontegg.com"
        );
        assert_eq!(
            "uk".parse::<Region>().unwrap().base_url(),
            "https://api.uk.frontegg.com"
        );
        let err = "mars".parse::<Region>().unwrap_err();
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(
            err.to_string()
                .contains("eu (the default), us, ca, au or uk"),
            "{err}"
        );
    }

    #[test]
    fn https_anywhere_and_http_only_to_loopback() {
        for ok in [
            "https://api.frontegg.com",
            "https://api.frontegg.com/",
            "https://proxy.example.com/frontegg/",
            "http://localhost:8080",
            "http://127.0.0.1:1234",
            "http://127.1.2.3",
            "http://[::1]:9000/",
        ] {
            assert!(validate_base_url(ok).is_ok(), "{ok} should be accepted");
        }
        assert_eq!(
            validate_base_url("https://proxy.example.com/frontegg/").unwrap(),
            "https://proxy.example.com/frontegg"
        );
        for bad in [
            "http://api.frontegg.com",
            "http://10.0.0.1:8080",
            "http://[::2]",
            "http://localhost.example.com",
            "ftp://api.frontegg.com",
            "api.frontegg.com",
            "",
            "https://user:pw@api.frontegg.com",
            "https://api.frontegg.com/?x=1",
        ] {
            let err = validate_base_url(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Config, "{bad}");
        }
        let err = validate_base_url("http://api.frontegg.com").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("http://api.frontegg.com"), "{text}");
        assert!(text.contains("use https://"), "{text}");
        let err = validate_base_url("https://user:hunter2@api.frontegg.com").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn secret_is_redacted_in_debug_and_display() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret}"), "<redacted>");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(secret.expose(), "hunter2");
        let cfg = ClientConfig::new("id", "hunter2");
        assert!(!format!("{cfg:?}").contains("hunter2"));
        assert!(format!("{cfg:?}").contains("<redacted>"));
    }

    #[test]
    fn builder_defaults() {
        let cfg = ClientConfig::new("id", "s").with_region(Region::Us);
        assert_eq!(cfg.base_url, "https://api.us.frontegg.com");
        assert_eq!(cfg.request_timeout, Duration::from_secs(30));
        assert_eq!(
            cfg.user_agent(),
            format!("terraform-provider-frontegg/{}", env!("CARGO_PKG_VERSION"))
        );
        let cfg = cfg
            .with_version("1.2.3")
            .with_base_url("http://127.0.0.1:1")
            .unwrap();
        assert_eq!(cfg.user_agent(), "terraform-provider-frontegg/1.2.3");
        assert_eq!(cfg.base_url, "http://127.0.0.1:1");
    }
}
