//! `UpgradeResourceState` and `UpgradeResourceIdentity`: Terraform hands over the
//! stored JSON on every state load.
//!
//! * same (or an older) version: decode leniently, dropping attributes the schema no
//!   longer has and leaving new ones null; null write-only values; answer msgpack;
//! * a newer version: the state was written by a newer provider: a clear error;
//! * pre-0.12 flatmap state: an error.

use tfvalue::{Type, Value, json};

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;

use super::ProviderService;
use super::convert::{diagnostics_to_proto, encode_dynamic};
use super::plan_rules::null_write_only;

/// Decodes the raw JSON of a stored object written at `version` for a schema at
/// `schema_version`.
fn decode_raw(
    raw: Option<&pb::RawState>,
    version: i64,
    schema_version: i64,
    ty: &Type,
    what: &str,
    type_name: &str,
    diags: &mut Diagnostics,
) -> Option<Value> {
    if version > schema_version {
        diags.error(
            format!("The {what} was written by a newer version of the provider"),
            format!(
                "The {type_name} {what} has version {version}, but this provider knows versions up to {schema_version}. Upgrade the provider to the version that wrote it (or a later one)."
            ),
        );
        return None;
    }
    let Some(raw) = raw else {
        return Some(Value::Null);
    };
    if raw.json.is_empty() {
        if raw.flatmap.is_empty() {
            return Some(Value::Null);
        }
        diags.error(
            format!("Unsupported legacy {what} format"),
            format!(
                "The {type_name} {what} is in the flatmap format of Terraform 0.11 and earlier, which this provider cannot read. Remove the resource from state and import it again."
            ),
        );
        return None;
    }
    if version < schema_version {
        log::debug!(
            "upgrading {type_name} {what} from version {version} to {schema_version} by dropping removed attributes"
        );
    }
    match json::decode_lenient(&raw.json, ty) {
        Ok(v) => Some(v),
        Err(e) => {
            diags.error(
                format!("Unreadable stored {what}"),
                format!("The stored {type_name} {what} does not match the provider's schema: {e}."),
            );
            None
        }
    }
}

impl ProviderService {
    pub(super) fn upgrade_resource_state(
        &self,
        req: pb::upgrade_resource_state::Request,
    ) -> pb::upgrade_resource_state::Response {
        log::debug!(
            "UpgradeResourceState {} from version {}",
            req.type_name,
            req.version
        );
        let mut diags = Diagnostics::new();
        let mut resp = pb::upgrade_resource_state::Response::default();
        if let Some(entry) = self.resource(&req.type_name, &mut diags)
            && let Some(state) = decode_raw(
                req.raw_state.as_ref(),
                req.version,
                entry.schema.version,
                &entry.ty,
                "state",
                &req.type_name,
                &mut diags,
            )
        {
            let state = null_write_only(&entry.schema.block, state);
            resp.upgraded_state = encode_dynamic(&state, &entry.ty, "upgraded state", &mut diags);
        }
        resp.diagnostics = diagnostics_to_proto(diags);
        resp
    }

    pub(super) fn upgrade_resource_identity(
        &self,
        req: pb::upgrade_resource_identity::Request,
    ) -> pb::upgrade_resource_identity::Response {
        log::debug!(
            "UpgradeResourceIdentity {} from version {}",
            req.type_name,
            req.version
        );
        let mut diags = Diagnostics::new();
        let mut resp = pb::upgrade_resource_identity::Response::default();
        if let Some(entry) = self.resource(&req.type_name, &mut diags) {
            match &entry.identity {
                None => diags.error(
                    "Resource has no identity",
                    format!("The {} resource has no identity to upgrade.", req.type_name),
                ),
                Some((schema, ty)) => {
                    if let Some(identity) = decode_raw(
                        req.raw_identity.as_ref(),
                        req.version,
                        schema.version,
                        ty,
                        "identity",
                        &req.type_name,
                        &mut diags,
                    ) {
                        resp.upgraded_identity =
                            encode_dynamic(&identity, ty, "upgraded identity", &mut diags).map(
                                |dv| pb::ResourceIdentityData {
                                    identity_data: Some(dv),
                                },
                            );
                    }
                }
            }
        }
        resp.diagnostics = diagnostics_to_proto(diags);
        resp
    }
}
