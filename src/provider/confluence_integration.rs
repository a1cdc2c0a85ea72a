//! `frontegg_confluence_integration`: the Confluence integration of Frontegg's MCP gateway —
//! the Atlassian OAuth 2.0 (3LO) app's credentials and scopes, the Confluence tools the gateway
//! offers, and the agents that may use them.
//!
//! Frontegg stores no scopes: each enabled tool carries the scopes it needs, and the gateway
//! requests their union. `scopes` is what the user's Atlassian app grants; the provider keeps
//! `tools` inside it (by default every catalog tool that fits) and reports what the gateway
//! will request in `requested_scopes`.

use std::collections::BTreeSet;

use async_trait::async_trait;
use frontegg_client::{
    CatalogIntegration, Client, CreateVendorIntegration, ErrorKind, OauthConfiguration,
    PatchVendorIntegration, Secret, VendorIntegration,
};
use tfplugin::diag::Diagnostics;
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{ApplyRequest, Context, PlanRequest, Resource};
use tfvalue::{AttributePath, Type, Value};
use tokio_util::sync::CancellationToken;

use super::tools::{
    ToolCatalog, ToolScopes, Vendor, answer_tool_scopes, known_strings, string_set_value,
    tool_scopes_of, tool_scopes_value, union,
};
use super::{Api, scopes};

pub(crate) const TYPE_NAME: &str = "frontegg_confluence_integration";
/// The catalog `provider` of Confluence (resolves to the `fronteggIntegrationId`).
pub(crate) const CATALOG_PROVIDER: &str = "confluence";
/// The import id that means "the environment's Confluence integration".
const IMPORT_BY_PROVIDER: &str = "confluence";
const DEFAULT_NAME: &str = "Confluence";
/// Atlassian OAuth client secrets start with this prefix; client ids do not.
const CLIENT_SECRET_PREFIX: &str = "ATOA";
const VENDOR: Vendor = Vendor {
    title: "Confluence",
    console: "Atlassian developer console → your app → Permissions → Confluence API",
};

const ID: &str = "id";
const NAME: &str = "name";
const DESCRIPTION: &str = "description";
const CLIENT_ID: &str = "client_id";
const CLIENT_SECRET: &str = "client_secret";
const CLIENT_SECRET_WO: &str = "client_secret_wo";
const CLIENT_SECRET_WO_VERSION: &str = "client_secret_wo_version";
const SCOPES: &str = "scopes";
pub(crate) const TOOLS: &str = "tools";
const REQUESTED_SCOPES: &str = "requested_scopes";
const TOOL_SCOPES: &str = "tool_scopes";
const AGENT_IDS: &str = "agent_ids";
const ENABLED: &str = "enabled";
const FRONTEGG_INTEGRATION_ID: &str = "frontegg_integration_id";

/// The `frontegg_confluence_integration` resource.
pub struct ConfluenceIntegration;

/// The `scopes` default: the 13 recommended scopes.
pub(crate) fn default_scopes() -> Value {
    Value::set(scopes::recommended().into_iter().map(Value::string))
}

/// One attribute as Frontegg reports it: `None` when the answer leaves the field out.
pub(crate) struct Reported {
    pub attribute: &'static str,
    /// The field of Frontegg's answer it comes from.
    pub field: &'static str,
    pub value: Option<Value>,
}

/// What Frontegg holds of an integration, as the attributes the resource and the data source
/// share.
pub(crate) fn reported_attributes(integration: &VendorIntegration) -> Vec<Reported> {
    let tool_scopes = integration.tools.as_deref().and_then(answer_tool_scopes);
    let reported = |attribute, field, value| Reported {
        attribute,
        field,
        value,
    };
    vec![
        reported(ID, "id", Some(Value::string(&integration.id))),
        reported(NAME, "name", integration.name.as_deref().map(Value::string)),
        reported(
            DESCRIPTION,
            "description",
            integration.description.as_deref().map(Value::string),
        ),
        reported(
            CLIENT_ID,
            "oauthConfigurations.clientId",
            integration.client_id().map(Value::string),
        ),
        reported(
            TOOLS,
            "tools",
            integration
                .tool_identifiers()
                .map(|tools| string_set_value(&tools)),
        ),
        reported(
            REQUESTED_SCOPES,
            "tools[].scopes",
            tool_scopes.as_ref().map(|m| string_set_value(&union(m))),
        ),
        reported(
            TOOL_SCOPES,
            "tools[].scopes",
            tool_scopes.as_ref().map(tool_scopes_value),
        ),
        reported(
            AGENT_IDS,
            "agentIds",
            integration.agent_ids.as_ref().map(string_set_value),
        ),
        reported(ENABLED, "isActive", integration.is_active.map(Value::Bool)),
        reported(
            FRONTEGG_INTEGRATION_ID,
            "fronteggIntegrationId",
            integration
                .frontegg_integration_id
                .as_deref()
                .map(Value::string),
        ),
    ]
}

/// Why an integration does not run on the user's own OAuth app, if it does not:
/// `useFronteggIntegration: true` (Frontegg's shared app) or an `authenticationType` other
/// than acting on behalf of each user. Other spellings of behalf-of-user (the published
/// example says `oauth2`) and values the provider does not know are taken as they are.
fn not_on_own_app(integration: &VendorIntegration) -> Option<String> {
    if integration.use_frontegg_integration == Some(true) {
        return Some("uses Frontegg's shared app (`useFronteggIntegration: true`)".to_string());
    }
    let kind = integration.authentication_type.as_deref()?;
    let folded: String = kind
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    (folded == "apptoapp").then(|| format!("authenticates as `{kind}`, not on behalf of each user"))
}

/// Description of `frontegg_integration_id` (shared with the data source).
pub(crate) const FRONTEGG_INTEGRATION_ID_DESCRIPTION: &str =
    "Id of Confluence in Frontegg's integration catalog (`fronteggIntegrationId`).";
/// Descriptions shared with the data source.
pub(crate) const TOOLS_DESCRIPTION: &str = "Identifiers of the Confluence tools the MCP gateway \
     offers agents (`pages:read`, ...), as Frontegg's tool catalog names them.";
pub(crate) const REQUESTED_SCOPES_DESCRIPTION: &str = "The OAuth scopes the MCP gateway requests \
     from Atlassian when a user connects Confluence: the union of the scopes the enabled tools \
     need, as Frontegg reports them.";
pub(crate) const TOOL_SCOPES_DESCRIPTION: &str = "For each enabled tool, the OAuth scopes it \
     needs (tool identifier → scopes), as Frontegg reports them.";
pub(crate) const AGENT_IDS_DESCRIPTION: &str =
    "Ids of the agents that may use the integration (`agentIds`).";

impl ConfluenceIntegration {
    fn state_type() -> Type {
        ConfluenceIntegration.schema().value_type()
    }

    /// A state from what Frontegg holds. What Frontegg does not report — the secrets, the
    /// granted `scopes`, and any field its answer leaves out — is taken from `known` (the plan
    /// after a create or update, the prior state after a read), and one warning names the
    /// fields Frontegg left out. `client_id` is null when the integration is not on the
    /// user's own app, so that the plan shows the switch.
    pub(crate) fn state_from(
        integration: &VendorIntegration,
        known: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let mut missing = Vec::new();
        let mut state = Value::object_of(&Self::state_type(), [] as [(&str, Value); 0]);
        for Reported {
            attribute,
            field,
            value,
        } in reported_attributes(integration)
        {
            let value = value.unwrap_or_else(|| {
                let kept = known.attr(attribute);
                if !kept.is_null() && !missing.contains(&field) {
                    missing.push(field);
                }
                // A value still unknown after apply is one Frontegg did not report.
                if kept.is_unknown() {
                    Value::Null
                } else {
                    kept.clone()
                }
            });
            state.set_attr(attribute, value);
        }
        for attribute in [SCOPES, CLIENT_SECRET, CLIENT_SECRET_WO_VERSION] {
            state.set_attr(attribute, known.attr(attribute).clone());
        }
        if state.attr(SCOPES).is_null() {
            // Imported: Frontegg does not know the grant; the tools' needs are the best guess.
            let requested = state.attr(REQUESTED_SCOPES);
            let guess = match requested.elements() {
                Some(e) if !e.is_empty() => requested.clone(),
                _ => default_scopes(),
            };
            state.set_attr(SCOPES, guess);
        }
        if let Some(reason) = not_on_own_app(integration) {
            diags.warning(
                "Confluence integration not on your OAuth app",
                format!(
                    "Frontegg reports that integration {} {reason}. The plan sets `client_id`, \
                     and apply switches the integration to your Atlassian OAuth app's \
                     credentials.",
                    integration.id
                ),
            );
            state.set_attr(CLIENT_ID, Value::Null);
        }
        if !missing.is_empty() {
            diags.warning(
                "Frontegg did not report every field",
                format!(
                    "Frontegg's answer for integration {} leaves out {}; the state keeps the \
                     values Terraform last knew for them.",
                    integration.id,
                    missing
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        state
    }
}

/// The app credentials to send: the planned `client_id`, and `client_secret` or
/// `client_secret_wo` (only ever in the configuration).
fn oauth_configuration(req: &ApplyRequest, diags: &mut Diagnostics) -> Option<OauthConfiguration> {
    let secret = [CLIENT_SECRET, CLIENT_SECRET_WO]
        .into_iter()
        .find_map(|name| req.config.attr(name).as_str());
    let Some(secret) = secret else {
        diags.error_at(
            AttributePath::attr(CLIENT_SECRET),
            "Missing client secret",
            "Set `client_secret` or `client_secret_wo` (Terraform 1.11 and later) to the \
             Atlassian OAuth app's secret.",
        );
        return None;
    };
    Some(OauthConfiguration {
        client_id: req
            .planned
            .attr(CLIENT_ID)
            .as_str()
            .unwrap_or_default()
            .to_string(),
        client_secret: Secret::new(secret.to_string()),
    })
}

fn client_error(diags: &mut Diagnostics, summary: &str, error: &frontegg_client::Error) {
    diags.error(summary, error.to_string());
}

/// The error for a create that meets an integration of Confluence already there (a 409), or
/// that Frontegg made without saying which it is: the commands that adopt it. An integration
/// already there that holds everything this create asks for is taken as the one Terraform is
/// replacing with `create_before_destroy` (Terraform creates the replacement while the
/// original exists, and at that point tells the provider nothing about the original): the
/// error then says how to replace it instead.
fn conflict_error(
    diags: &mut Diagnostics,
    existing_id: Option<&str>,
    error: &frontegg_client::Error,
) {
    let (which, import_id) = match existing_id {
        Some(id) => (format!(" (id {id})"), id),
        None => (String::new(), IMPORT_BY_PROVIDER),
    };
    let unidentified = matches!(error.kind(), ErrorKind::CreatedUnidentified { .. });
    if let (false, true, Some(id)) = (unidentified, error.existing_matches_request(), existing_id) {
        diags.error(
            "Confluence integration cannot be replaced before it is destroyed",
            format!(
                "This Frontegg environment already holds a Confluence integration with these \
                 settings (id {id}), and an environment holds only one Confluence integration, \
                 so it cannot be replaced before it is destroyed, as `create_before_destroy` \
                 asks. Nothing was changed in Frontegg. To replace it, remove \
                 `create_before_destroy = true` from the resource's lifecycle block and run\n\n\
                 \x20 terraform apply -replace={TYPE_NAME}.<name>\n\n\
                 so that Terraform destroys it before it creates the new one (<name> is this \
                 resource's name in your configuration). If no resource in your state holds \
                 integration {id} (it was created outside this configuration), import that \
                 integration into this resource instead of creating one. Frontegg said: {error}"
            ),
        );
        return;
    }
    let (summary, lead) = if unidentified {
        (
            "Confluence integration created but not identified",
            format!(
                "Frontegg created the Confluence integration, but neither its answer nor its \
                 list of integrations identifies it{which}, so it is not in the state yet. Adopt \
                 it instead of creating another:"
            ),
        )
    } else {
        (
            "Confluence integration already exists",
            format!(
                "This Frontegg environment already has a Confluence integration{which}, and an \
                 environment holds only one. Adopt it instead of creating another:"
            ),
        )
    };
    diags.error(
        summary,
        format!(
            "{lead} import it with\n\n\
             \x20 terraform import {TYPE_NAME}.<name> {import_id}\n\n\
             or, with Terraform 1.5 and later, an import block (then run terraform apply):\n\n\
             \x20 import {{\n\
             \x20   to = {TYPE_NAME}.<name>\n\
             \x20   id = \"{import_id}\"\n\
             \x20 }}\n\n\
             where <name> is this resource's name in your configuration. Frontegg said: {error}"
        ),
    );
}

/// Confluence's catalog entry with its tools.
async fn confluence_catalog(
    client: &Client,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> Option<CatalogIntegration> {
    match client.catalog_integration(CATALOG_PROVIDER, cancel).await {
        Ok(entry) => Some(entry),
        Err(e) => {
            client_error(diags, "Cannot look up Confluence in Frontegg's catalog", &e);
            None
        }
    }
}

/// Looks up the environment's Confluence integration via the catalog.
pub(crate) async fn find_confluence(
    client: &Client,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> Option<Option<VendorIntegration>> {
    let catalog_id = match client.catalog_id(CATALOG_PROVIDER, cancel).await {
        Ok(id) => id,
        Err(e) => {
            client_error(diags, "Cannot look up Confluence in Frontegg's catalog", &e);
            return None;
        }
    };
    match client
        .find_integration_by_catalog_id(&catalog_id, cancel)
        .await
    {
        Ok(found) => Some(found),
        Err(e) => {
            client_error(diags, "Cannot list Frontegg integrations", &e);
            None
        }
    }
}

/// The tools to enable at apply: the planned set, or — when the plan could not tell (the
/// catalog did not give every tool's scopes, or the provider was not configured yet) — the
/// configured set, else every offered tool not known to need more than `scopes` grants.
fn tools_to_enable(req: &ApplyRequest, catalog: Option<&ToolCatalog>) -> Vec<String> {
    if let Some(tools) = known_strings(req.planned.attr(TOOLS)) {
        return tools.into_iter().collect();
    }
    if let Some(tools) = known_strings(req.config.attr(TOOLS)) {
        return tools.into_iter().collect();
    }
    let granted = known_strings(req.planned.attr(SCOPES)).unwrap_or_default();
    catalog
        .map(|c| c.not_known_to_exceed(&granted).into_iter().collect())
        .unwrap_or_default()
}

/// When `tools` was left to Frontegg's answer (unknown in the plan), the enabled tools whose
/// reported scopes exceed `scopes`; they are switched off again.
fn tools_exceeding_grant(req: &ApplyRequest, answer: &VendorIntegration) -> Option<Vec<String>> {
    if req.planned.attr(TOOLS).is_known() || !req.config.attr(TOOLS).is_null() {
        return None;
    }
    let granted = known_strings(req.planned.attr(SCOPES))?;
    let tools = answer.tools.as_ref()?;
    let exceeding: BTreeSet<&str> = tools
        .iter()
        .filter(|t| {
            t.scopes
                .as_ref()
                .is_some_and(|s| s.iter().any(|x| !granted.contains(x)))
        })
        .map(|t| t.identifier.as_str())
        .collect();
    if exceeding.is_empty() {
        return None;
    }
    Some(
        tools
            .iter()
            .map(|t| t.identifier.clone())
            .filter(|t| !exceeding.contains(t.as_str()))
            .collect(),
    )
}

/// Switches off again the tools that Frontegg's answer shows to need more than `scopes` (when
/// the plan left `tools` to the answer); returns the integration as Frontegg then holds it.
async fn trim_tools(
    client: &Client,
    req: &ApplyRequest,
    integration: VendorIntegration,
    known: &mut Value,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> VendorIntegration {
    let Some(fitting) = tools_exceeding_grant(req, &integration) else {
        return integration;
    };
    let patch = PatchVendorIntegration {
        tools: Some(fitting.clone()),
        ..Default::default()
    };
    match client
        .update_integration(&integration.id, &patch, cancel)
        .await
    {
        Ok(updated) => {
            known.set_attr(TOOLS, string_set_value(&fitting));
            updated
        }
        Err(e) => {
            client_error(
                diags,
                "Cannot switch off the Confluence tools that need more than `scopes`",
                &e,
            );
            integration
        }
    }
}

/// The agents to assign and to unassign so that exactly the configured ones are assigned
/// (nothing when `agent_ids` is not configured).
fn agent_changes(req: &ApplyRequest, current: Option<&[String]>) -> (Vec<String>, Vec<String>) {
    let Some(wanted) = known_strings(req.config.attr(AGENT_IDS)) else {
        return (Vec::new(), Vec::new());
    };
    let current: BTreeSet<String> = match current {
        Some(ids) => ids.iter().cloned().collect(),
        None => known_strings(req.prior.attr(AGENT_IDS)).unwrap_or_default(),
    };
    (
        wanted.difference(&current).cloned().collect(),
        current.difference(&wanted).cloned().collect(),
    )
}

/// Assigns and unassigns agents of `integration` as configured, then returns the state of
/// the integration as Frontegg holds it (with `known` for what Frontegg does not report; the
/// prior `agent_ids` when an agent call failed).
async fn converge_agents(
    client: &Client,
    req: &ApplyRequest,
    integration: VendorIntegration,
    known: &Value,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> Value {
    let (assign, unassign) = agent_changes(req, integration.agent_ids.as_deref());
    if assign.is_empty() && unassign.is_empty() {
        return ConfluenceIntegration::state_from(&integration, known, diags);
    }
    let id = integration.id.clone();
    let failed = match client.assign_agents(&id, &assign, cancel).await {
        Err(e) => Some(("Cannot assign agents to the Confluence integration", e)),
        Ok(()) => client
            .unassign_agents(&id, &unassign, cancel)
            .await
            .err()
            .map(|e| ("Cannot unassign agents from the Confluence integration", e)),
    };
    let mut known = known.clone();
    if let Some((summary, e)) = &failed {
        client_error(diags, summary, e);
        known.set_attr(AGENT_IDS, req.prior.attr(AGENT_IDS).clone());
    }
    let current = match client.get_integration(&id, cancel).await {
        Ok(Some(current)) => current,
        _ => integration,
    };
    ConfluenceIntegration::state_from(&current, &known, diags)
}

/// The plan of `tools`, `requested_scopes` and `tool_scopes` from Frontegg's tool catalog
/// (`None` when the provider is not configured yet). A catalog record without scopes takes
/// the scopes Frontegg reported for that tool before.
fn plan_tools(
    req: &PlanRequest,
    mut catalog: Option<ToolCatalog>,
    planned: &mut Value,
    diags: &mut Diagnostics,
) {
    if let Some(catalog) = &mut catalog {
        catalog.fill_in_scopes(&tool_scopes_of(req.prior.attr(TOOL_SCOPES)));
    }
    let granted = known_strings(planned.attr(SCOPES));
    let grant_unchanged = planned.attr(SCOPES) == req.prior.attr(SCOPES);
    let configured = req.config.attr(TOOLS);
    let tools = if !configured.is_null() {
        if let (Some(catalog), Some(tools)) = (&catalog, known_strings(configured)) {
            catalog.check(&tools, granted.as_ref(), &VENDOR, diags);
        }
        known_strings(configured)
    } else {
        let fitting = match (&catalog, &granted) {
            (Some(catalog), Some(granted)) => catalog.fitting(granted),
            _ => None,
        };
        // While the grant stays, tools the plan cannot judge stay as they are.
        fitting.or_else(|| {
            grant_unchanged
                .then(|| known_strings(req.prior.attr(TOOLS)))
                .flatten()
        })
    };
    let Some(tools) = tools else {
        for attribute in [TOOLS, REQUESTED_SCOPES, TOOL_SCOPES] {
            if req.config.attr(attribute).is_null() {
                planned.set_attr(attribute, Value::Unknown);
            }
        }
        return;
    };
    planned.set_attr(TOOLS, string_set_value(&tools));
    let unchanged = known_strings(req.prior.attr(TOOLS)).as_ref() == Some(&tools);
    let tool_scopes: Option<ToolScopes> = catalog.as_ref().and_then(|c| c.scopes_of(&tools));
    match tool_scopes {
        Some(tool_scopes) => {
            planned.set_attr(REQUESTED_SCOPES, string_set_value(&union(&tool_scopes)));
            planned.set_attr(TOOL_SCOPES, tool_scopes_value(&tool_scopes));
        }
        None if unchanged => {
            for attribute in [REQUESTED_SCOPES, TOOL_SCOPES] {
                planned.set_attr(attribute, req.prior.attr(attribute).clone());
            }
        }
        None => {
            planned.set_attr(REQUESTED_SCOPES, Value::Unknown);
            planned.set_attr(TOOL_SCOPES, Value::Unknown);
        }
    }
}

#[async_trait]
impl Resource for ConfluenceIntegration {
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

    fn validate(&self, _ctx: &Context, config: &Value, diags: &mut Diagnostics) {
        validate_client_id(config.attr(CLIENT_ID), diags);
        validate_secrets(config, diags);
        validate_scopes(config.attr(SCOPES), diags);
        validate_identifiers(config, TOOLS, "tool identifier", diags);
        validate_identifiers(config, AGENT_IDS, "agent id", diags);
        if config.attr(TOOLS).elements().is_some_and(<[_]>::is_empty) {
            diags.warning_at(
                AttributePath::attr(TOOLS),
                "No Confluence tool enabled",
                "With `tools = []` the MCP gateway offers agents no Confluence tool at all.",
            );
        }
    }

    async fn modify_plan(
        &self,
        ctx: &Context,
        req: &PlanRequest,
        planned: &mut Value,
        diags: &mut Diagnostics,
    ) {
        if planned.is_null() {
            return;
        }
        let catalog = if Api::is_deferred(ctx) {
            None
        } else {
            let Some(client) = Api::client(ctx, diags) else {
                return;
            };
            let Some(entry) = confluence_catalog(&client, ctx.cancelled(), diags).await else {
                return;
            };
            ToolCatalog::of(&entry)
        };
        plan_tools(req, catalog, planned, diags);
    }

    async fn create(&self, ctx: &Context, req: &ApplyRequest, diags: &mut Diagnostics) -> Value {
        let Some(client) = Api::client(ctx, diags) else {
            return Value::Null;
        };
        let Some(oauth_configurations) = oauth_configuration(req, diags) else {
            return Value::Null;
        };
        let cancel = ctx.cancelled();
        let Some(entry) = confluence_catalog(&client, cancel, diags).await else {
            return Value::Null;
        };
        let planned = &req.planned;
        let body = CreateVendorIntegration {
            name: planned
                .attr(NAME)
                .as_str()
                .unwrap_or(DEFAULT_NAME)
                .to_string(),
            description: planned.attr(DESCRIPTION).as_str().map(str::to_string),
            frontegg_integration_id: entry.id.clone(),
            tools: tools_to_enable(req, ToolCatalog::of(&entry).as_ref()),
            is_active: planned.attr(ENABLED).as_bool().unwrap_or(true),
            oauth_configurations,
        };
        let mut known = planned.clone();
        known.set_attr(TOOLS, string_set_value(&body.tools));
        let created = match client.create_integration(&body, cancel).await {
            Ok(created) => created,
            Err(e) => {
                match e.kind() {
                    ErrorKind::Conflict { existing_id }
                    | ErrorKind::CreatedUnidentified { existing_id } => {
                        conflict_error(diags, existing_id.as_deref(), &e)
                    }
                    _ => client_error(diags, "Cannot create the Confluence integration", &e),
                }
                return Value::Null;
            }
        };
        log::info!("created Confluence integration {}", created.id);
        let created = trim_tools(&client, req, created, &mut known, cancel, diags).await;
        converge_agents(&client, req, created, &known, cancel, diags).await
    }

    async fn read(&self, ctx: &Context, state: &Value, diags: &mut Diagnostics) -> Value {
        if Api::is_deferred(ctx) {
            diags.warning(
                "Confluence integration not refreshed",
                "The provider settings are not known until apply, so the integration was not \
                 read from Frontegg; the plan uses the last known state.",
            );
            return state.clone();
        }
        let Some(client) = Api::client(ctx, diags) else {
            return state.clone();
        };
        let Some(id) = state.attr(ID).as_str() else {
            return Value::Null;
        };
        match client.get_integration(id, ctx.cancelled()).await {
            Ok(Some(integration)) => Self::state_from(&integration, state, diags),
            Ok(None) => {
                log::info!("Confluence integration {id} is gone; removing it from state");
                Value::Null
            }
            Err(e) => {
                client_error(diags, "Cannot read the Confluence integration", &e);
                state.clone()
            }
        }
    }

    async fn update(&self, ctx: &Context, req: &ApplyRequest, diags: &mut Diagnostics) -> Value {
        let (prior, planned) = (&req.prior, &req.planned);
        let Some(client) = Api::client(ctx, diags) else {
            return prior.clone();
        };
        let Some(id) = prior.attr(ID).as_str() else {
            diags.error(
                "Confluence integration without id",
                "The state holds no `id`.",
            );
            return prior.clone();
        };
        let cancel = ctx.cancelled();
        let changed = |name: &str| prior.attr(name) != planned.attr(name);
        let mut known = planned.clone();

        let mut patch = PatchVendorIntegration::default();
        if changed(NAME) {
            patch.name = planned.attr(NAME).as_str().map(str::to_string);
        }
        if changed(DESCRIPTION) {
            patch.description = Some(planned.attr(DESCRIPTION).as_str().map(str::to_string));
        }
        if changed(ENABLED) {
            patch.is_active = planned.attr(ENABLED).as_bool();
        }
        if changed(TOOLS) {
            let catalog = if planned.attr(TOOLS).is_known() {
                None
            } else {
                match confluence_catalog(&client, cancel, diags).await {
                    Some(entry) => ToolCatalog::of(&entry),
                    None => return prior.clone(),
                }
            };
            let tools = tools_to_enable(req, catalog.as_ref());
            known.set_attr(TOOLS, string_set_value(&tools));
            patch.tools = Some(tools);
        }
        let credentials_changed = [CLIENT_ID, CLIENT_SECRET, CLIENT_SECRET_WO_VERSION]
            .into_iter()
            .any(changed);
        if credentials_changed || prior.attr(CLIENT_ID).is_null() {
            let Some(oauth_configurations) = oauth_configuration(req, diags) else {
                return prior.clone();
            };
            patch.oauth_configurations = Some(oauth_configurations);
        }

        let current = if patch.is_empty() {
            client.get_integration(id, cancel).await
        } else {
            client
                .update_integration(id, &patch, cancel)
                .await
                .map(Some)
        };
        match current {
            Ok(Some(current)) => {
                let current = trim_tools(&client, req, current, &mut known, cancel, diags).await;
                converge_agents(&client, req, current, &known, cancel, diags).await
            }
            Ok(None) => {
                diags.error(
                    "Confluence integration is gone",
                    format!(
                        "Integration {id} no longer exists in Frontegg. Run terraform apply again \
                         to create it."
                    ),
                );
                Value::Null
            }
            Err(e) => {
                client_error(diags, "Cannot update the Confluence integration", &e);
                // Return what Frontegg holds, so that the next plan shows what is left to do.
                match client.get_integration(id, cancel).await {
                    Ok(Some(current)) => Self::state_from(&current, prior, diags),
                    _ => prior.clone(),
                }
            }
        }
    }

    async fn delete(&self, ctx: &Context, prior: &Value, diags: &mut Diagnostics) {
        let Some(client) = Api::client(ctx, diags) else {
            return;
        };
        let Some(id) = prior.attr(ID).as_str() else {
            return;
        };
        if let Err(e) = client.delete_integration(id, ctx.cancelled()).await {
            client_error(diags, "Cannot delete the Confluence integration", &e);
        }
    }

    async fn import(&self, ctx: &Context, id: &str, diags: &mut Diagnostics) -> Value {
        let Some(client) = Api::client(ctx, diags) else {
            return Value::Null;
        };
        let cancel = ctx.cancelled();
        let id = id.trim();
        let Some(confluence) = find_confluence(&client, cancel, diags).await else {
            return Value::Null;
        };
        let integration = if id.eq_ignore_ascii_case(IMPORT_BY_PROVIDER) {
            match confluence {
                Some(found) => found,
                None => {
                    diags.error(
                        "No Confluence integration to import",
                        "This Frontegg environment has no Confluence integration. Create one \
                         with this resource instead of importing it.",
                    );
                    return Value::Null;
                }
            }
        } else if !is_uuid(id) {
            diags.error(
                "Invalid import id",
                format!(
                    "{id:?} is neither an integration id (a UUID) nor `{IMPORT_BY_PROVIDER}` \
                     (the environment's Confluence integration)."
                ),
            );
            return Value::Null;
        } else {
            match confluence {
                Some(found) if found.id.eq_ignore_ascii_case(id) => found,
                Some(found) => {
                    diags.error(
                        "Not the Confluence integration",
                        format!(
                            "Integration {id} is not this environment's Confluence integration \
                             (that is {}).",
                            found.id
                        ),
                    );
                    return Value::Null;
                }
                None => {
                    diags.error(
                        "Confluence integration not found",
                        format!(
                            "This Frontegg environment has no Confluence integration with id \
                             {id}."
                        ),
                    );
                    return Value::Null;
                }
            }
        };
        Self::state_from(&integration, &Value::Null, diags)
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        let id = state.attr(ID).as_str()?;
        Some(Value::object([(ID, Value::string(id))]))
    }

    fn import_id_from_identity(&self, identity: &Value) -> Option<String> {
        identity.attr(ID).as_str().map(str::to_string)
    }
}

/// Tool identifiers and agent ids: non-empty strings.
fn validate_identifiers(config: &Value, attribute: &str, what: &str, diags: &mut Diagnostics) {
    let Some(elements) = config.attr(attribute).elements() else {
        return;
    };
    if elements
        .iter()
        .filter_map(Value::as_str)
        .any(|s| s.trim().is_empty())
    {
        diags.error_at(
            AttributePath::attr(attribute),
            format!("Empty {what}"),
            format!("Every element of `{attribute}` must be a non-empty {what}."),
        );
    }
}

fn validate_client_id(client_id: &Value, diags: &mut Diagnostics) {
    let Some(client_id) = client_id.as_str() else {
        return;
    };
    let path = AttributePath::attr(CLIENT_ID);
    if client_id.trim().is_empty() {
        diags.error_at(
            path,
            "Empty client id",
            "`client_id` must be the client id of the Atlassian OAuth 2.0 app (developer \
             console → your app → Settings).",
        );
    } else if client_id.starts_with(CLIENT_SECRET_PREFIX) {
        diags.error_at(
            path,
            "Client id looks like a client secret",
            format!(
                "`client_id` starts with `{CLIENT_SECRET_PREFIX}`, like an Atlassian OAuth \
                 client secret. `client_id` is printed in plans and logs: if this is the \
                 secret, revoke it in the Atlassian developer console, put the new secret in \
                 `client_secret` or `client_secret_wo`, and the app's client id in `client_id`."
            ),
        );
    }
}

fn validate_secrets(config: &Value, diags: &mut Diagnostics) {
    let secret = config.attr(CLIENT_SECRET);
    let secret_wo = config.attr(CLIENT_SECRET_WO);
    // Unknown values are checked again at plan time, when they are known.
    let set = |v: &Value| !v.is_null() && !v.is_unknown();
    if set(secret) && set(secret_wo) {
        diags.error_at(
            AttributePath::attr(CLIENT_SECRET_WO),
            "Two client secrets",
            "Set either `client_secret` or `client_secret_wo`, not both.",
        );
    } else if secret.is_null() && secret_wo.is_null() {
        diags.error_at(
            AttributePath::attr(CLIENT_SECRET),
            "Missing client secret",
            "Set `client_secret`, or `client_secret_wo` with Terraform 1.11 and later, to the \
             Atlassian OAuth app's secret.",
        );
    }
    for name in [CLIENT_SECRET, CLIENT_SECRET_WO] {
        if config
            .attr(name)
            .as_str()
            .is_some_and(|s| s.trim().is_empty())
        {
            diags.error_at(
                AttributePath::attr(name),
                "Empty client secret",
                format!("`{name}` must be the Atlassian OAuth app's secret."),
            );
        }
    }
    if !config.attr(CLIENT_SECRET_WO_VERSION).is_null() && secret_wo.is_null() {
        diags.warning_at(
            AttributePath::attr(CLIENT_SECRET_WO_VERSION),
            "`client_secret_wo_version` without `client_secret_wo`",
            "`client_secret_wo_version` only says when to send `client_secret_wo` again; it has \
             no effect with `client_secret`.",
        );
    }
}

fn validate_scopes(value: &Value, diags: &mut Diagnostics) {
    let Some(elements) = value.elements() else {
        return;
    };
    let known: Vec<&str> = elements.iter().filter_map(Value::as_str).collect();
    let has_unknown = elements.iter().any(Value::is_unknown);
    for finding in scopes::check_set(&known, has_unknown) {
        let path = AttributePath::attr(SCOPES);
        match finding.severity {
            scopes::Severity::Error => diags.error_at(path, finding.summary, finding.detail),
            scopes::Severity::Warning => diags.warning_at(path, finding.summary, finding.detail),
        }
    }
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_at(config: &Value) -> Vec<(String, String)> {
        let mut diags = Diagnostics::new();
        ConfluenceIntegration.validate(&Context::new(), config, &mut diags);
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
        let identity = ConfluenceIntegration.identity(&state).expect("identity");
        assert_eq!(
            ConfluenceIntegration
                .import_id_from_identity(&identity)
                .as_deref(),
            Some("0b7e4bde-64fc-4e4b-9b7e-0d0bd5d1e6a1")
        );
    }

    #[test]
    fn conflict_without_a_known_id_adopts_by_the_word_confluence() {
        let mut diags = Diagnostics::new();
        conflict_error(&mut diags, None, &frontegg_client::Error::config("409"));
        let detail = &diags.iter().next().expect("error").detail;
        assert!(
            detail.contains("terraform import frontegg_confluence_integration.<name> confluence")
        );
        assert!(detail.contains("id = \"confluence\""));
    }

    #[test]
    fn uuids_are_recognised() {
        assert!(is_uuid("0b7e4bde-64fc-4e4b-9b7e-0d0bd5d1e6a1"));
        assert!(is_uuid("0B7E4BDE-64FC-4E4B-9B7E-0D0BD5D1E6A1"));
        assert!(!is_uuid("confluence"));
        assert!(!is_uuid("0b7e4bde64fc4e4b9b7e0d0bd5d1e6a1"));
        assert!(!is_uuid("0b7e4bde-64fc-4e4b-9b7e-0d0bd5d1e6ag"));
    }

    #[test]
    fn default_scopes_are_the_13_recommended() {
        assert_eq!(default_scopes().elements().map(<[_]>::len), Some(13));
    }
}
