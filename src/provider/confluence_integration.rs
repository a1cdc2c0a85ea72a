//! `frontegg_confluence_integration`: the Confluence integration of Frontegg's MCP gateway —
//! the Atlassian OAuth 2.0 (3LO) app's credentials and scopes, the Confluence tools the gateway
//! offers, and the agents that may use them.
//!
//! What is Confluence's own, whichever resource manages it: the default `scopes` (the 13 of
//! Frontegg's setup guide), their spelling (checked against the embedded Confluence scope
//! catalogue), the resource's wording, and the grant a `moved` block from
//! `frontegg_mcp_integration` gives it (the default grant, through [`App::default_grant`]).
//! Everything else is the shared [`AppResource`].

use std::collections::BTreeSet;

use tfplugin::diag::Diagnostics;
use tfplugin::schema::Attribute;
use tfvalue::{AttributePath, Type, Value};

use super::integration::model::{Integration, attr};
use super::integration::resource::{App, AppResource, default_name};
use super::integration::schema::Wording;
use super::scopes;
use super::type_names::CONFLUENCE_INTEGRATION;

/// Confluence, as the shared integration resource asks about it.
pub struct Confluence;

/// The `frontegg_confluence_integration` resource.
pub type ConfluenceIntegration = AppResource<Confluence>;

/// Description of `tools`, shared with the data source.
pub(crate) const TOOLS_DESCRIPTION: &str = "Identifiers of the Confluence tools the MCP gateway \
     offers agents, as Frontegg's tool catalog names them (the `frontegg_integration_catalog` \
     data source lists them).";
/// Whom the gateway asks for scopes, in `requested_scopes`.
pub(crate) const REQUESTED_FROM: &str = "from Atlassian when a user connects Confluence";
/// How `frontegg_integration_id` names the app.
pub(crate) const CATALOG_APP: &str = "Confluence";

impl App for Confluence {
    const TYPE_NAME: &'static str = CONFLUENCE_INTEGRATION;
    const APP: &'static str = "confluence";
    const TITLE: &'static str = "Confluence";

    fn wording() -> Wording {
        Wording {
            version: 1,
            description: "The Confluence integration of Frontegg's MCP gateway: the Atlassian \
                 OAuth 2.0 (3LO) app's credentials and granted scopes, the Confluence tools the \
                 gateway offers agents, and the agents that may use them.",
            secret_of: "the Atlassian OAuth app",
            client_id: "Client id of the Atlassian OAuth 2.0 (3LO) app (developer console → \
                 your app → **Settings**; not the app id). It is printed in plans, so a value \
                 that looks like a client secret (starts with `ATOA`) is rejected. The \
                 integration always uses this app: one that Frontegg holds on its own shared app \
                 (`useFronteggIntegration`) shows `client_id` as a change in the plan, and apply \
                 switches it to this app.",
            requested_from: REQUESTED_FROM,
            catalog_app: CATALOG_APP,
            name: default_name::<Confluence>(),
            scopes: Attribute::new(attr::SCOPES, Type::set(Type::String))
                .optional()
                .computed()
                .default(default_scopes())
                .description(
                    "The granular Confluence scopes your Atlassian OAuth app grants (developer \
                     console → your app → **Permissions**; `read:page:confluence`, ...). \
                     Defaults to the 13 scopes of Frontegg's Confluence setup guide; removing \
                     the attribute reverts to them. Frontegg does not store it: it bounds \
                     `tools`, so narrowing `scopes` narrows what the gateway may do. Classic \
                     scopes (`read:confluence-content.all`, ...) are rejected: the Confluence v2 \
                     REST API does not accept them.",
                ),
            tools: format!(
                "{TOOLS_DESCRIPTION} When unset, every tool of Frontegg's Confluence catalog \
                 whose scopes all lie inside `scopes`; when set, exactly these tools, each of \
                 which must be offered by the catalog and fit inside `scopes`."
            ),
        }
    }

    fn default_grant() -> Option<BTreeSet<String>> {
        Some(
            scopes::recommended()
                .into_iter()
                .map(str::to_string)
                .collect(),
        )
    }

    fn validate(config: &Integration, diags: &mut Diagnostics) {
        if let Some(granted) = config.scopes.get() {
            let known: Vec<&str> = granted.iter().map(String::as_str).collect();
            check_scopes(&known, false, scopes::Unset::Recommended, diags);
        }
    }
}

/// The `scopes` default as a value.
fn default_scopes() -> Value {
    Value::set(scopes::recommended().into_iter().map(Value::string))
}

/// Checks configured Confluence `scopes` (`known`: the elements known so far; `has_unknown`:
/// some are not) at the attribute's path; `unset` says what leaving the attribute out means
/// where it is checked.
pub(crate) fn check_scopes(
    known: &[&str],
    has_unknown: bool,
    unset: scopes::Unset,
    diags: &mut Diagnostics,
) {
    for finding in scopes::check_set(known, has_unknown, unset) {
        let path = AttributePath::attr(attr::SCOPES);
        match finding.severity {
            scopes::Severity::Error => diags.error_at(path, finding.summary, finding.detail),
            scopes::Severity::Warning => diags.warning_at(path, finding.summary, finding.detail),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::Context;
    use tfplugin::Resource;
    use tfplugin::model::{Typed, TypedResource};

    fn resource() -> Typed<ConfluenceIntegration> {
        Typed(AppResource(Confluence))
    }

    fn errors_at(config: &Value) -> Vec<(String, String)> {
        let mut diags = Diagnostics::new();
        resource().validate(&Context::new(), config, &mut diags);
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
            &AppResource(Confluence).schema().value_type(),
            [
                (attr::CLIENT_ID, Value::string("client")),
                (attr::CLIENT_SECRET, Value::string("secret")),
            ],
        );
        for (name, value) in attrs {
            config.set_attr(name, value);
        }
        config
    }

    #[test]
    fn the_model_fits_the_schema() {
        assert_eq!(resource().check_model(), Ok(()));
    }

    #[test]
    fn unknown_values_are_left_for_plan_time() {
        let config = config([
            (attr::CLIENT_ID, Value::Unknown),
            (attr::CLIENT_SECRET, Value::Unknown),
            (attr::SCOPES, Value::Unknown),
        ]);
        assert!(errors_at(&config).is_empty());
    }

    #[test]
    fn unknown_secret_with_write_only_secret_is_not_yet_a_conflict() {
        let config = config([
            (attr::CLIENT_SECRET, Value::Null),
            (attr::CLIENT_SECRET_WO, Value::Unknown),
        ]);
        assert!(errors_at(&config).is_empty());
    }

    #[test]
    fn blank_secret_is_an_error_at_its_path() {
        let config = config([(attr::CLIENT_SECRET, Value::string(" "))]);
        assert_eq!(
            errors_at(&config),
            [(
                attr::CLIENT_SECRET.to_string(),
                "Empty client secret".to_string()
            )]
        );
    }

    #[test]
    fn identity_round_trips_the_id() {
        let state = config([(
            attr::ID,
            Value::string("0b7e4bde-64fc-4e4b-9b7e-0d0bd5d1e6a1"),
        )]);
        let typed = resource();
        let identity = typed.identity(&state).expect("identity");
        assert_eq!(
            typed.import_id_from_identity(&identity).as_deref(),
            Some("0b7e4bde-64fc-4e4b-9b7e-0d0bd5d1e6a1")
        );
    }

    #[test]
    fn default_scopes_are_the_13_recommended() {
        assert_eq!(default_scopes().elements().map(<[_]>::len), Some(13));
    }
}
