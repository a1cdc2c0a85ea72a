//! `ConfigureProvider`: the provider's `configure` result becomes the provider data of
//! every later request's [`Context`](crate::Context).

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;

use super::convert::{capabilities_from_proto, decode_dynamic, diagnostics_to_proto};
use super::guard::guarded;
use super::{Configured, ProviderService};

impl ProviderService {
    pub(super) async fn configure_provider(
        &self,
        req: pb::configure_provider::Request,
    ) -> pb::configure_provider::Response {
        log::debug!("ConfigureProvider (Terraform {})", req.terraform_version);
        let mut diags = Diagnostics::new();
        let capabilities = req
            .client_capabilities
            .as_ref()
            .map(capabilities_from_proto)
            .unwrap_or_default();
        if let Some(config) = decode_dynamic(
            req.config.as_ref(),
            &self.provider_ty,
            "provider configuration",
            &mut diags,
        ) {
            let ctx = self.context(req.client_capabilities.as_ref());
            let mut inner = Diagnostics::new();
            let result = guarded(
                "configuring the provider",
                self.provider.configure(&ctx, &config, &mut inner),
            )
            .await;
            diags.extend(inner);
            match result {
                Ok(data) => {
                    let mut configured = self
                        .configured
                        .write()
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    *configured = Configured { data, capabilities };
                }
                Err(d) => diags.push(d),
            }
        }
        pb::configure_provider::Response {
            diagnostics: diagnostics_to_proto(diags),
        }
    }
}
