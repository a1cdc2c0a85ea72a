//! The admin API under `/_emulator/` (no authentication): the same operations as the in-process
//! methods of [`crate::Emulator`].

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::answer_shape::MissingProvider;
use crate::catalog::{NewCatalogTool, Retirement, provider_named};
use crate::error::ApiError;
use crate::faults::Fault;
use crate::rate_limit::RateLimit;
use crate::server::{Shared, lock};

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_emulator/health", get(health))
        .route("/_emulator/faults", post(add_fault).delete(clear_faults))
        .route(
            "/_emulator/requests",
            get(list_requests).delete(clear_requests),
        )
        .route(
            "/_emulator/environments/{env}/integrations",
            get(list_integrations).post(seed_integration),
        )
        .route(
            "/_emulator/environments/{env}/integrations/{id}",
            patch(drift_patch).delete(drift_delete),
        )
        .route(
            "/_emulator/environments/{env}/integrations/{id}/secret-fingerprint",
            get(secret_fingerprint),
        )
        .route("/_emulator/tokens/expire", post(expire_tokens))
        .route(
            "/_emulator/rate-limit",
            put(set_rate_limit).delete(clear_rate_limit),
        )
        .route(
            "/_emulator/omit-fields",
            put(set_omitted_fields).delete(clear_omitted_fields),
        )
        .route(
            "/_emulator/page-size",
            put(set_page_size).delete(clear_page_size),
        )
        .route(
            "/_emulator/catalog/{provider}/tools",
            get(catalog_tools).post(add_catalog_tool),
        )
        .route(
            "/_emulator/catalog/{provider}/tools/{identifier}/retire",
            post(retire_catalog_tool),
        )
        .route(
            "/_emulator/catalog/{provider}/provider-missing",
            put(set_provider_missing).delete(clear_provider_missing),
        )
        .route(
            "/_emulator/catalog-entry-without-provider",
            put(set_entry_without_provider).delete(clear_entry_without_provider),
        )
        .route(
            "/_emulator/integration-without-id",
            put(set_integration_without_id).delete(clear_integration_without_id),
        )
        .route(
            "/_emulator/answer-scopes",
            axum::routing::delete(clear_answer_scopes),
        )
        .route(
            "/_emulator/answer-scopes/{identifier}",
            put(set_answer_scopes).delete(clear_one_answer_scopes),
        )
        .route(
            "/_emulator/answer-order",
            put(set_answer_order).delete(clear_answer_order),
        )
        .route(
            "/_emulator/empty-description",
            put(set_empty_description).delete(clear_empty_description),
        )
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::invalid(vec![format!("{e}")]))
}

fn ok() -> Json<Value> {
    Json(json!({ "ok": true }))
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn add_fault(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let fault: Fault = parse(&body)?;
    lock(&shared.faults).add(fault);
    Ok(ok())
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Json<Value> {
    lock(&shared.faults).clear();
    ok()
}

async fn list_requests(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let requests = lock(&shared.requests).clone();
    Json(serde_json::to_value(requests).unwrap_or(Value::Array(Vec::new())))
}

async fn clear_requests(State(shared): State<Arc<Shared>>) -> Json<Value> {
    lock(&shared.requests).clear();
    ok()
}

async fn list_integrations(
    State(shared): State<Arc<Shared>>,
    Path(env): Path<String>,
) -> Json<Value> {
    Json(Value::Array(lock(&shared.store).list(&env)))
}

fn not_found(env: &str, id: &str) -> ApiError {
    ApiError::not_found(format!(
        "Vendor integration {id} not found in environment {env}"
    ))
}

async fn drift_patch(
    State(shared): State<Arc<Shared>>,
    Path((env, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let patch: Value = parse(&body)?;
    if lock(&shared.store).drift_patch(&env, &id, &patch) {
        Ok(ok())
    } else {
        Err(not_found(&env, &id))
    }
}

async fn drift_delete(
    State(shared): State<Arc<Shared>>,
    Path((env, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    if lock(&shared.store).drift_delete(&env, &id) {
        Ok(ok())
    } else {
        Err(not_found(&env, &id))
    }
}

async fn secret_fingerprint(
    State(shared): State<Arc<Shared>>,
    Path((env, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    lock(&shared.store)
        .secret_fingerprint(&env, &id)
        .map(|fingerprint| Json(json!({ "fingerprint": fingerprint })))
        .ok_or_else(|| not_found(&env, &id))
}

async fn expire_tokens(State(shared): State<Arc<Shared>>) -> Json<Value> {
    lock(&shared.tokens).expire_all();
    ok()
}

async fn set_rate_limit(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let limit: RateLimit = parse(&body)?;
    shared.set_rate_limit(Some(limit));
    Ok(ok())
}

async fn clear_rate_limit(State(shared): State<Arc<Shared>>) -> (StatusCode, Json<Value>) {
    shared.set_rate_limit(None);
    (StatusCode::OK, ok())
}

async fn seed_integration(
    State(shared): State<Arc<Shared>>,
    Path(env): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let fields: Value = parse(&body)?;
    let id = lock(&shared.store).seed(&env, &fields)?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OmitFieldsRequest {
    fields: Vec<String>,
}

async fn set_omitted_fields(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: OmitFieldsRequest = parse(&body)?;
    lock(&shared.answer_shape).omit(&request.fields);
    Ok(ok())
}

async fn clear_omitted_fields(State(shared): State<Arc<Shared>>) -> Json<Value> {
    lock(&shared.answer_shape).omit::<&str>(&[]);
    ok()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PageSizeRequest {
    page_size: usize,
}

async fn set_page_size(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: PageSizeRequest = parse(&body)?;
    if request.page_size == 0 {
        return Err(ApiError::invalid(vec![
            "pageSize must be at least 1".to_string(),
        ]));
    }
    lock(&shared.answer_shape).set_page_size(Some(request.page_size));
    Ok(ok())
}

async fn clear_page_size(State(shared): State<Arc<Shared>>) -> Json<Value> {
    lock(&shared.answer_shape).set_page_size(None);
    ok()
}

async fn catalog_tools(
    State(shared): State<Arc<Shared>>,
    Path(provider): Path<String>,
) -> Json<Value> {
    Json(Value::Array(
        lock(&shared.store).catalog().tool_records(&provider),
    ))
}

fn unknown_provider(provider: &str) -> ApiError {
    ApiError::not_found(format!("provider {provider} is not in the catalog"))
}

async fn add_catalog_tool(
    State(shared): State<Arc<Shared>>,
    Path(provider): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let tool: NewCatalogTool = parse(&body)?;
    if provider_named(&provider).is_none() {
        return Err(unknown_provider(&provider));
    }
    lock(&shared.store)
        .catalog_mut()
        .add(&provider, tool)
        .map_err(|e| ApiError::invalid(vec![e]))?;
    Ok((StatusCode::CREATED, ok()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RetireRequest {
    record: Retirement,
}

async fn retire_catalog_tool(
    State(shared): State<Arc<Shared>>,
    Path((provider, identifier)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: RetireRequest = parse(&body)?;
    if lock(&shared.store)
        .catalog_mut()
        .retire(&provider, &identifier, request.record)
    {
        Ok(ok())
    } else {
        Err(ApiError::not_found(format!(
            "{provider} does not offer tool {identifier}"
        )))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MissingProviderRequest {
    provider: MissingProvider,
}

async fn set_provider_missing(
    State(shared): State<Arc<Shared>>,
    Path(provider): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: MissingProviderRequest = parse(&body)?;
    if provider_named(&provider).is_none() {
        return Err(unknown_provider(&provider));
    }
    lock(&shared.answer_shape).set_stripped_provider(&provider, Some(request.provider));
    Ok(ok())
}

async fn clear_provider_missing(
    State(shared): State<Arc<Shared>>,
    Path(provider): Path<String>,
) -> Json<Value> {
    lock(&shared.answer_shape).set_stripped_provider(&provider, None);
    ok()
}

async fn set_entry_without_provider(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: MissingProviderRequest = parse(&body)?;
    lock(&shared.answer_shape).set_extra_catalog_entry(Some(request.provider));
    Ok(ok())
}

async fn clear_entry_without_provider(State(shared): State<Arc<Shared>>) -> Json<Value> {
    lock(&shared.answer_shape).set_extra_catalog_entry(None);
    ok()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderRequest {
    provider: String,
}

async fn set_integration_without_id(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: ProviderRequest = parse(&body)?;
    let Some(provider) = provider_named(&request.provider) else {
        return Err(ApiError::invalid(vec![format!(
            "provider {} is not in the catalog",
            request.provider
        )]));
    };
    lock(&shared.answer_shape).set_integration_without_id(Some(provider));
    Ok(ok())
}

async fn clear_integration_without_id(State(shared): State<Arc<Shared>>) -> Json<Value> {
    lock(&shared.answer_shape).set_integration_without_id(None);
    ok()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopesRequest {
    scopes: Vec<String>,
}

async fn set_answer_scopes(
    State(shared): State<Arc<Shared>>,
    Path(identifier): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: ScopesRequest = parse(&body)?;
    lock(&shared.answer_shape).set_tool_scopes(&identifier, Some(request.scopes));
    Ok(ok())
}

async fn clear_one_answer_scopes(
    State(shared): State<Arc<Shared>>,
    Path(identifier): Path<String>,
) -> Json<Value> {
    lock(&shared.answer_shape).set_tool_scopes(&identifier, None);
    ok()
}

async fn clear_answer_scopes(State(shared): State<Arc<Shared>>) -> Json<Value> {
    lock(&shared.answer_shape).clear_tool_scopes();
    ok()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AnswerOrderRequest {
    #[serde(default)]
    reverse_tools: bool,
    #[serde(default)]
    reverse_scopes: bool,
}

async fn set_answer_order(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: AnswerOrderRequest = parse(&body)?;
    lock(&shared.answer_shape).set_reversed(request.reverse_tools, request.reverse_scopes);
    Ok(ok())
}

async fn clear_answer_order(State(shared): State<Arc<Shared>>) -> Json<Value> {
    lock(&shared.answer_shape).set_reversed(false, false);
    ok()
}

async fn set_empty_description(State(shared): State<Arc<Shared>>) -> Json<Value> {
    lock(&shared.answer_shape).set_empty_description(true);
    ok()
}

async fn clear_empty_description(State(shared): State<Arc<Shared>>) -> Json<Value> {
    lock(&shared.answer_shape).set_empty_description(false);
    ok()
}
