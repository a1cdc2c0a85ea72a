//! Planning: `tools`, `requested_scopes` and `tool_scopes` inside the granted `scopes`, from the
//! catalog and from what Frontegg reported. Never calls Frontegg but to read the catalog.

use tfplugin::Context;
use tfplugin::diag::Diagnostics;
use tfplugin::model::{Maybe, Plan, Unknowable};
use tfvalue::AttributePath;

use super::super::provider_data::Api;
use super::catalog::{entry_for_plan, judged};
use super::memory::Memory;
use super::model::{Integration, attr};
use super::tools::{Grant, ToolCatalog};
use super::vendor::Vendor;

/// The plan of an integration from Frontegg's catalog (`None` when the provider is not
/// configured yet) and from what the provider remembers of it (private state):
///
/// - `tools` unset: every offered tool that fits inside `scopes`, judged by the scopes
///   Frontegg reported for the tool (remembered, even once the tool is switched off), else by
///   its catalog record. A tool never seen with its scopes leaves `tools` unknown: apply
///   enables it and Frontegg's answer settles it. Tools Frontegg holds that the catalog no
///   longer offers are dropped.
/// - `tools` set: exactly those, each offered and not known to need more than `scopes`.
/// - `requested_scopes` and `tool_scopes` come from Frontegg's answers: the prior values while
///   `tools` stay as they are, unknown when they change.
/// - after an import, `client_secret_wo` without `client_secret_wo_version` is refused: the
///   plan would never send it.
pub(crate) fn plan_tools(
    ctx: &Context,
    req: &Plan<Integration>,
    catalog: Option<ToolCatalog>,
    planned: &mut Integration,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) {
    let memory = Memory::load(ctx);
    let prior = req.prior.clone().unwrap_or_default();
    check_secret_after_import(req, &memory, diags);
    let catalog = catalog.map(|c| judged(c, &memory, req.prior.as_ref()));
    let grant = Grant::of(&planned.scopes);
    let configured = &req.config.tools;
    let tools = if !configured.is_null() {
        if let (Some(catalog), Some(tools)) = (&catalog, configured.get()) {
            catalog.check(tools, grant.scopes(), vendor, diags);
        }
        configured.get().cloned()
    } else {
        match (&catalog, &grant) {
            (Some(catalog), Grant::Scopes(granted)) => catalog.fitting(granted),
            (Some(catalog), Grant::Unbounded) => Some(catalog.offered()),
            (Some(_), Grant::Unknown) => None,
            // Not configured yet: while the grant stays, the tools stay as they are.
            (None, _) => (planned.scopes == prior.scopes)
                .then(|| prior.tools.get().cloned())
                .flatten(),
        }
    };
    match tools {
        Some(tools) => {
            let unchanged = prior.tools.get() == Some(&tools);
            planned.tools = Maybe::some(tools);
            if unchanged {
                planned.requested_scopes = prior.requested_scopes.clone();
                planned.tool_scopes = prior.tool_scopes.clone();
                return;
            }
        }
        None if configured.is_null() => planned.tools = Unknowable::Unknown,
        None => {}
    }
    planned.requested_scopes = Unknowable::Unknown;
    planned.tool_scopes = Unknowable::Unknown;
}

/// After an import, the client secret Frontegg holds was not sent by this configuration, and
/// a write-only secret is sent only when `client_secret_wo_version` changes.
fn check_secret_after_import(req: &Plan<Integration>, memory: &Memory, diags: &mut Diagnostics) {
    let (Some(prior), true) = (&req.prior, memory.secret_unsent) else {
        return;
    };
    let config = &req.config;
    if !config.client_secret_wo.is_null()
        && config.client_secret_wo_version.is_null()
        && prior.client_secret_wo_version.is_null()
    {
        diags.error_at(
            AttributePath::attr(attr::CLIENT_SECRET_WO_VERSION),
            "Set `client_secret_wo_version` to send the secret",
            "This integration was imported, so Frontegg holds a client secret that this \
             configuration never sent, and Terraform cannot see a write-only value: \
             `client_secret_wo` is sent only when `client_secret_wo_version` changes. Set \
             `client_secret_wo_version` (any number, e.g. 1) so that the next apply sends \
             `client_secret_wo`.",
        );
    }
}

/// The plan from Frontegg's catalog (or, before the provider is configured, from the
/// configuration alone).
pub(crate) async fn modify_plan(
    ctx: &Context,
    req: &Plan<Integration>,
    planned: &mut Integration,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) {
    let catalog = if Api::is_deferred(ctx) {
        None
    } else {
        let Some(client) = Api::client(ctx, diags) else {
            return;
        };
        let known_id = req
            .prior
            .as_ref()
            .and_then(|p| p.frontegg_integration_id.get());
        let cancel = ctx.cancelled();
        let entry = match known_id {
            Some(id) => client.catalog_integration_by_id(id, cancel).await,
            None => client.catalog_integration(&vendor.app, cancel).await,
        };
        let Some(entry) = entry_for_plan(&client, req, planned, vendor, entry, diags) else {
            return;
        };
        entry.as_ref().and_then(ToolCatalog::of)
    };
    plan_tools(ctx, req, catalog, planned, vendor, diags);
}
