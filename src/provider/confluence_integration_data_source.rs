//! Data source `frontegg_confluence_integration`: the environment's Confluence integration,
//! however it was configured: its tools, the scopes they need and its agents. Never exposes
//! the client secret. A field Frontegg's answer leaves out is null.

use async_trait::async_trait;
use tfplugin::Context;
use tfplugin::diag::Diagnostics;
use tfplugin::model::TypedDataSource;
use tfplugin::schema::{Attribute, Block, Schema};
use tfvalue::Type;

use super::confluence_integration::{CATALOG_APP, Confluence, REQUESTED_FROM, TOOLS_DESCRIPTION};
use super::integration::model::{Reported, attr};
use super::integration::read::find;
use super::integration::resource::vendor;
use super::integration::schema::{
    AGENT_IDS_DESCRIPTION, TOOL_SCOPES_DESCRIPTION, frontegg_integration_id_description,
    requested_scopes_description,
};
use super::provider_data::Api;
use super::type_names::CONFLUENCE_INTEGRATION;

/// The `frontegg_confluence_integration` data source.
pub struct ConfluenceIntegrationDataSource;

#[async_trait]
impl TypedDataSource for ConfluenceIntegrationDataSource {
    type Model = Reported;

    fn type_name(&self) -> &'static str {
        CONFLUENCE_INTEGRATION
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(vec![
                Attribute::new(attr::ID, Type::String)
                    .computed()
                    .description("The integration's id (a UUID) in Frontegg."),
                Attribute::new(attr::NAME, Type::String)
                    .computed()
                    .description("Display name of the integration."),
                Attribute::new(attr::DESCRIPTION, Type::String)
                    .computed()
                    .description("Description of the integration."),
                Attribute::new(attr::CLIENT_ID, Type::String)
                    .computed()
                    .description("Client id of the Atlassian OAuth 2.0 (3LO) app."),
                Attribute::new(attr::TOOLS, Type::set(Type::String))
                    .computed()
                    .description(TOOLS_DESCRIPTION),
                Attribute::new(attr::REQUESTED_SCOPES, Type::set(Type::String))
                    .computed()
                    .description(requested_scopes_description(REQUESTED_FROM)),
                Attribute::new(attr::TOOL_SCOPES, Type::map(Type::set(Type::String)))
                    .computed()
                    .description(TOOL_SCOPES_DESCRIPTION),
                Attribute::new(attr::AGENT_IDS, Type::set(Type::String))
                    .computed()
                    .description(AGENT_IDS_DESCRIPTION),
                Attribute::new(attr::ENABLED, Type::Bool)
                    .computed()
                    .description("Whether the integration is active (`isActive`)."),
                Attribute::new(attr::FRONTEGG_INTEGRATION_ID, Type::String)
                    .computed()
                    .description(frontegg_integration_id_description(CATALOG_APP)),
            ])
            .description(
                "The environment's Confluence integration of Frontegg's MCP gateway. Never \
                 exposes the client secret.",
            ),
        )
    }

    async fn read(
        &self,
        ctx: &Context,
        _config: &Reported,
        diags: &mut Diagnostics,
    ) -> Option<Reported> {
        let client = Api::client(ctx, diags)?;
        match find(&client, &vendor::<Confluence>(), ctx.cancelled(), diags).await? {
            Some(integration) => Some(Reported::of(&integration)),
            None => {
                diags.error(
                    "No Confluence integration",
                    "This Frontegg environment has no Confluence integration. Create one with \
                     the `frontegg_confluence_integration` resource or in the Frontegg portal \
                     ([ENVIRONMENT] → Integrations → Confluence).",
                );
                None
            }
        }
    }
}
