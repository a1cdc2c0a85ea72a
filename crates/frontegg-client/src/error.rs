//! The client's one error type. Its `Display` is a sentence a user can act on: what failed,
//! the status, Frontegg's messages, the error code and the trace id. It never holds a secret.

use std::fmt;
use std::time::Duration;

/// What kind of failure an [`Error`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The client configuration is unusable (base URL, region, ...); nothing was sent.
    Config,
    /// The credentials were rejected (401 on authentication, 401 after re-authentication, 403).
    Auth,
    /// 404: the object does not exist.
    NotFound,
    /// 409: the environment already has an integration for this catalog entry; its id when the
    /// client could find it.
    Conflict { existing_id: Option<String> },
    /// A create was answered with success, but neither its answer nor the list of
    /// integrations identifies what it created; the id of the catalog entry's integration
    /// when the list holds one that does not match what was sent.
    CreatedUnidentified { existing_id: Option<String> },
    /// 429 that did not clear within the retry limits or the operation budget.
    RateLimited,
    /// 5xx from Frontegg (after the retries that were safe).
    Server,
    /// The request did not get an answer (connection refused, reset, closed).
    Transport,
    /// No answer within the request timeout, or the operation ran out of its time budget.
    Timeout,
    /// The operation was cancelled (the caller's cancellation token fired).
    Cancelled,
    /// Frontegg answered with a body the client could not understand.
    InvalidResponse,
    /// Any other answer (400, ...).
    Other,
}

/// An error from a Frontegg API call. The fields (in [`ErrorDetails`], reachable directly as
/// `error.kind`, `error.status`, ...) are for programs; `Display` is for people. Boxed, so that
/// a `Result` stays small.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<ErrorDetails>);

/// The facts of an [`Error`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorDetails {
    pub kind: ErrorKind,
    /// HTTP status answered, when there was an answer.
    pub status: Option<u16>,
    /// HTTP method of the failed call (empty for configuration errors).
    pub method: String,
    /// Path of the failed call, without the base URL (empty for configuration errors).
    pub path: String,
    /// Frontegg's `errors` / `message` texts, or a description of what went wrong.
    pub messages: Vec<String>,
    /// Frontegg's `errorCode`.
    pub error_code: Option<String>,
    /// The `frontegg-trace-id` of the answer.
    pub trace_id: Option<String>,
    /// What the user can do about it, or what the client already tried.
    pub hint: Option<String>,
    /// For a 409 on create: the existing integration holds everything the create asked for
    /// (its secret aside, which Frontegg never returns).
    pub existing_matches_request: bool,
}

impl std::ops::Deref for Error {
    type Target = ErrorDetails;

    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorDetails {
        &mut self.0
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, method: &str, path: &str) -> Error {
        Error(Box::new(ErrorDetails {
            kind,
            status: None,
            method: method.to_string(),
            path: path.to_string(),
            messages: Vec::new(),
            error_code: None,
            trace_id: None,
            hint: None,
            existing_matches_request: false,
        }))
    }

    /// A configuration error: nothing was sent.
    pub fn config(message: impl Into<String>) -> Error {
        let mut e = Error::new(ErrorKind::Config, "", "");
        e.messages.push(message.into());
        e
    }

    pub(crate) fn cancelled(method: &str, path: &str, during: Option<&str>) -> Error {
        let mut e = Error::new(ErrorKind::Cancelled, method, path);
        e.hint = during.map(str::to_string);
        e
    }

    /// The operation's budget cannot cover what is left to do. `wait`: the wait that would not
    /// fit (`None`: the budget is spent); `last`: the answer that asked for the wait.
    pub(crate) fn over_budget(
        method: &str,
        path: &str,
        budget: Duration,
        wait: Option<Duration>,
        last: Option<Error>,
    ) -> Error {
        let budget_text = match wait {
            Some(wait) => format!(
                "the next attempt (in {}) would come after the operation's time budget of {} ends",
                human(wait),
                human(budget)
            ),
            None => format!("the operation's time budget of {} ran out", human(budget)),
        };
        match last {
            Some(mut last) => {
                last.hint = Some(match last.hint.take() {
                    Some(h) => format!("{h}; {budget_text}"),
                    None => format!("giving up: {budget_text}"),
                });
                last
            }
            None => {
                let mut e = Error::new(ErrorKind::Timeout, method, path);
                e.messages.push(budget_text);
                e
            }
        }
    }

    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Error {
        self.messages.push(message.into());
        self
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }

    pub fn is_cancelled(&self) -> bool {
        self.kind == ErrorKind::Cancelled
    }

    /// For a 409, or a create that could not be identified: the id of the integration that
    /// exists for the catalog entry, when known.
    pub fn existing_id(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Conflict { existing_id }
            | ErrorKind::CreatedUnidentified { existing_id } => existing_id.as_deref(),
            _ => None,
        }
    }

    /// For a 409 on create: whether the integration that exists holds everything the create
    /// asked for.
    pub fn existing_matches_request(&self) -> bool {
        self.existing_matches_request
    }

    /// Replaces every occurrence of these secrets in the texts (defence in depth: a server
    /// could echo a value back in an error message).
    pub(crate) fn redact(mut self, secrets: &[&str]) -> Error {
        let details = &mut *self.0;
        for text in details.messages.iter_mut().chain(details.hint.iter_mut()) {
            for secret in secrets {
                *text = scrub(text, secret);
            }
        }
        self
    }

    fn status_text(&self) -> Option<String> {
        self.status.map(|s| {
            match reqwest::StatusCode::from_u16(s)
                .ok()
                .and_then(|c| c.canonical_reason())
            {
                Some(reason) => format!("{s} {reason}"),
                None => s.to_string(),
            }
        })
    }
}

/// Replaces `secret` in `text` with `<redacted>`. Long secrets are replaced wherever they
/// occur; short ones only as a whole word, so that a secret like `abc` does not garble the text.
fn scrub(text: &str, secret: &str) -> String {
    const LONG: usize = 8;
    if secret.is_empty() || !text.contains(secret) {
        return text.to_string();
    }
    if secret.len() >= LONG {
        return text.replace(secret, "<redacted>");
    }
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(secret) {
        let before = if at > 0 {
            rest[..at].chars().last()
        } else {
            out.chars().last()
        };
        let after = rest[at + secret.len()..].chars().next();
        out.push_str(&rest[..at]);
        if is_word(before) || is_word(after) {
            out.push_str(secret);
        } else {
            out.push_str("<redacted>");
        }
        rest = &rest[at + secret.len()..];
    }
    out.push_str(rest);
    out
}

/// `1m 30s`, `300ms`, `5m`.
pub(crate) fn human(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        return format!("{}ms", d.as_millis());
    }
    let (m, s) = (secs / 60, secs % 60);
    match (m, s) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m {s}s"),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let call = format!("Frontegg API {} {}", self.method, self.path);
        let messages = self
            .messages
            .iter()
            .map(|m| m.trim().trim_end_matches('.'))
            .filter(|m| !m.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        match (&self.kind, self.status_text()) {
            (ErrorKind::Config, _) => {
                write!(f, "invalid Frontegg client configuration: {messages}")?
            }
            (ErrorKind::Cancelled, _) => write!(f, "{call} was cancelled before it completed")?,
            (ErrorKind::Auth, Some(status)) if self.path == crate::api::AUTH_PATH => write!(
                f,
                "Frontegg rejected the credentials: {} {} answered {status}",
                self.method, self.path
            )?,
            (ErrorKind::RateLimited, Some(status)) => {
                write!(f, "{call} hit Frontegg's rate limit ({status})")?
            }
            (ErrorKind::CreatedUnidentified { .. }, Some(status)) => write!(
                f,
                "{call} answered {status}, but the answer does not identify the integration"
            )?,
            (_, Some(status)) => write!(f, "{call} failed with {status}")?,
            (ErrorKind::Timeout, None) => write!(f, "{call} timed out")?,
            (ErrorKind::Transport, None) => write!(f, "{call} got no answer")?,
            (_, None) => write!(f, "{call} failed")?,
        }
        if !messages.is_empty() && self.kind != ErrorKind::Config {
            write!(f, ": {messages}")?;
        }
        let mut details = Vec::new();
        if let Some(code) = &self.error_code {
            details.push(format!("error code {code}"));
        }
        if let Some(trace) = &self.trace_id {
            details.push(format!("trace id {trace}"));
        }
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_error() -> Error {
        let mut e = Error::new(
            ErrorKind::Other,
            "POST",
            "/app-integrations/resources/vendors-integrations/v1",
        );
        e.status = Some(400);
        e.messages = vec!["name is required".into()];
        e.error_code = Some("ER-01234".into());
        e.trace_id = Some("abc123".into());
        e
    }

    #[test]
    fn api_error_is_one_sentence_with_status_messages_code_and_trace() {
        assert_eq!(
            api_error().to_string(),
            "Frontegg API POST /app-integrations/resources/vendors-integrations/v1 failed with \
             400 Bad Request: name is required (error code ER-01234, trace id abc123)"
        );
    }

    #[test]
    fn credentials_rejected_names_the_settings() {
        let mut e = Error::new(ErrorKind::Auth, "POST", "/auth/vendor");
        e.status = Some(401);
        e.messages = vec!["Invalid authentication".into()];
        e.trace_id = Some("t1".into());
        e.hint = Some("check client_id and secret".into());
        assert_eq!(
            e.to_string(),
            "Frontegg rejected the credentials: POST /auth/vendor answered 401 Unauthorized: \
             Invalid authentication (trace id t1); check client_id and secret"
        );
    }

    #[test]
    fn rate_limit_says_so() {
        let mut e = Error::new(ErrorKind::RateLimited, "GET", "/x");
        e.status = Some(429);
        let text = e.to_string();
        assert!(text.contains("rate limit"), "{text}");
        assert!(text.contains("429 Too Many Requests"), "{text}");
    }

    #[test]
    fn redaction_removes_secrets_from_texts() {
        let e = api_error()
            .with_message("clientSecret hunter2 is too short")
            .with_hint("hunter2 again")
            .redact(&["hunter2", ""]);
        let text = format!("{e} {e:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("<redacted>"));
    }

    #[test]
    fn short_secrets_are_redacted_only_as_whole_words() {
        assert_eq!(scrub("name y is bad", "y"), "name <redacted> is bad");
        assert_eq!(scrub("already exists", "y"), "already exists");
        assert_eq!(scrub("y", "y"), "<redacted>");
        assert_eq!(scrub("key=y,", "y"), "key=<redacted>,");
        assert_eq!(
            scrub("a-long-secret-value!", "long-secret-value"),
            "a-<redacted>!"
        );
        assert_eq!(scrub("nothing", ""), "nothing");
    }

    #[test]
    fn budget_and_durations() {
        assert_eq!(human(Duration::from_secs(300)), "5m");
        assert_eq!(human(Duration::from_secs(90)), "1m 30s");
        assert_eq!(human(Duration::from_millis(250)), "250ms");
        let e = Error::over_budget("GET", "/x", Duration::from_secs(300), None, None);
        assert_eq!(e.kind, ErrorKind::Timeout);
        assert!(e.to_string().contains("time budget of 5m ran out"), "{e}");
        assert!(Error::cancelled("GET", "/x", None).is_cancelled());
        let conflict = Error::new(
            ErrorKind::Conflict {
                existing_id: Some("i1".into()),
            },
            "POST",
            "/p",
        );
        assert_eq!(conflict.existing_id(), Some("i1"));
    }
}
