//! `ApplyResourceChange`: create (prior null), update, or delete (planned null).
//!
//! The state returned has write-only values nulled and must be wholly known: an
//! unknown the resource left behind becomes an error (and null), never a value
//! Terraform would reject. When the resource reports an error, the state it returned
//! (what the remote side holds) is kept.

use tfvalue::Value;

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;
use crate::resource::ApplyRequest;

use super::convert::{decode_dynamic, diagnostics_to_proto, encode_dynamic};
use super::guard::guarded;
use super::plan_rules::{null_write_only, strip_unknowns};
use super::{ProviderService, ResourceEntry};

impl ProviderService {
    pub(super) async fn apply_resource_change(
        &self,
        req: pb::apply_resource_change::Request,
    ) -> pb::apply_resource_change::Response {
        log::debug!("ApplyResourceChange {}", req.type_name);
        let mut diags = Diagnostics::new();
        let mut resp = pb::apply_resource_change::Response {
            private: req.planned_private.clone(),
            ..Default::default()
        };
        if let Some(entry) = self.resource(&req.type_name, &mut diags) {
            self.apply(entry, &req, &mut resp, &mut diags).await;
        }
        resp.diagnostics = diagnostics_to_proto(diags);
        resp
    }

    async fn apply(
        &self,
        entry: &ResourceEntry,
        req: &pb::apply_resource_change::Request,
        resp: &mut pb::apply_resource_change::Response,
        diags: &mut Diagnostics,
    ) {
        let ty = &entry.ty;
        let prior = decode_dynamic(req.prior_state.as_ref(), ty, "prior state", diags);
        let planned = decode_dynamic(req.planned_state.as_ref(), ty, "planned state", diags);
        let config = decode_dynamic(req.config.as_ref(), ty, "configuration", diags);
        let (Some(prior), Some(planned), Some(config)) = (prior, planned, config) else {
            return;
        };
        let ctx = self.context(None).with_private(req.planned_private.clone());
        let type_name = &req.type_name;
        let apply_req = ApplyRequest {
            prior,
            planned,
            config,
        };
        let resource = &entry.resource;
        let mut found = Diagnostics::new();

        let new_state = if apply_req.planned.is_null() {
            let result = guarded(
                &format!("deleting a {type_name}"),
                resource.delete(&ctx, &apply_req.prior, &mut found),
            )
            .await;
            if let Err(d) = result {
                found.push(d);
            }
            if found.has_errors() {
                apply_req.prior.clone()
            } else {
                Value::Null
            }
        } else if apply_req.prior.is_null() {
            let result = guarded(
                &format!("creating a {type_name}"),
                resource.create(&ctx, &apply_req, &mut found),
            )
            .await;
            let state = result.unwrap_or_else(|d| {
                found.push(d);
                Value::Null
            });
            if state.is_null() && !found.has_errors() {
                found.error(
                    "Provider returned no state after create",
                    format!(
                        "The provider reported no error creating the {type_name} but returned no state. This is a bug in the provider."
                    ),
                );
            }
            state
        } else {
            let result = guarded(
                &format!("updating a {type_name}"),
                resource.update(&ctx, &apply_req, &mut found),
            )
            .await;
            let state = result.unwrap_or_else(|d| {
                found.push(d);
                Value::Null
            });
            if state.is_null() {
                if !found.has_errors() {
                    found.error(
                        "Provider returned no state after update",
                        format!(
                            "The provider reported no error updating the {type_name} but returned no state. This is a bug in the provider."
                        ),
                    );
                }
                apply_req.prior.clone()
            } else {
                state
            }
        };
        diags.extend(found);

        let new_state = null_write_only(&entry.schema.block, new_state);
        let (new_state, unknown_paths) = strip_unknowns(new_state);
        for path in unknown_paths {
            diags.error_at(
                path.clone(),
                "Provider left a value unknown after apply",
                format!(
                    "After applying the {type_name} change, {path} is still unknown; it is stored as null. This is a bug in the provider."
                ),
            );
        }
        let new_state = if new_state.conforms_to(ty) {
            new_state
        } else {
            diags.error(
                "Provider produced an invalid state after apply",
                format!(
                    "The {type_name} state does not match the resource schema; the prior state is kept. This is a bug in the provider."
                ),
            );
            apply_req.prior.clone()
        };
        resp.new_identity = entry.identity_of(&new_state, req.planned_identity.as_ref(), diags);
        resp.new_state = encode_dynamic(&new_state, ty, "new state", diags);
        if !new_state.is_null() {
            resp.private = ctx.answer_private();
        }
    }
}
