//! The client: one connection pool, lazy single-flight authentication, and the request loop
//! that applies the retry policy, the operation budget and cancellation.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use time::OffsetDateTime;
use tokio::sync::{Mutex, MutexGuard};
use tokio_util::sync::CancellationToken;

use crate::api::{
    self, AUTH_PATH, AgentIds, AuthRequest, AuthResponse, CATALOG_PATH, CatalogEntry,
    CatalogIntegration, CreateVendorIntegration, ENVIRONMENT_HEADER, ListPage,
    PatchVendorIntegration, TRACE_ID_HEADER, VENDOR_INTEGRATIONS_PATH, VendorIntegration,
};
use crate::config::{ClientConfig, ProxyEnv, Secret, shown_proxy, validate_base_url};
use crate::error::{Error, ErrorKind, human};
use crate::retry::{self, RetryPolicy, WaitError};

/// The largest answer the client reads (4 MiB); Frontegg's answers are a few KiB. A larger one
/// is refused, not buffered.
pub const MAX_ANSWER_SIZE: usize = 4 << 20;

/// Pages a list may take before the client gives up on it (a server that keeps linking on).
const MAX_LIST_PAGES: usize = 1000;

const MAY_HAVE_BEEN_CREATED: &str = "the create was sent and got no answer, so the integration \
     may have been created all the same; if a later create reports a conflict, import the existing \
     integration";

/// The start of a transport error's message when the connection could not be made (nothing
/// was sent).
const COULD_NOT_CONNECT: &str = "could not connect";

/// A Frontegg management API client. Cloning is cheap: clones share one connection pool and
/// one token. Nothing is sent until the first call, which authenticates.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// `host[:port]` of the base URL, for messages.
    host: String,
    client_id: String,
    secret: Secret,
    environment_id: Option<String>,
    request_timeout: Duration,
    connect_timeout: Duration,
    unresponsive_limit: Duration,
    operation_budget: Duration,
    retry: RetryPolicy,
    /// The current token; the lock is held while authenticating, so that concurrent calls
    /// share one `POST /auth/vendor`.
    token: Mutex<Option<Token>>,
    generations: AtomicU64,
    /// What answers held that the client could not use (see [`Client::take_notes`]).
    notes: std::sync::Mutex<Notes>,
    /// What the client read of the integration catalog (see [`Client::catalog`]).
    catalog: CatalogCache,
}

/// Notes about answers: the ones not yet taken, and every one ever given (each is given once).
#[derive(Default)]
struct Notes {
    pending: Vec<String>,
    given: HashSet<String>,
}

/// The integration catalog as read once per client: the list, and each entry with its tools
/// by catalog id. Each slot's lock is held while it is read, so that concurrent callers share
/// one request (single flight); a read that fails or is cancelled leaves the slot empty for the
/// next caller.
#[derive(Default)]
struct CatalogCache {
    list: Mutex<Option<Arc<Vec<CatalogEntry>>>>,
    entries: std::sync::Mutex<HashMap<String, Arc<Mutex<Option<CatalogIntegration>>>>>,
}

#[derive(Clone)]
struct Token {
    value: Secret,
    renew_at: Instant,
    generation: u64,
}

/// The limits of one public operation.
struct Op<'a> {
    cancel: &'a CancellationToken,
    deadline: Instant,
    /// Time spent so far on attempts that got no answer and the pauses after them (ns).
    unanswered: AtomicU64,
}

impl Op<'_> {
    fn unanswered(&self) -> Duration {
        Duration::from_nanos(self.unanswered.load(Ordering::Relaxed))
    }

    fn add_unanswered(&self, spent: Duration) {
        let nanos = u64::try_from(spent.as_nanos()).unwrap_or(u64::MAX);
        let _ = self
            .unanswered
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                Some(n.saturating_add(nanos))
            });
    }
}

/// One API call as the request loop sees it.
struct Call<'a> {
    method: Method,
    path: String,
    /// JSON body; may hold secrets, so it is never logged.
    body: Option<Vec<u8>>,
    authenticated: bool,
    /// Retry 502/503/504 and connection errors (GET, PATCH, DELETE, authentication).
    retry_transient: bool,
    /// Secrets of this call's body, kept out of error texts.
    secrets: Vec<&'a str>,
    /// Once sent, the call is awaited (within its timeout) even when the operation is
    /// cancelled: a create that may have landed must get its answer, so that it is recorded.
    finish_when_cancelled: bool,
    /// Set when an attempt of this call is sent.
    sent: AtomicBool,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    trace_id: Option<String>,
    body: Vec<u8>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("client_id", &self.inner.client_id)
            .field("environment_id", &self.inner.environment_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Checks the configuration and builds the connection pool; sends nothing.
    pub fn new(cfg: ClientConfig) -> Result<Client, Error> {
        let base_url = validate_base_url(&cfg.base_url)?;
        if cfg.client_id.trim().is_empty() {
            return Err(Error::config(
                "client_id is empty: set the Frontegg API client id",
            ));
        }
        if cfg.secret.expose().trim().is_empty() {
            return Err(Error::config(
                "secret is empty: set the Frontegg API key that goes with client_id",
            ));
        }
        let environment_id = cfg.environment_id.clone().filter(|e| !e.trim().is_empty());
        if let Some(env) = &environment_id
            && HeaderValue::from_str(env).is_err()
        {
            return Err(Error::config(format!(
                "environment_id {env:?} contains characters that cannot be sent in an HTTP header"
            )));
        }
        let user_agent = cfg.user_agent();
        if HeaderValue::from_str(&user_agent).is_err() {
            return Err(Error::config(format!(
                "version {:?} contains characters that cannot be sent in an HTTP header",
                cfg.version
            )));
        }
        let host = url::Url::parse(&base_url)
            .ok()
            .and_then(|u| {
                let host = u.host_str()?.to_string();
                Some(match u.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host,
                })
            })
            .unwrap_or_else(|| base_url.clone());
        // No proxy from the environment unless `proxy_for` picks one: reqwest's own lookup
        // would send plain-http loopback traffic, credentials included, to `HTTP_PROXY`.
        let connect_timeout = cfg.connect_timeout.min(cfg.request_timeout);
        let mut http = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy();
        if let Some(proxy) = proxy_for(&base_url, &cfg.proxy)? {
            http = http.proxy(proxy);
        }
        let http = http
            .build()
            .map_err(|e| Error::config(format!("the HTTP client could not be set up: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                host,
                client_id: cfg.client_id,
                secret: cfg.secret,
                environment_id,
                request_timeout: cfg.request_timeout,
                connect_timeout,
                unresponsive_limit: cfg.unresponsive_limit,
                operation_budget: cfg.operation_budget,
                retry: cfg.retry,
                token: Mutex::new(None),
                generations: AtomicU64::new(1),
                notes: std::sync::Mutex::default(),
                catalog: CatalogCache::default(),
            }),
        })
    }

    /// The base URL calls go to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The environment sent as `frontegg-environment-id`, if any.
    pub fn environment_id(&self) -> Option<&str> {
        self.inner.environment_id.as_deref()
    }

    /// What Frontegg's answers held that the client skipped (an entry of a list it cannot
    /// use, such as a catalog entry without `provider` or an integration without `id`), each
    /// note returned once per client, so that a caller warns once.
    pub fn take_notes(&self) -> Vec<String> {
        let mut notes = self
            .inner
            .notes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        std::mem::take(&mut notes.pending)
    }

    fn note(&self, note: String) {
        log::warn!("Frontegg API: {note}");
        let mut notes = self
            .inner
            .notes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if notes.given.insert(note.clone()) {
            notes.pending.push(note);
        }
    }

    /// Makes sure a valid token is at hand (authenticates when there is none or it is due for
    /// renewal). Other calls do this on their own; this is for checking credentials early.
    pub async fn authenticate(&self, cancel: &CancellationToken) -> Result<(), Error> {
        let op = self.op(cancel);
        self.token(&op).await.map(|_| ())
    }

    /// The integration catalog. Read once per client: later calls, and calls made while the
    /// first is under way, get the same list; a failed or cancelled read is not kept.
    pub async fn catalog(&self, cancel: &CancellationToken) -> Result<Vec<CatalogEntry>, Error> {
        let op = self.op(cancel);
        Ok(self.catalog_in(&op).await?.as_ref().clone())
    }

    async fn catalog_in(&self, op: &Op<'_>) -> Result<Arc<Vec<CatalogEntry>>, Error> {
        let mut slot = lock_or_cancel(&self.inner.catalog.list, op, CATALOG_PATH).await?;
        if let Some(list) = slot.as_ref() {
            return Ok(Arc::clone(list));
        }
        let list = Arc::new(self.get_list(CATALOG_PATH, op).await?);
        *slot = Some(Arc::clone(&list));
        Ok(list)
    }

    /// The catalog id (`fronteggIntegrationId`) of `provider` (e.g. `"confluence"`);
    /// [`ErrorKind::NotFound`] when the catalog has no such provider. From the catalog as read
    /// once per client (see [`Client::catalog`]).
    pub async fn catalog_id(
        &self,
        provider: &str,
        cancel: &CancellationToken,
    ) -> Result<String, Error> {
        let op = self.op(cancel);
        self.catalog_id_in(provider, &op).await
    }

    async fn catalog_id_in(&self, provider: &str, op: &Op<'_>) -> Result<String, Error> {
        let entries = self.catalog_in(op).await?;
        let wanted = provider.trim();
        entries
            .iter()
            .find(|e| e.provider.eq_ignore_ascii_case(wanted))
            .map(|e| e.id.clone())
            .ok_or_else(|| {
                Error::new(ErrorKind::NotFound, "GET", CATALOG_PATH)
                    .with_message(format!(
                        "the integration catalog has no provider {wanted:?}"
                    ))
                    .with_hint("this Frontegg environment does not offer that integration")
            })
    }

    /// The catalog entry of `provider` with the tools it offers (the catalog, then
    /// `GET frontegg-integrations/v1/{id}`); [`ErrorKind::NotFound`] when there is none. Each
    /// is read once per client (see [`Client::catalog_integration_by_id`]).
    pub async fn catalog_integration(
        &self,
        provider: &str,
        cancel: &CancellationToken,
    ) -> Result<CatalogIntegration, Error> {
        let op = self.op(cancel);
        let id = self.catalog_id_in(provider, &op).await?;
        let mut entry = self.catalog_entry_in(&id, &op).await?;
        if entry.provider.is_empty() {
            entry.provider = provider.trim().to_string();
        }
        Ok(entry)
    }

    /// The catalog entry with catalog id `id` and the tools it offers; [`ErrorKind::NotFound`]
    /// when there is none. Read once per client and id: later calls, and calls made while the
    /// first is under way, get the same entry; a failed or cancelled read is not kept.
    pub async fn catalog_integration_by_id(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<CatalogIntegration, Error> {
        let op = self.op(cancel);
        self.catalog_entry_in(id, &op).await
    }

    async fn catalog_entry_in(&self, id: &str, op: &Op<'_>) -> Result<CatalogIntegration, Error> {
        let path = api::catalog_entry_path(id);
        let cell = {
            let mut entries = self
                .inner
                .catalog
                .entries
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            Arc::clone(entries.entry(id.to_string()).or_default())
        };
        let mut slot = lock_or_cancel(&cell, op, &path).await?;
        if let Some(entry) = slot.as_ref() {
            return Ok(entry.clone());
        }
        let entry: CatalogIntegration = self.get_json(&path, op).await?;
        *slot = Some(entry.clone());
        Ok(entry)
    }

    /// Every vendor integration of the environment.
    pub async fn list_integrations(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Vec<VendorIntegration>, Error> {
        let op = self.op(cancel);
        self.list_in(&op).await
    }

    async fn list_in(&self, op: &Op<'_>) -> Result<Vec<VendorIntegration>, Error> {
        self.get_list(VENDOR_INTEGRATIONS_PATH, op).await
    }

    /// `GET path` as a whole list: a plain array, or Frontegg's paged wrapper followed to its
    /// last page (`_links.next`; without it, the next `_offset` — a 0-based page index, as
    /// Frontegg's OpenAPI describes it — with the first page's length as `_limit`, while
    /// `_metadata.totalItems` says more items exist). A paged list is returned only when it is
    /// complete: pages that end before `totalItems`, repeat an item, or report another
    /// `totalItems` (the list changed while it was read) are an error, never a shorter list.
    async fn get_list<T: DeserializeOwned + Listed>(
        &self,
        path: &str,
        op: &Op<'_>,
    ) -> Result<Vec<T>, Error> {
        let mut all: Vec<T> = Vec::new();
        let mut seen = HashSet::new();
        let mut expected_total = None;
        let mut limit = None;
        let mut page_path = path.to_string();
        let mut skipped_total = 0;
        for page in 0..MAX_LIST_PAGES {
            let call = Call::get(page_path);
            let answer = self.execute(&call, op).await?;
            let invalid = |what: String| invalid_answer(&call, &answer, what);
            let (items, next, total_items) =
                match self.parse::<ListPage<serde_json::Value>>(&call, &answer)? {
                    ListPage::Complete(items) if all.is_empty() => {
                        return Ok(self.usable_items(path, items));
                    }
                    ListPage::Complete(items) => (items, None, None),
                    ListPage::Page {
                        items,
                        next,
                        total_items,
                    } => (items, next, total_items),
                };
            let listed = items.len();
            let items: Vec<T> = self.usable_items(path, items);
            let skipped = listed - items.len();
            if let Some(total) = total_items {
                match expected_total {
                    None => expected_total = Some(total),
                    Some(first) if first != total => {
                        return Err(invalid(format!(
                            "the list changed while it was read ({first} items, then {total}); try again"
                        )));
                    }
                    Some(_) => {}
                }
            }
            for item in &items {
                let id = item.list_id();
                if !id.is_empty() && !seen.insert(id.to_string()) {
                    return Err(invalid(format!(
                        "the list's pages overlap (item {id} came twice), so it may miss others"
                    )));
                }
            }
            let page_len = items.len() + skipped;
            all.extend(items);
            skipped_total += skipped;
            let more_expected =
                expected_total.filter(|&total| ((all.len() + skipped_total) as u64) < total);
            if page_len == 0 || (next.is_none() && more_expected.is_none()) {
                if let Some(total) = more_expected {
                    return Err(invalid(format!(
                        "the list ended after {} of its {total} items",
                        all.len()
                    )));
                }
                return Ok(all);
            }
            let limit = *limit.get_or_insert(page_len);
            page_path = match next {
                Some(next) => self.next_page_path(path, &next).ok_or_else(|| {
                    invalid(format!(
                        "the list's next page ({next:?}) is not on {}",
                        self.inner.base_url
                    ))
                })?,
                None => format!("{path}?_offset={}&_limit={limit}", page + 1),
            };
        }
        Err(Error::new(ErrorKind::InvalidResponse, "GET", path)
            .with_message(format!("the list did not end after {MAX_LIST_PAGES} pages")))
    }

    /// The items of a list the client can read; each it cannot (a required field missing or
    /// not a string) is skipped with a note, rather than failing the whole list.
    fn usable_items<T: DeserializeOwned + Listed>(
        &self,
        path: &str,
        items: Vec<serde_json::Value>,
    ) -> Vec<T> {
        let mut usable = Vec::with_capacity(items.len());
        for item in items {
            let lacking: Vec<&str> = T::REQUIRED
                .iter()
                .copied()
                .filter(|field| !item.get(field).is_some_and(serde_json::Value::is_string))
                .collect();
            let read = if lacking.is_empty() {
                serde_json::from_value::<T>(item).ok()
            } else {
                None
            };
            match read {
                Some(item) => usable.push(item),
                None => {
                    let why = if lacking.is_empty() {
                        "that does not have the expected shape".to_string()
                    } else {
                        format!(
                            "without {}",
                            lacking
                                .iter()
                                .map(|f| format!("`{f}`"))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        )
                    };
                    self.note(format!(
                        "GET {path} listed {} {why}; the provider skipped it",
                        T::WHAT
                    ));
                }
            }
        }
        usable
    }

    /// The path of a list's next page from its `_links.next`: a path, a query for `path`, or an
    /// absolute URL under the base URL (a link elsewhere is never followed: it would receive
    /// the token).
    fn next_page_path(&self, path: &str, next: &str) -> Option<String> {
        let next = next.trim();
        if let Some(query) = next.strip_prefix('?') {
            return Some(format!("{path}?{query}"));
        }
        let base = &self.inner.base_url;
        let local = if next.starts_with('/') {
            next
        } else {
            next.strip_prefix(base.as_str())
                .filter(|rest| rest.starts_with('/') || rest.starts_with('?'))?
        };
        if let Some(query) = local.strip_prefix('?') {
            return Some(format!("{path}?{query}"));
        }
        // A base URL with a path prefix (`https://host/api`): the server's links carry it.
        let prefix = url::Url::parse(base)
            .map(|u| u.path().trim_end_matches('/').to_string())
            .unwrap_or_default();
        Some(match local.strip_prefix(prefix.as_str()) {
            Some(rest) if !prefix.is_empty() && rest.starts_with('/') => rest.to_string(),
            _ => local.to_string(),
        })
    }

    /// `GET path`, its answer parsed as `T`.
    async fn get_json<T: DeserializeOwned>(&self, path: &str, op: &Op<'_>) -> Result<T, Error> {
        let call = Call::get(path.to_string());
        let answer = self.execute(&call, op).await?;
        self.parse(&call, &answer)
    }

    /// One vendor integration by id (the API has no GET by id: this lists and picks);
    /// `None` when it does not exist. It is taken as gone only from a complete list that does
    /// not hold it; an empty list, which a struggling server or proxy may answer, is read once
    /// more before the integration counts as gone.
    pub async fn get_integration(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<VendorIntegration>, Error> {
        let op = self.op(cancel);
        let listed = self.list_in(&op).await?;
        if !listed.is_empty() {
            return Ok(listed.into_iter().find(|i| i.id == id));
        }
        log::debug!(
            "Frontegg API GET {VENDOR_INTEGRATIONS_PATH}: an empty list; reading it once more before taking integration {id} as gone"
        );
        Ok(self.list_in(&op).await?.into_iter().find(|i| i.id == id))
    }

    /// The environment's integration of the catalog entry `catalog_id` (the
    /// `fronteggIntegrationId`; an environment holds at most one); `None` when there is none.
    pub async fn find_integration_by_catalog_id(
        &self,
        catalog_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<VendorIntegration>, Error> {
        let op = self.op(cancel);
        self.find_by_catalog_id(catalog_id, &op).await
    }

    /// Creates a vendor integration. A create is never lost and never blindly repeated:
    ///
    /// - A success whose body does not identify the integration (empty, HTML, wrapped, no
    ///   `id`, too large to read) still proves the create happened: the integration with this
    ///   `fronteggIntegrationId` is adopted from the list if it holds what was sent, else the
    ///   error is [`ErrorKind::CreatedUnidentified`].
    /// - A create that gets no answer (connection lost, timeout, 5xx) is followed by a list,
    ///   and the integration is adopted the same way (the create went through). Only when the
    ///   list proves that nothing was created is the POST sent again (bounded by the retry
    ///   policy); a 409 on such a repeat means the earlier POST landed late, and the
    ///   integration is adopted.
    /// - Cancellation stops the create only until the POST is sent. A POST on the wire is
    ///   awaited within the request timeout, and the look-up after it runs even when
    ///   cancelled (one list, within one request timeout), so that what Frontegg holds is
    ///   returned; the POST is never sent again once cancelled.
    ///
    /// A 409 otherwise is [`ErrorKind::Conflict`] with the existing integration's id, and
    /// [`Error::existing_matches_request`] says whether it holds what was sent.
    pub async fn create_integration(
        &self,
        body: &CreateVendorIntegration,
        cancel: &CancellationToken,
    ) -> Result<VendorIntegration, Error> {
        let op = self.op(cancel);
        let call = Call {
            method: Method::POST,
            path: VENDOR_INTEGRATIONS_PATH.to_string(),
            body: Some(self.to_json(body)?),
            authenticated: true,
            retry_transient: false,
            secrets: vec![body.oauth_configurations.client_secret.expose()],
            finish_when_cancelled: true,
            sent: AtomicBool::new(false),
        };
        // Authenticate before the POST, so that a cancellation meanwhile stops at once.
        self.token(&op).await?;
        let catalog_id = body.frontegg_integration_id.as_str();
        let mut lost_answers = 0u32;
        // Whether a POST that got no answer may have been applied all the same.
        let mut may_have_landed = false;
        loop {
            let result = self.execute(&call, &op).await;
            let sent = call.sent.swap(false, Ordering::Relaxed);
            let error = match result {
                Ok(answer) => return self.created(&call, &answer, body, &op).await,
                Err(error) => error,
            };
            match &error.kind {
                ErrorKind::Conflict { .. } => {
                    let existing = self.find_after_create(catalog_id, &op).await.ok().flatten();
                    if lost_answers > 0
                        && let Some(found) = existing.as_ref().filter(|f| holds(f, body))
                    {
                        log::info!(
                            "Frontegg API POST {}: an earlier attempt whose answer was lost created integration {}; using it",
                            call.path,
                            found.id
                        );
                        return Ok(found.clone());
                    }
                    return Err(conflict(error, existing.as_ref(), body));
                }
                ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::Server => {
                    lost_answers += 1;
                    may_have_landed |= sent && may_have_been_applied(&error);
                    log::warn!(
                        "Frontegg API POST {} got no usable answer ({}); checking whether the integration was created",
                        call.path,
                        error.kind_text()
                    );
                    let stopped = match self.find_after_create(catalog_id, &op).await {
                        Ok(Some(found)) if holds(&found, body) => {
                            log::info!(
                                "Frontegg API POST {}: the create went through (integration {}); using it",
                                call.path,
                                found.id
                            );
                            return Ok(found);
                        }
                        Ok(Some(other)) => return Err(conflict(error, Some(&other), body)),
                        Ok(None) if op.cancel.is_cancelled() => error,
                        Ok(None) if lost_answers <= self.inner.retry.max_retries => {
                            let wait = self.inner.retry.backoff(lost_answers);
                            log::debug!(
                                "Frontegg API POST {}: nothing was created; sending it again in {}",
                                call.path,
                                human(wait)
                            );
                            match self
                                .pause(wait, &op, &call, error, "before sending the create again")
                                .await
                            {
                                Ok(()) => continue,
                                Err(stopped) => stopped,
                            }
                        }
                        Ok(None) if may_have_landed => {
                            return Err(also(
                                error,
                                &format!(
                                    "no integration was listed after {lost_answers} attempts, but one \
                                     that got no answer may still be applied; if a later create reports \
                                     a conflict, import the existing integration"
                                ),
                            ));
                        }
                        Ok(None) => {
                            return Err(error.with_hint(format!(
                                "no integration was created (tried {lost_answers} times)"
                            )));
                        }
                        Err(check) => {
                            return Err(error.with_hint(format!(
                                "whether the integration was created could not be checked ({check}); \
                                 if it exists, import it instead of creating it again"
                            )));
                        }
                    };
                    return Err(if may_have_landed {
                        also(stopped, MAY_HAVE_BEEN_CREATED)
                    } else {
                        also(stopped, "no integration was created")
                    });
                }
                // A success whose body was too large to read.
                ErrorKind::InvalidResponse
                    if error.status.is_some_and(|s| (200..300).contains(&s)) =>
                {
                    return self.adopt_unidentified(&call, error, body, &op).await;
                }
                // Stopped before the POST was sent (again).
                ErrorKind::Cancelled if may_have_landed => {
                    return Err(also(error, MAY_HAVE_BEEN_CREATED));
                }
                _ => return Err(error),
            }
        }
    }

    /// The integration a 2xx answer to the create describes. An answer that does not
    /// identify it still proves the create happened: the integration is adopted from the list
    /// when one holds what was sent.
    async fn created(
        &self,
        call: &Call<'_>,
        answer: &Answer,
        body: &CreateVendorIntegration,
        op: &Op<'_>,
    ) -> Result<VendorIntegration, Error> {
        let unreadable = match self.parse::<VendorIntegration>(call, answer) {
            Ok(created) if !created.id.trim().is_empty() => return Ok(created),
            Ok(_) => invalid_answer(call, answer, "the answer holds an empty id"),
            Err(error) => error,
        };
        self.adopt_unidentified(call, unreadable, body, op).await
    }

    /// After a success answer to the create that does not identify the integration
    /// (`unreadable`): the integration from the list when one holds what was sent.
    async fn adopt_unidentified(
        &self,
        call: &Call<'_>,
        unreadable: Error,
        body: &CreateVendorIntegration,
        op: &Op<'_>,
    ) -> Result<VendorIntegration, Error> {
        log::warn!(
            "Frontegg API POST {}: {} says the integration was created, but the answer does not identify it; looking it up",
            call.path,
            unreadable.status.unwrap_or_default()
        );
        let catalog_id = body.frontegg_integration_id.as_str();
        let mut listed = self.find_after_create(catalog_id, op).await;
        if matches!(listed, Ok(None)) {
            // The list may lag behind the create: one more look.
            listed = self.find_after_create(catalog_id, op).await;
        }
        match listed {
            Ok(Some(found)) if holds(&found, body) => {
                log::info!(
                    "Frontegg API POST {}: the create made integration {}; using it",
                    call.path,
                    found.id
                );
                Ok(found)
            }
            Ok(other) => Err(unidentified(unreadable, other.map(|o| o.id), None)),
            Err(check) => Err(unidentified(unreadable, None, Some(check))),
        }
    }

    /// The integration of `catalog_id`, looked up after a create was sent. Cancellation does
    /// not stop this look-up: once the create may have happened, one list (within one request
    /// timeout) finds what Frontegg holds, so that it can be recorded.
    async fn find_after_create(
        &self,
        catalog_id: &str,
        op: &Op<'_>,
    ) -> Result<Option<VendorIntegration>, Error> {
        if !op.cancel.is_cancelled() {
            match self.find_by_catalog_id(catalog_id, op).await {
                Err(error) if error.is_cancelled() => {}
                other => return other,
            }
        }
        let not_cancelled = CancellationToken::new();
        let once = Op {
            cancel: &not_cancelled,
            deadline: Instant::now() + self.inner.request_timeout,
            unanswered: AtomicU64::new(0),
        };
        log::debug!("cancelled after a create was sent: listing once to find what it created");
        self.find_by_catalog_id(catalog_id, &once).await
    }

    /// Changes the fields set in `patch`; [`ErrorKind::NotFound`] when the integration is gone.
    pub async fn update_integration(
        &self,
        id: &str,
        patch: &PatchVendorIntegration,
        cancel: &CancellationToken,
    ) -> Result<VendorIntegration, Error> {
        let op = self.op(cancel);
        let call = Call {
            method: Method::PATCH,
            path: api::integration_path(id),
            body: Some(self.to_json(patch)?),
            authenticated: true,
            retry_transient: true,
            secrets: patch
                .oauth_configurations
                .iter()
                .map(|o| o.client_secret.expose())
                .collect(),
            finish_when_cancelled: false,
            sent: AtomicBool::new(false),
        };
        let answer = self.execute(&call, &op).await?;
        self.parse(&call, &answer)
    }

    /// Deletes an integration; one that does not exist (404) counts as deleted.
    pub async fn delete_integration(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let op = self.op(cancel);
        let call = Call {
            method: Method::DELETE,
            ..Call::get(api::integration_path(id))
        };
        match self.execute(&call, &op).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => {
                log::debug!("Frontegg API DELETE {}: already gone", call.path);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Lets `agent_ids` use the integration (`agents/assign`); nothing is sent for none.
    pub async fn assign_agents(
        &self,
        id: &str,
        agent_ids: &[String],
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        self.change_agents(id, agent_ids, true, cancel).await
    }

    /// Withdraws `agent_ids` from the integration (`agents/unassign`); nothing is sent for none.
    pub async fn unassign_agents(
        &self,
        id: &str,
        agent_ids: &[String],
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        self.change_agents(id, agent_ids, false, cancel).await
    }

    async fn change_agents(
        &self,
        id: &str,
        agent_ids: &[String],
        assign: bool,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        if agent_ids.is_empty() {
            return Ok(());
        }
        let op = self.op(cancel);
        let call = Call {
            method: Method::POST,
            body: Some(self.to_json(&AgentIds { agent_ids })?),
            // Assigning is idempotent: repeating it after a lost answer changes nothing.
            retry_transient: true,
            ..Call::get(api::agents_path(id, assign))
        };
        self.execute(&call, &op).await.map(|_| ())
    }

    async fn find_by_catalog_id(
        &self,
        catalog_id: &str,
        op: &Op<'_>,
    ) -> Result<Option<VendorIntegration>, Error> {
        Ok(self
            .list_in(op)
            .await?
            .into_iter()
            .find(|i| i.frontegg_integration_id.as_deref() == Some(catalog_id)))
    }

    fn op<'a>(&self, cancel: &'a CancellationToken) -> Op<'a> {
        Op {
            cancel,
            deadline: Instant::now() + self.inner.operation_budget,
            unanswered: AtomicU64::new(0),
        }
    }

    fn to_json<T: serde::Serialize>(&self, body: &T) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(body)
            .map_err(|_| Error::config("the request body could not be encoded as JSON"))
    }

    fn parse<T: DeserializeOwned>(&self, call: &Call<'_>, answer: &Answer) -> Result<T, Error> {
        serde_json::from_slice(&answer.body).map_err(|e| {
            let message = format!("the answer is not the JSON the client expects ({e})");
            self.redact(invalid_answer(call, answer, message), call, None)
        })
    }

    fn redact(&self, error: Error, call: &Call<'_>, token: Option<&Token>) -> Error {
        let mut secrets = vec![self.inner.secret.expose()];
        secrets.extend(token.map(|t| t.value.expose()));
        secrets.extend(call.secrets.iter().copied());
        error.redact(&secrets)
    }

    /// The token slot, unless the operation is cancelled while another call authenticates.
    async fn lock_token(&self, op: &Op<'_>) -> Result<MutexGuard<'_, Option<Token>>, Error> {
        tokio::select! {
            biased;
            _ = op.cancel.cancelled() => Err(Error::cancelled(
                "POST",
                AUTH_PATH,
                Some("while waiting for authentication"),
            )),
            guard = self.inner.token.lock() => Ok(guard),
        }
    }

    /// A token that is not due for renewal; authenticates (once for all concurrent callers)
    /// when there is none.
    async fn token(&self, op: &Op<'_>) -> Result<Token, Error> {
        let mut guard = self.lock_token(op).await?;
        if let Some(token) = guard.as_ref()
            && Instant::now() < token.renew_at
        {
            return Ok(token.clone());
        }
        let fresh = Box::pin(self.request_token(op)).await?;
        *guard = Some(fresh.clone());
        Ok(fresh)
    }

    /// Drops the token if it is still the one that was refused.
    async fn forget_token(&self, generation: u64, op: &Op<'_>) -> Result<(), Error> {
        let mut guard = self.lock_token(op).await?;
        if guard.as_ref().is_some_and(|t| t.generation == generation) {
            *guard = None;
        }
        Ok(())
    }

    async fn request_token(&self, op: &Op<'_>) -> Result<Token, Error> {
        let body = self.to_json(&AuthRequest {
            client_id: &self.inner.client_id,
            secret: self.inner.secret.expose(),
        })?;
        let call = Call {
            method: Method::POST,
            path: AUTH_PATH.to_string(),
            body: Some(body),
            authenticated: false,
            retry_transient: true,
            secrets: Vec::new(),
            finish_when_cancelled: false,
            sent: AtomicBool::new(false),
        };
        let issued = Instant::now();
        let answer = self.execute(&call, op).await?;
        let invalid = |what: &str| invalid_answer(&call, &answer, what);
        // serde's message could quote the token: describe the problem without it.
        let parsed: AuthResponse = serde_json::from_slice(&answer.body).map_err(|_| {
            invalid("the answer is not the expected {\"token\", \"expiresIn\"} JSON")
        })?;
        if parsed.token.is_empty() {
            return Err(invalid("the answer holds an empty token"));
        }
        let lifetime = if parsed.expires_in.is_finite() && parsed.expires_in > 0.0 {
            Duration::from_secs_f64(parsed.expires_in.min(1e9))
        } else {
            log::warn!(
                "Frontegg's token answer has no usable expiresIn; the token will be renewed on every call"
            );
            Duration::ZERO
        };
        let renew_in = self.inner.retry.renew_after(lifetime);
        log::debug!(
            "authenticated with Frontegg (token valid for {}, renewed after {})",
            human(lifetime),
            human(renew_in)
        );
        Ok(Token {
            value: Secret::new(parsed.token),
            renew_at: issued + renew_in,
            generation: self.inner.generations.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Sends `call` until it gets a final answer: re-authenticates once on a 401, waits out
    /// 429s, retries transient failures when the call allows it, and stops at once on
    /// cancellation or when the operation's budget is spent.
    async fn execute(&self, call: &Call<'_>, op: &Op<'_>) -> Result<Answer, Error> {
        let policy = &self.inner.retry;
        let (method, path) = (call.method.as_str(), call.path.as_str());
        let mut attempt = 0u32;
        let mut transient_retries = 0u32;
        let mut rate_limit_retries = 0u32;
        let mut reauthenticated = false;
        loop {
            attempt += 1;
            if op.cancel.is_cancelled() {
                return Err(Error::cancelled(
                    method,
                    path,
                    Some("before the request was sent"),
                ));
            }
            let token = if call.authenticated {
                Some(self.token(op).await?)
            } else {
                None
            };
            let remaining = op.deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(Error::over_budget(
                    method,
                    path,
                    self.inner.operation_budget,
                    None,
                    None,
                ));
            }
            let timeout = self
                .inner
                .request_timeout
                .min(remaining)
                .min(self.unanswered_left(op));
            let started = Instant::now();
            call.sent.store(true, Ordering::Relaxed);
            let sent = if call.finish_when_cancelled {
                self.send_once(call, token.as_ref(), timeout).await
            } else {
                tokio::select! {
                    biased;
                    _ = op.cancel.cancelled() => return Err(Error::cancelled(method, path, None)),
                    sent = self.send_once(call, token.as_ref(), timeout) => sent,
                }
            };
            let elapsed = started.elapsed().as_millis();
            let answer = match sent {
                Ok(answer) => answer,
                Err(error) if error.kind == ErrorKind::InvalidResponse => {
                    return Err(self.redact(error, call, token.as_ref()));
                }
                Err(error) => {
                    log::debug!(
                        "Frontegg API {method} {path}: no answer after {elapsed} ms (attempt {attempt}): {}",
                        error.kind_text()
                    );
                    op.add_unanswered(started.elapsed());
                    let error = self.redact(error, call, token.as_ref());
                    if self.unanswered_left(op).is_zero() {
                        return Err(self.unresponsive(error, op, attempt));
                    }
                    self.before_transient_retry(call, op, &mut transient_retries, attempt, error)
                        .await?;
                    continue;
                }
            };
            log::debug!(
                "Frontegg API {method} {path}: {} in {elapsed} ms (attempt {attempt}, trace id {})",
                answer.status.as_u16(),
                answer.trace_id.as_deref().unwrap_or("-")
            );
            if answer.status.is_success() {
                return Ok(answer);
            }
            let status = answer.status.as_u16();
            if status == 401 && call.authenticated && !reauthenticated {
                reauthenticated = true;
                if let Some(token) = &token {
                    self.forget_token(token.generation, op).await?;
                }
                log::debug!("Frontegg API {method} {path}: token refused; authenticating again");
                continue;
            }
            let error = self.redact(
                self.error_from_answer(call, &answer, reauthenticated),
                call,
                token.as_ref(),
            );
            if status == 429 && rate_limit_retries < policy.max_rate_limit_retries {
                rate_limit_retries += 1;
                let wait = policy.rate_limit_wait(
                    &answer.headers,
                    rate_limit_retries,
                    OffsetDateTime::now_utc(),
                );
                log::info!(
                    "Frontegg API {method} {path}: rate limit hit; repeating in {} (trace id {})",
                    human(wait),
                    answer.trace_id.as_deref().unwrap_or("-")
                );
                self.pause(
                    wait,
                    op,
                    call,
                    error,
                    "while waiting for Frontegg's rate limit to reset",
                )
                .await?;
                continue;
            }
            if matches!(status, 502..=504) {
                self.before_transient_retry(call, op, &mut transient_retries, attempt, error)
                    .await?;
                continue;
            }
            return Err(with_attempts(error, attempt));
        }
    }

    /// Before repeating a transient failure (no answer, 502/503/504): waits the backoff, or
    /// returns the error to give up with when the call may not be repeated (again).
    async fn before_transient_retry(
        &self,
        call: &Call<'_>,
        op: &Op<'_>,
        retries: &mut u32,
        attempt: u32,
        error: Error,
    ) -> Result<(), Error> {
        let policy = &self.inner.retry;
        if !call.retry_transient || *retries >= policy.max_retries {
            return Err(with_attempts(error, attempt));
        }
        *retries += 1;
        let wait = policy.backoff(*retries);
        if error.status.is_none() {
            // Pausing for a server that does not answer counts towards the unresponsive limit.
            if wait >= self.unanswered_left(op) {
                return Err(self.unresponsive(error, op, attempt));
            }
            op.add_unanswered(wait);
        }
        self.pause(wait, op, call, error, "while waiting to retry")
            .await
    }

    /// What is left of the operation's allowance for attempts without an answer.
    fn unanswered_left(&self, op: &Op<'_>) -> Duration {
        self.inner
            .unresponsive_limit
            .saturating_sub(op.unanswered())
    }

    /// The error of an operation that gave up on a server that does not answer: names the
    /// host and the time spent waiting; `last` is the last attempt's failure.
    fn unresponsive(&self, last: Error, op: &Op<'_>, attempts: u32) -> Error {
        let host = &self.inner.host;
        let spent = human(op.unanswered());
        let attempts_text = match attempts {
            1 => "1 attempt".to_string(),
            n => format!("{n} attempts"),
        };
        let mut error =
            Error::new(ErrorKind::Timeout, &last.method, &last.path).with_message(format!(
                "{host} gave no answer in {spent} ({attempts_text}; the last: {})",
                last.messages.join("; ")
            ));
        error.hint = Some(format!(
            "the client stops waiting for a server that does not answer after {}; check the \
             network, any HTTPS_PROXY setting and base_url, or try again later",
            human(self.inner.unresponsive_limit)
        ));
        error
    }

    /// Waits before a repeat; `last` is the error returned when the wait cannot happen.
    async fn pause(
        &self,
        wait: Duration,
        op: &Op<'_>,
        call: &Call<'_>,
        last: Error,
        during: &str,
    ) -> Result<(), Error> {
        match retry::wait(wait, op.deadline, op.cancel).await {
            Ok(()) => Ok(()),
            Err(WaitError::Cancelled) => Err(Error::cancelled(
                call.method.as_str(),
                &call.path,
                Some(during),
            )),
            Err(WaitError::OverBudget) => Err(Error::over_budget(
                call.method.as_str(),
                &call.path,
                self.inner.operation_budget,
                Some(wait),
                Some(last),
            )),
        }
    }

    async fn send_once(
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

    fn error_from_answer(&self, call: &Call<'_>, answer: &Answer, reauthenticated: bool) -> Error {
        let status = answer.status.as_u16();
        let kind = match status {
            401 | 403 => ErrorKind::Auth,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict { existing_id: None },
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Other,
        };
        let (messages, error_code) = api::error_texts(&answer.body);
        let mut error = Error::new(kind, call.method.as_str(), &call.path);
        error.status = Some(status);
        error.messages = messages;
        error.error_code = error_code;
        error.trace_id.clone_from(&answer.trace_id);
        error.hint = match status {
            401 if call.path == AUTH_PATH => Some(
                "check the client_id and secret settings: they must be a Frontegg environment's API client id \
                 and API key (or an account API token) for this region or base_url"
                    .to_string(),
            ),
            401 if reauthenticated => Some(
                "the call was refused even with a fresh token; check that the client_id and secret may manage this environment"
                    .to_string(),
            ),
            403 => Some(match &self.inner.environment_id {
                Some(env) => format!("check that the credentials may access environment_id {env:?}"),
                None => "check that the credentials may manage this environment (an account-level key also needs environment_id)"
                    .to_string(),
            }),
            _ => None,
        };
        error
    }
}

/// `slot`'s lock, unless the operation is cancelled first (while another caller reads what
/// the slot will hold).
async fn lock_or_cancel<'m, T>(
    slot: &'m Mutex<T>,
    op: &Op<'_>,
    path: &str,
) -> Result<MutexGuard<'m, T>, Error> {
    tokio::select! {
        biased;
        _ = op.cancel.cancelled() => Err(Error::cancelled(
            "GET",
            path,
            Some("while another call was reading it"),
        )),
        guard = slot.lock() => Ok(guard),
    }
}

impl Call<'_> {
    fn get(path: String) -> Call<'static> {
        Call {
            method: Method::GET,
            path,
            body: None,
            authenticated: true,
            retry_transient: true,
            secrets: Vec::new(),
            finish_when_cancelled: false,
            sent: AtomicBool::new(false),
        }
    }
}

impl Error {
    fn kind_text(&self) -> String {
        match self.messages.first() {
            Some(m) => m.clone(),
            None => format!("{:?}", self.kind),
        }
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

/// An answer whose body the client could not understand.
fn invalid_answer(call: &Call<'_>, answer: &Answer, message: impl Into<String>) -> Error {
    let mut error = Error::new(ErrorKind::InvalidResponse, call.method.as_str(), &call.path)
        .with_message(message);
    error.status = Some(answer.status.as_u16());
    error.trace_id.clone_from(&answer.trace_id);
    error
}

/// An item of a list, known by its id (to tell a complete list from overlapping pages).
trait Listed {
    /// How notes name an item (`an integration`).
    const WHAT: &'static str;
    /// The fields an item cannot be used without (strings).
    const REQUIRED: &'static [&'static str];
    fn list_id(&self) -> &str;
}

impl Listed for VendorIntegration {
    const WHAT: &'static str = "an integration";
    const REQUIRED: &'static [&'static str] = &["id"];
    fn list_id(&self) -> &str {
        &self.id
    }
}

impl Listed for CatalogEntry {
    const WHAT: &'static str = "a catalog entry";
    const REQUIRED: &'static [&'static str] = &["id", "provider"];
    fn list_id(&self) -> &str {
        &self.id
    }
}

fn with_attempts(error: Error, attempts: u32) -> Error {
    if attempts <= 1 || error.hint.is_some() {
        return error;
    }
    error.with_hint(format!("gave up after {attempts} attempts"))
}

/// Adds `hint` to what the error already says.
fn also(mut error: Error, hint: &str) -> Error {
    error.hint = Some(match error.hint.take() {
        Some(first) => format!("{first}; {hint}"),
        None => hint.to_string(),
    });
    error
}

/// Whether a create that got `error` instead of an answer, though sent, may have been
/// applied all the same: the connection was made, and no server said it failed (a gateway's
/// 502 or 504 may come while Frontegg still works on it).
fn may_have_been_applied(error: &Error) -> bool {
    match error.kind {
        ErrorKind::Timeout => true,
        ErrorKind::Transport => !error
            .messages
            .first()
            .is_some_and(|m| m.starts_with(COULD_NOT_CONNECT)),
        ErrorKind::Server => matches!(error.status, Some(502 | 504)),
        _ => false,
    }
}

/// A success answer to a create that neither the answer nor the list identifies.
fn unidentified(mut error: Error, existing_id: Option<String>, check: Option<Error>) -> Error {
    error.hint = Some(match (&existing_id, check) {
        (_, Some(check)) => format!(
            "the integration was created, but the list that would identify it could not be read \
             ({check}); import it rather than creating it again"
        ),
        (Some(id), None) => format!(
            "the integration was created, but the catalog entry's integration in the list (id {id}) \
             does not hold what was sent; check it, then import it rather than creating it again"
        ),
        (None, None) => {
            "the integration was created, but the list of integrations does not show it \
             yet; import it rather than creating it again"
                .to_string()
        }
    });
    error.kind = ErrorKind::CreatedUnidentified { existing_id };
    error
}

fn conflict(
    mut error: Error,
    existing: Option<&VendorIntegration>,
    sent: &CreateVendorIntegration,
) -> Error {
    let existing_id = existing.map(|e| e.id.clone());
    error.existing_matches_request = existing.is_some_and(|e| holds(e, sent));
    error.hint = Some(match &existing_id {
        Some(id) if error.existing_matches_request => format!(
            "the environment already has an integration for this catalog entry (id {id}), with \
             the settings this create asks for; an environment holds one per catalog entry"
        ),
        Some(id) => format!(
            "the environment already has an integration for this catalog entry (id {id}); import it or delete it first"
        ),
        None => "the environment already has an integration for this catalog entry; import it or delete it first".to_string(),
    });
    error.kind = ErrorKind::Conflict { existing_id };
    error
}

/// Whether `found` holds what `sent` asked for (the secret cannot be compared: it is never
/// returned).
fn holds(found: &VendorIntegration, sent: &CreateVendorIntegration) -> bool {
    fn sorted(items: &[String]) -> Vec<&str> {
        let mut items: Vec<&str> = items.iter().map(String::as_str).collect();
        items.sort_unstable();
        items.dedup();
        items
    }
    // A field Frontegg does not report cannot disprove the match.
    let agrees = |reported: Option<bool>| reported.unwrap_or(true);
    found.frontegg_integration_id.as_deref() == Some(sent.frontegg_integration_id.as_str())
        && agrees(found.name.as_ref().map(|n| n == &sent.name))
        // An empty description is no description.
        && agrees(
            found
                .description
                .as_ref()
                .map(|d| d.as_str() == sent.description.as_deref().unwrap_or("")),
        )
        && agrees(found.is_active.map(|a| a == sent.is_active))
        && agrees(
            found
                .client_id()
                .map(|id| id == sent.oauth_configurations.client_id),
        )
        && agrees(
            found
                .tool_identifiers()
                .map(|tools| sorted(&tools) == sorted(&sent.tools)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{OauthConfiguration, OauthConfigurationView, Tool};

    fn sent() -> CreateVendorIntegration {
        CreateVendorIntegration {
            name: "Confluence".into(),
            description: None,
            frontegg_integration_id: "cat".into(),
            tools: vec!["b".into(), "a".into()],
            is_active: true,
            oauth_configurations: OauthConfiguration {
                client_id: "atl".into(),
                client_secret: Secret::new("s3cr3t-value"),
            },
        }
    }

    fn tool(identifier: &str) -> Tool {
        Tool {
            identifier: identifier.into(),
            name: None,
            category: None,
            scopes: None,
        }
    }

    fn found() -> VendorIntegration {
        VendorIntegration {
            id: "i1".into(),
            name: Some("Confluence".into()),
            description: Some(String::new()),
            frontegg_integration_id: Some("cat".into()),
            authentication_type: Some("behalf-of-user".into()),
            agent_ids: None,
            tools: Some(vec![tool("a"), tool("b"), tool("a")]),
            use_frontegg_integration: Some(false),
            is_active: Some(true),
            oauth_configurations: Some(OauthConfigurationView {
                client_id: Some("atl".into()),
            }),
            created_at: None,
            updated_at: None,
        }
    }

    #[test]
    fn an_integration_holds_what_was_sent_regardless_of_tool_order() {
        assert!(holds(&found(), &sent()));
    }

    #[test]
    fn fields_frontegg_does_not_report_do_not_disprove_a_match() {
        let mut sparse = found();
        sparse.name = None;
        sparse.tools = None;
        sparse.is_active = None;
        assert!(holds(&sparse, &sent()));
        let mut no_description = found();
        no_description.description = None;
        assert!(holds(&no_description, &sent()));
        let mut no_oauth = found();
        no_oauth.oauth_configurations = None;
        assert!(holds(&no_oauth, &sent()));
        let mut no_client_id = found();
        no_client_id.oauth_configurations = Some(OauthConfigurationView { client_id: None });
        assert!(holds(&no_client_id, &sent()));
    }

    #[test]
    fn an_empty_description_is_no_description_and_another_one_disproves() {
        let mut described = sent();
        described.description = Some("wiki".into());
        assert!(!holds(&found(), &described));
        let mut same = found();
        same.description = Some("wiki".into());
        assert!(holds(&same, &described));
        assert!(!holds(&same, &sent()));
    }

    #[test]
    fn another_client_id_name_or_tool_set_is_someone_elses_integration() {
        let mut other = found();
        other.oauth_configurations = Some(OauthConfigurationView {
            client_id: Some("other".into()),
        });
        assert!(!holds(&other, &sent()));
        let mut renamed = found();
        renamed.name = Some("Wiki".into());
        assert!(!holds(&renamed, &sent()));
        let mut fewer_tools = found();
        fewer_tools.tools = Some(vec![tool("a")]);
        assert!(!holds(&fewer_tools, &sent()));
    }

    #[test]
    fn list_items_the_client_cannot_use_are_skipped_with_one_note_each() {
        let client = client("http://127.0.0.1:9");
        let entries: Vec<CatalogEntry> = client.usable_items(
            CATALOG_PATH,
            vec![
                serde_json::json!({"id": "c1", "provider": "confluence"}),
                serde_json::json!({"id": "c2"}),
                serde_json::json!({"id": "c3", "provider": null}),
                serde_json::json!({"provider": "jira"}),
            ],
        );
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].provider, "confluence");
        let notes = client.take_notes();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].contains("a catalog entry without `provider`"),
            "{notes:?}"
        );
        assert!(
            notes[1].contains("a catalog entry without `id`"),
            "{notes:?}"
        );
        // Given once: the same skip again is no new note.
        let again: Vec<CatalogEntry> =
            client.usable_items(CATALOG_PATH, vec![serde_json::json!({"id": "c2"})]);
        assert!(again.is_empty());
        assert!(client.take_notes().is_empty());
        let integrations: Vec<VendorIntegration> = client.usable_items(
            VENDOR_INTEGRATIONS_PATH,
            vec![
                serde_json::json!({"name": "Confluence"}),
                serde_json::json!({"id": "i1"}),
            ],
        );
        assert_eq!(integrations.len(), 1);
        assert_eq!(
            client.take_notes(),
            vec![format!(
                "GET {VENDOR_INTEGRATIONS_PATH} listed an integration without `id`; the provider skipped it"
            )]
        );
    }

    fn client(base_url: &str) -> Client {
        let cfg = ClientConfig::new("id", "k")
            .with_base_url(base_url)
            .expect("base url");
        Client::new(cfg).expect("client")
    }

    #[test]
    fn next_page_links_are_followed_only_under_the_base_url() {
        let c = client("http://127.0.0.1:9");
        assert_eq!(
            c.next_page_path("/list", "/list?_offset=2").as_deref(),
            Some("/list?_offset=2")
        );
        assert_eq!(
            c.next_page_path("/list", "?_offset=2&_limit=2").as_deref(),
            Some("/list?_offset=2&_limit=2")
        );
        assert_eq!(
            c.next_page_path("/list", "http://127.0.0.1:9/list?_offset=2")
                .as_deref(),
            Some("/list?_offset=2")
        );
        assert_eq!(
            c.next_page_path("/list", "https://elsewhere.example/list"),
            None
        );
        assert_eq!(c.next_page_path("/list", "http://127.0.0.1:99/list"), None);
        let prefixed = client("http://127.0.0.1:9/api");
        assert_eq!(
            prefixed
                .next_page_path("/list", "/api/list?_offset=2")
                .as_deref(),
            Some("/list?_offset=2")
        );
    }

    #[test]
    fn client_debug_shows_no_secret() {
        let client = Client::new(ClientConfig::new("id", "frontegg-api-key")).expect("client");
        let debug = format!("{client:?}");
        assert!(!debug.contains("frontegg-api-key"), "{debug}");
        assert!(debug.contains("https://api.frontegg.com"), "{debug}");
    }

    #[test]
    fn empty_credentials_are_a_configuration_error() {
        let error = Client::new(ClientConfig::new("", "k")).expect_err("no client id");
        assert_eq!(error.kind, ErrorKind::Config);
        let error = Client::new(ClientConfig::new("id", "  ")).expect_err("no secret");
        assert!(error.to_string().contains("secret is empty"), "{error}");
        let error =
            Client::new(ClientConfig::new("id", "k").with_environment_id(Some("a\nb".into())))
                .expect_err("not a header value");
        assert!(error.to_string().contains("environment_id"), "{error}");
    }
}
