//! `ImportResourceState`: by the user's id, or by an identity (Terraform 1.12+
//! `import { identity = ... }`). Answers exactly one imported resource; Terraform reads
//! it next.

use tfvalue::Value;

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;

use super::convert::{decode_dynamic, diagnostics_to_proto, encode_dynamic};
use super::guard::{guarded, guarded_sync};
use super::plan_rules::{null_write_only, strip_unknowns};
use super::{ProviderService, ResourceEntry};

impl ProviderService {
    pub(super) async fn import_resource_state(
        &self,
        req: pb::import_resource_state::Request,
    ) -> pb::import_resource_state::Response {
        log::debug!("ImportResourceState {}", req.type_name);
        let mut diags = Diagnostics::new();
        let mut resp = pb::import_resource_state::Response::default();
        if let Some(entry) = self.resource(&req.type_name, &mut diags)
            && let Some(imported) = self.import(entry, &req, &mut diags).await
        {
            resp.imported_resources.push(imported);
        }
        resp.diagnostics = diagnostics_to_proto(diags);
        resp
    }

    /// The id to import: the user's, or the one the resource derives from an identity.
    fn import_id(
        &self,
        entry: &ResourceEntry,
        req: &pb::import_resource_state::Request,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        let type_name = &req.type_name;
        if !req.id.is_empty() {
            return Some(req.id.clone());
        }
        let Some(identity) = req.identity.as_ref() else {
            diags.error(
                "Missing import id",
                format!("Importing a {type_name} needs an id or an identity."),
            );
            return None;
        };
        let Some((_, ty)) = &entry.identity else {
            diags.error(
                "Import by identity is not supported",
                format!("The {type_name} resource has no identity; import it by id."),
            );
            return None;
        };
        let identity = decode_dynamic(identity.identity_data.as_ref(), ty, "identity", diags)?;
        let id = match guarded_sync("reading an import identity", || {
            entry.resource.import_id_from_identity(&identity)
        }) {
            Ok(id) => id,
            Err(d) => {
                diags.push(d);
                return None;
            }
        };
        if id.is_none() {
            diags.error(
                "Invalid import identity",
                format!(
                    "The identity given does not name a {type_name}; check the identity attributes."
                ),
            );
        }
        id
    }

    async fn import(
        &self,
        entry: &ResourceEntry,
        req: &pb::import_resource_state::Request,
        diags: &mut Diagnostics,
    ) -> Option<pb::import_resource_state::ImportedResource> {
        let type_name = &req.type_name;
        let id = self.import_id(entry, req, diags)?;
        let ctx = self.context(req.client_capabilities.as_ref());
        let mut found = Diagnostics::new();
        let result = guarded(
            &format!("importing a {type_name}"),
            entry.resource.import(&ctx, &id, &mut found),
        )
        .await;
        let state = result.unwrap_or_else(|d| {
            found.push(d);
            Value::Null
        });
        diags.extend(found);
        if diags.has_errors() {
            return None;
        }
        if state.is_null() {
            diags.error(
                "Cannot import non-existent remote object",
                format!("The provider found no {type_name} with the id {id:?}."),
            );
            return None;
        }
        let state = null_write_only(&entry.schema.block, state);
        let (state, unknown_paths) = strip_unknowns(state);
        if !unknown_paths.is_empty() || !state.conforms_to(&entry.ty) {
            diags.error(
                "Provider produced an invalid imported state",
                format!(
                    "The imported {type_name} state holds unknown values or does not match the schema. This is a bug in the provider."
                ),
            );
            return None;
        }
        let identity = entry.identity_of(&state, req.identity.as_ref(), diags);
        let state = encode_dynamic(&state, &entry.ty, "imported state", diags)?;
        Some(pb::import_resource_state::ImportedResource {
            type_name: type_name.clone(),
            state: Some(state),
            private: ctx.answer_private(),
            identity,
        })
    }
}
