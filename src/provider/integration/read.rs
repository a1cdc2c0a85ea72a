//! Read, find and import: what Frontegg holds of the vendor's integration. Never changes it.

use frontegg_client::{Client, VendorIntegration};
use tfplugin::Context;
use tfplugin::diag::Diagnostics;
use tfvalue::Value;
use tokio_util::sync::CancellationToken;

use super::super::provider_data::Api;
use super::advice::{answer_notes, client_error};
use super::memory::Memory;
use super::model::{Integration, attr};
use super::state::state_from;
use super::validate::is_uuid;
use super::vendor::Vendor;

/// The environment's integration of the vendor's app, found via the catalog.
pub(crate) async fn find(
    client: &Client,
    vendor: &Vendor,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> Option<Option<VendorIntegration>> {
    let catalog_id = match client.catalog_id(&vendor.app, cancel).await {
        Ok(id) => id,
        Err(e) => {
            client_error(
                diags,
                &format!("Cannot look up {} in Frontegg's catalog", vendor.title),
                &e,
            );
            return None;
        }
    };
    let found = client
        .find_integration_by_catalog_id(&catalog_id, cancel)
        .await;
    answer_notes(client, diags);
    match found {
        Ok(found) => Some(found),
        Err(e) => {
            client_error(diags, "Cannot list Frontegg integrations", &e);
            None
        }
    }
}

pub(crate) async fn read(
    ctx: &Context,
    state: &Integration,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) -> Option<Integration> {
    let title = &vendor.title;
    if Api::is_deferred(ctx) {
        diags.warning(
            format!("{title} integration not refreshed"),
            "The provider settings are not known until apply, so the integration was not \
             read from Frontegg; the plan uses the last known state.",
        );
        return Some(state.clone());
    }
    let Some(client) = Api::client(ctx, diags) else {
        return Some(state.clone());
    };
    let id = state.id.get()?;
    let found = client.get_integration(id, ctx.cancelled()).await;
    answer_notes(&client, diags);
    match found {
        Ok(Some(integration)) => {
            let mut memory = Memory::load(ctx);
            memory.learn(&integration);
            memory.save(ctx);
            Some(state_from(&integration, state, vendor, diags))
        }
        Ok(None) => {
            log::info!("{title} integration {id} is gone; removing it from state");
            None
        }
        Err(e) => {
            client_error(diags, &format!("Cannot read the {title} integration"), &e);
            Some(state.clone())
        }
    }
}

/// Imports the vendor's integration: by its id (a UUID), or by the app's name (`confluence`).
/// The private state remembers its tools' scopes, and that its client secret was not sent by
/// this configuration.
pub(crate) async fn import(
    ctx: &Context,
    client: &Client,
    id: &str,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) -> Option<Integration> {
    let cancel = ctx.cancelled();
    let title = &vendor.title;
    let app = &vendor.app;
    let found = find(client, vendor, cancel, diags).await?;
    let integration = if id.eq_ignore_ascii_case(app) {
        match found {
            Some(found) => found,
            None => {
                diags.error(
                    format!("No {title} integration to import"),
                    format!(
                        "This Frontegg environment has no {title} integration. Create one \
                         with this resource instead of importing it."
                    ),
                );
                return None;
            }
        }
    } else if !is_uuid(id) {
        diags.error(
            "Invalid import id",
            format!(
                "{id:?} is neither an integration id (a UUID) nor `{app}` (the environment's \
                 {title} integration)."
            ),
        );
        return None;
    } else {
        match found {
            Some(found) if found.id.eq_ignore_ascii_case(id) => found,
            Some(found) => {
                diags.error(
                    format!("Not the {title} integration"),
                    format!(
                        "Integration {id} is not this environment's {title} integration \
                         (that is {}).",
                        found.id
                    ),
                );
                return None;
            }
            None => {
                diags.error(
                    format!("{title} integration not found"),
                    format!("This Frontegg environment has no {title} integration with id {id}."),
                );
                return None;
            }
        }
    };
    let mut memory = Memory {
        secret_unsent: true,
        ..Memory::default()
    };
    memory.learn(&integration);
    memory.save(ctx);
    Some(state_from(
        &integration,
        &Integration::default(),
        vendor,
        diags,
    ))
}

/// The identity of a state: its `id`.
pub(crate) fn identity(state: &Integration) -> Option<Value> {
    let id = state.id.get()?;
    Some(Value::object([(attr::ID, Value::string(id))]))
}

/// The import id of an identity.
pub(crate) fn import_id_from_identity(identity: &Value) -> Option<String> {
    identity.attr(attr::ID).as_str().map(str::to_string)
}
