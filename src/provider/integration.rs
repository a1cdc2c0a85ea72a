//! What every MCP-gateway integration resource shares, whatever the vendor: the model of an
//! integration, the state from Frontegg's answer (keeping what Frontegg leaves out), the plan
//! of `tools` inside the granted `scopes` from Frontegg's tool catalog, the own-app switch,
//! agents, the 409 advice, and import by id or by the app's name. A resource is this plus its
//! schema and a [`Vendor`].
//!
//! Frontegg stores no scopes: each enabled tool carries the scopes it needs, and the gateway
//! requests their union. `scopes` is what the user's OAuth app grants; the provider keeps
//! `tools` inside it and reports what the gateway will request in `requested_scopes`.

use std::collections::BTreeSet;

use frontegg_client::{
    CatalogIntegration, Client, CreateVendorIntegration, ErrorKind, OauthConfiguration,
    PatchVendorIntegration, Secret, VendorIntegration,
};
use serde::{Deserialize, Serialize};
use tfplugin::Context;
use tfplugin::diag::Diagnostics;
use tfplugin::model::{Change, Maybe, Number, Plan, Unknowable};
use tfvalue::{AttributePath, Value};
use tokio_util::sync::CancellationToken;

use super::Api;
use super::memory::Memory;
use super::tools::{self, ToolCatalog, ToolScopes, answer_tool_scopes, union};

/// The attributes every integration resource has.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Integration {
    pub id: Maybe<String>,
    pub name: Maybe<String>,
    pub description: Maybe<String>,
    pub client_id: Maybe<String>,
    pub client_secret: Maybe<String>,
    pub client_secret_wo: Maybe<String>,
    pub client_secret_wo_version: Maybe<Number>,
    pub scopes: Maybe<BTreeSet<String>>,
    pub tools: Maybe<BTreeSet<String>>,
    pub requested_scopes: Maybe<BTreeSet<String>>,
    pub tool_scopes: Maybe<ToolScopes>,
    pub agent_ids: Maybe<BTreeSet<String>>,
    pub enabled: Maybe<bool>,
    pub frontegg_integration_id: Maybe<String>,
}

/// What Frontegg reports of an integration (`None`: its answer leaves the field out). Also the
/// model of the `frontegg_confluence_integration` data source.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reported {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub client_id: Option<String>,
    pub tools: Option<BTreeSet<String>>,
    pub requested_scopes: Option<BTreeSet<String>>,
    pub tool_scopes: Option<ToolScopes>,
    pub agent_ids: Option<BTreeSet<String>>,
    pub enabled: Option<bool>,
    pub frontegg_integration_id: Option<String>,
}

impl Reported {
    pub(crate) fn of(integration: &VendorIntegration) -> Reported {
        let tool_scopes = integration.tools.as_deref().and_then(answer_tool_scopes);
        Reported {
            id: Some(integration.id.clone()),
            name: integration.name.clone(),
            description: integration.description.clone().filter(|d| !d.is_empty()),
            client_id: integration.client_id().map(str::to_string),
            tools: integration
                .tool_identifiers()
                .map(|t| t.into_iter().collect()),
            requested_scopes: tool_scopes.as_ref().map(union),
            tool_scopes,
            agent_ids: integration
                .agent_ids
                .as_ref()
                .map(|a| a.iter().cloned().collect()),
            enabled: integration.is_active,
            frontegg_integration_id: integration.frontegg_integration_id.clone(),
        }
    }
}

/// One vendor as the shared logic needs to know it.
pub(crate) struct Vendor {
    /// The catalog's provider name (`confluence`, `slack`, ...).
    pub app: String,
    /// How messages name it (`Confluence`); also the default `name`.
    pub title: String,
    /// How messages name the user's OAuth app (`Atlassian OAuth app`).
    pub oauth_app: String,
    /// Where that app's permissions are granted.
    pub console: String,
    /// The resource type, for the commands in the 409 advice.
    pub type_name: &'static str,
    /// The `scopes` an imported state takes when Frontegg's tools name none (the
    /// Confluence resource's default); `None`: `scopes` stays null (unbounded).
    pub default_grant: Option<BTreeSet<String>>,
    /// How the vendor's client secrets start (never a client id).
    pub secret_prefix: Option<&'static str>,
}

/// The Atlassian apps: their OAuth 2.0 (3LO) apps share one console and one secret format.
const ATLASSIAN: [(&str, &str, &str); 2] = [
    (
        "confluence",
        "Confluence",
        "Atlassian developer console → your app → Permissions → Confluence API",
    ),
    (
        "jira",
        "Jira",
        "Atlassian developer console → your app → Permissions → Jira API",
    ),
];

impl Vendor {
    /// The vendor of catalog app `app`, named `display_name` when the catalog gives one. Only
    /// Atlassian's apps are known beyond their name.
    pub(crate) fn for_app(app: &str, display_name: Option<&str>) -> Vendor {
        let atlassian = ATLASSIAN.iter().find(|(a, ..)| *a == app);
        let title = display_name
            .map(str::to_string)
            .or_else(|| atlassian.map(|(_, t, _)| t.to_string()))
            .unwrap_or_else(|| app.to_string());
        let (oauth_app, console) = match atlassian {
            Some((_, _, console)) => ("Atlassian OAuth app".to_string(), console.to_string()),
            None => (
                format!("{title} OAuth app"),
                format!("{title}'s developer settings → your OAuth app"),
            ),
        };
        Vendor {
            app: app.to_string(),
            title,
            oauth_app,
            console,
            type_name: super::mcp_integration::TYPE_NAME,
            default_grant: None,
            secret_prefix: atlassian.map(|_| "ATOA"),
        }
    }
}

/// What `scopes` says about the tools that may be enabled.
enum Grant<'a> {
    /// `scopes` is null: every catalog tool.
    Unbounded,
    Scopes(&'a BTreeSet<String>),
    /// Not known until apply.
    Unknown,
}

impl Grant<'_> {
    fn of(scopes: &Maybe<BTreeSet<String>>) -> Grant<'_> {
        match scopes {
            Unknowable::Known(None) => Grant::Unbounded,
            Unknowable::Known(Some(s)) => Grant::Scopes(s),
            Unknowable::Unknown => Grant::Unknown,
        }
    }

    fn scopes(&self) -> Option<&BTreeSet<String>> {
        match self {
            Grant::Scopes(s) => Some(s),
            _ => None,
        }
    }
}

/// Frontegg's value when reported, else the last known one (recording `field` as missing).
fn reported_or_kept<T: Clone>(
    reported: Option<T>,
    kept: &Maybe<T>,
    field: &'static str,
    missing: &mut Vec<&'static str>,
) -> Maybe<T> {
    if let Some(value) = reported {
        return Maybe::some(value);
    }
    if !kept.is_null() && !missing.contains(&field) {
        missing.push(field);
    }
    // A value still unknown after apply is one Frontegg did not report.
    match kept {
        Unknowable::Unknown => Maybe::null(),
        known => known.clone(),
    }
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

/// A state from what Frontegg holds. What Frontegg does not report — the secrets, the
/// granted `scopes`, and any field its answer leaves out — is taken from `known` (the plan
/// after a create or update, the prior state after a read), and one warning names the fields
/// Frontegg left out. `client_id` is null when the integration is not on the user's own app,
/// so that the plan shows the switch.
pub(crate) fn state_from(
    integration: &VendorIntegration,
    known: &Integration,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) -> Integration {
    let reported = Reported::of(integration);
    let mut missing = Vec::new();
    let m = &mut missing;
    let mut state = Integration {
        id: reported_or_kept(reported.id, &known.id, "id", m),
        name: reported_or_kept(reported.name, &known.name, "name", m),
        description: reported_or_kept(reported.description, &known.description, "description", m),
        client_id: reported_or_kept(
            reported.client_id,
            &known.client_id,
            "oauthConfigurations.clientId",
            m,
        ),
        tools: reported_or_kept(reported.tools, &known.tools, "tools", m),
        requested_scopes: reported_or_kept(
            reported.requested_scopes,
            &known.requested_scopes,
            "tools[].scopes",
            m,
        ),
        tool_scopes: reported_or_kept(
            reported.tool_scopes,
            &known.tool_scopes,
            "tools[].scopes",
            m,
        ),
        agent_ids: reported_or_kept(reported.agent_ids, &known.agent_ids, "agentIds", m),
        enabled: reported_or_kept(reported.enabled, &known.enabled, "isActive", m),
        frontegg_integration_id: reported_or_kept(
            reported.frontegg_integration_id,
            &known.frontegg_integration_id,
            "fronteggIntegrationId",
            m,
        ),
        scopes: known.scopes.clone(),
        client_secret: known.client_secret.clone(),
        client_secret_wo: Maybe::null(),
        client_secret_wo_version: known.client_secret_wo_version.clone(),
    };
    if integration.description.as_deref() == Some("") {
        // An empty description is no description.
        state.description = Maybe::null();
    }
    if let (true, Some(default_grant)) = (state.scopes.is_null(), &vendor.default_grant) {
        // Imported: Frontegg does not know the grant; the tools' needs are the best guess.
        state.scopes = match state.requested_scopes.get() {
            Some(requested) if !requested.is_empty() => state.requested_scopes.clone(),
            _ => Maybe::some(default_grant.clone()),
        };
    }
    if let Some(reason) = not_on_own_app(integration) {
        diags.warning(
            format!("{} integration not on your OAuth app", vendor.title),
            format!(
                "Frontegg reports that integration {} {reason}. The plan sets `client_id`, \
                 and apply switches the integration to your {}'s credentials.",
                integration.id, vendor.oauth_app
            ),
        );
        state.client_id = Maybe::null();
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

/// The app credentials to send: the planned `client_id`, and `client_secret` or
/// `client_secret_wo` (only ever in the configuration).
fn oauth_configuration(
    req: &Change<Integration>,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) -> Option<OauthConfiguration> {
    let secret = req
        .config
        .client_secret
        .get()
        .or(req.config.client_secret_wo.get());
    let Some(secret) = secret else {
        diags.error_at(
            AttributePath::attr("client_secret"),
            "Missing client secret",
            format!(
                "Set `client_secret` or `client_secret_wo` (Terraform 1.11 and later) to the \
                 {}'s secret.",
                vendor.oauth_app
            ),
        );
        return None;
    };
    Some(OauthConfiguration {
        client_id: req.planned.client_id.get().cloned().unwrap_or_default(),
        client_secret: Secret::new(secret.clone()),
    })
}

fn client_error(diags: &mut Diagnostics, summary: &str, error: &frontegg_client::Error) {
    diags.error(summary, error.to_string());
}

/// The error for a create that meets an integration of the app already there (a 409), or
/// that Frontegg made without saying which it is. A 409 has three causes the provider cannot
/// tell apart (Terraform tells a create nothing about other resources, nor about the object a
/// `create_before_destroy` replacement replaces), so the advice names the existing
/// integration and the way out of each: one resource per environment and app (`count`,
/// `for_each` or two blocks), an integration made outside the configuration (import it), and a
/// replacement with `create_before_destroy` (replace it without). The cause that fits the
/// settings found comes first.
pub(crate) fn conflict_error(
    diags: &mut Diagnostics,
    vendor: &Vendor,
    existing_id: Option<&str>,
    error: &frontegg_client::Error,
) {
    let (which, import_id) = match existing_id {
        Some(id) => (format!(" (id {id})"), id),
        None => (String::new(), vendor.app.as_str()),
    };
    let (title, type_name) = (&vendor.title, vendor.type_name);
    let import = format!(
        "import it into this resource instead of creating one, with\n\n\
         \x20 terraform import {type_name}.<name> {import_id}\n\n\
         or, with Terraform 1.5 and later, an import block (then run terraform apply):\n\n\
         \x20 import {{\n\
         \x20   to = {type_name}.<name>\n\
         \x20   id = \"{import_id}\"\n\
         \x20 }}"
    );
    if matches!(error.kind(), ErrorKind::CreatedUnidentified { .. }) {
        diags.error(
            format!("{title} integration created but not identified"),
            format!(
                "Frontegg created the {title} integration, but neither its answer nor its list \
                 of integrations identifies it{which}, so it is not in the state yet. Adopt it \
                 instead of creating another: {import}\n\n\
                 where <name> is this resource's name in your configuration. Frontegg said: \
                 {error}"
            ),
        );
        return;
    }
    let duplicate = format!(
        "If another resource of this configuration manages it (a second `{type_name}` block, \
         or another instance of this one through `count` or `for_each`), keep one: an \
         environment holds one {title} integration."
    );
    let replace = format!(
        "If this create replaces it with `create_before_destroy`: it cannot be replaced before \
         it is destroyed. Remove `create_before_destroy = true` from the resource's lifecycle \
         block and run\n\n\
         \x20 terraform apply -replace={type_name}.<name>\n\n\
         so that Terraform destroys it before it creates the new one."
    );
    let import = format!("If it was created outside this configuration, {import}");
    let (summary, settings, cases) = if error.existing_matches_request() {
        (
            format!("{title} integration already exists with these settings"),
            " with these settings",
            [duplicate, replace, import],
        )
    } else {
        (
            format!("{title} integration already exists"),
            "",
            [import, duplicate, replace],
        )
    };
    diags.error(
        summary,
        format!(
            "This Frontegg environment already holds a {title} integration{settings}{which}, \
             and an environment holds only one. Nothing was changed in Frontegg.\n\n{}\n\n\
             <name> is this resource's name in your configuration. Frontegg said: {error}",
            cases.join("\n\n")
        ),
    );
}

/// The vendor's catalog entry with its tools.
pub(crate) async fn catalog_entry(
    client: &Client,
    vendor: &Vendor,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> Option<CatalogIntegration> {
    let entry = client.catalog_integration(&vendor.app, cancel).await;
    answer_notes(client, diags);
    match entry {
        Ok(entry) => Some(entry),
        Err(e) => {
            client_error(
                diags,
                &format!("Cannot look up {} in Frontegg's catalog", vendor.title),
                &e,
            );
            None
        }
    }
}

/// The environment's integration of the vendor's app, found via the catalog.
pub(crate) async fn find(
    client: &Client,
    vendor: &Vendor,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> Option<Option<VendorIntegration>> {
    let catalog_id = match client.catalog_id(&vendor.app, cancel).await {
        Ok(id) => id,
        Err(e) => {
            client_error(
                diags,
                &format!("Cannot look up {} in Frontegg's catalog", vendor.title),
                &e,
            );
            return None;
        }
    };
    let found = client
        .find_integration_by_catalog_id(&catalog_id, cancel)
        .await;
    answer_notes(client, diags);
    match found {
        Ok(found) => Some(found),
        Err(e) => {
            client_error(diags, "Cannot list Frontegg integrations", &e);
            None
        }
    }
}

/// The tools to enable at apply: the planned set, or — when the plan could not tell (a tool
/// never seen with its scopes, or the provider was not configured yet) — the configured set,
/// else every offered tool not known to need more than `scopes` grants (Frontegg's answer then
/// shows what they need, and those that need more are switched off again).
fn tools_to_enable(req: &Change<Integration>, catalog: Option<&ToolCatalog>) -> BTreeSet<String> {
    if let Some(tools) = req.planned.tools.get() {
        return tools.clone();
    }
    if let Some(tools) = req.config.tools.get() {
        return tools.clone();
    }
    let Some(catalog) = catalog else {
        return BTreeSet::new();
    };
    match Grant::of(&req.planned.scopes) {
        Grant::Unbounded => catalog.offered(),
        Grant::Scopes(granted) => catalog.not_known_to_exceed(granted),
        Grant::Unknown => catalog.not_known_to_exceed(&BTreeSet::new()),
    }
}

/// The catalog's tools, judged first by what Frontegg reported for this integration.
fn judged(catalog: ToolCatalog, memory: &Memory, state: Option<&Integration>) -> ToolCatalog {
    let reported = memory.known_scopes(state.and_then(|s| s.tool_scopes.get()));
    catalog.with_reported(&reported, &memory.unscoped)
}

/// Settles the tools after Frontegg's answer to a create or update: when the plan left
/// `tools` to the answer, the enabled tools whose reported scopes exceed `scopes` are switched
/// off again; when the plan had chosen them, a warning names the tools that Frontegg's answer
/// shows to need more than `scopes` (the next plan switches them off, or, with `tools` set,
/// asks for the configuration to change). Returns the integration as Frontegg then holds it.
#[allow(clippy::too_many_arguments)]
async fn settle_tools(
    client: &Client,
    req: &Change<Integration>,
    integration: VendorIntegration,
    known: &mut Integration,
    memory: &mut Memory,
    vendor: &Vendor,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> VendorIntegration {
    let grant = Grant::of(&req.planned.scopes);
    let (Some(granted), Some(tools)) = (grant.scopes(), integration.tools.as_deref()) else {
        return integration;
    };
    let exceeding = tools::exceeding(tools, granted);
    if exceeding.is_empty() {
        return integration;
    }
    let title = &vendor.title;
    let left_to_answer = !req.planned.tools.is_known() && req.config.tools.is_null();
    if !left_to_answer {
        let configured = !req.config.tools.is_null();
        diags.warning_at(
            AttributePath::attr("tools"),
            format!("{title} tool needs scopes the OAuth app does not grant"),
            format!(
                "Frontegg reports that {} {} not in `scopes`, although the plan expected \
                 otherwise (Frontegg's catalog and its answer disagree). {}",
                exceeding
                    .iter()
                    .map(|(tool, missing)| format!(
                        "tool `{tool}` needs {}",
                        missing
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                    .collect::<Vec<_>>()
                    .join("; "),
                if exceeding.len() == 1 {
                    "which is"
                } else {
                    "which are"
                },
                if configured {
                    format!(
                        "Grant the scopes to your {} ({}) and add them to `scopes`, or remove \
                         the tool from `tools`.",
                        vendor.oauth_app, vendor.console
                    )
                } else {
                    "The next plan switches the tool off.".to_string()
                }
            ),
        );
        return integration;
    }
    let fitting: BTreeSet<String> = tools
        .iter()
        .map(|t| t.identifier.clone())
        .filter(|t| !exceeding.contains_key(t))
        .collect();
    let patch = PatchVendorIntegration {
        tools: Some(fitting.iter().cloned().collect()),
        ..Default::default()
    };
    match client
        .update_integration(&integration.id, &patch, cancel)
        .await
    {
        Ok(updated) => {
            memory.learn(&updated);
            known.tools = Maybe::some(fitting);
            updated
        }
        Err(e) => {
            client_error(
                diags,
                &format!("Cannot switch off the {title} tools that need more than `scopes`"),
                &e,
            );
            integration
        }
    }
}

/// The agents to assign and to unassign so that exactly the configured ones are assigned
/// (nothing when `agent_ids` is not configured).
fn agent_changes(
    req: &Change<Integration>,
    current: &BTreeSet<String>,
) -> (Vec<String>, Vec<String>) {
    let Some(wanted) = req.config.agent_ids.get() else {
        return (Vec::new(), Vec::new());
    };
    (
        wanted.difference(current).cloned().collect(),
        current.difference(wanted).cloned().collect(),
    )
}

/// The agents assigned now: as Frontegg reports them, else as the prior state knew them.
fn current_agents(req: &Change<Integration>, reported: Option<&[String]>) -> BTreeSet<String> {
    match reported {
        Some(ids) => ids.iter().cloned().collect(),
        None => req
            .prior
            .as_ref()
            .and_then(|p| p.agent_ids.get().cloned())
            .unwrap_or_default(),
    }
}

/// Assigns and unassigns agents of `integration` as configured, then returns the state of
/// the integration as Frontegg holds it (with `known` for what Frontegg does not report). When
/// an agent call fails, or the integration cannot be read back afterwards, `agent_ids` holds
/// what was done: the agents before, with the calls that succeeded applied.
#[allow(clippy::too_many_arguments)]
async fn converge_agents(
    client: &Client,
    req: &Change<Integration>,
    integration: VendorIntegration,
    known: &Integration,
    memory: &mut Memory,
    vendor: &Vendor,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> Integration {
    let mut done = current_agents(req, integration.agent_ids.as_deref());
    let (assign, unassign) = agent_changes(req, &done);
    if assign.is_empty() && unassign.is_empty() {
        return state_from(&integration, known, vendor, diags);
    }
    let id = integration.id.clone();
    let title = &vendor.title;
    let mut failed = false;
    match client.assign_agents(&id, &assign, cancel).await {
        Err(e) => {
            failed = true;
            client_error(
                diags,
                &format!("Cannot assign agents to the {title} integration"),
                &e,
            );
        }
        Ok(()) => {
            done.extend(assign.iter().cloned());
            match client.unassign_agents(&id, &unassign, cancel).await {
                Err(e) => {
                    failed = true;
                    client_error(
                        diags,
                        &format!("Cannot unassign agents from the {title} integration"),
                        &e,
                    );
                }
                Ok(()) => unassign.iter().for_each(|a| {
                    done.remove(a);
                }),
            }
        }
    }
    let mut known = known.clone();
    known.agent_ids = Maybe::some(done.clone());
    match client.get_integration(&id, cancel).await {
        Ok(Some(current)) => {
            memory.learn(&current);
            return state_from(&current, &known, vendor, diags);
        }
        Ok(None) => diags.error(
            format!("{title} integration is gone"),
            format!(
                "Integration {id} was no longer listed after its agents were changed. Run \
                 terraform apply again to create it."
            ),
        ),
        Err(e) => {
            let what = if failed {
                "the agent calls that succeeded"
            } else {
                "the assigned and unassigned agents"
            };
            diags.warning(
                format!("Cannot read back the {title} integration"),
                format!(
                    "The agents were changed, but integration {id} could not be read back \
                     afterwards, so the state records {what} as Frontegg confirmed them. The \
                     next plan reads it again. Frontegg said: {e}"
                ),
            );
        }
    }
    // Not read back: the answer before the agent calls, with the agents they changed.
    let mut state = state_from(&integration, &known, vendor, diags);
    state.agent_ids = Maybe::some(done);
    state
}

/// The plan of an integration from Frontegg's catalog (`None` when the provider is not
/// configured yet) and from what the provider remembers of it (private state):
///
/// - `tools` unset: every offered tool that fits inside `scopes`, judged by the scopes
///   Frontegg reported for the tool (remembered, even once the tool is switched off), else by
///   its catalog record. A tool never seen with its scopes leaves `tools` unknown: apply
///   enables it and Frontegg's answer settles it. Tools Frontegg holds that the catalog no
///   longer offers are dropped.
/// - `tools` set: exactly those, each offered and not known to need more than `scopes`.
/// - `requested_scopes` and `tool_scopes` come from Frontegg's answers: the prior values while
///   `tools` stay as they are, unknown when they change.
/// - after an import, `client_secret_wo` without `client_secret_wo_version` is refused: the
///   plan would never send it.
pub(crate) fn plan_tools(
    ctx: &Context,
    req: &Plan<Integration>,
    catalog: Option<ToolCatalog>,
    planned: &mut Integration,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) {
    let memory = Memory::load(ctx);
    let prior = req.prior.clone().unwrap_or_default();
    check_secret_after_import(req, &memory, diags);
    let catalog = catalog.map(|c| judged(c, &memory, req.prior.as_ref()));
    let grant = Grant::of(&planned.scopes);
    let configured = &req.config.tools;
    let tools = if !configured.is_null() {
        if let (Some(catalog), Some(tools)) = (&catalog, configured.get()) {
            catalog.check(tools, grant.scopes(), vendor, diags);
        }
        configured.get().cloned()
    } else {
        match (&catalog, &grant) {
            (Some(catalog), Grant::Scopes(granted)) => catalog.fitting(granted),
            (Some(catalog), Grant::Unbounded) => Some(catalog.offered()),
            (Some(_), Grant::Unknown) => None,
            // Not configured yet: while the grant stays, the tools stay as they are.
            (None, _) => (planned.scopes == prior.scopes)
                .then(|| prior.tools.get().cloned())
                .flatten(),
        }
    };
    match tools {
        Some(tools) => {
            let unchanged = prior.tools.get() == Some(&tools);
            planned.tools = Maybe::some(tools);
            if unchanged {
                planned.requested_scopes = prior.requested_scopes.clone();
                planned.tool_scopes = prior.tool_scopes.clone();
                return;
            }
        }
        None if configured.is_null() => planned.tools = Unknowable::Unknown,
        None => {}
    }
    planned.requested_scopes = Unknowable::Unknown;
    planned.tool_scopes = Unknowable::Unknown;
}

/// After an import, the client secret Frontegg holds was not sent by this configuration, and
/// a write-only secret is sent only when `client_secret_wo_version` changes.
fn check_secret_after_import(req: &Plan<Integration>, memory: &Memory, diags: &mut Diagnostics) {
    let (Some(prior), true) = (&req.prior, memory.secret_unsent) else {
        return;
    };
    let config = &req.config;
    if !config.client_secret_wo.is_null()
        && config.client_secret_wo_version.is_null()
        && prior.client_secret_wo_version.is_null()
    {
        diags.error_at(
            AttributePath::attr("client_secret_wo_version"),
            "Set `client_secret_wo_version` to send the secret",
            "This integration was imported, so Frontegg holds a client secret that this \
             configuration never sent, and Terraform cannot see a write-only value: \
             `client_secret_wo` is sent only when `client_secret_wo_version` changes. Set \
             `client_secret_wo_version` (any number, e.g. 1) so that the next apply sends \
             `client_secret_wo`.",
        );
    }
}

/// The plan from Frontegg's catalog (or, before the provider is configured, from the
/// configuration alone).
pub(crate) async fn modify_plan(
    ctx: &Context,
    req: &Plan<Integration>,
    planned: &mut Integration,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) {
    let catalog = if Api::is_deferred(ctx) {
        None
    } else {
        let Some(client) = Api::client(ctx, diags) else {
            return;
        };
        let known_id = req
            .prior
            .as_ref()
            .and_then(|p| p.frontegg_integration_id.get());
        let cancel = ctx.cancelled();
        let entry = match known_id {
            Some(id) => client.catalog_integration_by_id(id, cancel).await,
            None => client.catalog_integration(&vendor.app, cancel).await,
        };
        answer_notes(&client, diags);
        match entry {
            Ok(entry) => ToolCatalog::of(&entry),
            Err(e) => {
                if catalog_unreachable(req, planned, vendor, &e, diags).is_none() {
                    return;
                }
                None
            }
        }
    };
    plan_tools(ctx, req, catalog, planned, vendor, diags);
}

/// When Frontegg's catalog cannot be read at plan time: `Some` (with a warning) when the plan
/// does not depend on it — the resource exists and the configuration changed neither `scopes`
/// nor a configured `tools`, so the tools are planned as they are — else `None` with one error.
pub(crate) fn catalog_unreachable(
    req: &Plan<Integration>,
    planned: &Integration,
    vendor: &Vendor,
    error: &frontegg_client::Error,
    diags: &mut Diagnostics,
) -> Option<()> {
    let title = &vendor.title;
    let unreachable = matches!(
        error.kind(),
        ErrorKind::Transport
            | ErrorKind::Timeout
            | ErrorKind::Server
            | ErrorKind::RateLimited
            | ErrorKind::Cancelled
    );
    let depends = match &req.prior {
        None => true,
        Some(prior) => {
            planned.scopes != prior.scopes
                || !prior.tools.is_known()
                || (!req.config.tools.is_null() && req.config.tools != prior.tools)
        }
    };
    if depends || !unreachable {
        client_error(
            diags,
            &format!("Cannot look up {title} in Frontegg's catalog"),
            error,
        );
        return None;
    }
    diags.warning(
        format!("{title} tools not checked against Frontegg's catalog"),
        format!(
            "Frontegg's catalog could not be read, so the plan keeps the {title} tools as they \
             are: tools added to or retired from the catalog since the last plan, and tools \
             whose scopes changed, are not seen until Frontegg can be reached. The \
             configuration did not change what the catalog decides. Frontegg said: {error}"
        ),
    );
    Some(())
}

/// Warnings for what the client skipped in Frontegg's answers (each given once per process).
pub(crate) fn answer_notes(client: &Client, diags: &mut Diagnostics) {
    let notes = client.take_notes();
    if notes.is_empty() {
        return;
    }
    diags.warning(
        "Frontegg answered entries the provider cannot use",
        format!(
            "{}. If this persists, report it to Frontegg with the trace id from the provider's \
             log (TF_LOG=debug).",
            notes.join("; ")
        ),
    );
}

pub(crate) async fn create(
    ctx: &Context,
    req: &Change<Integration>,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) -> Option<Integration> {
    let client = Api::client(ctx, diags)?;
    let oauth_configurations = oauth_configuration(req, vendor, diags)?;
    let cancel = ctx.cancelled();
    let entry = catalog_entry(&client, vendor, cancel, diags).await?;
    let mut memory = Memory::load(ctx);
    let planned = &req.planned;
    let catalog = ToolCatalog::of(&entry).map(|c| judged(c, &memory, None));
    let tools = tools_to_enable(req, catalog.as_ref());
    let name = match (planned.name.get(), &entry.display_name) {
        (Some(name), _) => name.clone(),
        (None, Some(display_name)) => display_name.clone(),
        // Planned unknown (the provider settings were not known at plan time): the catalog
        // list's name for the app, as a plan would have named it.
        (None, None) => match client.catalog(cancel).await {
            Ok(apps) => apps
                .into_iter()
                .find(|a| a.provider == vendor.app)
                .and_then(|a| a.display_name)
                .unwrap_or_else(|| vendor.title.clone()),
            Err(_) => vendor.title.clone(),
        },
    };
    let body = CreateVendorIntegration {
        name,
        description: planned.description.get().cloned(),
        frontegg_integration_id: entry.id.clone(),
        tools: tools.iter().cloned().collect(),
        is_active: planned.enabled.get().copied().unwrap_or(true),
        oauth_configurations,
    };
    let mut known = planned.clone();
    known.tools = Maybe::some(tools);
    let title = &vendor.title;
    let created = match client.create_integration(&body, cancel).await {
        Ok(created) => created,
        Err(e) => {
            match e.kind() {
                ErrorKind::Conflict { existing_id }
                | ErrorKind::CreatedUnidentified { existing_id } => {
                    conflict_error(diags, vendor, existing_id.as_deref(), &e)
                }
                _ => client_error(diags, &format!("Cannot create the {title} integration"), &e),
            }
            return None;
        }
    };
    log::info!("created {title} integration {}", created.id);
    memory.learn(&created);
    memory.secret_unsent = false;
    let created = settle_tools(
        &client,
        req,
        created,
        &mut known,
        &mut memory,
        vendor,
        cancel,
        diags,
    )
    .await;
    let state = converge_agents(
        &client,
        req,
        created,
        &known,
        &mut memory,
        vendor,
        cancel,
        diags,
    )
    .await;
    memory.save(ctx);
    answer_notes(&client, diags);
    Some(state)
}

pub(crate) async fn read(
    ctx: &Context,
    state: &Integration,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) -> Option<Integration> {
    let title = &vendor.title;
    if Api::is_deferred(ctx) {
        diags.warning(
            format!("{title} integration not refreshed"),
            "The provider settings are not known until apply, so the integration was not \
             read from Frontegg; the plan uses the last known state.",
        );
        return Some(state.clone());
    }
    let Some(client) = Api::client(ctx, diags) else {
        return Some(state.clone());
    };
    let id = state.id.get()?;
    let found = client.get_integration(id, ctx.cancelled()).await;
    answer_notes(&client, diags);
    match found {
        Ok(Some(integration)) => {
            let mut memory = Memory::load(ctx);
            memory.learn(&integration);
            memory.save(ctx);
            Some(state_from(&integration, state, vendor, diags))
        }
        Ok(None) => {
            log::info!("{title} integration {id} is gone; removing it from state");
            None
        }
        Err(e) => {
            client_error(diags, &format!("Cannot read the {title} integration"), &e);
            Some(state.clone())
        }
    }
}

pub(crate) async fn update(
    ctx: &Context,
    req: &Change<Integration>,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) -> Option<Integration> {
    let prior = req.prior.clone().unwrap_or_default();
    let planned = &req.planned;
    let title = &vendor.title;
    let Some(client) = Api::client(ctx, diags) else {
        return Some(prior);
    };
    let Some(id) = prior.id.get().cloned() else {
        diags.error(
            format!("{title} integration without id"),
            "The state holds no `id`.",
        );
        return Some(prior);
    };
    let cancel = ctx.cancelled();
    let mut memory = Memory::load(ctx);
    let mut known = planned.clone();

    let mut patch = PatchVendorIntegration::default();
    if prior.name != planned.name {
        patch.name = planned.name.get().cloned();
    }
    if prior.description != planned.description {
        patch.description = Some(planned.description.get().cloned());
    }
    if prior.enabled != planned.enabled {
        patch.is_active = planned.enabled.get().copied();
    }
    if prior.tools != planned.tools {
        let catalog = if planned.tools.is_known() {
            None
        } else {
            let entry = catalog_entry(&client, vendor, cancel, diags).await;
            match entry {
                Some(entry) => {
                    ToolCatalog::of(&entry).map(|c| judged(c, &memory, req.prior.as_ref()))
                }
                None => return Some(prior),
            }
        };
        let tools = tools_to_enable(req, catalog.as_ref());
        patch.tools = Some(tools.iter().cloned().collect());
        known.tools = Maybe::some(tools);
    }
    let credentials_changed = prior.client_id != planned.client_id
        || prior.client_secret != planned.client_secret
        || prior.client_secret_wo_version != planned.client_secret_wo_version;
    if credentials_changed || prior.client_id.is_null() {
        let Some(oauth_configurations) = oauth_configuration(req, vendor, diags) else {
            return Some(prior);
        };
        patch.oauth_configurations = Some(oauth_configurations);
    }
    let sends_secret = patch.oauth_configurations.is_some();

    let current = if patch.is_empty() {
        client.get_integration(&id, cancel).await
    } else {
        client
            .update_integration(&id, &patch, cancel)
            .await
            .map(Some)
    };
    let state = match current {
        Ok(Some(current)) => {
            memory.learn(&current);
            if sends_secret {
                memory.secret_unsent = false;
            }
            let current = settle_tools(
                &client,
                req,
                current,
                &mut known,
                &mut memory,
                vendor,
                cancel,
                diags,
            )
            .await;
            Some(
                converge_agents(
                    &client,
                    req,
                    current,
                    &known,
                    &mut memory,
                    vendor,
                    cancel,
                    diags,
                )
                .await,
            )
        }
        Ok(None) => {
            diags.error(
                format!("{title} integration is gone"),
                format!(
                    "Integration {id} no longer exists in Frontegg. Run terraform apply again \
                     to create it."
                ),
            );
            None
        }
        Err(e) => {
            client_error(diags, &format!("Cannot update the {title} integration"), &e);
            // Return what Frontegg holds, so that the next plan shows what is left to do.
            match client.get_integration(&id, cancel).await {
                Ok(Some(current)) => {
                    memory.learn(&current);
                    Some(state_from(&current, &prior, vendor, diags))
                }
                _ => Some(prior),
            }
        }
    };
    memory.save(ctx);
    answer_notes(&client, diags);
    state
}

pub(crate) async fn delete(
    ctx: &Context,
    prior: &Integration,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) {
    let Some(client) = Api::client(ctx, diags) else {
        return;
    };
    let Some(id) = prior.id.get() else {
        return;
    };
    if let Err(e) = client.delete_integration(id, ctx.cancelled()).await {
        client_error(
            diags,
            &format!("Cannot delete the {} integration", vendor.title),
            &e,
        );
    }
}

/// Imports the vendor's integration: by its id (a UUID), or by the app's name (`confluence`).
/// The private state remembers its tools' scopes, and that its client secret was not sent by
/// this configuration.
pub(crate) async fn import(
    ctx: &Context,
    client: &Client,
    id: &str,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) -> Option<Integration> {
    let cancel = ctx.cancelled();
    let title = &vendor.title;
    let app = &vendor.app;
    let found = find(client, vendor, cancel, diags).await?;
    let integration = if id.eq_ignore_ascii_case(app) {
        match found {
            Some(found) => found,
            None => {
                diags.error(
                    format!("No {title} integration to import"),
                    format!(
                        "This Frontegg environment has no {title} integration. Create one \
                         with this resource instead of importing it."
                    ),
                );
                return None;
            }
        }
    } else if !is_uuid(id) {
        diags.error(
            "Invalid import id",
            format!(
                "{id:?} is neither an integration id (a UUID) nor `{app}` (the environment's \
                 {title} integration)."
            ),
        );
        return None;
    } else {
        match found {
            Some(found) if found.id.eq_ignore_ascii_case(id) => found,
            Some(found) => {
                diags.error(
                    format!("Not the {title} integration"),
                    format!(
                        "Integration {id} is not this environment's {title} integration \
                         (that is {}).",
                        found.id
                    ),
                );
                return None;
            }
            None => {
                diags.error(
                    format!("{title} integration not found"),
                    format!("This Frontegg environment has no {title} integration with id {id}."),
                );
                return None;
            }
        }
    };
    let mut memory = Memory {
        secret_unsent: true,
        ..Memory::default()
    };
    memory.learn(&integration);
    memory.save(ctx);
    Some(state_from(
        &integration,
        &Integration::default(),
        vendor,
        diags,
    ))
}

/// The identity of a state: its `id`.
pub(crate) fn identity(state: &Integration) -> Option<Value> {
    let id = state.id.get()?;
    Some(Value::object([("id", Value::string(id))]))
}

/// The import id of an identity.
pub(crate) fn import_id_from_identity(identity: &Value) -> Option<String> {
    identity.attr("id").as_str().map(str::to_string)
}

/// The checks every integration's configuration gets (values not known yet are skipped).
pub(crate) fn validate(config: &Integration, vendor: &Vendor, diags: &mut Diagnostics) {
    validate_client_id(&config.client_id, vendor, diags);
    validate_secrets(config, vendor, diags);
    validate_identifiers(&config.tools, "tools", "tool identifier", diags);
    validate_identifiers(&config.agent_ids, "agent_ids", "agent id", diags);
    if config.tools.get().is_some_and(BTreeSet::is_empty) {
        diags.warning_at(
            AttributePath::attr("tools"),
            format!("No {} tool enabled", vendor.title),
            format!(
                "With `tools = []` the MCP gateway offers agents no {} tool at all.",
                vendor.title
            ),
        );
    }
}

/// Tool identifiers and agent ids: non-empty strings.
fn validate_identifiers(
    value: &Maybe<BTreeSet<String>>,
    attribute: &str,
    what: &str,
    diags: &mut Diagnostics,
) {
    if value
        .get()
        .is_some_and(|items| items.iter().any(|s| s.trim().is_empty()))
    {
        diags.error_at(
            AttributePath::attr(attribute),
            format!("Empty {what}"),
            format!("Every element of `{attribute}` must be a non-empty {what}."),
        );
    }
}

fn validate_client_id(client_id: &Maybe<String>, vendor: &Vendor, diags: &mut Diagnostics) {
    let Some(client_id) = client_id.get() else {
        return;
    };
    let path = AttributePath::attr("client_id");
    if client_id.trim().is_empty() {
        diags.error_at(
            path,
            "Empty client id",
            format!(
                "`client_id` must be the client id of the {}.",
                vendor.oauth_app
            ),
        );
    } else if let Some(prefix) = vendor
        .secret_prefix
        .filter(|prefix| client_id.starts_with(prefix))
    {
        diags.error_at(
            path,
            "Client id looks like a client secret",
            format!(
                "`client_id` starts with `{prefix}`, like a {} client secret. `client_id` is \
                 printed in plans and logs: if this is the secret, revoke it ({}), put the new \
                 secret in `client_secret` or `client_secret_wo`, and the app's client id in \
                 `client_id`.",
                vendor.oauth_app, vendor.console
            ),
        );
    }
}

fn validate_secrets(config: &Integration, vendor: &Vendor, diags: &mut Diagnostics) {
    let (secret, secret_wo) = (&config.client_secret, &config.client_secret_wo);
    // Unknown values are checked again at plan time, when they are known.
    let set = |v: &Maybe<String>| v.get().is_some();
    if set(secret) && set(secret_wo) {
        diags.error_at(
            AttributePath::attr("client_secret_wo"),
            "Two client secrets",
            "Set either `client_secret` or `client_secret_wo`, not both.",
        );
    } else if secret.is_null() && secret_wo.is_null() {
        diags.error_at(
            AttributePath::attr("client_secret"),
            "Missing client secret",
            format!(
                "Set `client_secret`, or `client_secret_wo` with Terraform 1.11 and later, to \
                 the {}'s secret.",
                vendor.oauth_app
            ),
        );
    }
    for (name, value) in [("client_secret", secret), ("client_secret_wo", secret_wo)] {
        if value.get().is_some_and(|s| s.trim().is_empty()) {
            diags.error_at(
                AttributePath::attr(name),
                "Empty client secret",
                format!("`{name}` must be the {}'s secret.", vendor.oauth_app),
            );
        }
    }
    if !config.client_secret_wo_version.is_null() && secret_wo.is_null() {
        diags.warning_at(
            AttributePath::attr("client_secret_wo_version"),
            "`client_secret_wo_version` without `client_secret_wo`",
            "`client_secret_wo_version` only says when to send `client_secret_wo` again; it has \
             no effect with `client_secret`.",
        );
    }
}

/// `8-4-4-4-12` hexadecimal digits.
pub(crate) fn is_uuid(s: &str) -> bool {
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

    #[test]
    fn conflict_without_a_known_id_adopts_by_the_app_name() {
        let mut diags = Diagnostics::new();
        let mut vendor = Vendor::for_app("confluence", None);
        vendor.type_name = "frontegg_confluence_integration";
        conflict_error(
            &mut diags,
            &vendor,
            None,
            &frontegg_client::Error::config("409"),
        );
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
    fn only_atlassian_apps_are_known_beyond_their_name() {
        let jira = Vendor::for_app("jira", Some("Jira"));
        assert_eq!(jira.secret_prefix, Some("ATOA"));
        assert_eq!(jira.oauth_app, "Atlassian OAuth app");
        let slack = Vendor::for_app("slack", Some("Slack"));
        assert_eq!(slack.secret_prefix, None);
        assert_eq!(slack.oauth_app, "Slack OAuth app");
        assert_eq!(Vendor::for_app("miro", None).title, "miro");
    }
}
