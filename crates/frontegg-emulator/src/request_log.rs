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
    /// The `frontegg-trace-id` answered; `None` when the connection was dropped.
    #[serde(default)]
    pub trace_id: Option<String>,
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

/// Words that make a body key or a header name (lower-cased, without `-` and `_`) a secret:
/// `secret`, `clientSecret`, `client_secret`, `apiKey`, `password`, `token`, `accessToken`,
/// `refresh_token`, `x-frontegg-secret`, ...
const SECRET_WORDS: [&str; 5] = ["secret", "apikey", "password", "token", "credential"];

/// Whether a body key or header name names a secret.
fn is_secret_name(name: &str) -> bool {
    let squeezed: String = name
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SECRET_WORDS.iter().any(|word| squeezed.contains(word))
}

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
                "cookie" | "set-cookie" | "x-api-key" => fingerprint(&text),
                _ if is_secret_name(&name) => fingerprint(&text),
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
                if is_secret_name(key)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_keys_are_fingerprinted_at_any_depth() {
        let body = json!({
            "clientId": "id",
            "secret": "s1",
            "oauthConfigurations": { "clientId": "c", "clientSecret": "s2" },
            "list": [{ "password": "s3" }],
        });
        let redacted = redact_body(body.to_string().as_bytes()).unwrap();
        assert_eq!(
            redacted,
            json!({
                "clientId": "id",
                "secret": fingerprint("s1"),
                "oauthConfigurations": { "clientId": "c", "clientSecret": fingerprint("s2") },
                "list": [{ "password": fingerprint("s3") }],
            })
        );
    }

    #[test]
    fn keys_and_headers_that_name_a_secret_are_fingerprinted_in_any_spelling() {
        let body = json!({
            "client_secret": "s1",
            "accessToken": "s2",
            "refresh-token": "s3",
            "API_KEY": "s4",
            "credentials": "s5",
            "description": "kept",
            "tokenCount": 3,
        });
        let redacted = redact_body(body.to_string().as_bytes()).unwrap();
        for (key, secret) in [
            ("client_secret", "s1"),
            ("accessToken", "s2"),
            ("refresh-token", "s3"),
            ("API_KEY", "s4"),
            ("credentials", "s5"),
        ] {
            assert_eq!(redacted[key], fingerprint(secret), "{key}");
        }
        assert_eq!(redacted["description"], "kept");
        assert_eq!(redacted["tokenCount"], 3, "only strings are secrets");
        let mut headers = HeaderMap::new();
        headers.insert("X-Frontegg-Secret", "s6".parse().unwrap());
        headers.insert("x-session-token", "s7".parse().unwrap());
        headers.insert("accept", "application/json".parse().unwrap());
        let shown = redact_headers(&headers);
        assert_eq!(shown[0].1, fingerprint("s6"));
        assert_eq!(shown[1].1, fingerprint("s7"));
        assert_eq!(shown[2].1, "application/json");
    }

    #[test]
    fn non_json_body_is_described_not_copied() {
        let redacted = redact_body(b"clientId=a&secret=hunter2").unwrap();
        let text = redacted.as_str().unwrap();
        assert!(
            text.starts_with("<non-JSON body: 25 bytes, sha256:"),
            "{text}"
        );
        assert!(!text.contains("hunter2"));
    }

    #[test]
    fn empty_body_is_none() {
        assert_eq!(redact_body(b""), None);
    }

    #[test]
    fn bearer_token_keeps_its_scheme_and_loses_its_value() {
        let mut headers = HeaderMap::new();
        headers.insert("Authorization", "Bearer abc.def".parse().unwrap());
        headers.insert("frontegg-environment-id", "env-demo".parse().unwrap());
        assert_eq!(
            redact_headers(&headers),
            vec![
                (
                    "authorization".to_string(),
                    format!("Bearer {}", fingerprint("abc.def"))
                ),
                (
                    "frontegg-environment-id".to_string(),
                    "env-demo".to_string()
                ),
            ]
        );
    }
}
