//! `GetProviderSchema`, `GetResourceIdentitySchemas` and `GetMetadata`: answered from
//! what [`ProviderService::new`] converted once.

use crate::proto::tfplugin6 as pb;
use crate::schema::Schema;

use super::ProviderService;
use super::convert::{identity_schema_to_proto, schema_to_proto};

pub(super) fn provider_schema_response<'a>(
    provider: &Schema,
    resources: impl Iterator<Item = (&'a String, &'a Schema)>,
    data_sources: impl Iterator<Item = (&'a String, &'a Schema)>,
) -> pb::get_provider_schema::Response {
    pb::get_provider_schema::Response {
        provider: Some(schema_to_proto(provider)),
        resource_schemas: resources
            .map(|(k, s)| (k.clone(), schema_to_proto(s)))
            .collect(),
        data_source_schemas: data_sources
            .map(|(k, s)| (k.clone(), schema_to_proto(s)))
            .collect(),
        server_capabilities: Some(server_capabilities()),
        ..Default::default()
    }
}

pub(super) fn identity_schemas_response<'a>(
    identities: impl Iterator<Item = (&'a String, &'a Schema)>,
) -> pb::get_resource_identity_schemas::Response {
    pb::get_resource_identity_schemas::Response {
        identity_schemas: identities
            .map(|(k, s)| (k.clone(), identity_schema_to_proto(s)))
            .collect(),
        diagnostics: Vec::new(),
    }
}

fn server_capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: false,
        move_resource_state: true,
        generate_resource_config: false,
    }
}

impl ProviderService {
    pub(super) fn get_metadata_response(&self) -> pb::get_metadata::Response {
        log::debug!("GetMetadata");
        pb::get_metadata::Response {
            server_capabilities: Some(server_capabilities()),
            resources: self
                .resources
                .keys()
                .map(|k| pb::get_metadata::ResourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            data_sources: self
                .data_sources
                .keys()
                .map(|k| pb::get_metadata::DataSourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            ..Default::default()
        }
    }
}
