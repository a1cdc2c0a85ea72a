//! `frontegg_confluence_integration`: the Confluence integration of Frontegg's MCP gateway
//! (the Atlassian OAuth 2.0 app credentials and the Confluence scopes).

use async_trait::async_trait;
use frontegg_client::{
    Client, CreateVendorIntegration, ErrorKind, OauthConfiguration, PatchVendorIntegration, Secret,
    VendorIntegration,
};
use tfplugin::diag::Diagnostics;
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{ApplyRequest, Context, Resource};
use tfvalue::{AttributePath, Type, Value};
use tokio_util::sync::CancellationToken;

use super::{Api, scopes};

pub(crate) const TYPE_NAME: &str = "frontegg_confluence_integration";
/// The catalog `provider` of Confluence (resolves to the `fronteggIntegrationId`).
pub(crate) const CATALOG_PROVIDER: &str = "confluence";
/// The import id that means "the environment's Confluence integration".
const IMPORT_BY_PROVIDER: &str = "confluence";
const DEFAULT_NAME: &str = "Confluence";
/// Atlassian OAuth client secrets start with this prefix; client ids do not.
const CLIENT_SECRET_PREFIX: &str = "ATOA";

const ID: &str = "id";
const NAME: &str = "name";
const CLIENT_ID: &str = "client_id";
const CLIENT_SECRET: &str = "client_secret";
const CLIENT_SECRET_WO: &str = "client_secret_wo";
const CLIENT_SECRET_WO_VERSION: &str = "client_secret_wo_version";
const SCOPES: &str = "scopes";
const ENABLED: &str = "enabled";
const FRONTEGG_INTEGRATION_ID: &str = "frontegg_integration_id";

/// The `frontegg_confluence_integration` resource.
pub struct ConfluenceIntegration;

/// The `scopes` default: the 13 recommended scopes.
pub(crate) fn default_scopes() -> Value {
    Value::set(scopes::recommended().into_iter().map(Value::string))
}

/// What Frontegg holds of an integration, as the attributes the resource and the data
/// source share. `client_id` is null when Frontegg returns no OAuth configuration.
pub(crate) fn integration_attributes(
    integration: &VendorIntegration,
) -> [(&'static str, Value); 6] {
    [
        (ID, Value::string(&integration.id)),
        (NAME, Value::string(&integration.name)),
        (
            CLIENT_ID,
            integration
                .oauth_configurations
                .as_ref()
                .map_or(Value::Null, |o| Value::string(&o.client_id)),
        ),
        (
            SCOPES,
            Value::set(integration.scopes.iter().map(Value::string)),
        ),
        (ENABLED, Value::Bool(integration.is_active)),
        (
            FRONTEGG_INTEGRATION_ID,
            Value::string(&integration.frontegg_integration_id),
        ),
    ]
}

pub(crate) fn string_set(value: &Value) -> Vec<String> {
    value
        .elements()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// Description of `frontegg_integration_id` (shared with the data source).
pub(crate) const FRONTEGG_INTEGRATION_ID_DESCRIPTION: &str =
    "Id of Confluence in Frontegg's integration catalog (`fronteggIntegrationId`).";

impl ConfluenceIntegration {
    fn state_type() -> Type {
        ConfluenceIntegration.schema().value_type()
    }

    /// A state from what Frontegg holds, with the secret attributes (and `client_id`, when
    /// Frontegg returns no OAuth configuration) taken from `known`: the plan after a create
    /// or update, the prior state after a read. Frontegg never returns the secret.
    pub(crate) fn state_from(integration: &VendorIntegration, known: &Value) -> Value {
        let mut state = Value::object_of(
            &Self::state_type(),
            integration_attributes(integration).into_iter().chain([
                (CLIENT_SECRET, known.attr(CLIENT_SECRET).clone()),
                (CLIENT_SECRET_WO, Value::Null),
                (
                    CLIENT_SECRET_WO_VERSION,
                    known.attr(CLIENT_SECRET_WO_VERSION).clone(),
                ),
            ]),
        );
        if state.attr(CLIENT_ID).is_null() {
            state.set_attr(CLIENT_ID, known.attr(CLIENT_ID).clone());
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

/// The error for a second Confluence integration, with the commands that adopt the
/// existing one.
fn conflict_error(
    diags: &mut Diagnostics,
    existing_id: Option<&str>,
    error: &frontegg_client::Error,
) {
    let (which, import_id) = match existing_id {
        Some(id) => (format!("(id {id})"), id),
        None => (String::new(), IMPORT_BY_PROVIDER),
    };
    diags.error(
        "Confluence integration already exists",
        format!(
            "This Frontegg environment already has a Confluence integration {which}, and an \
             environment holds only one. Adopt it instead of creating another: import it with\n\n\
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

/// The catalog id (`fronteggIntegrationId`) of Confluence.
async fn confluence_catalog_id(
    client: &Client,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> Option<String> {
    match client.catalog_id(CATALOG_PROVIDER, cancel).await {
        Ok(id) => Some(id),
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
    let catalog_id = confluence_catalog_id(client, cancel, diags).await?;
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

#[async_trait]
impl Resource for ConfluenceIntegration {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
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
                Attribute::new(CLIENT_ID, Type::String).required().description(
                    "Client id of the Atlassian OAuth 2.0 (3LO) app (developer console → your app \
                     → **Settings**; not the app id). It is printed in plans, so a value that \
                     looks like a client secret (starts with `ATOA`) is rejected.",
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
                        "Granular Confluence scopes the MCP gateway requests when a user \
                         connects Confluence (`read:page:confluence`, ...; `offline_access` for \
                         refresh tokens). Defaults to the 13 scopes of Frontegg's Confluence \
                         setup guide; removing the attribute reverts to them. Classic scopes \
                         (`read:confluence-content.all`, ...) are rejected: the Confluence v2 \
                         REST API does not accept them.",
                    ),
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
                 (3LO) app credentials and the Confluence scopes.",
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
    }

    async fn create(&self, ctx: &Context, req: &ApplyRequest, diags: &mut Diagnostics) -> Value {
        let Some(client) = Api::client(ctx, diags) else {
            return Value::Null;
        };
        let Some(oauth_configurations) = oauth_configuration(req, diags) else {
            return Value::Null;
        };
        let cancel = ctx.cancelled();
        let Some(frontegg_integration_id) = confluence_catalog_id(&client, cancel, diags).await
        else {
            return Value::Null;
        };
        let planned = &req.planned;
        let body = CreateVendorIntegration {
            name: planned
                .attr(NAME)
                .as_str()
                .unwrap_or(DEFAULT_NAME)
                .to_string(),
            description: None,
            frontegg_integration_id,
            is_active: planned.attr(ENABLED).as_bool().unwrap_or(true),
            oauth_configurations,
            scopes: string_set(planned.attr(SCOPES)),
        };
        match client.create_integration(&body, cancel).await {
            Ok(created) => {
                log::info!("created Confluence integration {}", created.id);
                Self::state_from(&created, planned)
            }
            Err(e) => {
                match e.kind() {
                    ErrorKind::Conflict { existing_id } => {
                        conflict_error(diags, existing_id.as_deref(), &e)
                    }
                    _ => client_error(diags, "Cannot create the Confluence integration", &e),
                }
                Value::Null
            }
        }
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
            Ok(Some(integration)) => Self::state_from(&integration, state),
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
        let changed = |name: &str| prior.attr(name) != planned.attr(name);

        let mut patch = PatchVendorIntegration::default();
        if changed(NAME) {
            patch.name = planned.attr(NAME).as_str().map(str::to_string);
        }
        if changed(ENABLED) {
            patch.is_active = planned.attr(ENABLED).as_bool();
        }
        if changed(SCOPES) {
            patch.scopes = Some(string_set(planned.attr(SCOPES)));
        }
        if changed(CLIENT_ID) || changed(CLIENT_SECRET) || changed(CLIENT_SECRET_WO_VERSION) {
            let Some(oauth_configurations) = oauth_configuration(req, diags) else {
                return prior.clone();
            };
            patch.oauth_configurations = Some(oauth_configurations);
        }

        let cancel = ctx.cancelled();
        if patch.is_empty() {
            return self.read(ctx, planned, diags).await;
        }
        match client.update_integration(id, &patch, cancel).await {
            Ok(updated) => Self::state_from(&updated, planned),
            Err(e) => {
                client_error(diags, "Cannot update the Confluence integration", &e);
                // Return what Frontegg holds, so that the next plan shows what is left to do.
                match client.get_integration(id, cancel).await {
                    Ok(Some(current)) => Self::state_from(&current, prior),
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
        Self::state_from(&integration, &Value::Null)
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        let id = state.attr(ID).as_str()?;
        Some(Value::object([(ID, Value::string(id))]))
    }

    fn import_id_from_identity(&self, identity: &Value) -> Option<String> {
        identity.attr(ID).as_str().map(str::to_string)
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
