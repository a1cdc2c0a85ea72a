//! The integration catalog and its entries, each read at most once per client and its
//! clones, one request for all concurrent callers. Must never keep a read that failed or was
//! cancelled.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{Mutex, MutexGuard};
use tokio_util::sync::CancellationToken;

use super::Client;
use super::request::Op;
use crate::api::{self, CATALOG_PATH, CatalogEntry, CatalogIntegration};
use crate::error::{Error, ErrorKind};

/// The integration catalog as read once per client: the list, and each entry with its tools
/// by catalog id. Each slot's lock is held while it is read, so that concurrent callers share
/// one request (single flight); a read that fails or is cancelled leaves the slot empty for the
/// next caller.
#[derive(Default)]
pub(super) struct CatalogCache {
    list: Mutex<Option<Arc<Vec<CatalogEntry>>>>,
    entries: std::sync::Mutex<HashMap<String, Arc<Mutex<Option<CatalogIntegration>>>>>,
}

impl Client {
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
