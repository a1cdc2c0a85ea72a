//! `MoveResourceState`: a `moved` block from one resource type to another (Terraform 1.8+).
//! The source state is decoded with the source type's schema when the source is one of
//! this provider's resource types; the target resource decides what it takes. The answer
//! follows the rules of an imported state: write-only values null, no unknowns, the
//! target's schema and identity.

use tfvalue::{Value, json};

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;
use crate::resource::MoveSource;

use super::ProviderService;
use super::convert::{diagnostics_to_proto, encode_dynamic};
use super::guard::guarded;
use super::plan_rules::{null_write_only, strip_unknowns};

impl ProviderService {
    pub(super) async fn move_resource_state(
        &self,
        req: pb::move_resource_state::Request,
    ) -> pb::move_resource_state::Response {
        log::debug!(
            "MoveResourceState {} -> {}",
            req.source_type_name,
            req.target_type_name
        );
        let mut diags = Diagnostics::new();
        let mut resp = pb::move_resource_state::Response::default();
        if let Some(entry) = self.resource(&req.target_type_name, &mut diags) {
            let source = MoveSource {
                provider_address: req.source_provider_address.clone(),
                type_name: req.source_type_name.clone(),
                schema_version: req.source_schema_version,
                state: self.source_state(&req),
            };
            let target = &req.target_type_name;
            let ctx = self.context(None).with_private(req.source_private.clone());
            let mut moved = Diagnostics::new();
            let state = guarded(
                &format!("moving a {} to {target}", source.type_name),
                entry.resource.move_state(&ctx, &source, &mut moved),
            )
            .await
            .unwrap_or_else(|d| {
                moved.push(d);
                Value::Null
            });
            diags.extend(moved);
            if !diags.has_errors() {
                let state = null_write_only(&entry.schema.block, state);
                let (state, unknown_paths) = strip_unknowns(state);
                if state.is_null() || !unknown_paths.is_empty() || !state.conforms_to(&entry.ty) {
                    diags.error(
                        "Provider produced an invalid moved state",
                        format!(
                            "The {target} state moved from {} is null, holds unknown values or \
                             does not match the schema. This is a bug in the provider.",
                            source.type_name
                        ),
                    );
                } else {
                    resp.target_identity = entry.identity_of(&state, None, &mut diags);
                    resp.target_state =
                        encode_dynamic(&state, &entry.ty, "moved state", &mut diags);
                    resp.target_private = ctx.answer_private();
                }
            }
        }
        resp.diagnostics = diagnostics_to_proto(diags);
        resp
    }

    /// The source state decoded with the schema of this provider's source type, when the
    /// source is one and was written at its schema version or an older one.
    fn source_state(&self, req: &pb::move_resource_state::Request) -> Option<Value> {
        let source = self.resources.get(&req.source_type_name)?;
        if req.source_schema_version > source.schema.version {
            return None;
        }
        let raw = req.source_state.as_ref()?;
        json::decode_lenient(&raw.json, &source.ty).ok()
    }
}
