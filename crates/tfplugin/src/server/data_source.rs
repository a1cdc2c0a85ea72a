//! `ReadDataSource`.

use tfvalue::Value;

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;

use super::convert::{decode_dynamic, diagnostics_to_proto, encode_dynamic};
use super::guard::guarded;
use super::plan_rules::strip_unknowns;
use super::{DataSourceEntry, ProviderService};

impl ProviderService {
    pub(super) async fn read_data_source(
        &self,
        req: pb::read_data_source::Request,
    ) -> pb::read_data_source::Response {
        log::debug!("ReadDataSource {}", req.type_name);
        let mut diags = Diagnostics::new();
        let mut resp = pb::read_data_source::Response::default();
        if let Some(entry) = self.data_source(&req.type_name, &mut diags)
            && let Some(state) = self.read_data(entry, &req, &mut diags).await
        {
            resp.state = encode_dynamic(&state, &entry.ty, "data source state", &mut diags);
        }
        resp.diagnostics = diagnostics_to_proto(diags);
        resp
    }

    async fn read_data(
        &self,
        entry: &DataSourceEntry,
        req: &pb::read_data_source::Request,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let type_name = &req.type_name;
        let config = decode_dynamic(req.config.as_ref(), &entry.ty, "configuration", diags)?;
        let ctx = self.context(req.client_capabilities.as_ref());
        let mut found = Diagnostics::new();
        let result = guarded(
            &format!("reading the {type_name} data source"),
            entry.data_source.read(&ctx, &config, &mut found),
        )
        .await;
        diags.extend(found);
        let state = result.map_err(|d| diags.push(d)).ok()?;
        if diags.has_errors() {
            return None;
        }
        let (state, unknown_paths) = strip_unknowns(state);
        if state.is_null() || !unknown_paths.is_empty() || !state.conforms_to(&entry.ty) {
            diags.error(
                "Provider produced an invalid data source result",
                format!(
                    "The {type_name} data source returned no state, unknown values, or a state that does not match its schema. This is a bug in the provider."
                ),
            );
            return None;
        }
        Some(state)
    }
}
