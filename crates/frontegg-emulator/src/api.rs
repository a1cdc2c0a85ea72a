//! The contract's routes: vendor authentication, the integration catalog, vendor integrations
//! and their agents. Answers pass through the [`crate::answer_shape::AnswerShape`] the admin API
//! sets.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::auth::authenticate;
use crate::error::ApiError;
use crate::server::{Shared, lock};
use crate::store::AgentChange;

pub(crate) const AUTH_PATH: &str = "/auth/vendor";
pub(crate) const CATALOG_PATH: &str = "/app-integrations/resources/frontegg-integrations/v1";
pub(crate) const VENDOR_INTEGRATIONS_PATH: &str =
    "/app-integrations/resources/vendors-integrations/v1";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(AUTH_PATH, post(authenticate_vendor))
        .route(CATALOG_PATH, get(list_catalog))
        .route(&format!("{CATALOG_PATH}/{{id}}"), get(get_catalog_entry))
        .route(
            VENDOR_INTEGRATIONS_PATH,
            get(list_integrations).post(create_integration),
        )
        .route(
            &format!("{VENDOR_INTEGRATIONS_PATH}/{{id}}"),
            patch(patch_integration).delete(delete_integration),
        )
        .route(
            &format!("{VENDOR_INTEGRATIONS_PATH}/{{id}}/agents/assign"),
            post(assign_agents),
        )
        .route(
            &format!("{VENDOR_INTEGRATIONS_PATH}/{{id}}/agents/unassign"),
            post(unassign_agents),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
}

/// The environment a call acts on, established from its token and `frontegg-environment-id`.
pub(crate) struct Environment(pub String);

impl FromRequestParts<Arc<Shared>> for Environment {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        shared: &Arc<Shared>,
    ) -> Result<Self, Self::Rejection> {
        lock(&shared.tokens)
            .environment_for(&parts.headers)
            .map(Environment)
    }
}

fn parse_json(body: &Bytes) -> Result<Value, ApiError> {
    if body.is_empty() {
        return Err(ApiError::invalid(vec![
            "A JSON request body is required".to_string(),
        ]));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid(vec![format!("The request body is not valid JSON: {e}")]))
}

async fn authenticate_vendor(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = parse_json(&body)?;
    let field = |name: &str| body.get(name).and_then(Value::as_str);
    let (Some(client_id), Some(secret)) = (field("clientId"), field("secret")) else {
        return Err(ApiError::invalid(vec![
            "clientId and secret are required strings".to_string(),
        ]));
    };
    let Some(principal) = authenticate(&shared.config, client_id, secret) else {
        return Err(ApiError {
            status: StatusCode::UNAUTHORIZED,
            errors: vec!["Invalid authentication".to_string()],
            code: None,
        });
    };
    let ttl = shared.config.token_ttl_secs;
    let token = lock(&shared.tokens).issue(client_id, principal, Duration::from_secs(ttl));
    Ok(Json(json!({ "token": token, "expiresIn": ttl })))
}

async fn list_catalog(
    State(shared): State<Arc<Shared>>,
    Environment(env): Environment,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let entries = lock(&shared.store).catalog().lean_entries(&env);
    let shape = lock(&shared.answer_shape);
    let entries = shape.catalog_list(&env, entries);
    shape.list(entries, CATALOG_PATH, &query).map(Json)
}

async fn get_catalog_entry(
    State(shared): State<Arc<Shared>>,
    Environment(env): Environment,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let entry = lock(&shared.store)
        .catalog()
        .entry(&env, &id)
        .ok_or_else(|| ApiError::not_found(format!("Frontegg integration {id} not found")))?;
    Ok(Json(lock(&shared.answer_shape).catalog_entry(entry)))
}

async fn list_integrations(
    State(shared): State<Arc<Shared>>,
    Environment(env): Environment,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let integrations = lock(&shared.store).list(&env);
    let shape = lock(&shared.answer_shape);
    let answers = shape.integration_list(&env, integrations);
    shape
        .list(answers, VENDOR_INTEGRATIONS_PATH, &query)
        .map(Json)
}

/// A vendor integration answer without the fields the admin API asked to omit.
fn shaped(shared: &Shared, answer: Value) -> Json<Value> {
    Json(lock(&shared.answer_shape).integration(answer))
}

async fn create_integration(
    State(shared): State<Arc<Shared>>,
    Environment(env): Environment,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = parse_json(&body)?;
    let created = lock(&shared.store).create(&env, &body)?;
    Ok((StatusCode::CREATED, shaped(&shared, created)))
}

async fn patch_integration(
    State(shared): State<Arc<Shared>>,
    Environment(env): Environment,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = parse_json(&body)?;
    let patched = lock(&shared.store).patch(&env, &id, &body)?;
    Ok(shaped(&shared, patched))
}

async fn delete_integration(
    State(shared): State<Arc<Shared>>,
    Environment(env): Environment,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    lock(&shared.store).delete(&env, &id)?;
    Ok(StatusCode::OK)
}

async fn assign_agents(
    State(shared): State<Arc<Shared>>,
    Environment(env): Environment,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    change_agents(&shared, &env, &id, AgentChange::Assign, &body)
}

async fn unassign_agents(
    State(shared): State<Arc<Shared>>,
    Environment(env): Environment,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    change_agents(&shared, &env, &id, AgentChange::Unassign, &body)
}

/// Frontegg's OpenAPI documents a bare 200 for both calls; the emulator answers the updated
/// integration, which a client may ignore.
fn change_agents(
    shared: &Shared,
    env: &str,
    id: &str,
    change: AgentChange,
    body: &Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = parse_json(body)?;
    let updated = lock(&shared.store).change_agents(env, id, change, &body)?;
    Ok(shaped(shared, updated))
}

/// Unknown routes answer the way Frontegg's NestJS services do.
async fn not_found(method: Method, uri: Uri) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({
            "statusCode": 404,
            "message": format!("Cannot {method} {}", uri.path()),
            "error": "Not Found",
        })),
    )
        .into_response()
}
