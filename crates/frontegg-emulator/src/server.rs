//! The running emulator: the loopback listener, the per-request pipeline (request log, rate
//! limit, faults, trace id), and the in-process admin operations.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper::service::Service;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;

use crate::answer_shape::{AnswerShape, MissingProvider};
use crate::auth::{Tokens, random_hex};
use crate::catalog::{Catalog, NewCatalogTool, Retirement, catalog_id, provider_named};
use crate::config::EmulatorConfig;
use crate::error::{ApiError, CODE_INVALID_BODY, CODE_RATE_LIMITED};
use crate::faults::{Fault, FaultAction, Faults};
use crate::rate_limit::{RateLimit, RateLimiter};
use crate::request_log::{LoggedRequest, redact_body, redact_headers};
use crate::store::{Store, rfc3339_millis};
use crate::{admin, api, atlassian};

pub(crate) const TRACE_ID_HEADER: &str = "frontegg-trace-id";
pub(crate) const ADMIN_PREFIX: &str = "/_emulator/";
const MAX_BODY_BYTES: usize = 1024 * 1024;
const GRACEFUL_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(2);

/// State shared by every request and by the [`Emulator`] handle.
pub(crate) struct Shared {
    pub config: EmulatorConfig,
    /// The integrations and the catalog.
    pub store: Mutex<Store>,
    pub answer_shape: Mutex<AnswerShape>,
    pub tokens: Mutex<Tokens>,
    pub faults: Mutex<Faults>,
    pub requests: Mutex<Vec<LoggedRequest>>,
    pub rate_limit: Mutex<Option<RateLimiter>>,
}

/// Locks a mutex, recovering the data if a panicking request poisoned it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        *lock(&self.rate_limit) = limit.map(RateLimiter::new);
    }
}

/// Marks a response that must not be sent: the connection is closed instead.
#[derive(Clone, Copy)]
struct DropConnection;

#[derive(Debug)]
struct ConnectionDropped;

impl std::fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for ConnectionDropped {}

/// A running emulator on 127.0.0.1. Dropping the handle stops it; [`Emulator::shutdown`] also
/// waits until open connections are closed.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    cancel: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds `127.0.0.1:cfg.port` (0: a free port), loads `cfg.state_file` if it exists, and serves.
    pub async fn start(cfg: EmulatorConfig) -> std::io::Result<Emulator> {
        let catalog = Catalog::embedded()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let store = Store::open(cfg.state_file.clone(), catalog)?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, cfg.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config: cfg,
            store: Mutex::new(store),
            answer_shape: Mutex::new(AnswerShape::default()),
            tokens: Mutex::new(Tokens::default()),
            faults: Mutex::new(Faults::default()),
            requests: Mutex::new(Vec::new()),
            rate_limit: Mutex::new(None),
        });
        let cancel = CancellationToken::new();
        let router = router(shared.clone());
        let task = tokio::spawn(accept_loop(listener, router, cancel.clone()));
        Ok(Emulator {
            shared,
            addr,
            cancel,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The catalog id (`fronteggIntegrationId`) of `provider` ("confluence", ...) in an environment.
    pub fn catalog_id(&self, env_id: &str, provider: &str) -> Option<String> {
        provider_named(provider).map(|p| catalog_id(env_id, p))
    }

    /// The tool records of `provider`'s catalog entry as `GET frontegg-integrations/v1/{id}`
    /// holds them (before [`Emulator::omit_fields`]), in catalog order, each with its
    /// `identifier`: `{"identifier", "enabled", "name", "category", "scopes"}` (empty for a
    /// provider without tools or an unknown one). A tool retired as
    /// [`Retirement::Disabled`] has `enabled: false`; one [`Retirement::Removed`] is absent.
    pub fn catalog_tools(&self, provider: &str) -> Vec<Value> {
        lock(&self.shared.store).catalog().tool_records(provider)
    }

    /// Retires a tool from `provider`'s catalog entry: it is no longer offered (a create or a
    /// patch that sends it is a 400, a seed does not get it), and its record is gone or says
    /// `enabled: false`. Integrations that hold it keep it, and their answers list it with its
    /// scopes. `false` when the entry does not offer it.
    pub fn retire_catalog_tool(&self, provider: &str, identifier: &str, how: Retirement) -> bool {
        lock(&self.shared.store)
            .catalog_mut()
            .retire(provider, identifier, how)
    }

    /// Adds a tool to `provider`'s catalog entry (after its other tools); refused for an
    /// unknown provider or a tool the entry offers already. A retired tool of that identifier is
    /// offered again with the new record.
    pub fn add_catalog_tool(&self, provider: &str, tool: NewCatalogTool) -> Result<(), String> {
        lock(&self.shared.store).catalog_mut().add(provider, tool)
    }

    pub fn inject_fault(&self, fault: Fault) {
        lock(&self.shared.faults).add(fault);
    }

    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// How many injected faults have uses left. A fault's use is taken when a matching request
    /// arrives, before any delay: a held request is known to have arrived when its fault is
    /// no longer pending.
    pub fn pending_faults(&self) -> usize {
        lock(&self.shared.faults).pending()
    }

    /// Every API request answered so far (admin calls excluded), oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.requests).clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// The integrations of an environment as the emulator holds them, answered the plain way
    /// (secret masked, tools in catalog order with their catalog scopes): none of the knobs
    /// that shape the API's answers ([`Emulator::omit_fields`], [`Emulator::set_page_size`],
    /// [`Emulator::set_answer_scopes`], ...) applies here.
    pub fn integrations(&self, env_id: &str) -> Vec<Value> {
        lock(&self.shared.store).list(env_id)
    }

    /// Creates an integration as if made in the portal and returns its id; `None` when `fields`
    /// names no known catalog entry or the environment already has one for it. `fields` takes the
    /// create properties loosely: only `provider` (`"confluence"`) or `fronteggIntegrationId` is
    /// needed; the rest defaults to the catalog display name, every catalog tool,
    /// `useFronteggIntegration: true` without `oauthConfigurations`, `behalf-of-user`, active,
    /// and no agents (`agentIds` may be given).
    pub fn seed_integration(&self, env_id: &str, fields: Value) -> Option<String> {
        match lock(&self.shared.store).seed(env_id, &fields) {
            Ok(id) => Some(id),
            Err(e) => {
                log::debug!("seed refused: {}", e.errors.join("; "));
                None
            }
        }
    }

    /// `fingerprint(client secret)` of a stored integration.
    pub fn secret_fingerprint_of(&self, env_id: &str, integration_id: &str) -> Option<String> {
        lock(&self.shared.store).secret_fingerprint(env_id, integration_id)
    }

    /// Changes an integration out of band (drift); `false` when it does not exist. `patch` may
    /// carry `name`, `description` (`null` clears it), `isActive`, `useFronteggIntegration`,
    /// `authenticationType`, `tools` (identifiers, not checked against the catalog), `agentIds`
    /// (replaces the set) and `oauthConfigurations` (either field alone; `null` removes it).
    pub fn patch_integration(&self, env_id: &str, id: &str, patch: Value) -> bool {
        lock(&self.shared.store).drift_patch(env_id, id, &patch)
    }

    /// Deletes an integration out of band (drift); `false` when it does not exist.
    pub fn delete_integration(&self, env_id: &str, id: &str) -> bool {
        lock(&self.shared.store).drift_delete(env_id, id)
    }

    /// Drops fields from the API's answers from now on, until cleared with `&[]`: a plain name
    /// (`"agentIds"`, `"oauthConfigurations.clientSecret"`) is a field of every vendor
    /// integration answer (list, create, patch, agents), `"tools.X"` drops `X` of each `ToolDto`
    /// there, `"catalog.X"` drops `X` of each catalog entry, and `"catalog.tools.X"` drops `X` of
    /// each tool record of `GET frontegg-integrations/v1/{id}`.
    /// [`crate::ENABLED_ONLY_TOOL_RECORDS`] leaves each tool record with `enabled` alone.
    pub fn omit_fields(&self, fields: &[&str]) {
        lock(&self.shared.answer_shape).omit(fields);
    }

    /// `Some(scopes)`: from now on, every `ToolDto` of the tool `identifier` (of any catalog
    /// entry) in a vendor integration answer lists these scopes, whatever its catalog record
    /// says: another order, a subset, a superset or other scopes; `None`: the catalog's again.
    pub fn set_answer_scopes(&self, identifier: &str, scopes: Option<&[&str]>) {
        let scopes = scopes.map(|s| s.iter().map(|s| s.to_string()).collect());
        lock(&self.shared.answer_shape).set_tool_scopes(identifier, scopes);
    }

    /// Every tool answers its catalog scopes again.
    pub fn clear_answer_scopes(&self) {
        lock(&self.shared.answer_shape).clear_tool_scopes();
    }

    /// Vendor integration answers list `tools` in reverse catalog order (`tools`), and each
    /// tool's `scopes` in reverse order (`scopes`, applied after [`Emulator::set_answer_scopes`]);
    /// `false, false` is the default.
    pub fn set_reversed_answers(&self, tools: bool, scopes: bool) {
        lock(&self.shared.answer_shape).set_reversed(tools, scopes);
    }

    /// `true`: vendor integration answers carry `description: ""` where none is set (never set,
    /// or removed) instead of `null`.
    pub fn set_empty_description(&self, on: bool) {
        lock(&self.shared.answer_shape).set_empty_description(on);
    }

    /// `Some`: the catalog list ends with one more entry, with an `id` but without a usable
    /// `provider` (the key absent, or `null`); its `GET {id}` is a 404. `None`: no such entry.
    pub fn set_catalog_entry_without_provider(&self, missing: Option<MissingProvider>) {
        lock(&self.shared.answer_shape).set_extra_catalog_entry(missing);
    }

    /// `Some`: `provider`'s catalog entry is answered without its `provider` (in the list and
    /// in `GET {id}`); `None`: with it again. `false` for a provider not in the catalog.
    pub fn set_catalog_provider_missing(
        &self,
        provider: &str,
        missing: Option<MissingProvider>,
    ) -> bool {
        let Some(provider) = provider_named(provider) else {
            return false;
        };
        lock(&self.shared.answer_shape).set_stripped_provider(provider, missing);
        true
    }

    /// `Some(provider)`: the vendor-integration list ends with one more item, an integration of
    /// that catalog entry without `id` (on the shared app, no tools); `None`: no such item.
    /// `false` for a provider not in the catalog.
    pub fn set_integration_without_id(&self, provider: Option<&str>) -> bool {
        let provider = match provider {
            None => None,
            Some(name) => match provider_named(name) {
                Some(provider) => Some(provider),
                None => return false,
            },
        };
        lock(&self.shared.answer_shape).set_integration_without_id(provider);
        true
    }

    /// `Some(n)`: the vendor-integration list and the catalog list answer in Frontegg's paged
    /// wrapper, `n` items per page unless `_limit` says otherwise (0 counts as 1); `None`: plain
    /// arrays (the default).
    pub fn set_page_size(&self, page_size: Option<usize>) {
        lock(&self.shared.answer_shape).set_page_size(page_size);
    }

    /// Invalidates every token issued so far.
    pub fn expire_tokens(&self) {
        lock(&self.shared.tokens).expire_all();
    }

    /// `Some`: more than `requests` calls per `window_secs` are answered 429; `None`: no limit.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.shared.set_rate_limit(limit);
    }

    /// Stops accepting, lets open connections finish (briefly), and returns when all are closed.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

fn router(shared: Arc<Shared>) -> Router {
    api::routes()
        .merge(admin::routes())
        .merge(atlassian::routes())
        .layer(middleware::from_fn_with_state(shared.clone(), pipeline))
        .with_state(shared)
}

async fn accept_loop(listener: TcpListener, router: Router, cancel: CancellationToken) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, router.clone(), cancel.clone()));
                }
                Err(e) => {
                    log::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

async fn serve_connection(stream: TcpStream, router: Router, cancel: CancellationToken) {
    let router = TowerToHyperService::new(router);
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let call = router.call(req);
        async move {
            let mut response = match call.await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if response.extensions().get::<DropConnection>().is_some() {
                return Err(ConnectionDropped);
            }
            trace_id_of(&mut response);
            Ok::<_, ConnectionDropped>(response)
        }
    });
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(e) = result
                && !e.is_user()
            {
                log::debug!("connection closed: {e}");
            }
        }
        _ = cancel.cancelled() => {
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(GRACEFUL_SHUTDOWN_TIMEOUT, connection).await;
        }
    }
}

/// Every API request passes here: it is logged (secrets fingerprinted) with its trace id, counted
/// against the rate limit, and may meet an injected fault. Admin calls pass straight through (the
/// connection layer gives them a trace id).
async fn pipeline(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with(ADMIN_PREFIX) {
        return next.run(req).await;
    }
    let method = req.method().to_string();
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            CODE_INVALID_BODY,
            format!("The request body could not be read or is larger than {MAX_BODY_BYTES} bytes"),
        )
        .into_response();
    };
    let headers = redact_headers(&parts.headers);
    let body_logged = redact_body(&bytes);
    let req = Request::from_parts(parts, Body::from(bytes));

    let mut response = answer(&shared, &method, &path, req, next).await;

    let (status, trace_id) = if response.extensions().get::<DropConnection>().is_some() {
        log::debug!("{method} {path} -> connection dropped (injected fault)");
        (0, None)
    } else {
        let trace_id = trace_id_of(&mut response);
        let status = response.status().as_u16();
        log::debug!("{method} {path} -> {status} (trace id {trace_id})");
        (status, Some(trace_id))
    };
    lock(&shared.requests).push(LoggedRequest {
        method,
        path,
        headers,
        body: body_logged,
        status,
        trace_id,
    });
    response
}

/// The response's `frontegg-trace-id` (one injected by a fault is kept), set if missing.
fn trace_id_of(response: &mut Response) -> String {
    if let Some(existing) = response
        .headers()
        .get(TRACE_ID_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return existing.to_string();
    }
    let trace_id = random_hex(16);
    if let Ok(value) = HeaderValue::from_str(&trace_id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(TRACE_ID_HEADER), value);
    }
    trace_id
}

async fn answer(shared: &Shared, method: &str, path: &str, req: Request, next: Next) -> Response {
    let limited = lock(&shared.rate_limit)
        .as_mut()
        .and_then(RateLimiter::check);
    if let Some(limited) = limited {
        let mut response = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            CODE_RATE_LIMITED,
            "Too many requests",
        )
        .into_response();
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&rfc3339_millis(limited.reset_at)) {
            headers.insert("x-rate-limit-reset", value);
        }
        headers.insert("retry-after", HeaderValue::from(limited.retry_after_secs));
        return response;
    }

    let fault = lock(&shared.faults).take(method, path);
    let Some(fault) = fault else {
        return next.run(req).await;
    };
    log::debug!("{method} {path}: injected fault {:?}", fault.action);
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    match fault.action {
        FaultAction::Respond {
            status,
            body,
            headers,
        } => fault_response(status, body, &headers),
        FaultAction::ApplyThenRespond { status, body } => {
            let _ = next.run(req).await;
            fault_response(status, body, &[])
        }
        FaultAction::ApplyThenDrop => {
            let _ = next.run(req).await;
            let mut response = Response::new(Body::empty());
            response.extensions_mut().insert(DropConnection);
            response
        }
        FaultAction::Delay => next.run(req).await,
    }
}

fn fault_response(status: u16, body: String, headers: &[(String, String)]) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let is_json = serde_json::from_str::<Value>(&body).is_ok();
    let mut response = (status, body).into_response();
    let content_type = if is_json {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    };
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}
