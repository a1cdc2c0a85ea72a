//! `PlanResourceChange`: Terraform's proposal becomes a plan by the rules every
//! resource shares, then the resource has the last word.
//!
//! 1. destroy (proposed null): planned null;
//! 2. otherwise start from the proposal with write-only values nulled (they are never
//!    planned, and so never make a plan differ from the prior state), plan defaults for
//!    attributes the configuration leaves null;
//! 3. on create, or when that differs from the prior state, computed attributes left
//!    null in configuration become unknown (or keep their prior value with
//!    `use_state_for_unknown`); a plan equal to the prior state is the prior state;
//! 4. the resource's `validate` runs again on the configuration (errors only), then
//!    `modify_plan`;
//! 5. `requires_replace` attributes whose planned value differs from the prior one are
//!    reported.

use tfvalue::Value;

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;
use crate::resource::PlanRequest;

use super::ProviderService;
use super::convert::{decode_dynamic, diagnostics_to_proto, encode_dynamic, path_to_proto};
use super::guard::{guarded, guarded_sync};
use super::plan_rules::{apply_defaults, mark_computed_unknown, null_write_only, requires_replace};

impl ProviderService {
    pub(super) async fn plan_resource_change(
        &self,
        req: pb::plan_resource_change::Request,
    ) -> pb::plan_resource_change::Response {
        log::debug!("PlanResourceChange {}", req.type_name);
        let mut diags = Diagnostics::new();
        let mut resp = pb::plan_resource_change::Response {
            planned_private: req.prior_private.clone(),
            ..Default::default()
        };
        self.plan(&req, &mut resp, &mut diags).await;
        resp.diagnostics = diagnostics_to_proto(diags);
        resp
    }

    async fn plan(
        &self,
        req: &pb::plan_resource_change::Request,
        resp: &mut pb::plan_resource_change::Response,
        diags: &mut Diagnostics,
    ) {
        let Some(entry) = self.resource(&req.type_name, diags) else {
            return;
        };
        let ty = &entry.ty;
        let block = &entry.schema.block;
        let prior = decode_dynamic(req.prior_state.as_ref(), ty, "prior state", diags);
        let config = decode_dynamic(req.config.as_ref(), ty, "configuration", diags);
        let proposed = decode_dynamic(
            req.proposed_new_state.as_ref(),
            ty,
            "proposed new state",
            diags,
        );
        let (Some(prior), Some(config), Some(proposed)) = (prior, config, proposed) else {
            return;
        };
        let ctx = self
            .context(req.client_capabilities.as_ref())
            .with_private(req.prior_private.clone());

        let mut planned = if proposed.is_null() {
            Value::Null
        } else {
            let mut planned = null_write_only(block, proposed.clone());
            apply_defaults(block, &config, &mut planned);
            if prior.is_null() || planned != prior {
                mark_computed_unknown(block, &config, &prior, &mut planned);
            }
            planned
        };

        if !config.is_null() {
            let mut found = Diagnostics::new();
            let result = guarded_sync(&format!("validating a {} plan", req.type_name), || {
                entry.resource.validate(&ctx, &config, &mut found)
            });
            found.retain_errors();
            diags.extend(found);
            if let Err(d) = result {
                diags.push(d);
            }
            if diags.has_errors() {
                return;
            }
        }

        let plan_req = PlanRequest {
            prior,
            config,
            proposed,
        };
        let mut found = Diagnostics::new();
        let result = guarded(
            &format!("planning a {} change", req.type_name),
            entry
                .resource
                .modify_plan(&ctx, &plan_req, &mut planned, &mut found),
        )
        .await;
        diags.extend(found);
        if let Err(d) = result {
            diags.push(d);
        }
        if diags.has_errors() {
            return;
        }

        if plan_req.proposed.is_null() && !planned.is_null() {
            diags.error(
                "Provider planned a state for a destroyed resource",
                format!(
                    "The {} resource is being destroyed, but the provider planned a new state for it. This is a bug in the provider.",
                    req.type_name
                ),
            );
            return;
        }
        let planned = null_write_only(block, planned);
        if !planned.conforms_to(ty) {
            diags.error(
                "Provider produced an invalid plan",
                format!(
                    "The planned {} state does not match the resource schema. This is a bug in the provider.",
                    req.type_name
                ),
            );
            return;
        }

        resp.requires_replace = requires_replace(block, &plan_req.prior, &planned)
            .iter()
            .map(path_to_proto)
            .collect();
        resp.planned_identity = entry.identity_of(&planned, req.prior_identity.as_ref(), diags);
        resp.planned_state = encode_dynamic(&planned, ty, "planned state", diags);
        resp.planned_private = ctx.answer_private();
    }
}
