//! `ReadResource`: refresh a state from the remote object. A null result removes the
//! resource from state (it was deleted outside Terraform).

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;

use super::convert::{decode_dynamic, diagnostics_to_proto, encode_dynamic};
use super::guard::guarded;
use super::plan_rules::{null_write_only, strip_unknowns};
use super::{ProviderService, ResourceEntry};

impl ProviderService {
    pub(super) async fn read_resource(
        &self,
        req: pb::read_resource::Request,
    ) -> pb::read_resource::Response {
        log::debug!("ReadResource {}", req.type_name);
        let mut diags = Diagnostics::new();
        let mut resp = pb::read_resource::Response {
            private: req.private.clone(),
            ..Default::default()
        };
        if let Some(entry) = self.resource(&req.type_name, &mut diags) {
            self.read(entry, &req, &mut resp, &mut diags).await;
        }
        resp.diagnostics = diagnostics_to_proto(diags);
        resp
    }

    async fn read(
        &self,
        entry: &ResourceEntry,
        req: &pb::read_resource::Request,
        resp: &mut pb::read_resource::Response,
        diags: &mut Diagnostics,
    ) {
        let ty = &entry.ty;
        let Some(current) = decode_dynamic(req.current_state.as_ref(), ty, "current state", diags)
        else {
            return;
        };
        let type_name = &req.type_name;
        let ctx = self
            .context(req.client_capabilities.as_ref())
            .with_private(req.private.clone());
        let mut found = Diagnostics::new();
        let result = guarded(
            &format!("reading a {type_name}"),
            entry.resource.read(&ctx, &current, &mut found),
        )
        .await;
        let new_state = match result {
            Ok(state) if state.is_null() && found.has_errors() => current.clone(),
            Ok(state) => state,
            Err(d) => {
                found.push(d);
                current.clone()
            }
        };
        diags.extend(found);
        if new_state.is_null() {
            log::debug!("ReadResource {type_name}: the object is gone; removing it from state");
        }

        let new_state = null_write_only(&entry.schema.block, new_state);
        let (new_state, unknown_paths) = strip_unknowns(new_state);
        for path in unknown_paths {
            diags.error_at(
                path.clone(),
                "Provider left a value unknown after read",
                format!(
                    "Reading the {type_name} left {path} unknown. This is a bug in the provider."
                ),
            );
        }
        let new_state = if new_state.conforms_to(ty) {
            new_state
        } else {
            diags.error(
                "Provider produced an invalid state after read",
                format!(
                    "The {type_name} state read does not match the resource schema; the current state is kept. This is a bug in the provider."
                ),
            );
            current
        };
        resp.new_identity = entry.identity_of(&new_state, req.current_identity.as_ref(), diags);
        resp.new_state = encode_dynamic(&new_state, ty, "state", diags);
        resp.private = ctx.answer_private();
    }
}
