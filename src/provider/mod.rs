//! The Frontegg provider: its configuration, and the resources, data sources, list
//! resources, functions and actions it serves.
//!
//! Configuring builds a [`frontegg_client::Client`] without calling Frontegg; the first API
//! call signs in. When a setting is not known until apply, resources get
//! [`Api::Deferred`] and raise an error only when they actually need Frontegg.

mod atlassian_app_check;
mod confluence_integration;
mod confluence_integration_data_source;
mod confluence_integration_list_resource;
mod integration;
mod integration_callback_url;
mod integration_catalog_data_source;
#[cfg(feature = "test-vendor")]
mod jira_integration;
mod mcp_integration;
mod provider_data;
pub mod scopes;
mod type_names;

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use frontegg_client::atlassian::{AtlassianCheck, DEFAULT_ATLASSIAN_URL, validate_atlassian_url};
use frontegg_client::{Client, ClientConfig, ProxyEnv, Region, Secret};
use tfplugin::diag::Diagnostics;
use tfplugin::model::{Typed, TypedData};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{Action, Context, DataSource, Function, ListResource, Provider, Resource};
use tfvalue::{AttributePath, Type, Value};

use provider_data::{Api, Atlassian, ProviderData};

pub use atlassian_app_check::AtlassianAppCheck;
pub use confluence_integration::{Confluence, ConfluenceIntegration};
pub use confluence_integration_data_source::ConfluenceIntegrationDataSource;
pub use confluence_integration_list_resource::ConfluenceIntegrationList;
pub use integration::resource::AppResource;
pub use integration_callback_url::IntegrationCallbackUrl;
pub use integration_catalog_data_source::IntegrationCatalogDataSource;
pub use mcp_integration::McpIntegration;

/// One provider setting: its attribute and the environment variables read when the
/// attribute is not set (first non-empty wins).
struct Setting {
    attribute: &'static str,
    env: &'static [&'static str],
}

const CLIENT_ID: Setting = Setting {
    attribute: "client_id",
    env: &["FRONTEGG_CLIENT_ID"],
};
const SECRET: Setting = Setting {
    attribute: "secret",
    env: &["FRONTEGG_SECRET", "FRONTEGG_SECRET_KEY", "FRONTEGG_API_KEY"],
};
const REGION: Setting = Setting {
    attribute: "region",
    env: &["FRONTEGG_REGION"],
};
const BASE_URL: Setting = Setting {
    attribute: "base_url",
    env: &["FRONTEGG_BASE_URL"],
};
const ENVIRONMENT_ID: Setting = Setting {
    attribute: "environment_id",
    env: &["FRONTEGG_ENVIRONMENT_ID"],
};
const ATLASSIAN_URL: Setting = Setting {
    attribute: "atlassian_url",
    env: &["FRONTEGG_ATLASSIAN_URL"],
};

/// The value of a [`Setting`] after configuration and environment.
enum Resolved {
    Known(String),
    /// Set in the configuration to a value Terraform does not know yet.
    Unknown,
    Missing,
}

impl Setting {
    fn resolve(&self, config: &Value) -> Resolved {
        let value = config.attr(self.attribute);
        if value.is_unknown() {
            return Resolved::Unknown;
        }
        if let Some(s) = value.as_str() {
            return Resolved::Known(s.to_string());
        }
        self.env
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|v| !v.trim().is_empty())
            .map_or(Resolved::Missing, Resolved::Known)
    }

    fn path(&self) -> AttributePath {
        AttributePath::attr(self.attribute)
    }

    /// "`client_id` (or the `FRONTEGG_CLIENT_ID` environment variable)"
    fn describe(&self) -> String {
        let env: Vec<String> = self.env.iter().map(|e| format!("`{e}`")).collect();
        let (first, rest) = env
            .split_first()
            .map_or(("", &[][..]), |(f, r)| (f.as_str(), r));
        if rest.is_empty() {
            format!("`{}` (or the {first} environment variable)", self.attribute)
        } else {
            format!(
                "`{}` (or the {first} environment variable; {} are also read)",
                self.attribute,
                rest.join(" and ")
            )
        }
    }
}

/// The Frontegg provider.
pub struct FronteggProvider {
    version: &'static str,
}

impl FronteggProvider {
    /// A provider that reports `version` in the user agent of its API calls.
    pub fn new(version: &'static str) -> Self {
        FronteggProvider { version }
    }
}

#[async_trait]
impl Provider for FronteggProvider {
    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(vec![
                Attribute::new("client_id", Type::String).optional().description(
                    "Client id of the Frontegg API key the provider signs in with: an environment \
                     API key, or an account-level key together with `environment_id`. Defaults to \
                     the `FRONTEGG_CLIENT_ID` environment variable.",
                ),
                Attribute::new("secret", Type::String)
                    .optional()
                    .sensitive()
                    .description(
                        "Secret of that API key. Defaults to the `FRONTEGG_SECRET` environment \
                         variable (`FRONTEGG_SECRET_KEY` and `FRONTEGG_API_KEY` are also read, in \
                         this order). Prefer the environment variable to keeping the secret in \
                         configuration.",
                    ),
                Attribute::new("region", Type::String).optional().description(
                    "Frontegg region of the account: `eu`, `us`, `ca`, `au` or `uk`, in any case. Defaults to \
                     the `FRONTEGG_REGION` environment variable, then `eu`. Ignored when \
                     `base_url` is set.",
                ),
                Attribute::new("base_url", Type::String).optional().description(
                    "Base URL of the Frontegg API (a proxy, a test stack); wins over `region`. \
                     Must be `https://`, except for loopback hosts. Defaults to the \
                     `FRONTEGG_BASE_URL` environment variable.",
                ),
                Attribute::new("environment_id", Type::String).optional().description(
                    "The Frontegg environment to manage, sent with every call as the \
                     `frontegg-environment-id` header. Needed with an account-level API key that \
                     covers several environments. Defaults to the `FRONTEGG_ENVIRONMENT_ID` \
                     environment variable.",
                ),
                Attribute::new("atlassian_url", Type::String).optional().description(
                    "Base URL of Atlassian's authorization server, where the \
                     `frontegg_atlassian_app_check` action checks an app's client id and secret \
                     (`POST <atlassian_url>/oauth/token`): for Atlassian Government Cloud or a \
                     test stand-in. Must be `https://`, except for loopback hosts. Defaults to \
                     the `FRONTEGG_ATLASSIAN_URL` environment variable, then \
                     `https://auth.atlassian.com`. The provider sends an app's secret nowhere \
                     else.",
                ),
            ])
            .description("Manages Frontegg's MCP gateway integrations."),
        )
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(region) = config.attr(REGION.attribute).as_str() {
            check_region(region, diags);
        }
        if let Some(url) = config.attr(ATLASSIAN_URL.attribute).as_str()
            && let Err(e) = validate_atlassian_url(url)
        {
            diags.error_at(
                ATLASSIAN_URL.path(),
                "Invalid `atlassian_url`",
                e.to_string(),
            );
        }
        for setting in [&CLIENT_ID, &SECRET] {
            if config.attr(setting.attribute).as_str().map(str::trim) == Some("") {
                diags.error_at(
                    setting.path(),
                    format!("Empty `{}`", setting.attribute),
                    format!("Set {} to a non-empty value.", setting.describe()),
                );
            }
        }
    }

    async fn configure(
        &self,
        _ctx: &Context,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Arc<dyn Any + Send + Sync>> {
        let atlassian = configure_atlassian(config, self.version, diags)?;
        let settings = [&CLIENT_ID, &SECRET, &REGION, &BASE_URL, &ENVIRONMENT_ID];
        let [client_id, secret, region, base_url, environment_id] =
            settings.map(|s| s.resolve(config));

        let missing: Vec<&Setting> = [(&CLIENT_ID, &client_id), (&SECRET, &secret)]
            .into_iter()
            .filter(|(_, value)| matches!(value, Resolved::Missing))
            .map(|(setting, _)| setting)
            .collect();
        if let Some(first) = missing.first() {
            let names: Vec<String> = missing.iter().map(|s| s.describe()).collect();
            diags.error_at(
                first.path(),
                "Missing Frontegg credentials",
                format!(
                    "The provider needs a Frontegg API key to call Frontegg. Set {}.",
                    names.join(" and ")
                ),
            );
            return None;
        }

        let unknown: Vec<&'static str> = settings
            .iter()
            .zip([&client_id, &secret, &region, &base_url, &environment_id])
            .filter(|(_, value)| matches!(value, Resolved::Unknown))
            .map(|(setting, _)| setting.attribute)
            .collect();
        if !unknown.is_empty() {
            log::debug!("provider settings not known yet: {unknown:?}; deferring Frontegg calls");
            let api = Api::Deferred { unknown };
            return Some(Arc::new(ProviderData { api, atlassian }));
        }

        let (Resolved::Known(client_id), Resolved::Known(secret)) = (client_id, secret) else {
            return None;
        };
        let mut client_config = ClientConfig::new(client_id, Secret::new(secret));
        if let Resolved::Known(region) = region {
            client_config = client_config.with_region(check_region(&region, diags)?);
        }
        if let Resolved::Known(url) = base_url {
            client_config = match client_config.with_base_url(&url) {
                Ok(c) => c,
                Err(e) => {
                    diags.error_at(BASE_URL.path(), "Invalid `base_url`", e.to_string());
                    return None;
                }
            };
        }
        if let Resolved::Known(environment_id) = environment_id {
            client_config = client_config.with_environment_id(Some(environment_id));
        }
        client_config = client_config.with_version(self.version);
        match Client::new(client_config) {
            Ok(client) => Some(Arc::new(ProviderData {
                api: Api::Configured(client),
                atlassian,
            })),
            Err(e) => {
                diags.error("Cannot configure the Frontegg client", e.to_string());
                None
            }
        }
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![
            Arc::new(Typed(AppResource(Confluence))),
            Arc::new(Typed(McpIntegration)),
            #[cfg(feature = "test-vendor")]
            Arc::new(Typed(AppResource(jira_integration::Jira))),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![
            Arc::new(TypedData(ConfluenceIntegrationDataSource)),
            Arc::new(TypedData(IntegrationCatalogDataSource)),
        ]
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        vec![Arc::new(ConfluenceIntegrationList)]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![Arc::new(IntegrationCallbackUrl)]
    }

    fn actions(&self) -> Vec<Arc<dyn Action>> {
        vec![Arc::new(AtlassianAppCheck)]
    }
}

/// The Atlassian endpoint of `atlassian_url` (or its variable, else Atlassian's), or an
/// error at `atlassian_url`.
fn configure_atlassian(
    config: &Value,
    version: &str,
    diags: &mut Diagnostics,
) -> Option<Atlassian> {
    let url = match ATLASSIAN_URL.resolve(config) {
        Resolved::Unknown => return Some(Atlassian::Deferred),
        Resolved::Known(url) => url,
        Resolved::Missing => DEFAULT_ATLASSIAN_URL.to_owned(),
    };
    match AtlassianCheck::new(&url, version, &ProxyEnv::from_env()) {
        Ok(check) => Some(Atlassian::Configured(check)),
        Err(e) => {
            diags.error_at(
                ATLASSIAN_URL.path(),
                "Invalid `atlassian_url`",
                e.to_string(),
            );
            None
        }
    }
}

/// The Frontegg region `region` names (in any case), or an error at `region`.
fn check_region(region: &str, diags: &mut Diagnostics) -> Option<Region> {
    let found = region.parse::<Region>().ok();
    if found.is_none() {
        diags.error_at(
            REGION.path(),
            "Unknown Frontegg region",
            format!(
                "{region:?} is not a Frontegg region. Use one of {}, or set `base_url`.",
                Region::ALL.map(|r| r.as_str()).join(", ")
            ),
        );
    }
    found
}
