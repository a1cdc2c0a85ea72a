//! Runs provider code so that a panic becomes an error diagnostic instead of a dead
//! plugin.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;

use crate::diag::Diagnostic;

/// Awaits `fut`; a panic becomes the error "The provider panicked while {while_}".
pub(crate) async fn guarded<T>(
    while_: &str,
    fut: impl Future<Output = T>,
) -> Result<T, Diagnostic> {
    AssertUnwindSafe(fut)
        .catch_unwind()
        .await
        .map_err(|payload| panicked(while_, payload))
}

/// [`guarded`] for synchronous provider code.
pub(crate) fn guarded_sync<T>(while_: &str, f: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panicked(while_, payload))
}

fn panicked(while_: &str, payload: Box<dyn Any + Send>) -> Diagnostic {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned());
    log::error!("the provider panicked while {while_}: {message}");
    Diagnostic::error(
        format!("The provider panicked while {while_}"),
        format!(
            "This is a bug in the provider; please report it. The operation failed; the provider keeps serving. Panic message: {message}"
        ),
    )
}
