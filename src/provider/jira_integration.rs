//! `frontegg_jira_integration`, built only for the tests (feature `test-vendor`): proof that
//! one more catalog app's own resource is this file and one registration line.

use tfplugin::schema::Attribute;
use tfvalue::Type;

use super::integration::model::attr;
use super::integration::resource::{App, default_name};
use super::integration::schema::Wording;

/// Jira, as the shared integration resource asks about it.
pub struct Jira;

impl App for Jira {
    const TYPE_NAME: &'static str = "frontegg_jira_integration";
    const APP: &'static str = "jira";
    const TITLE: &'static str = "Jira";

    fn wording() -> Wording {
        Wording {
            version: 0,
            description: "The Jira integration of Frontegg's MCP gateway.",
            secret_of: "the Atlassian OAuth app",
            client_id: "Client id of the Atlassian OAuth 2.0 (3LO) app.",
            requested_from: "from Atlassian when a user connects Jira",
            catalog_app: "Jira",
            name: default_name::<Jira>(),
            scopes: Attribute::new(attr::SCOPES, Type::set(Type::String))
                .optional()
                .description("The Jira scopes your Atlassian OAuth app grants; unset, any."),
            tools: "Identifiers of the Jira tools the MCP gateway offers agents.".to_string(),
        }
    }
}
