//! List resource `frontegg_confluence_integration` (`terraform query`, Terraform 1.14+):
//! finds the environment's Confluence integration and hands Terraform the resource's
//! state of it, as an import reads it (the server derives the identity from it), so that a
//! query can generate the resource and import blocks that adopt it.

use async_trait::async_trait;
use tfplugin::diag::Diagnostics;
use tfplugin::model::{TypedResource, to_value};
use tfplugin::schema::{Block, Schema};
use tfplugin::{Context, ListRequest, ListResource, ListResult, ListResults};

use super::Api;
use super::confluence_integration::{ConfluenceIntegration, TYPE_NAME, vendor};
use super::integration::{self, Integration};

/// The `frontegg_confluence_integration` list resource.
pub struct ConfluenceIntegrationList;

#[async_trait]
impl ListResource for ConfluenceIntegrationList {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new([]).description(
                "Finds the environment's Confluence integration of Frontegg's MCP gateway (an \
                 environment holds at most one), however it was configured. Needs no `config` \
                 block.",
            ),
        )
    }

    async fn list(
        &self,
        ctx: &Context,
        _req: &ListRequest,
        results: &mut ListResults,
        diags: &mut Diagnostics,
    ) {
        let Some(client) = Api::client(ctx, diags) else {
            return;
        };
        let vendor = vendor();
        let Some(Some(found)) = integration::find(&client, &vendor, ctx.cancelled(), diags).await
        else {
            return;
        };
        // What an import of it reads: Frontegg never returns the secret.
        let model = integration::state_from(&found, &Integration::default(), &vendor, diags);
        let state = match to_value(&model, &ConfluenceIntegration.schema().value_type()) {
            Ok(state) => state,
            Err(e) => {
                diags.error(
                    "Cannot list the Confluence integration",
                    format!("Its state does not fit the resource schema: {e}. This is a bug in the provider."),
                );
                return;
            }
        };
        let name = found.name.as_deref().unwrap_or("Confluence");
        let display_name = format!("{name} ({})", found.id);
        results
            .push(ListResult {
                display_name,
                state,
            })
            .await;
    }
}
