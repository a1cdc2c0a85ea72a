//! Create, update and delete: the calls that change an integration in Frontegg, with exactly
//! the contract's DTO properties, and the tools settled by Frontegg's answer. Never plans.

use std::collections::BTreeSet;

use frontegg_client::{
    Client, CreateVendorIntegration, ErrorKind, OauthConfiguration, PatchVendorIntegration, Secret,
    VendorIntegration,
};
use tfplugin::Context;
use tfplugin::diag::Diagnostics;
use tfplugin::model::{Change, Maybe};
use tfvalue::AttributePath;
use tokio_util::sync::CancellationToken;

use super::super::provider_data::Api;
use super::advice::{answer_notes, client_error, conflict_error};
use super::agents::converge_agents;
use super::catalog::{catalog_entry, judged};
use super::memory::Memory;
use super::model::{Integration, attr};
use super::state::state_from;
use super::tools::{self, Grant, ToolCatalog};
use super::vendor::Vendor;

/// The app credentials to send: the planned `client_id`, and `client_secret` or
/// `client_secret_wo` (only ever in the configuration).
fn oauth_configuration(
    req: &Change<Integration>,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) -> Option<OauthConfiguration> {
    let secret = req
        .config
        .client_secret
        .get()
        .or(req.config.client_secret_wo.get());
    let Some(secret) = secret else {
        diags.error_at(
            AttributePath::attr(attr::CLIENT_SECRET),
            "Missing client secret",
            format!(
                "Set `client_secret` or `client_secret_wo` (Terraform 1.11 and later) to the \
                 {}'s secret.",
                vendor.oauth_app
            ),
        );
        return None;
    };
    Some(OauthConfiguration {
        client_id: req.planned.client_id.get().cloned().unwrap_or_default(),
        client_secret: Secret::new(secret.clone()),
    })
}

/// The tools to enable at apply: the planned set, or — when the plan could not tell (a tool
/// never seen with its scopes, or the provider was not configured yet) — the configured set,
/// else every offered tool not known to need more than `scopes` grants (Frontegg's answer then
/// shows what they need, and those that need more are switched off again).
fn tools_to_enable(req: &Change<Integration>, catalog: Option<&ToolCatalog>) -> BTreeSet<String> {
    if let Some(tools) = req.planned.tools.get() {
        return tools.clone();
    }
    if let Some(tools) = req.config.tools.get() {
        return tools.clone();
    }
    let Some(catalog) = catalog else {
        return BTreeSet::new();
    };
    match Grant::of(&req.planned.scopes) {
        Grant::Unbounded => catalog.offered(),
        Grant::Scopes(granted) => catalog.not_known_to_exceed(granted),
        Grant::Unknown => catalog.not_known_to_exceed(&BTreeSet::new()),
    }
}

/// Settles the tools after Frontegg's answer to a create or update: when the plan left
/// `tools` to the answer, the enabled tools whose reported scopes exceed `scopes` are switched
/// off again; when the plan had chosen them, a warning names the tools that Frontegg's answer
/// shows to need more than `scopes` (the next plan switches them off, or, with `tools` set,
/// asks for the configuration to change). Returns the integration as Frontegg then holds it.
#[allow(clippy::too_many_arguments)]
async fn settle_tools(
    client: &Client,
    req: &Change<Integration>,
    integration: VendorIntegration,
    known: &mut Integration,
    memory: &mut Memory,
    vendor: &Vendor,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> VendorIntegration {
    let grant = Grant::of(&req.planned.scopes);
    let (Some(granted), Some(tools)) = (grant.scopes(), integration.tools.as_deref()) else {
        return integration;
    };
    let exceeding = tools::exceeding(tools, granted);
    if exceeding.is_empty() {
        return integration;
    }
    let title = &vendor.title;
    let left_to_answer = !req.planned.tools.is_known() && req.config.tools.is_null();
    if !left_to_answer {
        let configured = !req.config.tools.is_null();
        diags.warning_at(
            AttributePath::attr(attr::TOOLS),
            format!("{title} tool needs scopes the OAuth app does not grant"),
            format!(
                "Frontegg reports that {} {} not in `scopes`, although the plan expected \
                 otherwise (Frontegg's catalog and its answer disagree). {}",
                exceeding
                    .iter()
                    .map(|(tool, missing)| format!(
                        "tool `{tool}` needs {}",
                        missing
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                    .collect::<Vec<_>>()
                    .join("; "),
                if exceeding.len() == 1 {
                    "which is"
                } else {
                    "which are"
                },
                if configured {
                    format!(
                        "Grant the scopes to your {} ({}) and add them to `scopes`, or remove \
                         the tool from `tools`.",
                        vendor.oauth_app, vendor.console
                    )
                } else {
                    "The next plan switches the tool off.".to_string()
                }
            ),
        );
        return integration;
    }
    let fitting: BTreeSet<String> = tools
        .iter()
        .map(|t| t.identifier.clone())
        .filter(|t| !exceeding.contains_key(t))
        .collect();
    let patch = PatchVendorIntegration {
        tools: Some(fitting.iter().cloned().collect()),
        ..Default::default()
    };
    match client
        .update_integration(&integration.id, &patch, cancel)
        .await
    {
        Ok(updated) => {
            memory.learn(&updated);
            known.tools = Maybe::some(fitting);
            updated
        }
        Err(e) => {
            client_error(
                diags,
                &format!("Cannot switch off the {title} tools that need more than `scopes`"),
                &e,
            );
            integration
        }
    }
}

/// The state after Frontegg's answer to a create or update: the answer remembered, the tools
/// settled by it, then the agents converged (`known`: what Frontegg does not report).
#[allow(clippy::too_many_arguments)]
async fn after_answer(
    client: &Client,
    req: &Change<Integration>,
    answer: VendorIntegration,
    known: &mut Integration,
    memory: &mut Memory,
    vendor: &Vendor,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> Integration {
    memory.learn(&answer);
    let answer = settle_tools(client, req, answer, known, memory, vendor, cancel, diags).await;
    converge_agents(client, req, answer, known, memory, vendor, cancel, diags).await
}

pub(crate) async fn create(
    ctx: &Context,
    req: &Change<Integration>,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) -> Option<Integration> {
    let client = Api::client(ctx, diags)?;
    let oauth_configurations = oauth_configuration(req, vendor, diags)?;
    let cancel = ctx.cancelled();
    let entry = catalog_entry(&client, vendor, cancel, diags).await?;
    let mut memory = Memory::load(ctx);
    let planned = &req.planned;
    let catalog = ToolCatalog::of(&entry).map(|c| judged(c, &memory, None));
    let tools = tools_to_enable(req, catalog.as_ref());
    let name = match (planned.name.get(), &entry.display_name) {
        (Some(name), _) => name.clone(),
        (None, Some(display_name)) => display_name.clone(),
        // Planned unknown (the provider settings were not known at plan time): the catalog
        // list's name for the app, as a plan would have named it.
        (None, None) => match client.catalog(cancel).await {
            Ok(apps) => apps
                .into_iter()
                .find(|a| a.provider == vendor.app)
                .and_then(|a| a.display_name)
                .unwrap_or_else(|| vendor.title.clone()),
            Err(_) => vendor.title.clone(),
        },
    };
    let body = CreateVendorIntegration {
        name,
        description: planned.description.get().cloned(),
        frontegg_integration_id: entry.id.clone(),
        tools: tools.iter().cloned().collect(),
        is_active: planned.enabled.get().copied().unwrap_or(true),
        oauth_configurations,
    };
    let mut known = planned.clone();
    known.tools = Maybe::some(tools);
    let title = &vendor.title;
    let created = match client.create_integration(&body, cancel).await {
        Ok(created) => created,
        Err(e) => {
            match e.kind() {
                ErrorKind::Conflict { existing_id }
                | ErrorKind::CreatedUnidentified { existing_id } => {
                    conflict_error(diags, vendor, existing_id.as_deref(), &e)
                }
                _ => client_error(diags, &format!("Cannot create the {title} integration"), &e),
            }
            return None;
        }
    };
    log::info!("created {title} integration {}", created.id);
    memory.secret_unsent = false;
    let state = after_answer(
        &client,
        req,
        created,
        &mut known,
        &mut memory,
        vendor,
        cancel,
        diags,
    )
    .await;
    memory.save(ctx);
    answer_notes(&client, diags);
    Some(state)
}

pub(crate) async fn update(
    ctx: &Context,
    req: &Change<Integration>,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) -> Option<Integration> {
    let prior = req.prior.clone().unwrap_or_default();
    let planned = &req.planned;
    let title = &vendor.title;
    let Some(client) = Api::client(ctx, diags) else {
        return Some(prior);
    };
    let Some(id) = prior.id.get().cloned() else {
        diags.error(
            format!("{title} integration without id"),
            "The state holds no `id`.",
        );
        return Some(prior);
    };
    let cancel = ctx.cancelled();
    let mut memory = Memory::load(ctx);
    let mut known = planned.clone();

    let mut patch = PatchVendorIntegration::default();
    if prior.name != planned.name {
        patch.name = planned.name.get().cloned();
    }
    if prior.description != planned.description {
        patch.description = Some(planned.description.get().cloned());
    }
    if prior.enabled != planned.enabled {
        patch.is_active = planned.enabled.get().copied();
    }
    if prior.tools != planned.tools {
        let catalog = if planned.tools.is_known() {
            None
        } else {
            let entry = catalog_entry(&client, vendor, cancel, diags).await;
            match entry {
                Some(entry) => {
                    ToolCatalog::of(&entry).map(|c| judged(c, &memory, req.prior.as_ref()))
                }
                None => return Some(prior),
            }
        };
        let tools = tools_to_enable(req, catalog.as_ref());
        patch.tools = Some(tools.iter().cloned().collect());
        known.tools = Maybe::some(tools);
    }
    let credentials_changed = prior.client_id != planned.client_id
        || prior.client_secret != planned.client_secret
        || prior.client_secret_wo_version != planned.client_secret_wo_version;
    if credentials_changed || prior.client_id.is_null() {
        let Some(oauth_configurations) = oauth_configuration(req, vendor, diags) else {
            return Some(prior);
        };
        patch.oauth_configurations = Some(oauth_configurations);
    }
    let sends_secret = patch.oauth_configurations.is_some();

    let current = if patch.is_empty() {
        client.get_integration(&id, cancel).await
    } else {
        client
            .update_integration(&id, &patch, cancel)
            .await
            .map(Some)
    };
    let state = match current {
        Ok(Some(current)) => {
            if sends_secret {
                memory.secret_unsent = false;
            }
            Some(
                after_answer(
                    &client,
                    req,
                    current,
                    &mut known,
                    &mut memory,
                    vendor,
                    cancel,
                    diags,
                )
                .await,
            )
        }
        Ok(None) => {
            diags.error(
                format!("{title} integration is gone"),
                format!(
                    "Integration {id} no longer exists in Frontegg. Run terraform apply again \
                     to create it."
                ),
            );
            None
        }
        Err(e) => {
            client_error(diags, &format!("Cannot update the {title} integration"), &e);
            // Return what Frontegg holds, so that the next plan shows what is left to do.
            match client.get_integration(&id, cancel).await {
                Ok(Some(current)) => {
                    memory.learn(&current);
                    Some(state_from(&current, &prior, vendor, diags))
                }
                _ => Some(prior),
            }
        }
    };
    memory.save(ctx);
    answer_notes(&client, diags);
    state
}

pub(crate) async fn delete(
    ctx: &Context,
    prior: &Integration,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) {
    let Some(client) = Api::client(ctx, diags) else {
        return;
    };
    let Some(id) = prior.id.get() else {
        return;
    };
    if let Err(e) = client.delete_integration(id, ctx.cancelled()).await {
        client_error(
            diags,
            &format!("Cannot delete the {} integration", vendor.title),
            &e,
        );
    }
}
