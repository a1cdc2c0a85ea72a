//! Client configuration: credentials, the base URL (region or explicit), proxy settings,
//! timeouts, retry policy.

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
/// Default time allowed to open a connection (TCP and TLS), well below the request timeout:
/// a host that does not accept connections is noticed quickly.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default bound on the time one operation spends on requests that get no answer (and on the
/// pauses between them): an unresponsive server fails the operation after about a minute.
pub const DEFAULT_UNRESPONSIVE_LIMIT: Duration = Duration::from_secs(60);
/// Default budget of one operation (all its requests, retries and waits together, including
/// waits for a rate limit to reset).
pub const DEFAULT_OPERATION_BUDGET: Duration = Duration::from_secs(5 * 60);

/// The proxy settings the client honours, read from the environment like curl does:
/// `HTTPS_PROXY` (else `ALL_PROXY`) and `NO_PROXY`, upper or lower case, the upper-case name
/// first. They apply to `https://` base URLs only: plain `http://` goes to loopback hosts only
/// and never through a proxy (`HTTP_PROXY` is never read), so that the API key, the tokens and
/// the OAuth client secret never reach a proxy in clear.
///
/// `Debug` shows the proxy without any user name or password.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    /// The proxy for https, with the name of the variable it came from.
    https_proxy: Option<(&'static str, String)>,
    /// Hosts that bypass the proxy (`NO_PROXY` syntax: comma-separated names, IPs, CIDRs, `*`).
    no_proxy: Option<String>,
}

impl ProxyEnv {
    /// No proxy at all.
    pub fn none() -> ProxyEnv {
        ProxyEnv::default()
    }

    /// Reads the proxy variables through `get` (e.g. `|k| std::env::var(k).ok()`); empty
    /// values count as unset.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> ProxyEnv {
        let first = |names: &[&'static str]| {
            names.iter().find_map(|&name| {
                get(name)
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .map(|v| (name, v))
            })
        };
        ProxyEnv {
            https_proxy: first(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]),
            no_proxy: first(&["NO_PROXY", "no_proxy"]).map(|(_, v)| v),
        }
    }

    /// Reads the proxy variables of this process.
    pub fn from_env() -> ProxyEnv {
        ProxyEnv::from_lookup(|k| std::env::var(k).ok())
    }

    /// The proxy for `https://` base URLs and the variable it came from, if any.
    pub fn https_proxy(&self) -> Option<(&'static str, &str)> {
        self.https_proxy.as_ref().map(|(k, v)| (*k, v.as_str()))
    }

    /// The `NO_PROXY` list, if any.
    pub fn no_proxy(&self) -> Option<&str> {
        self.no_proxy.as_deref()
    }
}

impl fmt::Debug for ProxyEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyEnv")
            .field(
                "https_proxy",
                &self
                    .https_proxy
                    .as_ref()
                    .map(|(name, url)| format!("{name}={}", shown_proxy(url))),
            )
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// A proxy URL for messages: without user name and password.
pub(crate) fn shown_proxy(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(url) if url.has_host() => shown_url(&url),
        _ => match raw.rsplit_once('@') {
            Some((_, host)) => format!("<credentials>@{host}"),
            None => raw.to_string(),
        },
    }
}

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
    /// Timeout of each single HTTP request (connecting, sending, reading the answer).
    pub request_timeout: Duration,
    /// Timeout of opening a connection (at most `request_timeout`).
    pub connect_timeout: Duration,
    /// Bound on the time one operation spends on requests that get no answer and the pauses
    /// between them; then the operation fails with one error naming the host.
    pub unresponsive_limit: Duration,
    /// Bound on one operation: all of its requests, retries and waits.
    pub operation_budget: Duration,
    /// Proxy settings (read from the environment by [`ClientConfig::new`]).
    pub proxy: ProxyEnv,
    /// Version in the user agent `terraform-provider-frontegg/<version>`.
    pub version: String,
    /// Backoff and retry limits.
    pub retry: RetryPolicy,
}

impl ClientConfig {
    /// Credentials for the default region (`eu`), default timeouts and retry policy, and the
    /// proxy settings of the process environment.
    pub fn new(client_id: impl Into<String>, secret: impl Into<Secret>) -> ClientConfig {
        ClientConfig {
            client_id: client_id.into(),
            secret: secret.into(),
            base_url: Region::default().base_url().to_string(),
            environment_id: None,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            unresponsive_limit: DEFAULT_UNRESPONSIVE_LIMIT,
            operation_budget: DEFAULT_OPERATION_BUDGET,
            proxy: ProxyEnv::from_env(),
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

    pub fn with_connect_timeout(mut self, timeout: Duration) -> ClientConfig {
        self.connect_timeout = timeout;
        self
    }

    pub fn with_unresponsive_limit(mut self, limit: Duration) -> ClientConfig {
        self.unresponsive_limit = limit;
        self
    }

    pub fn with_operation_budget(mut self, budget: Duration) -> ClientConfig {
        self.operation_budget = budget;
        self
    }

    /// Uses these proxy settings instead of the process environment's.
    pub fn with_proxy_env(mut self, proxy: ProxyEnv) -> ClientConfig {
        self.proxy = proxy;
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
            "base_url {:?} is not a valid URL ({e}); expected something like https://api.frontegg.com",
            shown_unparsed(trimmed)
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

/// A string that is not a URL, for messages: what could be user info (anything before an
/// `@` in the part after `://`, up to the first `/`) is replaced by `***`, and a long string
/// is cut, so that credentials written into it never reach an error.
fn shown_unparsed(raw: &str) -> String {
    let (scheme, rest) = match raw.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), raw),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => format!("***{}", &authority[at..]),
        None => authority.to_string(),
    };
    let shown = format!("{scheme}{authority}{path}");
    let mut cut: String = shown.chars().take(80).collect();
    if cut.len() < shown.len() {
        cut.push('…');
    }
    cut
}

/// The URL without any user info, for messages.
fn shown_url(url: &url::Url) -> String {
    if url.cannot_be_a_base() || url.host().is_none() {
        // `user:pass@host` parses with the scheme `user`: nothing here is a known host.
        return shown_unparsed(url.as_str());
    }
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.as_str().trim_end_matches('/').to_string()
}

pub(crate) fn is_loopback(host: &url::Host<&str>) -> bool {
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

    #[test]
    fn an_unparsable_base_url_is_never_echoed_with_its_credentials() {
        for raw in [
            "https://admin:hunter2@exa mple.com",
            "http://admin:hunter2@[::1",
            "admin:hunter2@api example com",
        ] {
            let error = validate_base_url(raw).expect_err(raw).to_string();
            assert!(!error.contains("hunter2"), "{error}");
        }
        let error = validate_base_url("https://api.front egg.com").expect_err("space");
        assert!(
            error.to_string().contains("https://api.front egg.com"),
            "{error}"
        );
    }
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
    fn region_names_are_case_insensitive() {
        for (name, region) in [
            ("US", Region::Us),
            ("Eu", Region::Eu),
            (" uk ", Region::Uk),
            ("cA", Region::Ca),
            ("AU", Region::Au),
        ] {
            assert_eq!(name.parse::<Region>().unwrap(), region, "{name:?}");
        }
    }

    #[test]
    fn proxy_settings_prefer_upper_case_and_https_over_all() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(name, _)| *name == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let proxy = ProxyEnv::from_lookup(env(&[
            ("https_proxy", "http://lower:1"),
            ("HTTPS_PROXY", "http://upper:2"),
            ("ALL_PROXY", "http://all:3"),
            ("HTTP_PROXY", "http://plain:4"),
            ("no_proxy", "localhost,.internal"),
        ]));
        assert_eq!(proxy.https_proxy(), Some(("HTTPS_PROXY", "http://upper:2")));
        assert_eq!(proxy.no_proxy(), Some("localhost,.internal"));
        let proxy = ProxyEnv::from_lookup(env(&[
            ("HTTPS_PROXY", " "),
            ("all_proxy", "http://all:3"),
            ("HTTP_PROXY", "http://plain:4"),
        ]));
        assert_eq!(proxy.https_proxy(), Some(("all_proxy", "http://all:3")));
        // HTTP_PROXY alone is never used: plain http goes to loopback only.
        let proxy = ProxyEnv::from_lookup(env(&[("HTTP_PROXY", "http://plain:4")]));
        assert_eq!(proxy, ProxyEnv::none());
    }

    #[test]
    fn proxy_credentials_are_not_shown() {
        let proxy = ProxyEnv::from_lookup(|k| {
            (k == "HTTPS_PROXY").then(|| "http://user:hunter2@proxy.example:3128".to_string())
        });
        let debug = format!("{proxy:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("proxy.example:3128"), "{debug}");
        assert!(!shown_proxy("user:hunter2@proxy.example:3128").contains("hunter2"));
        let cfg = ClientConfig::new("id", "s").with_proxy_env(proxy);
        assert!(!format!("{cfg:?}").contains("hunter2"));
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
        assert_eq!(cfg.connect_timeout, Duration::from_secs(5));
        assert_eq!(cfg.unresponsive_limit, Duration::from_secs(60));
        assert!(cfg.connect_timeout * 4 <= cfg.request_timeout);
        assert!(cfg.unresponsive_limit < cfg.operation_budget);
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
