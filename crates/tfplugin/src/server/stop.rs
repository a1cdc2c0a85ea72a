//! `StopProvider`: cancel in-flight work, keep serving.

use tokio_util::sync::CancellationToken;

use crate::proto::tfplugin6 as pb;

use super::ProviderService;

impl ProviderService {
    /// Cancels the token every in-flight request's [`Context`](crate::Context) holds
    /// and installs a fresh one for the requests that follow.
    pub(super) fn stop_provider(&self) -> pb::stop_provider::Response {
        log::debug!("StopProvider: cancelling in-flight requests");
        let old = {
            let mut current = self
                .cancel
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            std::mem::replace(&mut *current, CancellationToken::new())
        };
        old.cancel();
        pb::stop_provider::Response {
            error: String::new(),
        }
    }
}
