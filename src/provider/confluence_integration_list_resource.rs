//! List resource `frontegg_confluence_integration` (`terraform query`, Terraform 1.14+):
//! finds the environment's Confluence integration and hands Terraform the resource's
//! state of it, as an import reads it (the server derives the identity from it), so that a
//! query can generate the resource and import blocks that adopt it.

use async_trait::async_trait;
use tfplugin::diag::Diagnostics;
use tfplugin::model::{TypedResource, to_value};
use tfplugin::schema::{Block, Schema};
use tfplugin::{Context, ListRequest, ListResource, ListResult, ListResults};

use super::confluence_integration::Confluence;
use super::integration::model::Integration;
use super::integration::read::find;
use super::integration::resource::{AppResource, vendor};
use super::integration::state::state_from;
use super::provider_data::Api;
use super::type_names::CONFLUENCE_INTEGRATION;

/// The `frontegg_confluence_integration` list resource.
pub struct ConfluenceIntegrationList;

#[async_trait]
impl ListResource for ConfluenceIntegrationList {
    fn type_name(&self) -> &'static str {
        CONFLUENCE_INTEGRATION
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
        let vendor = vendor::<Confluence>();
        let Some(Some(found)) = find(&client, &vendor, ctx.cancelled(), diags).await else {
            return;
        };
        // What an import of it reads: Frontegg never returns the secret.
        let model = state_from(&found, &Integration::default(), &vendor, diags);
        let state = match to_value(&model, &AppResource(Confluence).schema().value_type()) {
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
