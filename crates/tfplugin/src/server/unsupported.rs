//! RPCs for features this provider framework does not offer: the ephemeral and
//! state-store types (Terraform only calls those for types a
//! provider declares, so an answer names the unknown type).

use tonic::Status;

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;

use super::convert::diagnostics_to_proto;

/// A stream answering a streaming RPC with one message.
pub type OneItemStream<T> = tokio_stream::Once<Result<T, Status>>;

pub(super) fn one_item<T>(item: T) -> OneItemStream<T> {
    tokio_stream::once(Ok(item))
}

/// The error for a request about a `kind` type the provider does not declare.
pub(super) fn unknown_type(kind: &str, type_name: &str) -> Vec<pb::Diagnostic> {
    log::debug!("request for unknown {kind} type {type_name:?}");
    let mut diags = Diagnostics::new();
    diags.error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} type {type_name:?}; it declares no {kind}s."),
    );
    diagnostics_to_proto(diags)
}
