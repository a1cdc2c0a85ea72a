//! Data source `frontegg_integration_catalog`: the apps Frontegg's integration catalog offers
//! in the environment, each with its tools, read from Frontegg (never embedded), so that a
//! configuration can pick tools with a `for` expression.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::Context;
use tfplugin::diag::Diagnostics;
use tfplugin::model::TypedDataSource;
use tfplugin::schema::{Attribute, Block, Schema};
use tfvalue::Type;

use super::provider_data::Api;

pub(crate) const TYPE_NAME: &str = "frontegg_integration_catalog";

/// The `frontegg_integration_catalog` data source.
pub struct IntegrationCatalogDataSource;

/// The model: every app by its catalog name.
#[derive(Serialize, Deserialize)]
pub struct IntegrationCatalog {
    apps: Option<BTreeMap<String, App>>,
}

#[derive(Serialize, Deserialize)]
struct App {
    id: String,
    name: Option<String>,
    tools: Option<Vec<Tool>>,
}

#[derive(Serialize, Deserialize)]
struct Tool {
    identifier: String,
    name: Option<String>,
    category: Option<String>,
    scopes: Option<BTreeSet<String>>,
}

fn tool_type() -> Type {
    Type::object([
        ("identifier", Type::String),
        ("name", Type::String),
        ("category", Type::String),
        ("scopes", Type::set(Type::String)),
    ])
}

fn app_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("name", Type::String),
        ("tools", Type::list(tool_type())),
    ])
}

#[async_trait]
impl TypedDataSource for IntegrationCatalogDataSource {
    type Model = IntegrationCatalog;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(vec![
                Attribute::new("apps", Type::map(app_type()))
                    .computed()
                    .description(
                        "The apps of Frontegg's integration catalog, keyed by the catalog's \
                         name for the app (its `provider`: `slack`, `github`, ...; the `app` of \
                         `frontegg_mcp_integration`). Each has its catalog `id` (the \
                         `fronteggIntegrationId`), its display `name` where Frontegg reports \
                         one, and its offered `tools` ordered by identifier: each with its \
                         `identifier`, and its `name`, `category` and OAuth `scopes` where \
                         Frontegg reports them (null otherwise).",
                    ),
            ])
            .description(
                "The apps Frontegg's integration catalog offers in this environment, each with \
                 the tools the MCP gateway can enable for it.",
            ),
        )
    }

    async fn read(
        &self,
        ctx: &Context,
        _config: &IntegrationCatalog,
        diags: &mut Diagnostics,
    ) -> Option<IntegrationCatalog> {
        let client = Api::client(ctx, diags)?;
        let cancel = ctx.cancelled();
        let entries = match client.catalog(cancel).await {
            Ok(entries) => entries,
            Err(e) => {
                diags.error("Cannot read Frontegg's integration catalog", e.to_string());
                return None;
            }
        };
        let mut apps = BTreeMap::new();
        for entry in entries {
            let detail = match client.catalog_integration_by_id(&entry.id, cancel).await {
                Ok(detail) => detail,
                Err(e) => {
                    diags.error(
                        format!(
                            "Cannot read the {} tools of Frontegg's catalog",
                            entry.provider
                        ),
                        e.to_string(),
                    );
                    return None;
                }
            };
            let tools = detail.tools.map(|tools| {
                let mut tools: Vec<Tool> = tools
                    .into_iter()
                    .filter(|t| t.enabled != Some(false))
                    .map(|t| Tool {
                        identifier: t.identifier,
                        name: t.name,
                        category: t.category,
                        scopes: t.scopes.map(|s| s.into_iter().collect()),
                    })
                    .collect();
                tools.sort_by(|a, b| a.identifier.cmp(&b.identifier));
                tools
            });
            apps.insert(
                entry.provider,
                App {
                    id: entry.id,
                    name: entry.display_name.or(detail.display_name),
                    tools,
                },
            );
        }
        Some(IntegrationCatalog { apps: Some(apps) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::DataSource;
    use tfplugin::model::TypedData;

    #[test]
    fn the_model_fits_the_schema() {
        assert_eq!(
            TypedData(IntegrationCatalogDataSource).check_model(),
            Ok(())
        );
    }
}
