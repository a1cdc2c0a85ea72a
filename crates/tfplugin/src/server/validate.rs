//! `ValidateProviderConfig`, `ValidateResourceConfig`, `ValidateDataResourceConfig` and
//! `ValidateListResourceConfig`.

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;

use super::ProviderService;
use super::convert::{decode_dynamic, diagnostics_to_proto};
use super::guard::guarded_sync;
use super::plan_rules::check_write_only_allowed;

impl ProviderService {
    pub(super) fn validate_provider_config(
        &self,
        req: pb::validate_provider_config::Request,
    ) -> pb::validate_provider_config::Response {
        log::debug!("ValidateProviderConfig");
        let mut diags = Diagnostics::new();
        if let Some(config) = decode_dynamic(
            req.config.as_ref(),
            &self.provider_ty,
            "provider configuration",
            &mut diags,
        ) {
            let mut inner = Diagnostics::new();
            let result = guarded_sync("validating the provider configuration", || {
                self.provider.validate(&config, &mut inner)
            });
            diags.extend(inner);
            if let Err(d) = result {
                diags.push(d);
            }
        }
        pb::validate_provider_config::Response {
            diagnostics: diagnostics_to_proto(diags),
        }
    }

    pub(super) fn validate_resource_config(
        &self,
        req: pb::validate_resource_config::Request,
    ) -> pb::validate_resource_config::Response {
        log::debug!("ValidateResourceConfig {}", req.type_name);
        let mut diags = Diagnostics::new();
        if let Some(entry) = self.resource(&req.type_name, &mut diags) {
            let ctx = self.context(req.client_capabilities.as_ref());
            if let Some(config) = decode_dynamic(
                req.config.as_ref(),
                &entry.ty,
                "resource configuration",
                &mut diags,
            ) {
                if !ctx.write_only_allowed() {
                    check_write_only_allowed(&entry.schema.block, &config, &mut diags);
                }
                let mut inner = Diagnostics::new();
                let result = guarded_sync(
                    &format!("validating a {} configuration", req.type_name),
                    || entry.resource.validate(&ctx, &config, &mut inner),
                );
                diags.extend(inner);
                if let Err(d) = result {
                    diags.push(d);
                }
            }
        }
        pb::validate_resource_config::Response {
            diagnostics: diagnostics_to_proto(diags),
        }
    }

    pub(super) fn validate_data_resource_config(
        &self,
        req: pb::validate_data_resource_config::Request,
    ) -> pb::validate_data_resource_config::Response {
        log::debug!("ValidateDataResourceConfig {}", req.type_name);
        let mut diags = Diagnostics::new();
        if let Some(entry) = self.data_source(&req.type_name, &mut diags) {
            let ctx = self.context(None);
            if let Some(config) = decode_dynamic(
                req.config.as_ref(),
                &entry.ty,
                "data source configuration",
                &mut diags,
            ) {
                let mut inner = Diagnostics::new();
                let result = guarded_sync(
                    &format!("validating a {} configuration", req.type_name),
                    || entry.data_source.validate(&ctx, &config, &mut inner),
                );
                diags.extend(inner);
                if let Err(d) = result {
                    diags.push(d);
                }
            }
        }
        pb::validate_data_resource_config::Response {
            diagnostics: diagnostics_to_proto(diags),
        }
    }

    /// Checks the `config` block of a `list` block (Terraform validates `limit` and
    /// `include_resource` itself).
    pub(super) fn validate_list_resource_config(
        &self,
        req: pb::validate_list_resource_config::Request,
    ) -> pb::validate_list_resource_config::Response {
        log::debug!("ValidateListResourceConfig {}", req.type_name);
        let mut diags = Diagnostics::new();
        if let Some(entry) = self.list_resource_entry(&req.type_name, &mut diags) {
            let ctx = self.context(None);
            if let Some(config) = decode_dynamic(
                req.config.as_ref(),
                &entry.ty,
                "list configuration",
                &mut diags,
            ) {
                let mut inner = Diagnostics::new();
                let result = guarded_sync(
                    &format!("validating a {} list configuration", req.type_name),
                    || entry.list.validate(&ctx, &config, &mut inner),
                );
                diags.extend(inner);
                if let Err(d) = result {
                    diags.push(d);
                }
            }
        }
        pb::validate_list_resource_config::Response {
            diagnostics: diagnostics_to_proto(diags),
        }
    }
}
