//! Vendor tokens: issued by `POST /auth/vendor`, checked on every other call, and the
//! `frontegg-environment-id` rules that pick the environment a call acts on.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde_json::json;

use crate::config::EmulatorConfig;
use crate::error::ApiError;

pub(crate) const ENVIRONMENT_HEADER: &str = "frontegg-environment-id";
/// Lifetime used when the configured one does not fit in an `Instant`.
const FAR_FUTURE: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Who a token was issued to.
#[derive(Clone, Debug)]
pub(crate) enum Principal {
    Environment(String),
    Account { environment_ids: Vec<String> },
}

struct IssuedToken {
    principal: Principal,
    expires_at: Instant,
}

#[derive(Default)]
pub(crate) struct Tokens {
    issued: HashMap<String, IssuedToken>,
}

/// Checks credentials against the configured environments, then accounts.
pub(crate) fn authenticate(
    config: &EmulatorConfig,
    client_id: &str,
    secret: &str,
) -> Option<Principal> {
    if let Some(env) = config
        .environments
        .iter()
        .find(|e| e.client_id == client_id && e.secret == secret)
    {
        return Some(Principal::Environment(env.id.clone()));
    }
    config
        .accounts
        .iter()
        .find(|a| a.client_id == client_id && a.secret == secret)
        .map(|a| Principal::Account {
            environment_ids: a.environment_ids.clone(),
        })
}

impl Tokens {
    /// A JWT-looking opaque token; clients must not look inside.
    pub fn issue(&mut self, client_id: &str, principal: Principal, ttl: Duration) -> String {
        let now = Instant::now();
        self.issued.retain(|_, t| t.expires_at > now);
        let issued_at = time::OffsetDateTime::now_utc().unix_timestamp();
        let header = json!({ "alg": "HS256", "typ": "JWT" });
        let payload = json!({
            "sub": client_id,
            "type": match principal { Principal::Environment(_) => "tenantApiToken", Principal::Account { .. } => "accountApiToken" },
            "iat": issued_at,
            "exp": issued_at.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX)),
            "jti": random_hex(16),
        });
        let mut signature = [0u8; 32];
        rand::rng().fill_bytes(&mut signature);
        let token = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string()),
            URL_SAFE_NO_PAD.encode(signature)
        );
        self.issued.insert(
            token.clone(),
            IssuedToken {
                principal,
                expires_at: now.checked_add(ttl).unwrap_or(now + FAR_FUTURE),
            },
        );
        token
    }

    pub fn expire_all(&mut self) {
        self.issued.clear();
    }

    /// The environment a call acts on, from its bearer token and `frontegg-environment-id`.
    pub fn environment_for(&self, headers: &HeaderMap) -> Result<String, ApiError> {
        let token = bearer_token(headers)
            .ok_or_else(|| ApiError::unauthorized("Missing or malformed Authorization header"))?;
        let issued = self
            .issued
            .get(token)
            .ok_or_else(|| ApiError::unauthorized("Invalid or expired token"))?;
        if issued.expires_at <= Instant::now() {
            return Err(ApiError::unauthorized("Invalid or expired token"));
        }
        let requested = match headers.get(ENVIRONMENT_HEADER) {
            None => None,
            Some(v) => Some(v.to_str().map_err(|_| {
                ApiError::invalid(vec![format!("{ENVIRONMENT_HEADER} is not valid text")])
            })?),
        };
        match (&issued.principal, requested) {
            (Principal::Environment(own), None) => Ok(own.clone()),
            (Principal::Environment(own), Some(env)) if env == own => Ok(own.clone()),
            (Principal::Environment(_), Some(env)) => Err(ApiError::forbidden(format!(
                "This token is not allowed to access environment {env}"
            ))),
            (Principal::Account { .. }, None) => Err(ApiError::invalid(vec![format!(
                "The {ENVIRONMENT_HEADER} header is required with an account-level token"
            )])),
            (Principal::Account { environment_ids }, Some(env)) => {
                if environment_ids.iter().any(|e| e == env) {
                    Ok(env.to_string())
                } else {
                    Err(ApiError::forbidden(format!(
                        "This account token does not cover environment {env}"
                    )))
                }
            }
        }
    }
}

pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}
