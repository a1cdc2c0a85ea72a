//! Authentication: the token, got lazily with `POST /auth/vendor` (one request for all
//! concurrent callers), renewed before it expires and dropped when refused. Must never log or
//! show the token or the API key.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::Method;
use tokio::sync::MutexGuard;
use tokio_util::sync::CancellationToken;

use super::Client;
use super::request::{Call, Op, invalid_answer};
use crate::api::{AUTH_PATH, AuthRequest, AuthResponse};
use crate::config::Secret;
use crate::error::{Error, human};

#[derive(Clone)]
pub(super) struct Token {
    pub(super) value: Secret,
    pub(super) renew_at: Instant,
    pub(super) generation: u64,
}

impl Client {
    /// Makes sure a valid token is at hand (authenticates when there is none or it is due for
    /// renewal). Other calls do this on their own; this is for checking credentials early.
    pub async fn authenticate(&self, cancel: &CancellationToken) -> Result<(), Error> {
        let op = self.op(cancel);
        self.token(&op).await.map(|_| ())
    }

    /// The token slot, unless the operation is cancelled while another call authenticates.
    async fn lock_token(&self, op: &Op<'_>) -> Result<MutexGuard<'_, Option<Token>>, Error> {
        tokio::select! {
            biased;
            _ = op.cancel.cancelled() => Err(Error::cancelled(
                "POST",
                AUTH_PATH,
                Some("while waiting for authentication"),
            )),
            guard = self.inner.token.lock() => Ok(guard),
        }
    }

    /// A token that is not due for renewal; authenticates (once for all concurrent callers)
    /// when there is none.
    pub(super) async fn token(&self, op: &Op<'_>) -> Result<Token, Error> {
        let mut guard = self.lock_token(op).await?;
        if let Some(token) = guard.as_ref()
            && Instant::now() < token.renew_at
        {
            return Ok(token.clone());
        }
        let fresh = Box::pin(self.request_token(op)).await?;
        *guard = Some(fresh.clone());
        Ok(fresh)
    }

    /// Drops the token if it is still the one that was refused.
    pub(super) async fn forget_token(&self, generation: u64, op: &Op<'_>) -> Result<(), Error> {
        let mut guard = self.lock_token(op).await?;
        if guard.as_ref().is_some_and(|t| t.generation == generation) {
            *guard = None;
        }
        Ok(())
    }

    async fn request_token(&self, op: &Op<'_>) -> Result<Token, Error> {
        let body = self.to_json(&AuthRequest {
            client_id: &self.inner.client_id,
            secret: self.inner.secret.expose(),
        })?;
        let call = Call {
            method: Method::POST,
            path: AUTH_PATH.to_string(),
            body: Some(body),
            authenticated: false,
            retry_transient: true,
            secrets: Vec::new(),
            finish_when_cancelled: false,
            sent: AtomicBool::new(false),
        };
        let issued = Instant::now();
        let answer = self.execute(&call, op).await?;
        let invalid = |what: &str| invalid_answer(&call, &answer, what);
        // serde's message could quote the token: describe the problem without it.
        let parsed: AuthResponse = serde_json::from_slice(&answer.body).map_err(|_| {
            invalid("the answer is not the expected {\"token\", \"expiresIn\"} JSON")
        })?;
        if parsed.token.is_empty() {
            return Err(invalid("the answer holds an empty token"));
        }
        let lifetime = if parsed.expires_in.is_finite() && parsed.expires_in > 0.0 {
            Duration::from_secs_f64(parsed.expires_in.min(1e9))
        } else {
            log::warn!(
                "Frontegg's token answer has no usable expiresIn; the token will be renewed on every call"
            );
            Duration::ZERO
        };
        let renew_in = self.inner.retry.renew_after(lifetime);
        log::debug!(
            "authenticated with Frontegg (token valid for {}, renewed after {})",
            human(lifetime),
            human(renew_in)
        );
        Ok(Token {
            value: Secret::new(parsed.token),
            renew_at: issued + renew_in,
            generation: self.inner.generations.fetch_add(1, Ordering::Relaxed),
        })
    }
}
