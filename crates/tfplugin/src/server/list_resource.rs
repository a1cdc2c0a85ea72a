//! `ListResource` (`terraform query`, Terraform 1.14+): the list resource runs in a task
//! of its own and each result it pushes is streamed to Terraform at once, with the
//! identity its managed resource derives from the state; the list resource's
//! diagnostics follow in a last event.

use std::pin::Pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt as _, future, stream};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;
use crate::resource::{ListRequest, ListResult, ListResults};

use super::convert::{decode_dynamic, diagnostics_to_proto, encode_dynamic};
use super::guard::guarded;
use super::plan_rules::{null_write_only, strip_unknowns};
use super::{ListResourceEntry, ProviderService};

/// The events of one `ListResource` call.
pub type ListResourceStream =
    Pin<Box<dyn Stream<Item = Result<pb::list_resource::Event, Status>> + Send>>;

/// Results waiting for Terraform to take them; a list resource that is further ahead
/// waits in [`ListResults::push`].
const BUFFERED_RESULTS: usize = 16;

impl ProviderService {
    pub(super) fn list_resource(&self, req: pb::list_resource::Request) -> ListResourceStream {
        log::debug!(
            "ListResource {} (limit {}, include_resource {})",
            req.type_name,
            req.limit,
            req.include_resource_object
        );
        let mut diags = Diagnostics::new();
        let Some(entry) = self.list_resource_entry(&req.type_name, &mut diags) else {
            return diagnostics_only(diags);
        };
        let Some(config) = decode_dynamic(
            req.config.as_ref(),
            &entry.ty,
            "list configuration",
            &mut diags,
        ) else {
            return diagnostics_only(diags);
        };
        let list_req = ListRequest {
            config,
            include_resource: req.include_resource_object,
            limit: req.limit,
        };
        let ctx = self.context(None);
        let (sender, receiver) = mpsc::channel(BUFFERED_RESULTS);
        let (done, finished) = oneshot::channel();
        let lister = Arc::clone(entry);
        tokio::spawn(async move {
            let mut results = ListResults::new(sender, list_req.limit);
            let mut found = Diagnostics::new();
            let listing = format!("listing {}", lister.list.type_name());
            let outcome = guarded(
                &listing,
                lister.list.list(&ctx, &list_req, &mut results, &mut found),
            )
            .await;
            if let Err(d) = outcome {
                found.push(d);
            }
            // Ends the stream of results before the diagnostics follow.
            drop(results);
            let _ = done.send(found);
        });

        let entry = Arc::clone(entry);
        let include_resource = req.include_resource_object;
        let results = ReceiverStream::new(receiver)
            .map(move |result| Ok(list_event(&entry, include_resource, result)));
        let last = stream::once(finished).filter_map(|found| {
            future::ready(
                found
                    .ok()
                    .filter(|d| !d.is_empty())
                    .map(|d| Ok(diagnostics_event(d))),
            )
        });
        Box::pin(results.chain(last))
    }
}

/// One result as an event: its state checked against the resource schema (write-only
/// attributes nulled, no unknowns), the identity derived from it, the state itself only
/// when Terraform asked for resources.
fn list_event(
    entry: &ListResourceEntry,
    include_resource: bool,
    result: ListResult,
) -> pb::list_resource::Event {
    let resource = &entry.resource;
    let mut diags = Diagnostics::new();
    let mut event = pb::list_resource::Event::default();
    let state = null_write_only(&resource.schema.block, result.state);
    let (state, unknown_paths) = strip_unknowns(state);
    let type_name = entry.list.type_name();
    if state.is_null() || !unknown_paths.is_empty() || !state.conforms_to(&resource.ty) {
        diags.error(
            "Provider produced an invalid list result",
            format!(
                "Listing {type_name} gave {:?} no state, unknown values, or a state that does not match the resource schema. This is a bug in the provider.",
                result.display_name
            ),
        );
    } else {
        event.identity = resource.identity_of(&state, None, &mut diags);
        if event.identity.is_none() && !diags.has_errors() {
            diags.error(
                "Provider produced a list result without identity",
                format!(
                    "Listing {type_name} gave {:?} no complete identity, which Terraform needs to import it. This is a bug in the provider.",
                    result.display_name
                ),
            );
        }
        if include_resource && !diags.has_errors() {
            event.resource_object = encode_dynamic(&state, &resource.ty, "list result", &mut diags);
        }
    }
    event.display_name = result.display_name;
    event.diagnostic = diagnostics_to_proto(diags);
    event
}

fn diagnostics_event(diags: Diagnostics) -> pb::list_resource::Event {
    pb::list_resource::Event {
        diagnostic: diagnostics_to_proto(diags),
        ..Default::default()
    }
}

fn diagnostics_only(diags: Diagnostics) -> ListResourceStream {
    Box::pin(stream::once(future::ready(Ok(diagnostics_event(diags)))))
}
