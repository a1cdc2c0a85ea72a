//! The request log. Secrets never enter it: bearer tokens, the Frontegg secret and client
//! secrets appear only as `fingerprint(secret)`.

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::fingerprint;

/// One request the emulator answered (admin calls are not logged).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedRequest {
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Lower-case names, in arrival order; `authorization` is `Bearer <fingerprint>`.
    pub headers: Vec<(String, String)>,
    /// The JSON body with secrets replaced by their fingerprint; a non-JSON body is described,
    /// not copied; `None` when empty.
    pub body: Option<Value>,
    /// The status answered; 0 when the connection was dropped without an answer.
    pub status: u16,
}

impl LoggedRequest {
    /// The value of header `name` (case-insensitive), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Body keys whose string values are secrets.
const SECRET_KEYS: [&str; 7] = [
    "secret",
    "clientsecret",
    "client_secret",
    "apikey",
    "api_key",
    "password",
    "token",
];

pub(crate) fn redact_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_ascii_lowercase();
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let shown = match name.as_str() {
                "authorization" | "proxy-authorization" => match text.split_once(' ') {
                    Some((scheme, credential)) => {
                        format!("{scheme} {}", fingerprint(credential.trim()))
                    }
                    None => fingerprint(&text),
                },
                "cookie" | "x-api-key" => fingerprint(&text),
                _ => text,
            };
            (name, shown)
        })
        .collect()
}

pub(crate) fn redact_body(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut value) => {
            redact_value(&mut value);
            Some(value)
        }
        Err(_) => Some(Value::String(format!(
            "<non-JSON body: {} bytes, {}>",
            bytes.len(),
            fingerprint(&String::from_utf8_lossy(bytes))
        ))),
    }
}

fn redact_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str())
                    && let Value::String(s) = v
                {
                    *s = fingerprint(s);
                    continue;
                }
                redact_value(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}
