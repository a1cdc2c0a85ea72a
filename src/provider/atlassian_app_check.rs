//! The action `frontegg_atlassian_app_check`: checks an Atlassian OAuth 2.0 (3LO) app's
//! client id and secret against Atlassian's token endpoint before Frontegg gets them, and
//! its `scopes` offline as the Confluence resource does. Run by an `action_trigger`
//! (`before_create`, `before_update`) on the integration, or by `terraform apply -invoke`.
//!
//! The secret goes only to the provider's `atlassian_url` (see
//! [`frontegg_client::atlassian`] for the request and how its answer is read), and never
//! into a message.

use async_trait::async_trait;
use frontegg_client::Secret;
use frontegg_client::atlassian::AppCheck;
use tfplugin::diag::Diagnostics;
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{Action, ActionProgress, Context};
use tfvalue::{AttributePath, Type, Value};

use super::confluence_integration::check_scopes;
use super::provider_data::Atlassian;
use super::scopes;

pub(crate) const TYPE_NAME: &str = "frontegg_atlassian_app_check";

const CLIENT_ID: &str = "client_id";
const CLIENT_SECRET: &str = "client_secret";
const CALLBACK_URL: &str = "callback_url";
const SCOPES: &str = "scopes";

/// Sent as `redirect_uri` when no `callback_url` is given: Atlassian is observed to check
/// the client before the callback, and the check reads nothing about the callback.
const PLACEHOLDER_CALLBACK: &str = "https://localhost/integration-callback";

/// Where the app's credentials are, for the messages.
const CONSOLE: &str = "https://developer.atlassian.com/console/myapps/";

/// The `frontegg_atlassian_app_check` action.
pub struct AtlassianAppCheck;

#[async_trait]
impl Action for AtlassianAppCheck {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new([
                Attribute::new(CLIENT_ID, Type::String).required().description(
                    "Client ID of the Atlassian OAuth 2.0 (3LO) app, from its **Settings** page \
                     in the Atlassian developer console (not the App ID).",
                ),
                Attribute::new(CLIENT_SECRET, Type::String)
                    .required()
                    .sensitive()
                    .write_only()
                    .description(
                        "Secret of the app, from the same page. Write-only: it takes an \
                         ephemeral value (an ephemeral variable or resource) as well as a plain \
                         one, and is kept in no state or plan. Sent only to the provider's \
                         `atlassian_url`.",
                    ),
                Attribute::new(CALLBACK_URL, Type::String).optional().description(
                    "The app's callback URL, sent as `redirect_uri` (for example \
                     `provider::frontegg::integration_callback_url(...)`). The check does not \
                     tell whether it matches the app's: Atlassian checks the client first.",
                ),
                Attribute::new(SCOPES, Type::set(Type::String))
                    .optional()
                    .description(
                        "The granular Confluence scopes the app grants, checked offline as the \
                         integration's `scopes` are: a classic scope is an error naming its \
                         granular replacements. Atlassian's answer cannot show the app's scopes.",
                    ),
            ])
            .description(
                "Checks an Atlassian OAuth 2.0 (3LO) app's client id and secret with Atlassian \
                 before Frontegg stores them: a code exchange that must fail, whose answer tells \
                 a wrong client id or secret (an error) from a right pair (success, in the \
                 progress output). An answer the check does not know, or none, is a warning, \
                 never a success. Terraform 1.14 and later.",
            ),
        )
    }

    fn validate(&self, _ctx: &Context, config: &Value, diags: &mut Diagnostics) {
        for name in [CLIENT_ID, CLIENT_SECRET] {
            if config.attr(name).as_str().map(str::trim) == Some("") {
                diags.error_at(
                    AttributePath::attr(name),
                    format!("Empty `{name}`"),
                    format!(
                        "Copy the app's {} from its Settings page in the Atlassian developer console ({CONSOLE}).",
                        if name == CLIENT_ID {
                            "Client ID"
                        } else {
                            "Secret"
                        }
                    ),
                );
            }
        }
        if let Some(url) = config.attr(CALLBACK_URL).as_str() {
            let ok = url::Url::parse(url)
                .is_ok_and(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some());
            if !ok {
                diags.error_at(
                    AttributePath::attr(CALLBACK_URL),
                    "Invalid `callback_url`",
                    format!(
                        "{url:?} is not an http(s) URL. Use the app's callback URL, for example \
                         provider::frontegg::integration_callback_url(\"<gateway host>\")."
                    ),
                );
            }
        }
        validate_scopes(config.attr(SCOPES), diags);
    }

    async fn invoke(
        &self,
        ctx: &Context,
        config: &Value,
        progress: &ActionProgress,
        diags: &mut Diagnostics,
    ) {
        let (Some(client_id), Some(secret)) = (
            config.attr(CLIENT_ID).as_str(),
            config.attr(CLIENT_SECRET).as_str(),
        ) else {
            diags.error(
                "Missing Atlassian credentials",
                "Set `client_id` and `client_secret` in the action's `config` block.",
            );
            return;
        };
        let Some(check) = Atlassian::check(ctx) else {
            diags.error(
                "Provider not configured",
                "The Frontegg provider's `atlassian_url` is not known. This is a bug in the \
                 provider or in Terraform; please report it.",
            );
            return;
        };
        let redirect_uri = config
            .attr(CALLBACK_URL)
            .as_str()
            .unwrap_or(PLACEHOLDER_CALLBACK);
        progress
            .send(format!(
                "Checking the Atlassian app {client_id:?} with {}",
                check.url()
            ))
            .await;
        let secret = Secret::new(secret);
        match check
            .check_app(client_id, &secret, redirect_uri, ctx.cancelled())
            .await
        {
            AppCheck::Accepted { status, error } => {
                progress
                    .send(format!(
                        "Atlassian accepted the client id and secret of {client_id:?} \
                         (it refused only the made-up authorization code: {status} {error})"
                    ))
                    .await;
            }
            AppCheck::Rejected => diags.error_at(
                AttributePath::attr(CLIENT_SECRET),
                "Atlassian does not accept this client id and secret",
                format!(
                    "Atlassian's token endpoint ({}) answered 401 access_denied for the client id \
                     {client_id:?}: the client id or the secret is wrong. Copy both again from \
                     the app's Settings page in the Atlassian developer console ({CONSOLE}); the \
                     console's App ID is not the client id. A `before_create` or `before_update` \
                     trigger stops the apply here, before Frontegg receives the secret.",
                    check.url()
                ),
            ),
            AppCheck::Undetermined(why) => diags.warning(
                "Could not check the Atlassian app",
                format!(
                    "The check of the client id {client_id:?} could not tell whether Atlassian \
                     accepts it: {why}. The apply goes on; the credentials are neither known to \
                     be right nor wrong. Run `terraform apply -invoke=action.{TYPE_NAME}.<name>` \
                     again later."
                ),
            ),
        }
    }
}

/// The Confluence scope check of the integration resource, on the action's `scopes`.
fn validate_scopes(value: &Value, diags: &mut Diagnostics) {
    let Some(elements) = value.elements() else {
        return;
    };
    let known: Vec<&str> = elements.iter().filter_map(Value::as_str).collect();
    let has_unknown = elements.iter().any(Value::is_unknown);
    check_scopes(&known, has_unknown, scopes::Unset::Unchecked, diags);
}
