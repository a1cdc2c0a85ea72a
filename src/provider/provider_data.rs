//! What [`Provider::configure`](tfplugin::Provider::configure) hands to resources, data sources
//! and actions: the Frontegg client (or why there is none yet) and the Atlassian endpoint. Never
//! calls Frontegg.

use frontegg_client::Client;
use frontegg_client::atlassian::AtlassianCheck;
use tfplugin::Context;
use tfplugin::diag::Diagnostics;

/// What [`Provider::configure`] gives resources, data sources and actions.
pub(crate) struct ProviderData {
    pub(crate) api: Api,
    pub(crate) atlassian: Atlassian,
}

/// The Atlassian authorization server the actions check apps against.
pub(crate) enum Atlassian {
    Configured(AtlassianCheck),
    /// `atlassian_url` is not known until apply.
    Deferred,
}

impl Atlassian {
    /// The configured Atlassian endpoint; `None` at plan time when it is not known yet,
    /// or before the provider is configured.
    pub(crate) fn check(ctx: &Context) -> Option<AtlassianCheck> {
        match ctx.provider_data::<ProviderData>().as_deref() {
            Some(ProviderData {
                atlassian: Atlassian::Configured(check),
                ..
            }) => Some(check.clone()),
            _ => None,
        }
    }
}

/// What resources and data sources get from [`Provider::configure`].
pub(crate) enum Api {
    Configured(Client),
    /// Some settings (named) are not known until apply.
    Deferred {
        unknown: Vec<&'static str>,
    },
}

impl Api {
    /// The Frontegg client, or an error diagnostic saying why there is none.
    pub(crate) fn client(ctx: &Context, diags: &mut Diagnostics) -> Option<Client> {
        match ctx
            .provider_data::<ProviderData>()
            .as_deref()
            .map(|d| &d.api)
        {
            Some(Api::Configured(client)) => Some(client.clone()),
            Some(Api::Deferred { unknown }) => {
                diags.error(
                    "Provider configuration not known yet",
                    format!(
                        "The provider settings {} depend on values that are not known until \
                         apply, and this operation needs to call Frontegg. Apply the resources \
                         they depend on first (for example with `-target`).",
                        unknown
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                None
            }
            None => {
                diags.error(
                    "Provider not configured",
                    "The Frontegg provider was not configured before this operation. This is a \
                     bug in the provider or in Terraform; please report it.",
                );
                None
            }
        }
    }

    /// True when the provider settings are not known yet (plan time).
    pub(crate) fn is_deferred(ctx: &Context) -> bool {
        matches!(
            ctx.provider_data::<ProviderData>()
                .as_deref()
                .map(|d| &d.api),
            Some(Api::Deferred { .. })
        )
    }
}
