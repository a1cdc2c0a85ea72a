//! `frontegg_mcp_integration`: the integration of any app of Frontegg's catalog (`app =
//! "slack"`) with the MCP gateway — the user's OAuth app credentials, the tools the gateway
//! offers agents, and the agents that may use them.
//!
//! Everything but the choice of app is shared with the Confluence resource
//! ([`super::integration`]). `scopes` is optional here: unset, every catalog tool may be
//! enabled; set, it is what the user's OAuth app grants and bounds `tools`. Scope spelling is
//! checked only for Confluence, whose scope catalogue the provider knows.

use async_trait::async_trait;
use frontegg_client::{CatalogEntry, Client};
use tfplugin::Context;
use tfplugin::diag::Diagnostics;
use tfplugin::model::{Change, Maybe, MoveSource, Plan, TypedResource, Unknowable};
use tfplugin::schema::{Attribute, Schema};
use tfvalue::{AttributePath, Type, Value};
use tokio_util::sync::CancellationToken;

use super::confluence_integration::{self, Confluence};
use super::integration::model::{AppIntegration, Integration, attr};
use super::integration::resource::App;
use super::integration::schema::{self, Wording};
use super::integration::tools::ToolCatalog;
use super::integration::vendor::Vendor;
use super::integration::{apply, catalog, plan, read, validate};
use super::provider_data::Api;
use super::scopes;
use super::type_names::{CONFLUENCE_INTEGRATION, MCP_INTEGRATION};

/// The `frontegg_mcp_integration` resource.
pub struct McpIntegration;

/// The vendor of a model's app.
fn vendor(model: &AppIntegration) -> Vendor {
    Vendor::for_app(
        model.app.known().map_or("", String::as_str),
        None,
        MCP_INTEGRATION,
    )
}

/// The shared form of a change, and its app's vendor.
fn shared(req: &Change<AppIntegration>) -> (Vendor, Change<Integration>) {
    (
        vendor(&req.planned),
        Change {
            prior: req.prior.as_ref().map(|p| p.integration.clone()),
            planned: req.planned.integration.clone(),
            config: req.config.integration.clone(),
        },
    )
}

/// The catalog's entry of `app`, or an error at `app` listing the catalog's apps.
async fn catalog_app(
    client: &Client,
    app: &str,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> Option<CatalogEntry> {
    let entries = match client.catalog(cancel).await {
        Ok(entries) => entries,
        Err(e) => {
            diags.error("Cannot read Frontegg's integration catalog", e.to_string());
            return None;
        }
    };
    let found = entries.iter().find(|e| e.provider == app).cloned();
    if found.is_none() {
        let mut apps: Vec<&str> = entries.iter().map(|e| e.provider.as_str()).collect();
        apps.sort_unstable();
        diags.error_at(
            AttributePath::attr(attr::APP),
            "Unknown app",
            format!(
                "Frontegg's integration catalog in this environment has no app {app:?}. Its \
                 apps: {}.",
                apps.iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    found
}

#[async_trait]
impl TypedResource for McpIntegration {
    type Model = AppIntegration;

    fn type_name(&self) -> &'static str {
        MCP_INTEGRATION
    }

    fn schema(&self) -> Schema {
        let app = Attribute::new(attr::APP, Type::String)
            .required()
            .requires_replace()
            .description(
                "The app, as Frontegg's integration catalog names it (its `provider`: `slack`, \
                 `github`, `jira`, `confluence`, ...; the `frontegg_integration_catalog` data \
                 source lists them). Changing it replaces the integration.",
            );
        schema::resource_schema(
            Wording {
                version: 0,
                description: "The integration of one app of Frontegg's catalog (Slack, GitHub, \
                     Jira, Confluence, ...) with Frontegg's MCP gateway: your OAuth app's \
                     credentials, the tools the gateway offers agents, and the agents that may \
                     use them.",
                secret_of: "your OAuth app",
                client_id: "Client id of your OAuth app at the vendor (not its app id). The \
                     integration always uses this app: one that Frontegg holds on its own shared \
                     app (`useFronteggIntegration`) shows `client_id` as a change in the plan, \
                     and apply switches it to this app.",
                requested_from: "from the vendor when a user connects",
                catalog_app: "the app",
                name: Attribute::new(attr::NAME, Type::String)
                    .optional()
                    .computed()
                    .description(
                        "Display name of the integration. Defaults to the app's name in \
                         Frontegg's catalog (`Slack`), or the app itself when the catalog gives \
                         none.",
                    ),
                scopes: Attribute::new(attr::SCOPES, Type::set(Type::String))
                    .optional()
                    .description(
                        "The OAuth scopes your OAuth app grants, in the vendor's notation (Slack \
                         `chat:write`, GitHub `repo`, ...). Frontegg does not store it: when \
                         set, every enabled tool must need only these scopes, and the default \
                         `tools` are the catalog tools that fit inside them. Unset, every \
                         catalog tool may be enabled. Spelling is checked only for \
                         `confluence`, whose scopes the provider knows.",
                    ),
                tools: "Identifiers of the tools the MCP gateway offers agents, as Frontegg's \
                     tool catalog names them. When unset, every tool of the app's catalog \
                     (inside `scopes` when set); when set, exactly these tools, each of which \
                     must be offered by the catalog (and fit inside `scopes` when set)."
                    .to_string(),
            },
            vec![app],
        )
    }

    fn identity_schema(&self) -> Option<Schema> {
        Some(schema::identity_schema())
    }

    fn validate(&self, _ctx: &Context, config: &AppIntegration, diags: &mut Diagnostics) {
        if let Some(app) = config.app.known()
            && app.trim().is_empty()
        {
            diags.error_at(
                AttributePath::attr(attr::APP),
                "Empty app",
                "`app` must name an app of Frontegg's integration catalog (`slack`, ...).",
            );
        }
        validate::validate(&config.integration, &vendor(config), diags);
        if config.app.known().map(String::as_str) == Some(Confluence::APP)
            && let Some(granted) = config.integration.scopes.get()
        {
            let known: Vec<&str> = granted.iter().map(String::as_str).collect();
            confluence_integration::check_scopes(&known, false, scopes::Unset::Unbounded, diags);
        }
    }

    async fn modify_plan(
        &self,
        ctx: &Context,
        req: &Plan<AppIntegration>,
        planned: &mut AppIntegration,
        diags: &mut Diagnostics,
    ) {
        let shared = Plan {
            prior: req.prior.as_ref().map(|p| p.integration.clone()),
            config: req.config.integration.clone(),
            proposed: req.proposed.integration.clone(),
        };
        let mut vendor = vendor(planned);
        let mut catalog = None;
        if let Some(app) = planned.app.known()
            && !Api::is_deferred(ctx)
        {
            let Some(client) = Api::client(ctx, diags) else {
                return;
            };
            let cancel = ctx.cancelled();
            // The resource's own catalog entry, by the id in its state (one request); on
            // create, the catalog first, which also proves that the app exists.
            let known_id = req
                .prior
                .as_ref()
                .filter(|p| p.app.known() == Some(app))
                .and_then(|p| p.integration.frontegg_integration_id.get().cloned());
            let entry = match known_id {
                Some(id) => client.catalog_integration_by_id(&id, cancel).await,
                None => {
                    let Some(lean) = catalog_app(&client, app, cancel, diags).await else {
                        return;
                    };
                    client
                        .catalog_integration_by_id(&lean.id, cancel)
                        .await
                        .map(|mut entry| {
                            entry.display_name = entry.display_name.or(lean.display_name);
                            entry
                        })
                }
            };
            let integration = &planned.integration;
            let Some(entry) =
                catalog::entry_for_plan(&client, &shared, integration, &vendor, entry, diags)
            else {
                return;
            };
            let catalog_name = entry.as_ref().and_then(|e| e.display_name.clone());
            if let Some(entry) = &entry {
                vendor = Vendor::for_app(app, entry.display_name.as_deref(), MCP_INTEGRATION);
                catalog = ToolCatalog::of(entry);
            }
            if req.config.integration.name.is_null() {
                // The catalog's name for the app; while the catalog does not say, the name
                // the integration has (else the app's).
                let known_name = req
                    .prior
                    .as_ref()
                    .and_then(|p| p.integration.name.get().cloned());
                planned.integration.name = Maybe::some(
                    catalog_name
                        .or(known_name)
                        .unwrap_or_else(|| vendor.title.clone()),
                );
            }
        }
        plan::plan_tools(
            ctx,
            &shared,
            catalog,
            &mut planned.integration,
            &vendor,
            diags,
        );
    }

    async fn create(
        &self,
        ctx: &Context,
        req: &Change<AppIntegration>,
        diags: &mut Diagnostics,
    ) -> Option<AppIntegration> {
        let (vendor, change) = shared(req);
        let integration = apply::create(ctx, &change, &vendor, diags).await?;
        Some(AppIntegration {
            app: req.planned.app.clone(),
            integration,
        })
    }

    async fn read(
        &self,
        ctx: &Context,
        state: &AppIntegration,
        diags: &mut Diagnostics,
    ) -> Option<AppIntegration> {
        let integration = read::read(ctx, &state.integration, &vendor(state), diags).await?;
        Some(AppIntegration {
            app: state.app.clone(),
            integration,
        })
    }

    async fn update(
        &self,
        ctx: &Context,
        req: &Change<AppIntegration>,
        diags: &mut Diagnostics,
    ) -> Option<AppIntegration> {
        let (vendor, change) = shared(req);
        let integration = apply::update(ctx, &change, &vendor, diags).await?;
        Some(AppIntegration {
            app: req.planned.app.clone(),
            integration,
        })
    }

    async fn delete(&self, ctx: &Context, prior: &AppIntegration, diags: &mut Diagnostics) {
        apply::delete(ctx, &prior.integration, &vendor(prior), diags).await;
    }

    /// By the integration's id, or by the app's name (`slack`).
    async fn import(
        &self,
        ctx: &Context,
        id: &str,
        diags: &mut Diagnostics,
    ) -> Option<AppIntegration> {
        let client = Api::client(ctx, diags)?;
        let cancel = ctx.cancelled();
        let id = id.trim();
        let app = if validate::is_uuid(id) {
            let integrations = match client.list_integrations(cancel).await {
                Ok(integrations) => integrations,
                Err(e) => {
                    diags.error("Cannot list Frontegg integrations", e.to_string());
                    return None;
                }
            };
            let Some(found) = integrations.iter().find(|i| i.id.eq_ignore_ascii_case(id)) else {
                diags.error(
                    "Integration not found",
                    format!("This Frontegg environment has no integration with id {id}."),
                );
                return None;
            };
            let catalog = match client.catalog(cancel).await {
                Ok(catalog) => catalog,
                Err(e) => {
                    diags.error("Cannot read Frontegg's integration catalog", e.to_string());
                    return None;
                }
            };
            let catalog_id = found.frontegg_integration_id.as_deref();
            let Some(entry) = catalog
                .into_iter()
                .find(|e| Some(e.id.as_str()) == catalog_id)
            else {
                diags.error(
                    "Integration of an unknown app",
                    format!(
                        "Integration {id} belongs to no app of Frontegg's integration catalog \
                         (its `fronteggIntegrationId` is {}).",
                        catalog_id.unwrap_or("not reported")
                    ),
                );
                return None;
            };
            entry
        } else {
            catalog_app(&client, id, cancel, diags).await?
        };
        let vendor = Vendor::for_app(&app.provider, None, MCP_INTEGRATION);
        let integration = read::import(ctx, &client, id, &vendor, diags).await?;
        Some(AppIntegration {
            app: Unknowable::Known(app.provider),
            integration,
        })
    }

    fn identity(&self, state: &AppIntegration) -> Option<Value> {
        read::identity(&state.integration)
    }

    fn import_id_from_identity(&self, identity: &Value) -> Option<String> {
        read::import_id_from_identity(identity)
    }

    /// Takes a `frontegg_confluence_integration` with its grant as it is: `scopes` (the 13
    /// scopes of the setup guide when it had left them unset) is kept, so that the move never
    /// widens what the gateway may do; the configuration states the same grant.
    async fn move_state(
        &self,
        _ctx: &Context,
        source: &MoveSource,
        diags: &mut Diagnostics,
    ) -> Option<AppIntegration> {
        let moved = source
            .state
            .as_ref()
            .filter(|_| source.type_name == CONFLUENCE_INTEGRATION)
            .and_then(|state| tfplugin::model::from_value::<Integration>(state).ok());
        let Some(integration) = moved else {
            source.not_accepted(MCP_INTEGRATION, diags);
            return None;
        };
        Some(AppIntegration {
            app: Unknowable::Known(Confluence::APP.to_string()),
            integration,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::Resource;
    use tfplugin::model::Typed;

    #[test]
    fn the_model_fits_the_schema() {
        assert_eq!(Typed(McpIntegration).check_model(), Ok(()));
    }
}
