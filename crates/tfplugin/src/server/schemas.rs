//! `GetProviderSchema`, `GetResourceIdentitySchemas`, `GetFunctions` and `GetMetadata`:
//! answered from what [`ProviderService::new`] converted once.

use crate::proto::tfplugin6 as pb;
use crate::schema::{Schema, Signature};

use super::ProviderService;
use super::convert::{function_to_proto, identity_schema_to_proto, schema_to_proto};

/// `list_resources` are the schemas of the `config` blocks: Terraform wraps each in
/// the list block's own schema.
pub(super) fn provider_schema_response<'a>(
    provider: &Schema,
    resources: impl Iterator<Item = (&'a String, &'a Schema)>,
    data_sources: impl Iterator<Item = (&'a String, &'a Schema)>,
    list_resources: impl Iterator<Item = (&'a String, &'a Schema)>,
    functions: impl Iterator<Item = (&'a String, &'a Signature)>,
) -> pb::get_provider_schema::Response {
    pb::get_provider_schema::Response {
        provider: Some(schema_to_proto(provider)),
        resource_schemas: schemas_to_proto(resources),
        data_source_schemas: schemas_to_proto(data_sources),
        list_resource_schemas: schemas_to_proto(list_resources),
        functions: functions_response(functions).functions,
        server_capabilities: Some(server_capabilities()),
        ..Default::default()
    }
}

fn schemas_to_proto<'a, C: FromIterator<(String, pb::Schema)>>(
    schemas: impl Iterator<Item = (&'a String, &'a Schema)>,
) -> C {
    schemas
        .map(|(k, s)| (k.clone(), schema_to_proto(s)))
        .collect()
}

/// The schemas of the action types (`action_schemas`).
pub(super) fn action_schemas<'a>(
    actions: impl Iterator<Item = (&'a String, &'a Schema)>,
) -> std::collections::HashMap<String, pb::ActionSchema> {
    actions
        .map(|(k, s)| {
            (
                k.clone(),
                pb::ActionSchema {
                    schema: Some(schema_to_proto(s)),
                },
            )
        })
        .collect()
}

pub(super) fn functions_response<'a>(
    functions: impl Iterator<Item = (&'a String, &'a Signature)>,
) -> pb::get_functions::Response {
    pb::get_functions::Response {
        functions: functions
            .map(|(k, s)| (k.clone(), function_to_proto(s)))
            .collect(),
        diagnostics: Vec::new(),
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

/// `get_provider_schema_optional`: every RPC is answered from what `new` prepared, so
/// Terraform (1.6+) may reuse the schema of one provider process for the others of the
/// same provider instead of asking each (the feature `without-schema-cache` turns it off,
/// for the benchmark of what it saves). `generate_resource_config`: every resource's
/// configuration is generated from its state by the schema's rules.
fn server_capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: !cfg!(feature = "without-schema-cache"),
        move_resource_state: true,
        generate_resource_config: true,
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
            list_resources: self
                .list_resources
                .keys()
                .map(|k| pb::get_metadata::ListResourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            functions: self
                .functions
                .keys()
                .map(|k| pb::get_metadata::FunctionMetadata { name: k.clone() })
                .collect(),
            actions: self
                .actions
                .keys()
                .map(|k| pb::get_metadata::ActionMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            ..Default::default()
        }
    }
}
