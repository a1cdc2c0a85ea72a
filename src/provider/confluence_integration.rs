//! `frontegg_confluence_integration`: the Confluence integration of Frontegg's MCP gateway —
//! the Atlassian OAuth 2.0 (3LO) app's credentials and scopes, the Confluence tools the gateway
//! offers, and the agents that may use them.
//!
//! The resource is its schema plus CRUD on [`Integration`], the model every integration
//! resource shares; the logic lives in [`super::integration`], parameterised by the
//! [`Vendor`]. What is Confluence's own: the default `scopes` (the 13 of Frontegg's setup
//! guide) and their spelling, checked against the embedded Confluence scope catalogue.

use async_trait::async_trait;
use tfplugin::Context;
use tfplugin::diag::Diagnostics;
use tfplugin::model::{Change, MoveSource, Plan, TypedResource};
use tfplugin::schema::{Attribute, Block, Schema};
use tfvalue::{AttributePath, Type, Value};

use super::integration::{self, Integration, Vendor};
use super::mcp_integration::{self, McpIntegrationModel};
use super::tools::ToolCatalog;
use super::{Api, scopes};

pub(crate) const TYPE_NAME: &str = "frontegg_confluence_integration";
/// The catalog `provider` of Confluence (resolves to the `fronteggIntegrationId`).
pub(crate) const CATALOG_PROVIDER: &str = "confluence";
const DEFAULT_NAME: &str = "Confluence";

const ID: &str = "id";
const NAME: &str = "name";
const DESCRIPTION: &str = "description";
const CLIENT_ID: &str = "client_id";
const CLIENT_SECRET: &str = "client_secret";
const CLIENT_SECRET_WO: &str = "client_secret_wo";
const CLIENT_SECRET_WO_VERSION: &str = "client_secret_wo_version";
const SCOPES: &str = "scopes";
const TOOLS: &str = "tools";
const REQUESTED_SCOPES: &str = "requested_scopes";
const TOOL_SCOPES: &str = "tool_scopes";
const AGENT_IDS: &str = "agent_ids";
const ENABLED: &str = "enabled";
const FRONTEGG_INTEGRATION_ID: &str = "frontegg_integration_id";

/// The `frontegg_confluence_integration` resource.
pub struct ConfluenceIntegration;

/// The 13 recommended scopes: the `scopes` default.
pub(crate) fn recommended_scopes() -> std::collections::BTreeSet<String> {
    scopes::recommended()
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// The `scopes` default as a value.
pub(crate) fn default_scopes() -> Value {
    Value::set(scopes::recommended().into_iter().map(Value::string))
}

/// Confluence, as the shared logic names it.
pub(crate) fn vendor() -> Vendor {
    Vendor {
        type_name: TYPE_NAME,
        default_grant: Some(recommended_scopes()),
        ..Vendor::for_app(CATALOG_PROVIDER, Some(DEFAULT_NAME))
    }
}

/// Description of `frontegg_integration_id` (shared with the data source).
pub(crate) const FRONTEGG_INTEGRATION_ID_DESCRIPTION: &str =
    "Id of Confluence in Frontegg's integration catalog (`fronteggIntegrationId`).";
/// Descriptions shared with the data source.
pub(crate) const TOOLS_DESCRIPTION: &str = "Identifiers of the Confluence tools the MCP gateway \
     offers agents, as Frontegg's tool catalog names them (the `frontegg_integration_catalog` \
     data source lists them).";
pub(crate) const REQUESTED_SCOPES_DESCRIPTION: &str = "The OAuth scopes the MCP gateway requests \
     from Atlassian when a user connects Confluence: the union of the scopes the enabled tools \
     need, as Frontegg reports them.";
pub(crate) const TOOL_SCOPES_DESCRIPTION: &str = "For each enabled tool, the OAuth scopes it \
     needs (tool identifier → scopes), as Frontegg reports them.";
pub(crate) const AGENT_IDS_DESCRIPTION: &str =
    "Ids of the agents that may use the integration (`agentIds`).";

#[async_trait]
impl TypedResource for ConfluenceIntegration {
    type Model = Integration;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            1,
            Block::new(vec![
                Attribute::new(ID, Type::String)
                    .computed()
                    .use_state_for_unknown()
                    .description("The integration's id (a UUID) in Frontegg."),
                Attribute::new(NAME, Type::String)
                    .optional()
                    .computed()
                    .default(Value::string(DEFAULT_NAME))
                    .description(
                        "Display name of the integration. Defaults to `\"Confluence\"`.",
                    ),
                Attribute::new(DESCRIPTION, Type::String)
                    .optional()
                    .description("Description of the integration, as Frontegg stores it."),
                Attribute::new(CLIENT_ID, Type::String).required().description(
                    "Client id of the Atlassian OAuth 2.0 (3LO) app (developer console → your app \
                     → **Settings**; not the app id). It is printed in plans, so a value that \
                     looks like a client secret (starts with `ATOA`) is rejected. The integration \
                     always uses this app: one that Frontegg holds on its own shared app \
                     (`useFronteggIntegration`) shows `client_id` as a change in the plan, and \
                     apply switches it to this app.",
                ),
                Attribute::new(CLIENT_SECRET, Type::String)
                    .optional()
                    .sensitive()
                    .description(
                        "Secret of the Atlassian OAuth app. Stored in the state (marked \
                         sensitive) and never read back from Frontegg: a change sends the new \
                         secret. Exactly one of `client_secret` and `client_secret_wo` is \
                         required.",
                    ),
                Attribute::new(CLIENT_SECRET_WO, Type::String)
                    .optional()
                    .sensitive()
                    .write_only()
                    .write_only_alternative(CLIENT_SECRET)
                    .description(
                        "Secret of the Atlassian OAuth app, write-only: never stored in the \
                         plan or the state. Needs Terraform 1.11 or later (use `client_secret` \
                         before that). Sent on create and whenever `client_secret_wo_version` \
                         changes. Exactly one of `client_secret` and `client_secret_wo` is \
                         required.",
                    ),
                Attribute::new(CLIENT_SECRET_WO_VERSION, Type::Number)
                    .optional()
                    .description(
                        "Any number; change it to send `client_secret_wo` again (after rotating \
                         the secret). Terraform cannot see changes of a write-only value itself.",
                    ),
                Attribute::new(SCOPES, Type::set(Type::String))
                    .optional()
                    .computed()
                    .default(default_scopes())
                    .description(
                        "The granular Confluence scopes your Atlassian OAuth app grants \
                         (developer console → your app → **Permissions**; \
                         `read:page:confluence`, ...). Defaults to the 13 scopes of Frontegg's \
                         Confluence setup guide; removing the attribute reverts to them. \
                         Frontegg does not store it: it bounds `tools`, so narrowing `scopes` \
                         narrows what the gateway may do. Classic scopes \
                         (`read:confluence-content.all`, ...) are rejected: the Confluence v2 \
                         REST API does not accept them.",
                    ),
                Attribute::new(TOOLS, Type::set(Type::String))
                    .optional()
                    .computed()
                    .description(format!(
                        "{TOOLS_DESCRIPTION} When unset, every tool of Frontegg's Confluence \
                         catalog whose scopes all lie inside `scopes`; when set, exactly these \
                         tools, each of which must be offered by the catalog and fit inside \
                         `scopes`."
                    )),
                Attribute::new(REQUESTED_SCOPES, Type::set(Type::String))
                    .computed()
                    .description(REQUESTED_SCOPES_DESCRIPTION),
                Attribute::new(TOOL_SCOPES, Type::map(Type::set(Type::String)))
                    .computed()
                    .description(TOOL_SCOPES_DESCRIPTION),
                Attribute::new(AGENT_IDS, Type::set(Type::String))
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .description(format!(
                        "{AGENT_IDS_DESCRIPTION} When set, exactly these agents are assigned \
                         (the others are unassigned); when unset, assignments are left as they \
                         are and only reported."
                    )),
                Attribute::new(ENABLED, Type::Bool)
                    .optional()
                    .computed()
                    .default(Value::Bool(true))
                    .description(
                        "Whether the integration is active (`isActive`). Defaults to `true`.",
                    ),
                Attribute::new(FRONTEGG_INTEGRATION_ID, Type::String)
                    .computed()
                    .use_state_for_unknown()
                    .description(FRONTEGG_INTEGRATION_ID_DESCRIPTION),
            ])
            .description(
                "The Confluence integration of Frontegg's MCP gateway: the Atlassian OAuth 2.0 \
                 (3LO) app's credentials and granted scopes, the Confluence tools the gateway \
                 offers agents, and the agents that may use them.",
            ),
        )
    }

    fn identity_schema(&self) -> Option<Schema> {
        Some(Schema::new(
            0,
            Block::new(vec![
                Attribute::new(ID, Type::String)
                    .required()
                    .description("The integration's id (a UUID) in Frontegg."),
            ]),
        ))
    }

    fn validate(&self, _ctx: &Context, config: &Integration, diags: &mut Diagnostics) {
        integration::validate(config, &vendor(), diags);
        validate_scopes(config, diags);
    }

    async fn modify_plan(
        &self,
        ctx: &Context,
        req: &Plan<Integration>,
        planned: &mut Integration,
        diags: &mut Diagnostics,
    ) {
        integration::modify_plan(ctx, req, planned, &vendor(), diags).await;
    }

    async fn create(
        &self,
        ctx: &Context,
        req: &Change<Integration>,
        diags: &mut Diagnostics,
    ) -> Option<Integration> {
        integration::create(ctx, req, &vendor(), diags).await
    }

    async fn read(
        &self,
        ctx: &Context,
        state: &Integration,
        diags: &mut Diagnostics,
    ) -> Option<Integration> {
        integration::read(ctx, state, &vendor(), diags).await
    }

    async fn update(
        &self,
        ctx: &Context,
        req: &Change<Integration>,
        diags: &mut Diagnostics,
    ) -> Option<Integration> {
        integration::update(ctx, req, &vendor(), diags).await
    }

    async fn delete(&self, ctx: &Context, prior: &Integration, diags: &mut Diagnostics) {
        integration::delete(ctx, prior, &vendor(), diags).await;
    }

    async fn import(
        &self,
        ctx: &Context,
        id: &str,
        diags: &mut Diagnostics,
    ) -> Option<Integration> {
        let client = Api::client(ctx, diags)?;
        integration::import(ctx, &client, id.trim(), &vendor(), diags).await
    }

    /// What a user would write: no empty `agent_ids` (unset leaves assignments as they
    /// are), no `tools` when they are the catalog's tools inside `scopes` (what the plan
    /// takes when `tools` is unset).
    async fn generate_config(
        &self,
        ctx: &Context,
        state: &Integration,
        mut config: Value,
    ) -> Value {
        if state.agent_ids.get().is_some_and(|a| a.is_empty()) {
            config.set_attr(AGENT_IDS, Value::Null);
        }
        if let (Some(tools), Some(granted)) = (state.tools.get(), state.scopes.get()) {
            let mut diags = Diagnostics::new();
            if let Some(client) = Api::client(ctx, &mut diags)
                && let Some(entry) =
                    integration::catalog_entry(&client, &vendor(), ctx.cancelled(), &mut diags)
                        .await
                && let Some(catalog) = ToolCatalog::of(&entry)
            {
                let reported = state.tool_scopes.get().cloned().unwrap_or_default();
                let catalog = catalog.with_reported(&reported, &Default::default());
                if catalog.fitting(granted).as_ref() == Some(tools) {
                    config.set_attr(TOOLS, Value::Null);
                }
            }
        }
        config
    }

    fn identity(&self, state: &Integration) -> Option<Value> {
        integration::identity(state)
    }

    fn import_id_from_identity(&self, identity: &Value) -> Option<String> {
        integration::import_id_from_identity(identity)
    }

    /// Takes a `frontegg_mcp_integration` of the app `confluence` with its grant as it is.
    /// An unbounded grant (`scopes` unset) has no equal here: it becomes the 13 recommended
    /// scopes together with every scope the enabled tools need, so that the move switches no
    /// tool off; the configuration decides from there.
    async fn move_state(
        &self,
        _ctx: &Context,
        source: &MoveSource,
        diags: &mut Diagnostics,
    ) -> Option<Integration> {
        let moved = source
            .state
            .as_ref()
            .filter(|_| source.type_name == mcp_integration::TYPE_NAME)
            .and_then(|state| tfplugin::model::from_value::<McpIntegrationModel>(state).ok());
        let Some(moved) =
            moved.filter(|m| m.app.known().map(String::as_str) == Some(CATALOG_PROVIDER))
        else {
            source.not_accepted(TYPE_NAME, diags);
            return None;
        };
        let (_, mut state) = moved.split();
        if state.scopes.is_null() {
            let mut granted = recommended_scopes();
            granted.extend(state.requested_scopes.get().into_iter().flatten().cloned());
            state.scopes = tfplugin::model::Maybe::some(granted);
        }
        Some(state)
    }
}

fn validate_scopes(config: &Integration, diags: &mut Diagnostics) {
    if let Some(granted) = config.scopes.get() {
        let known: Vec<&str> = granted.iter().map(String::as_str).collect();
        check_scopes(&known, false, scopes::Unset::Recommended, diags);
    }
}

/// Checks configured Confluence `scopes` (`known`: the elements known so far; `has_unknown`:
/// some are not) at the attribute's path; `unset` says what leaving the attribute out means
/// where it is checked.
pub(crate) fn check_scopes(
    known: &[&str],
    has_unknown: bool,
    unset: scopes::Unset,
    diags: &mut Diagnostics,
) {
    for finding in scopes::check_set(known, has_unknown, unset) {
        let path = AttributePath::attr(SCOPES);
        match finding.severity {
            scopes::Severity::Error => diags.error_at(path, finding.summary, finding.detail),
            scopes::Severity::Warning => diags.warning_at(path, finding.summary, finding.detail),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::Resource;
    use tfplugin::model::Typed;

    fn errors_at(config: &Value) -> Vec<(String, String)> {
        let mut diags = Diagnostics::new();
        Typed(ConfluenceIntegration).validate(&Context::new(), config, &mut diags);
        diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                let path = d.path.as_ref().map(ToString::to_string).unwrap_or_default();
                (path, d.summary.clone())
            })
            .collect()
    }

    fn config<const N: usize>(attrs: [(&str, Value); N]) -> Value {
        let mut config = Value::object_of(
            &ConfluenceIntegration.schema().value_type(),
            [
                (CLIENT_ID, Value::string("client")),
                (CLIENT_SECRET, Value::string("secret")),
            ],
        );
        for (name, value) in attrs {
            config.set_attr(name, value);
        }
        config
    }

    #[test]
    fn the_model_fits_the_schema() {
        assert_eq!(Typed(ConfluenceIntegration).check_model(), Ok(()));
    }

    #[test]
    fn unknown_values_are_left_for_plan_time() {
        let config = config([
            (CLIENT_ID, Value::Unknown),
            (CLIENT_SECRET, Value::Unknown),
            (SCOPES, Value::Unknown),
        ]);
        assert!(errors_at(&config).is_empty());
    }

    #[test]
    fn unknown_secret_with_write_only_secret_is_not_yet_a_conflict() {
        let config = config([
            (CLIENT_SECRET, Value::Null),
            (CLIENT_SECRET_WO, Value::Unknown),
        ]);
        assert!(errors_at(&config).is_empty());
    }

    #[test]
    fn blank_secret_is_an_error_at_its_path() {
        let config = config([(CLIENT_SECRET, Value::string(" "))]);
        assert_eq!(
            errors_at(&config),
            [(CLIENT_SECRET.to_string(), "Empty client secret".to_string())]
        );
    }

    #[test]
    fn identity_round_trips_the_id() {
        let state = config([(ID, Value::string("0b7e4bde-64fc-4e4b-9b7e-0d0bd5d1e6a1"))]);
        let typed = Typed(ConfluenceIntegration);
        let identity = typed.identity(&state).expect("identity");
        assert_eq!(
            typed.import_id_from_identity(&identity).as_deref(),
            Some("0b7e4bde-64fc-4e4b-9b7e-0d0bd5d1e6a1")
        );
    }

    #[test]
    fn default_scopes_are_the_13_recommended() {
        assert_eq!(default_scopes().elements().map(<[_]>::len), Some(13));
    }
}
