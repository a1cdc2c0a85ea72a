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

use crate::answer_shape::AnswerShape;
use crate::auth::{Tokens, random_hex};
use crate::catalog::{Catalog, catalog_id, provider_named};
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
    pub catalog: Arc<Catalog>,
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
        let catalog = Arc::new(
            Catalog::embedded()
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?,
        );
        let store = Store::open(cfg.state_file.clone(), catalog.clone())?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, cfg.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config: cfg,
            catalog,
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

    /// The tool records `provider` offers, in catalog order, each with its `identifier`:
    /// `{"identifier", "enabled", "name", "category", "scopes"}` (empty for a provider without
    /// tools or an unknown one).
    pub fn catalog_tools(&self, provider: &str) -> Vec<Value> {
        self.shared.catalog.tool_records(provider)
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

    /// The integrations of an environment as `GET {base}` answers them (secret masked), whole:
    /// neither [`Emulator::omit_fields`] nor [`Emulator::set_page_size`] applies here.
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
    pub fn omit_fields(&self, fields: &[&str]) {
        lock(&self.shared.answer_shape).omit(fields);
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
