//! `frontegg_mcp_integration`: the integration of any app of Frontegg's catalog (`app =
//! "slack"`) with the MCP gateway — the user's OAuth app credentials, the tools the gateway
//! offers agents, and the agents that may use them.
//!
//! Everything but the choice of app is shared with the Confluence resource
//! ([`super::integration`]). `scopes` is optional here: unset, every catalog tool may be
//! enabled; set, it is what the user's OAuth app grants and bounds `tools`. Scope spelling is
//! checked only for Confluence, whose scope catalogue the provider knows.

use std::collections::BTreeSet;

use async_trait::async_trait;
use frontegg_client::{CatalogEntry, Client};
use serde::{Deserialize, Serialize};
use tfplugin::Context;
use tfplugin::diag::Diagnostics;
use tfplugin::model::{Change, Maybe, MoveSource, Number, Plan, TypedResource, Unknowable};
use tfplugin::schema::{Attribute, Block, Schema};
use tfvalue::{AttributePath, Type, Value};
use tokio_util::sync::CancellationToken;

use super::confluence_integration;
use super::integration::{self, Integration, Vendor, is_uuid};
use super::tools::{ToolCatalog, ToolScopes};
use super::{Api, scopes};

pub(crate) const TYPE_NAME: &str = "frontegg_mcp_integration";

/// The `frontegg_mcp_integration` resource.
pub struct McpIntegration;

/// The model: the app, and the attributes every integration has.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct McpIntegrationModel {
    pub app: Unknowable<String>,
    pub id: Maybe<String>,
    pub name: Maybe<String>,
    pub description: Maybe<String>,
    pub client_id: Maybe<String>,
    pub client_secret: Maybe<String>,
    pub client_secret_wo: Maybe<String>,
    pub client_secret_wo_version: Maybe<Number>,
    pub scopes: Maybe<BTreeSet<String>>,
    pub tools: Maybe<BTreeSet<String>>,
    pub requested_scopes: Maybe<BTreeSet<String>>,
    pub tool_scopes: Maybe<ToolScopes>,
    pub agent_ids: Maybe<BTreeSet<String>>,
    pub enabled: Maybe<bool>,
    pub frontegg_integration_id: Maybe<String>,
}

impl McpIntegrationModel {
    /// The app and the shared attributes.
    pub(crate) fn split(self) -> (Unknowable<String>, Integration) {
        let McpIntegrationModel {
            app,
            id,
            name,
            description,
            client_id,
            client_secret,
            client_secret_wo,
            client_secret_wo_version,
            scopes,
            tools,
            requested_scopes,
            tool_scopes,
            agent_ids,
            enabled,
            frontegg_integration_id,
        } = self;
        let integration = Integration {
            id,
            name,
            description,
            client_id,
            client_secret,
            client_secret_wo,
            client_secret_wo_version,
            scopes,
            tools,
            requested_scopes,
            tool_scopes,
            agent_ids,
            enabled,
            frontegg_integration_id,
        };
        (app, integration)
    }

    /// The model of `app`'s integration.
    pub(crate) fn join(app: Unknowable<String>, integration: Integration) -> McpIntegrationModel {
        let Integration {
            id,
            name,
            description,
            client_id,
            client_secret,
            client_secret_wo,
            client_secret_wo_version,
            scopes,
            tools,
            requested_scopes,
            tool_scopes,
            agent_ids,
            enabled,
            frontegg_integration_id,
        } = integration;
        McpIntegrationModel {
            app,
            id,
            name,
            description,
            client_id,
            client_secret,
            client_secret_wo,
            client_secret_wo_version,
            scopes,
            tools,
            requested_scopes,
            tool_scopes,
            agent_ids,
            enabled,
            frontegg_integration_id,
        }
    }

    fn vendor(&self) -> Vendor {
        Vendor::for_app(self.app.known().map_or("", String::as_str), None)
    }

    fn integration(&self) -> Integration {
        self.clone().split().1
    }
}

/// The shared form of a change, and its app's vendor.
fn shared(req: &Change<McpIntegrationModel>) -> (Vendor, Change<Integration>) {
    (
        req.planned.vendor(),
        Change {
            prior: req.prior.as_ref().map(McpIntegrationModel::integration),
            planned: req.planned.integration(),
            config: req.config.integration(),
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
            AttributePath::attr("app"),
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
    type Model = McpIntegrationModel;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(vec![
                Attribute::new("app", Type::String)
                    .required()
                    .requires_replace()
                    .description(
                        "The app, as Frontegg's integration catalog names it (its `provider`: \
                         `slack`, `github`, `jira`, `confluence`, ...; the \
                         `frontegg_integration_catalog` data source lists them). Changing it \
                         replaces the integration.",
                    ),
                Attribute::new("id", Type::String)
                    .computed()
                    .use_state_for_unknown()
                    .description("The integration's id (a UUID) in Frontegg."),
                Attribute::new("name", Type::String)
                    .optional()
                    .computed()
                    .description(
                        "Display name of the integration. Defaults to the app's name in \
                         Frontegg's catalog (`Slack`), or the app itself when the catalog \
                         gives none.",
                    ),
                Attribute::new("description", Type::String)
                    .optional()
                    .description("Description of the integration, as Frontegg stores it."),
                Attribute::new("client_id", Type::String)
                    .required()
                    .description(
                        "Client id of your OAuth app at the vendor (not its app id). The \
                     integration always uses this app: one that Frontegg holds on its own \
                     shared app (`useFronteggIntegration`) shows `client_id` as a change in \
                     the plan, and apply switches it to this app.",
                    ),
                Attribute::new("client_secret", Type::String)
                    .optional()
                    .sensitive()
                    .description(
                        "Secret of your OAuth app. Stored in the state (marked sensitive) and \
                         never read back from Frontegg: a change sends the new secret. \
                         Exactly one of `client_secret` and `client_secret_wo` is required.",
                    ),
                Attribute::new("client_secret_wo", Type::String)
                    .optional()
                    .sensitive()
                    .write_only()
                    .write_only_alternative("client_secret")
                    .description(
                        "Secret of your OAuth app, write-only: never stored in the plan or the \
                         state. Needs Terraform 1.11 or later (use `client_secret` before \
                         that). Sent on create and whenever `client_secret_wo_version` \
                         changes. Exactly one of `client_secret` and `client_secret_wo` is \
                         required.",
                    ),
                Attribute::new("client_secret_wo_version", Type::Number)
                    .optional()
                    .description(
                        "Any number; change it to send `client_secret_wo` again (after rotating \
                         the secret). Terraform cannot see changes of a write-only value itself.",
                    ),
                Attribute::new("scopes", Type::set(Type::String))
                    .optional()
                    .description(
                        "The OAuth scopes your OAuth app grants, in the vendor's notation \
                         (Slack `chat:write`, GitHub `repo`, ...). Frontegg does not store it: \
                         when set, every enabled tool must need only these scopes, and the \
                         default `tools` are the catalog tools that fit inside them. Unset, \
                         every catalog tool may be enabled. Spelling is checked only for \
                         `confluence`, whose scopes the provider knows.",
                    ),
                Attribute::new("tools", Type::set(Type::String))
                    .optional()
                    .computed()
                    .description(
                        "Identifiers of the tools the MCP gateway offers agents, as Frontegg's \
                         tool catalog names them. When unset, every tool of the app's catalog \
                         (inside `scopes` when set); when set, exactly these tools, each of \
                         which must be offered by the catalog (and fit inside `scopes` when \
                         set).",
                    ),
                Attribute::new("requested_scopes", Type::set(Type::String))
                    .computed()
                    .description(
                        "The OAuth scopes the MCP gateway requests from the vendor when a user \
                         connects: the union of the scopes the enabled tools need, as Frontegg \
                         reports them.",
                    ),
                Attribute::new("tool_scopes", Type::map(Type::set(Type::String)))
                    .computed()
                    .description(confluence_integration::TOOL_SCOPES_DESCRIPTION),
                Attribute::new("agent_ids", Type::set(Type::String))
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .description(format!(
                        "{} When set, exactly these agents are assigned (the others are \
                         unassigned); when unset, assignments are left as they are and only \
                         reported.",
                        confluence_integration::AGENT_IDS_DESCRIPTION
                    )),
                Attribute::new("enabled", Type::Bool)
                    .optional()
                    .computed()
                    .default(Value::Bool(true))
                    .description(
                        "Whether the integration is active (`isActive`). Defaults to `true`.",
                    ),
                Attribute::new("frontegg_integration_id", Type::String)
                    .computed()
                    .use_state_for_unknown()
                    .description(
                        "Id of the app in Frontegg's integration catalog \
                         (`fronteggIntegrationId`).",
                    ),
            ])
            .description(
                "The integration of one app of Frontegg's catalog (Slack, GitHub, Jira, \
                 Confluence, ...) with Frontegg's MCP gateway: your OAuth app's credentials, \
                 the tools the gateway offers agents, and the agents that may use them.",
            ),
        )
    }

    fn identity_schema(&self) -> Option<Schema> {
        Some(Schema::new(
            0,
            Block::new(vec![
                Attribute::new("id", Type::String)
                    .required()
                    .description("The integration's id (a UUID) in Frontegg."),
            ]),
        ))
    }

    fn validate(&self, _ctx: &Context, config: &McpIntegrationModel, diags: &mut Diagnostics) {
        if let Some(app) = config.app.known()
            && app.trim().is_empty()
        {
            diags.error_at(
                AttributePath::attr("app"),
                "Empty app",
                "`app` must name an app of Frontegg's integration catalog (`slack`, ...).",
            );
        }
        integration::validate(&config.integration(), &config.vendor(), diags);
        if config.app.known().map(String::as_str) == Some(confluence_integration::CATALOG_PROVIDER)
            && let Some(granted) = config.scopes.get()
        {
            let known: Vec<&str> = granted.iter().map(String::as_str).collect();
            confluence_integration::check_scopes(&known, false, scopes::Unset::Unbounded, diags);
        }
    }

    async fn modify_plan(
        &self,
        ctx: &Context,
        req: &Plan<McpIntegrationModel>,
        planned: &mut McpIntegrationModel,
        diags: &mut Diagnostics,
    ) {
        let shared = Plan {
            prior: req.prior.as_ref().map(McpIntegrationModel::integration),
            config: req.config.integration(),
            proposed: req.proposed.integration(),
        };
        let (app, mut integration) = planned.clone().split();
        let mut vendor = planned.vendor();
        let mut catalog = None;
        if let Some(app) = app.known()
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
                .and_then(|p| p.frontegg_integration_id.get().cloned());
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
            integration::answer_notes(&client, diags);
            let mut catalog_name = None;
            match entry {
                Ok(entry) => {
                    vendor = Vendor::for_app(app, entry.display_name.as_deref());
                    catalog_name = entry.display_name.clone();
                    catalog = ToolCatalog::of(&entry);
                }
                Err(e) => {
                    let tolerated =
                        integration::catalog_unreachable(&shared, &integration, &vendor, &e, diags);
                    if tolerated.is_none() {
                        return;
                    }
                }
            }
            if req.config.name.is_null() {
                // The catalog's name for the app; while the catalog does not say, the name
                // the integration has (else the app's).
                let known_name = req.prior.as_ref().and_then(|p| p.name.get().cloned());
                integration.name = Maybe::some(
                    catalog_name
                        .or(known_name)
                        .unwrap_or_else(|| vendor.title.clone()),
                );
            }
        }
        integration::plan_tools(ctx, &shared, catalog, &mut integration, &vendor, diags);
        *planned = McpIntegrationModel::join(app, integration);
    }

    async fn create(
        &self,
        ctx: &Context,
        req: &Change<McpIntegrationModel>,
        diags: &mut Diagnostics,
    ) -> Option<McpIntegrationModel> {
        let (vendor, change) = shared(req);
        let state = integration::create(ctx, &change, &vendor, diags).await?;
        Some(McpIntegrationModel::join(req.planned.app.clone(), state))
    }

    async fn read(
        &self,
        ctx: &Context,
        state: &McpIntegrationModel,
        diags: &mut Diagnostics,
    ) -> Option<McpIntegrationModel> {
        let current = integration::read(ctx, &state.integration(), &state.vendor(), diags).await?;
        Some(McpIntegrationModel::join(state.app.clone(), current))
    }

    async fn update(
        &self,
        ctx: &Context,
        req: &Change<McpIntegrationModel>,
        diags: &mut Diagnostics,
    ) -> Option<McpIntegrationModel> {
        let (vendor, change) = shared(req);
        let state = integration::update(ctx, &change, &vendor, diags).await?;
        Some(McpIntegrationModel::join(req.planned.app.clone(), state))
    }

    async fn delete(&self, ctx: &Context, prior: &McpIntegrationModel, diags: &mut Diagnostics) {
        integration::delete(ctx, &prior.integration(), &prior.vendor(), diags).await;
    }

    /// By the integration's id, or by the app's name (`slack`).
    async fn import(
        &self,
        ctx: &Context,
        id: &str,
        diags: &mut Diagnostics,
    ) -> Option<McpIntegrationModel> {
        let client = Api::client(ctx, diags)?;
        let cancel = ctx.cancelled();
        let id = id.trim();
        let app = if is_uuid(id) {
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
        let vendor = Vendor::for_app(&app.provider, None);
        let state = integration::import(ctx, &client, id, &vendor, diags).await?;
        Some(McpIntegrationModel::join(
            Unknowable::Known(app.provider),
            state,
        ))
    }

    fn identity(&self, state: &McpIntegrationModel) -> Option<Value> {
        integration::identity(&state.integration())
    }

    fn import_id_from_identity(&self, identity: &Value) -> Option<String> {
        integration::import_id_from_identity(identity)
    }

    /// Takes a `frontegg_confluence_integration` with its grant as it is: `scopes` (the 13
    /// scopes of the setup guide when it had left them unset) is kept, so that the move never
    /// widens what the gateway may do; the configuration states the same grant.
    async fn move_state(
        &self,
        _ctx: &Context,
        source: &MoveSource,
        diags: &mut Diagnostics,
    ) -> Option<McpIntegrationModel> {
        let moved = source
            .state
            .as_ref()
            .filter(|_| source.type_name == confluence_integration::TYPE_NAME)
            .and_then(|state| tfplugin::model::from_value::<Integration>(state).ok());
        let Some(state) = moved else {
            source.not_accepted(TYPE_NAME, diags);
            return None;
        };
        Some(McpIntegrationModel::join(
            Unknowable::Known(confluence_integration::CATALOG_PROVIDER.to_string()),
            state,
        ))
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

    #[test]
    fn split_and_join_keep_every_attribute() {
        let model = McpIntegrationModel {
            app: Unknowable::Known("slack".into()),
            id: Maybe::some("i".into()),
            tools: Unknowable::Unknown,
            ..Default::default()
        };
        let (app, integration) = model.clone().split();
        assert!(McpIntegrationModel::join(app, integration) == model);
    }
}
