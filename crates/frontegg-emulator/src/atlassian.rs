//! A stand-in for Atlassian's OAuth 2.0 token endpoint (`POST /oauth/token` on
//! `auth.atlassian.com`), as far as a check of an app's client id and secret sees it: the
//! code exchange of a 3LO app, answered as Atlassian is observed to answer it.
//!
//! - The body is JSON; a body that is not is `400 {"error":"invalid_request"}`.
//! - The client is checked first: an unknown client id, or a secret missing or not the
//!   app's, is `401 {"error":"access_denied","error_description":"Unauthorized"}` (as
//!   Atlassian answers a missing secret).
//! - The emulator hands out no authorization codes (no user consents here), so every
//!   `authorization_code` exchange of a known client is
//!   `403 {"error":"invalid_grant","error_description":"Invalid authorization code"}`, and
//!   every `refresh_token` grant `403 invalid_grant` "Unknown or invalid refresh token."; a
//!   missing `code` or another grant type is `400 invalid_request` / `unsupported_grant_type`.
//!
//! The apps it knows are [`crate::EmulatorConfig::atlassian_apps`]; secrets are compared by
//! fingerprint and never logged (the request log redacts `client_secret`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::fingerprint;
use crate::server::Shared;

pub(crate) const TOKEN_PATH: &str = "/oauth/token";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new().route(TOKEN_PATH, post(token))
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

async fn token(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The request body must be a JSON object.",
        );
    };
    let field = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default();
    let (client_id, secret) = (field("client_id"), field("client_secret"));
    let known = shared.config.atlassian_apps.iter().any(|app| {
        app.client_id == client_id
            && !secret.is_empty()
            && fingerprint(&app.secret) == fingerprint(secret)
    });
    if !known {
        return oauth_error(StatusCode::UNAUTHORIZED, "access_denied", "Unauthorized");
    }
    match field("grant_type") {
        "authorization_code" if field("code").is_empty() => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: code",
        ),
        "authorization_code" => oauth_error(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Invalid authorization code",
        ),
        "refresh_token" => oauth_error(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Unknown or invalid refresh token.",
        ),
        _ => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant type",
        ),
    }
}
