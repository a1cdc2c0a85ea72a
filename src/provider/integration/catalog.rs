//! The vendor's entry of Frontegg's tool catalog for plan and apply, and what a plan does
//! when the catalog cannot be read. Never embeds a catalog.

use frontegg_client::{CatalogIntegration, Client, ErrorKind};
use tfplugin::diag::Diagnostics;
use tfplugin::model::Plan;
use tokio_util::sync::CancellationToken;

use super::advice::{answer_notes, client_error};
use super::memory::Memory;
use super::model::Integration;
use super::tools::ToolCatalog;
use super::vendor::Vendor;

/// The vendor's catalog entry with its tools.
pub(crate) async fn catalog_entry(
    client: &Client,
    vendor: &Vendor,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> Option<CatalogIntegration> {
    let entry = client.catalog_integration(&vendor.app, cancel).await;
    answer_notes(client, diags);
    match entry {
        Ok(entry) => Some(entry),
        Err(e) => {
            client_error(
                diags,
                &format!("Cannot look up {} in Frontegg's catalog", vendor.title),
                &e,
            );
            None
        }
    }
}

/// The catalog's tools, judged first by what Frontegg reported for this integration.
pub(crate) fn judged(
    catalog: ToolCatalog,
    memory: &Memory,
    state: Option<&Integration>,
) -> ToolCatalog {
    let reported = memory.known_scopes(state.and_then(|s| s.tool_scopes.get()));
    catalog.with_reported(&reported, &memory.unscoped)
}

/// When Frontegg's catalog cannot be read at plan time: `Some` (with a warning) when the plan
/// does not depend on it — the resource exists and the configuration changed neither `scopes`
/// nor a configured `tools`, so the tools are planned as they are — else `None` with one error.
fn catalog_unreachable(
    req: &Plan<Integration>,
    planned: &Integration,
    vendor: &Vendor,
    error: &frontegg_client::Error,
    diags: &mut Diagnostics,
) -> Option<()> {
    let title = &vendor.title;
    let unreachable = matches!(
        error.kind(),
        ErrorKind::Transport
            | ErrorKind::Timeout
            | ErrorKind::Server
            | ErrorKind::RateLimited
            | ErrorKind::Cancelled
    );
    let depends = match &req.prior {
        None => true,
        Some(prior) => {
            planned.scopes != prior.scopes
                || !prior.tools.is_known()
                || (!req.config.tools.is_null() && req.config.tools != prior.tools)
        }
    };
    if depends || !unreachable {
        client_error(
            diags,
            &format!("Cannot look up {title} in Frontegg's catalog"),
            error,
        );
        return None;
    }
    diags.warning(
        format!("{title} tools not checked against Frontegg's catalog"),
        format!(
            "Frontegg's catalog could not be read, so the plan keeps the {title} tools as they \
             are: tools added to or retired from the catalog since the last plan, and tools \
             whose scopes changed, are not seen until Frontegg can be reached. The \
             configuration did not change what the catalog decides. Frontegg said: {error}"
        ),
    );
    Some(())
}

/// The catalog entry a plan judges the tools by, from the answer to the plan-time read:
/// `Some(Some(entry))` when read; `Some(None)` when it could not be read but the plan does not
/// depend on it (with a warning); `None` when the plan must stop (with one error).
pub(crate) fn entry_for_plan(
    client: &Client,
    req: &Plan<Integration>,
    planned: &Integration,
    vendor: &Vendor,
    entry: Result<CatalogIntegration, frontegg_client::Error>,
    diags: &mut Diagnostics,
) -> Option<Option<CatalogIntegration>> {
    answer_notes(client, diags);
    match entry {
        Ok(entry) => Some(Some(entry)),
        Err(e) => catalog_unreachable(req, planned, vendor, &e, diags).map(|()| None),
    }
}
