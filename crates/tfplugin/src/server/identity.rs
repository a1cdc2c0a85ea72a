//! Resource identities in responses.

use tfvalue::Value;

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;

use super::ResourceEntry;
use super::convert::encode_dynamic;
use super::guard::guarded_sync;

impl ResourceEntry {
    /// The identity to send with `state`: the resource's identity of it when wholly
    /// known, else `fallback` (the identity Terraform sent). None for resources without
    /// an identity and for null states.
    pub(super) fn identity_of(
        &self,
        state: &Value,
        fallback: Option<&pb::ResourceIdentityData>,
        diags: &mut Diagnostics,
    ) -> Option<pb::ResourceIdentityData> {
        let (_, ty) = self.identity.as_ref()?;
        if state.is_null() {
            return None;
        }
        let identity = match guarded_sync("deriving a resource identity", || {
            self.resource.identity(state)
        }) {
            Ok(identity) => identity,
            Err(d) => {
                diags.push(d);
                None
            }
        };
        match identity {
            Some(id) if id.is_wholly_known() && !id.is_null() => {
                encode_dynamic(&id, ty, "resource identity", diags).map(|dv| {
                    pb::ResourceIdentityData {
                        identity_data: Some(dv),
                    }
                })
            }
            _ => fallback.cloned(),
        }
    }
}
