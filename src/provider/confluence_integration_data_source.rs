//! Data source `frontegg_confluence_integration`: the environment's Confluence integration,
//! however it was configured: its tools, the scopes they need and its agents. Never exposes
//! the client secret. A field Frontegg's answer leaves out is null.

use async_trait::async_trait;
use tfplugin::Context;
use tfplugin::diag::Diagnostics;
use tfplugin::model::TypedDataSource;
use tfplugin::schema::{Attribute, Block, Schema};
use tfvalue::Type;

use super::Api;
use super::confluence_integration::{
    AGENT_IDS_DESCRIPTION, FRONTEGG_INTEGRATION_ID_DESCRIPTION, REQUESTED_SCOPES_DESCRIPTION,
    TOOL_SCOPES_DESCRIPTION, TOOLS_DESCRIPTION, TYPE_NAME, vendor,
};
use super::integration::{self, Reported};

/// The `frontegg_confluence_integration` data source.
pub struct ConfluenceIntegrationDataSource;

#[async_trait]
impl TypedDataSource for ConfluenceIntegrationDataSource {
    type Model = Reported;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(vec![
                Attribute::new("id", Type::String)
                    .computed()
                    .description("The integration's id (a UUID) in Frontegg."),
                Attribute::new("name", Type::String)
                    .computed()
                    .description("Display name of the integration."),
                Attribute::new("description", Type::String)
                    .computed()
                    .description("Description of the integration."),
                Attribute::new("client_id", Type::String)
                    .computed()
                    .description("Client id of the Atlassian OAuth 2.0 (3LO) app."),
                Attribute::new("tools", Type::set(Type::String))
                    .computed()
                    .description(TOOLS_DESCRIPTION),
                Attribute::new("requested_scopes", Type::set(Type::String))
                    .computed()
                    .description(REQUESTED_SCOPES_DESCRIPTION),
                Attribute::new("tool_scopes", Type::map(Type::set(Type::String)))
                    .computed()
                    .description(TOOL_SCOPES_DESCRIPTION),
                Attribute::new("agent_ids", Type::set(Type::String))
                    .computed()
                    .description(AGENT_IDS_DESCRIPTION),
                Attribute::new("enabled", Type::Bool)
                    .computed()
                    .description("Whether the integration is active (`isActive`)."),
                Attribute::new("frontegg_integration_id", Type::String)
                    .computed()
                    .description(FRONTEGG_INTEGRATION_ID_DESCRIPTION),
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
        match integration::find(&client, &vendor(), ctx.cancelled(), diags).await? {
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
