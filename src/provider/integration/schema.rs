//! The schema of an integration resource, built once from shared pieces: the attributes every
//! integration has, worded for its vendor, plus what the vendor decides (`name`, `scopes`,
//! `tools`). Never validates or plans.

use tfplugin::schema::{Attribute, Block, Schema};
use tfvalue::{Type, Value};

use super::model::attr;

/// How a resource's schema names its vendor, and the attributes the vendor decides.
pub(crate) struct Wording {
    /// The schema version.
    pub version: i64,
    /// The resource's description.
    pub description: &'static str,
    /// Whose secret `client_secret` is: "the Atlassian OAuth app", "your OAuth app".
    pub secret_of: &'static str,
    /// The description of `client_id`.
    pub client_id: &'static str,
    /// Whom the gateway asks for scopes: "from Atlassian when a user connects Confluence".
    pub requested_from: &'static str,
    /// How the catalog names the app in `frontegg_integration_id`: "Confluence", "the app".
    pub catalog_app: &'static str,
    /// `name`, with its default when the vendor has one.
    pub name: Attribute,
    /// `scopes`: what the user's OAuth app grants.
    pub scopes: Attribute,
    /// The description of `tools`.
    pub tools: String,
}

/// The description of `tool_scopes`.
pub(crate) const TOOL_SCOPES_DESCRIPTION: &str = "For each enabled tool, the OAuth scopes it \
     needs (tool identifier → scopes), as Frontegg reports them.";
/// The description of `agent_ids` (a resource adds how it converges them).
pub(crate) const AGENT_IDS_DESCRIPTION: &str =
    "Ids of the agents that may use the integration (`agentIds`).";
const ID_DESCRIPTION: &str = "The integration's id (a UUID) in Frontegg.";

/// The description of `requested_scopes`.
pub(crate) fn requested_scopes_description(requested_from: &str) -> String {
    format!(
        "The OAuth scopes the MCP gateway requests {requested_from}: the union of the scopes \
         the enabled tools need, as Frontegg reports them."
    )
}

/// The description of `frontegg_integration_id`.
pub(crate) fn frontegg_integration_id_description(catalog_app: &str) -> String {
    format!("Id of {catalog_app} in Frontegg's integration catalog (`fronteggIntegrationId`).")
}

/// The schema of an integration resource: `leading` (the vendor's own attributes, such as
/// `app`) and then the attributes every integration has.
pub(crate) fn resource_schema(wording: Wording, leading: Vec<Attribute>) -> Schema {
    let Wording {
        version,
        description,
        secret_of,
        client_id,
        requested_from,
        catalog_app,
        name,
        scopes,
        tools,
    } = wording;
    let mut attributes = leading;
    attributes.extend([
        Attribute::new(attr::ID, Type::String)
            .computed()
            .use_state_for_unknown()
            .description(ID_DESCRIPTION),
        name,
        Attribute::new(attr::DESCRIPTION, Type::String)
            .optional()
            .description("Description of the integration, as Frontegg stores it."),
        Attribute::new(attr::CLIENT_ID, Type::String)
            .required()
            .description(client_id),
        Attribute::new(attr::CLIENT_SECRET, Type::String)
            .optional()
            .sensitive()
            .description(format!(
                "Secret of {secret_of}. Stored in the state (marked sensitive) and never read \
                 back from Frontegg: a change sends the new secret. Exactly one of \
                 `client_secret` and `client_secret_wo` is required."
            )),
        Attribute::new(attr::CLIENT_SECRET_WO, Type::String)
            .optional()
            .sensitive()
            .write_only()
            .write_only_alternative(attr::CLIENT_SECRET)
            .description(format!(
                "Secret of {secret_of}, write-only: never stored in the plan or the state. \
                 Needs Terraform 1.11 or later (use `client_secret` before that). Sent on \
                 create and whenever `client_secret_wo_version` changes. Exactly one of \
                 `client_secret` and `client_secret_wo` is required."
            )),
        Attribute::new(attr::CLIENT_SECRET_WO_VERSION, Type::Number)
            .optional()
            .description(
                "Any number; change it to send `client_secret_wo` again (after rotating the \
                 secret). Terraform cannot see changes of a write-only value itself.",
            ),
        scopes,
        Attribute::new(attr::TOOLS, Type::set(Type::String))
            .optional()
            .computed()
            .description(tools),
        Attribute::new(attr::REQUESTED_SCOPES, Type::set(Type::String))
            .computed()
            .description(requested_scopes_description(requested_from)),
        Attribute::new(attr::TOOL_SCOPES, Type::map(Type::set(Type::String)))
            .computed()
            .description(TOOL_SCOPES_DESCRIPTION),
        Attribute::new(attr::AGENT_IDS, Type::set(Type::String))
            .optional()
            .computed()
            .use_state_for_unknown()
            .description(format!(
                "{AGENT_IDS_DESCRIPTION} When set, exactly these agents are assigned (the \
                 others are unassigned); when unset, assignments are left as they are and only \
                 reported."
            )),
        Attribute::new(attr::ENABLED, Type::Bool)
            .optional()
            .computed()
            .default(Value::Bool(true))
            .description("Whether the integration is active (`isActive`). Defaults to `true`."),
        Attribute::new(attr::FRONTEGG_INTEGRATION_ID, Type::String)
            .computed()
            .use_state_for_unknown()
            .description(frontegg_integration_id_description(catalog_app)),
    ]);
    Schema::new(version, Block::new(attributes).description(description))
}

/// The identity schema of every integration resource: its `id`.
pub(crate) fn identity_schema() -> Schema {
    Schema::new(
        0,
        Block::new(vec![
            Attribute::new(attr::ID, Type::String)
                .required()
                .description(ID_DESCRIPTION),
        ]),
    )
}
