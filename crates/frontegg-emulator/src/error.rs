//! Frontegg's error bodies: `{"errors": [...], "errorCode": "ER-..."}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub(crate) const CODE_INVALID_BODY: &str = "ER-00400";
pub(crate) const CODE_UNAUTHORIZED: &str = "ER-00401";
pub(crate) const CODE_FORBIDDEN: &str = "ER-00403";
pub(crate) const CODE_NOT_FOUND: &str = "ER-00404";
pub(crate) const CODE_CONFLICT: &str = "ER-03009";
pub(crate) const CODE_RATE_LIMITED: &str = "ER-00429";

#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<String>,
    /// `None` renders the bare `{"errors": [...]}` that `/auth/vendor` answers.
    pub code: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            errors: vec![message.into()],
            code: Some(code),
        }
    }

    pub fn invalid(errors: Vec<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            errors,
            code: Some(CODE_INVALID_BODY),
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, CODE_UNAUTHORIZED, message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, CODE_FORBIDDEN, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, CODE_NOT_FOUND, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = match self.code {
            Some(code) => json!({ "errors": self.errors, "errorCode": code }),
            None => json!({ "errors": self.errors }),
        };
        (self.status, Json(body)).into_response()
    }
}
