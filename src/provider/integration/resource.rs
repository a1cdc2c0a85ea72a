//! The resource of one catalog app's integration (`frontegg_confluence_integration`): every step
//! shared, with what the app decides taken from its [`App`]. A new app's resource is an `App`
//! and one registration line. Never names an app.

use std::collections::BTreeSet;

use async_trait::async_trait;
use tfplugin::Context;
use tfplugin::diag::Diagnostics;
use tfplugin::model::{Change, Maybe, MoveSource, Plan, TypedResource};
use tfplugin::schema::{Attribute, Schema};
use tfvalue::Value;

use super::super::provider_data::Api;
use super::super::type_names::MCP_INTEGRATION;
use super::model::{AppIntegration, Integration, attr};
use super::schema::{self, Wording};
use super::tools::ToolCatalog;
use super::vendor::Vendor;
use super::{apply, catalog, plan, read, validate};

/// What one catalog app's own integration resource says beyond what every integration shares.
pub(crate) trait App: Send + Sync + 'static {
    /// The resource type.
    const TYPE_NAME: &'static str;
    /// The app, as Frontegg's catalog names it (its `provider`).
    const APP: &'static str;
    /// How messages name the app; also the integration's default `name`.
    const TITLE: &'static str;

    /// The schema's words and the attributes the app decides.
    fn wording() -> Wording;

    /// The `scopes` of a state that has none (an import, a move from an unbounded grant);
    /// `None`: `scopes` stays null (every catalog tool may be enabled).
    fn default_grant() -> Option<BTreeSet<String>> {
        None
    }

    /// Checks of a configuration beyond the shared ones (values not known yet are skipped).
    fn validate(_config: &Integration, _diags: &mut Diagnostics) {}
}

/// The `name` attribute of an app's own resource: the app's title by default.
pub(crate) fn default_name<A: App>() -> Attribute {
    Attribute::new(attr::NAME, tfvalue::Type::String)
        .optional()
        .computed()
        .default(Value::string(A::TITLE))
        .description(format!(
            "Display name of the integration. Defaults to `\"{}\"`.",
            A::TITLE
        ))
}

/// The resource of app `A`'s integration.
pub struct AppResource<A>(pub A);

/// App `A` as the shared logic names it.
pub(crate) fn vendor<A: App>() -> Vendor {
    Vendor {
        default_grant: A::default_grant(),
        ..Vendor::for_app(A::APP, Some(A::TITLE), A::TYPE_NAME)
    }
}

#[async_trait]
impl<A: App> TypedResource for AppResource<A> {
    type Model = Integration;

    fn type_name(&self) -> &'static str {
        A::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema::resource_schema(A::wording(), Vec::new())
    }

    fn identity_schema(&self) -> Option<Schema> {
        Some(schema::identity_schema())
    }

    fn validate(&self, _ctx: &Context, config: &Integration, diags: &mut Diagnostics) {
        validate::validate(config, &vendor::<A>(), diags);
        A::validate(config, diags);
    }

    async fn modify_plan(
        &self,
        ctx: &Context,
        req: &Plan<Integration>,
        planned: &mut Integration,
        diags: &mut Diagnostics,
    ) {
        plan::modify_plan(ctx, req, planned, &vendor::<A>(), diags).await;
    }

    async fn create(
        &self,
        ctx: &Context,
        req: &Change<Integration>,
        diags: &mut Diagnostics,
    ) -> Option<Integration> {
        apply::create(ctx, req, &vendor::<A>(), diags).await
    }

    async fn read(
        &self,
        ctx: &Context,
        state: &Integration,
        diags: &mut Diagnostics,
    ) -> Option<Integration> {
        read::read(ctx, state, &vendor::<A>(), diags).await
    }

    async fn update(
        &self,
        ctx: &Context,
        req: &Change<Integration>,
        diags: &mut Diagnostics,
    ) -> Option<Integration> {
        apply::update(ctx, req, &vendor::<A>(), diags).await
    }

    async fn delete(&self, ctx: &Context, prior: &Integration, diags: &mut Diagnostics) {
        apply::delete(ctx, prior, &vendor::<A>(), diags).await;
    }

    async fn import(
        &self,
        ctx: &Context,
        id: &str,
        diags: &mut Diagnostics,
    ) -> Option<Integration> {
        let client = Api::client(ctx, diags)?;
        read::import(ctx, &client, id.trim(), &vendor::<A>(), diags).await
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
        if state.agent_ids.get().is_some_and(BTreeSet::is_empty) {
            config.set_attr(attr::AGENT_IDS, Value::Null);
        }
        if let (Some(tools), Some(granted)) = (state.tools.get(), state.scopes.get()) {
            let mut diags = Diagnostics::new();
            if let Some(client) = Api::client(ctx, &mut diags)
                && let Some(entry) =
                    catalog::catalog_entry(&client, &vendor::<A>(), ctx.cancelled(), &mut diags)
                        .await
                && let Some(catalog) = ToolCatalog::of(&entry)
            {
                let reported = state.tool_scopes.get().cloned().unwrap_or_default();
                let catalog = catalog.with_reported(&reported, &Default::default());
                if catalog.fitting(granted).as_ref() == Some(tools) {
                    config.set_attr(attr::TOOLS, Value::Null);
                }
            }
        }
        config
    }

    fn identity(&self, state: &Integration) -> Option<Value> {
        read::identity(state)
    }

    fn import_id_from_identity(&self, identity: &Value) -> Option<String> {
        read::import_id_from_identity(identity)
    }

    /// Takes a `frontegg_mcp_integration` of this app with its grant as it is. An unbounded
    /// grant (`scopes` unset) becomes the app's default grant, if it has one, together with
    /// every scope the enabled tools need, so that the move switches no tool off; the
    /// configuration decides from there.
    async fn move_state(
        &self,
        _ctx: &Context,
        source: &MoveSource,
        diags: &mut Diagnostics,
    ) -> Option<Integration> {
        let moved = source
            .state
            .as_ref()
            .filter(|_| source.type_name == MCP_INTEGRATION)
            .and_then(|state| tfplugin::model::from_value::<AppIntegration>(state).ok())
            .filter(|m| m.app.known().map(String::as_str) == Some(A::APP));
        let Some(AppIntegration {
            integration: mut state,
            ..
        }) = moved
        else {
            source.not_accepted(A::TYPE_NAME, diags);
            return None;
        };
        if state.scopes.is_null()
            && let Some(mut granted) = A::default_grant()
        {
            granted.extend(state.requested_scopes.get().into_iter().flatten().cloned());
            state.scopes = Maybe::some(granted);
        }
        Some(state)
    }
}
