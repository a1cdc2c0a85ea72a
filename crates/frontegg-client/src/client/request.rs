//! The request loop: a call sent until it gets a final answer, with one fresh authentication
//! after a 401, waits out 429s, transient failures retried, the operation budget, the limit on
//! waiting for a server that does not answer, and cancellation. Must never repeat a call that
//! does not allow it (a create), nor let a secret into an error.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::Client;
use super::auth::Token;
use super::transport::Answer;
use crate::api::{self, AUTH_PATH};
use crate::error::{Error, ErrorKind, human};
use crate::retry::{self, WaitError};

/// The limits of one public operation.
pub(super) struct Op<'a> {
    pub(super) cancel: &'a CancellationToken,
    pub(super) deadline: Instant,
    /// Time spent so far on attempts that got no answer and the pauses after them (ns).
    pub(super) unanswered: AtomicU64,
}

impl Op<'_> {
    fn unanswered(&self) -> Duration {
        Duration::from_nanos(self.unanswered.load(Ordering::Relaxed))
    }

    fn add_unanswered(&self, spent: Duration) {
        let nanos = u64::try_from(spent.as_nanos()).unwrap_or(u64::MAX);
        let _ = self
            .unanswered
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                Some(n.saturating_add(nanos))
            });
    }
}

/// One API call as the request loop sees it.
pub(super) struct Call<'a> {
    pub(super) method: Method,
    pub(super) path: String,
    /// JSON body; may hold secrets, so it is never logged.
    pub(super) body: Option<Vec<u8>>,
    pub(super) authenticated: bool,
    /// Retry 502/503/504 and connection errors (GET, PATCH, DELETE, authentication).
    pub(super) retry_transient: bool,
    /// Secrets of this call's body, kept out of error texts.
    pub(super) secrets: Vec<&'a str>,
    /// Once sent, the call is awaited (within its timeout) even when the operation is
    /// cancelled: a create that may have landed must get its answer, so that it is recorded.
    pub(super) finish_when_cancelled: bool,
    /// Set when an attempt of this call is sent.
    pub(super) sent: AtomicBool,
}

impl Client {
    pub(super) fn op<'a>(&self, cancel: &'a CancellationToken) -> Op<'a> {
        Op {
            cancel,
            deadline: Instant::now() + self.inner.operation_budget,
            unanswered: AtomicU64::new(0),
        }
    }

    pub(super) fn to_json<T: serde::Serialize>(&self, body: &T) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(body)
            .map_err(|_| Error::config("the request body could not be encoded as JSON"))
    }

    pub(super) fn parse<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        answer: &Answer,
    ) -> Result<T, Error> {
        serde_json::from_slice(&answer.body).map_err(|e| {
            let message = format!("the answer is not the JSON the client expects ({e})");
            self.redact(invalid_answer(call, answer, message), call, None)
        })
    }

    pub(super) fn redact(&self, error: Error, call: &Call<'_>, token: Option<&Token>) -> Error {
        let mut secrets = vec![self.inner.secret.expose()];
        secrets.extend(token.map(|t| t.value.expose()));
        secrets.extend(call.secrets.iter().copied());
        error.redact(&secrets)
    }

    /// `GET path`, its answer parsed as `T`.
    pub(super) async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        op: &Op<'_>,
    ) -> Result<T, Error> {
        let call = Call::get(path.to_string());
        let answer = self.execute(&call, op).await?;
        self.parse(&call, &answer)
    }

    /// Sends `call` until it gets a final answer: re-authenticates once on a 401, waits out
    /// 429s, retries transient failures when the call allows it, and stops at once on
    /// cancellation or when the operation's budget is spent.
    pub(super) async fn execute(&self, call: &Call<'_>, op: &Op<'_>) -> Result<Answer, Error> {
        let policy = &self.inner.retry;
        let (method, path) = (call.method.as_str(), call.path.as_str());
        let mut attempt = 0u32;
        let mut transient_retries = 0u32;
        let mut rate_limit_retries = 0u32;
        let mut reauthenticated = false;
        loop {
            attempt += 1;
            if op.cancel.is_cancelled() {
                return Err(Error::cancelled(
                    method,
                    path,
                    Some("before the request was sent"),
                ));
            }
            let token = if call.authenticated {
                Some(self.token(op).await?)
            } else {
                None
            };
            let remaining = op.deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(Error::over_budget(
                    method,
                    path,
                    self.inner.operation_budget,
                    None,
                    None,
                ));
            }
            let timeout = self
                .inner
                .request_timeout
                .min(remaining)
                .min(self.unanswered_left(op));
            let started = Instant::now();
            call.sent.store(true, Ordering::Relaxed);
            let sent = if call.finish_when_cancelled {
                self.send_once(call, token.as_ref(), timeout).await
            } else {
                tokio::select! {
                    biased;
                    _ = op.cancel.cancelled() => return Err(Error::cancelled(method, path, None)),
                    sent = self.send_once(call, token.as_ref(), timeout) => sent,
                }
            };
            let elapsed = started.elapsed().as_millis();
            let answer = match sent {
                Ok(answer) => answer,
                Err(error) if error.kind == ErrorKind::InvalidResponse => {
                    return Err(self.redact(error, call, token.as_ref()));
                }
                Err(error) => {
                    log::debug!(
                        "Frontegg API {method} {path}: no answer after {elapsed} ms (attempt {attempt}): {}",
                        error.kind_text()
                    );
                    op.add_unanswered(started.elapsed());
                    let error = self.redact(error, call, token.as_ref());
                    if self.unanswered_left(op).is_zero() {
                        return Err(self.unresponsive(error, op, attempt));
                    }
                    self.before_transient_retry(call, op, &mut transient_retries, attempt, error)
                        .await?;
                    continue;
                }
            };
            log::debug!(
                "Frontegg API {method} {path}: {} in {elapsed} ms (attempt {attempt}, trace id {})",
                answer.status.as_u16(),
                answer.trace_id.as_deref().unwrap_or("-")
            );
            if answer.status.is_success() {
                return Ok(answer);
            }
            let status = answer.status.as_u16();
            if status == 401 && call.authenticated && !reauthenticated {
                reauthenticated = true;
                if let Some(token) = &token {
                    self.forget_token(token.generation, op).await?;
                }
                log::debug!("Frontegg API {method} {path}: token refused; authenticating again");
                continue;
            }
            let error = self.redact(
                self.error_from_answer(call, &answer, reauthenticated),
                call,
                token.as_ref(),
            );
            if status == 429 && rate_limit_retries < policy.max_rate_limit_retries {
                rate_limit_retries += 1;
                let wait = policy.rate_limit_wait(
                    &answer.headers,
                    rate_limit_retries,
                    OffsetDateTime::now_utc(),
                );
                log::info!(
                    "Frontegg API {method} {path}: rate limit hit; repeating in {} (trace id {})",
                    human(wait),
                    answer.trace_id.as_deref().unwrap_or("-")
                );
                self.pause(
                    wait,
                    op,
                    call,
                    error,
                    "while waiting for Frontegg's rate limit to reset",
                )
                .await?;
                continue;
            }
            if matches!(status, 502..=504) {
                self.before_transient_retry(call, op, &mut transient_retries, attempt, error)
                    .await?;
                continue;
            }
            return Err(with_attempts(error, attempt));
        }
    }

    /// Before repeating a transient failure (no answer, 502/503/504): waits the backoff, or
    /// returns the error to give up with when the call may not be repeated (again).
    async fn before_transient_retry(
        &self,
        call: &Call<'_>,
        op: &Op<'_>,
        retries: &mut u32,
        attempt: u32,
        error: Error,
    ) -> Result<(), Error> {
        let policy = &self.inner.retry;
        if !call.retry_transient || *retries >= policy.max_retries {
            return Err(with_attempts(error, attempt));
        }
        *retries += 1;
        let wait = policy.backoff(*retries);
        if error.status.is_none() {
            // Pausing for a server that does not answer counts towards the unresponsive limit.
            if wait >= self.unanswered_left(op) {
                return Err(self.unresponsive(error, op, attempt));
            }
            op.add_unanswered(wait);
        }
        self.pause(wait, op, call, error, "while waiting to retry")
            .await
    }

    /// What is left of the operation's allowance for attempts without an answer.
    fn unanswered_left(&self, op: &Op<'_>) -> Duration {
        self.inner
            .unresponsive_limit
            .saturating_sub(op.unanswered())
    }

    /// The error of an operation that gave up on a server that does not answer: names the
    /// host and the time spent waiting; `last` is the last attempt's failure.
    fn unresponsive(&self, last: Error, op: &Op<'_>, attempts: u32) -> Error {
        let host = &self.inner.host;
        let spent = human(op.unanswered());
        let attempts_text = match attempts {
            1 => "1 attempt".to_string(),
            n => format!("{n} attempts"),
        };
        let mut error =
            Error::new(ErrorKind::Timeout, &last.method, &last.path).with_message(format!(
                "{host} gave no answer in {spent} ({attempts_text}; the last: {})",
                last.messages.join("; ")
            ));
        error.hint = Some(format!(
            "the client stops waiting for a server that does not answer after {}; check the \
             network, any HTTPS_PROXY setting and base_url, or try again later",
            human(self.inner.unresponsive_limit)
        ));
        error
    }

    /// Waits before a repeat; `last` is the error returned when the wait cannot happen.
    pub(super) async fn pause(
        &self,
        wait: Duration,
        op: &Op<'_>,
        call: &Call<'_>,
        last: Error,
        during: &str,
    ) -> Result<(), Error> {
        match retry::wait(wait, op.deadline, op.cancel).await {
            Ok(()) => Ok(()),
            Err(WaitError::Cancelled) => Err(Error::cancelled(
                call.method.as_str(),
                &call.path,
                Some(during),
            )),
            Err(WaitError::OverBudget) => Err(Error::over_budget(
                call.method.as_str(),
                &call.path,
                self.inner.operation_budget,
                Some(wait),
                Some(last),
            )),
        }
    }

    fn error_from_answer(&self, call: &Call<'_>, answer: &Answer, reauthenticated: bool) -> Error {
        let status = answer.status.as_u16();
        let kind = match status {
            401 | 403 => ErrorKind::Auth,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict { existing_id: None },
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Other,
        };
        let (messages, error_code) = api::error_texts(&answer.body);
        let mut error = Error::new(kind, call.method.as_str(), &call.path);
        error.status = Some(status);
        error.messages = messages;
        error.error_code = error_code;
        error.trace_id.clone_from(&answer.trace_id);
        error.hint = match status {
            401 if call.path == AUTH_PATH => Some(
                "check the client_id and secret settings: they must be a Frontegg environment's API client id \
                 and API key (or an account API token) for this region or base_url"
                    .to_string(),
            ),
            401 if reauthenticated => Some(
                "the call was refused even with a fresh token; check that the client_id and secret may manage this environment"
                    .to_string(),
            ),
            403 => Some(match &self.inner.environment_id {
                Some(env) => format!("check that the credentials may access environment_id {env:?}"),
                None => "check that the credentials may manage this environment (an account-level key also needs environment_id)"
                    .to_string(),
            }),
            _ => None,
        };
        error
    }
}

impl Call<'_> {
    pub(super) fn get(path: String) -> Call<'static> {
        Call {
            method: Method::GET,
            path,
            body: None,
            authenticated: true,
            retry_transient: true,
            secrets: Vec::new(),
            finish_when_cancelled: false,
            sent: AtomicBool::new(false),
        }
    }
}

impl Error {
    pub(super) fn kind_text(&self) -> String {
        match self.messages.first() {
            Some(m) => m.clone(),
            None => format!("{:?}", self.kind),
        }
    }
}

/// An answer whose body the client could not understand.
pub(super) fn invalid_answer(
    call: &Call<'_>,
    answer: &Answer,
    message: impl Into<String>,
) -> Error {
    let mut error = Error::new(ErrorKind::InvalidResponse, call.method.as_str(), &call.path)
        .with_message(message);
    error.status = Some(answer.status.as_u16());
    error.trace_id.clone_from(&answer.trace_id);
    error
}

fn with_attempts(error: Error, attempts: u32) -> Error {
    if attempts <= 1 || error.hint.is_some() {
        return error;
    }
    error.with_hint(format!("gave up after {attempts} attempts"))
}
