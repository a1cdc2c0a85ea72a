//! One attempt on the wire: the HTTP request, its answer read up to [`MAX_ANSWER_SIZE`],
//! failures without an answer named, and the proxy chosen. Must never retry, never buffer an
//! answer past the cap, and never send plain-http traffic through a proxy.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap};

use super::Client;
use super::auth::Token;
use super::request::{Call, invalid_answer};
use crate::api::{ENVIRONMENT_HEADER, TRACE_ID_HEADER};
use crate::config::{ProxyEnv, shown_proxy};
use crate::error::{Error, ErrorKind, human};

/// The largest answer the client reads (4 MiB); Frontegg's answers are a few KiB. A larger one
/// is refused, not buffered.
pub const MAX_ANSWER_SIZE: usize = 4 << 20;

/// The start of a transport error's message when the connection could not be made (nothing
/// was sent).
pub(super) const COULD_NOT_CONNECT: &str = "could not connect";

pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) trace_id: Option<String>,
    pub(super) body: Vec<u8>,
}

impl Client {
    pub(super) async fn send_once(
        &self,
        call: &Call<'_>,
        token: Option<&Token>,
        timeout: Duration,
    ) -> Result<Answer, Error> {
        let url = format!("{}{}", self.inner.base_url, call.path);
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), url)
            .timeout(timeout)
            .header(ACCEPT, "application/json");
        if let Some(env) = &self.inner.environment_id {
            request = request.header(ENVIRONMENT_HEADER, env);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token.value.expose());
        }
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let transport = |e: reqwest::Error| self.transport_error(call, e, timeout);
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let trace_id = headers
            .get(TRACE_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut answer = Answer {
            status,
            headers,
            trace_id,
            body: Vec::new(),
        };
        let too_large = |answer: &Answer| {
            invalid_answer(
                call,
                answer,
                format!(
                    "the answer is larger than {} MiB, the most this client reads; it was not read",
                    MAX_ANSWER_SIZE >> 20
                ),
            )
        };
        if response
            .content_length()
            .is_some_and(|len| len > MAX_ANSWER_SIZE as u64)
        {
            return Err(too_large(&answer));
        }
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if answer.body.len() + chunk.len() > MAX_ANSWER_SIZE {
                return Err(too_large(&answer));
            }
            answer.body.extend_from_slice(&chunk);
        }
        Ok(answer)
    }
}

/// The proxy for `base_url` from `proxy`: only `https://` base URLs use one (plain http is
/// loopback only and goes direct), and only when the base URL's host is not in `NO_PROXY`.
pub(crate) fn proxy_for(base_url: &str, proxy: &ProxyEnv) -> Result<Option<reqwest::Proxy>, Error> {
    if !base_url.starts_with("https://") {
        return Ok(None);
    }
    let Some((variable, url)) = proxy.https_proxy() else {
        return Ok(None);
    };
    let https = reqwest::Proxy::https(url).map_err(|_| {
        Error::config(format!(
            "{variable} {} is not a usable proxy URL; fix it or unset it",
            shown_proxy(url)
        ))
    })?;
    Ok(Some(https.no_proxy(
        proxy.no_proxy().and_then(reqwest::NoProxy::from_string),
    )))
}

impl Client {
    /// A request that got no answer; `timeout` is the time the attempt was given.
    fn transport_error(&self, call: &Call<'_>, e: reqwest::Error, timeout: Duration) -> Error {
        transport_error(
            call,
            e,
            &self.inner.host,
            timeout,
            self.inner.connect_timeout,
        )
    }
}

fn transport_error(
    call: &Call<'_>,
    e: reqwest::Error,
    host: &str,
    timeout: Duration,
    connect_timeout: Duration,
) -> Error {
    let e = e.without_url();
    let (kind, message) = if e.is_connect() && e.is_timeout() {
        (
            ErrorKind::Timeout,
            format!(
                "could not connect to {host} within {}",
                human(connect_timeout.min(timeout))
            ),
        )
    } else if e.is_timeout() {
        (
            ErrorKind::Timeout,
            format!("no answer from {host} within {}", human(timeout)),
        )
    } else {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            let part = s.to_string();
            if !text.contains(&part) {
                text.push_str(": ");
                text.push_str(&part);
            }
            source = s.source();
        }
        let lead = if e.is_connect() {
            format!("{COULD_NOT_CONNECT} to {host}")
        } else {
            format!("the connection to {host} failed before an answer arrived")
        };
        (ErrorKind::Transport, format!("{lead} ({text})"))
    };
    Error::new(kind, call.method.as_str(), &call.path).with_message(message)
}
