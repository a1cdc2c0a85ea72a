//! State mapping: a state from what Frontegg holds, keeping what its answer leaves out. Never
//! calls Frontegg.

use frontegg_client::VendorIntegration;
use tfplugin::diag::Diagnostics;
use tfplugin::model::{Maybe, Unknowable};

use super::model::{Integration, Reported};
use super::tools::{answer_tool_scopes, union};
use super::vendor::Vendor;

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
