//! Data source `frontegg_confluence_integration`: the environment's Confluence integration,
//! however it was configured. Never exposes the client secret.

use async_trait::async_trait;
use tfplugin::diag::Diagnostics;
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{Context, DataSource};
use tfvalue::{Type, Value};

use super::Api;
use super::confluence_integration::{
    FRONTEGG_INTEGRATION_ID_DESCRIPTION, TYPE_NAME, find_confluence, integration_attributes,
};

/// The `frontegg_confluence_integration` data source.
pub struct ConfluenceIntegrationDataSource;

#[async_trait]
impl DataSource for ConfluenceIntegrationDataSource {
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
                Attribute::new("client_id", Type::String)
                    .computed()
                    .description("Client id of the Atlassian OAuth 2.0 (3LO) app."),
                Attribute::new("scopes", Type::set(Type::String))
                    .computed()
                    .description(
                        "Confluence scopes the MCP gateway requests when a user connects \
                         Confluence.",
                    ),
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

    async fn read(&self, ctx: &Context, _config: &Value, diags: &mut Diagnostics) -> Value {
        let Some(client) = Api::client(ctx, diags) else {
            return Value::Null;
        };
        match find_confluence(&client, ctx.cancelled(), diags).await {
            Some(Some(integration)) => Value::object(integration_attributes(&integration)),
            Some(None) => {
                diags.error(
                    "No Confluence integration",
                    "This Frontegg environment has no Confluence integration. Create one with \
                     the `frontegg_confluence_integration` resource or in the Frontegg portal \
                     ([ENVIRONMENT] → Integrations → Confluence).",
                );
                Value::Null
            }
            None => Value::Null,
        }
    }
}
