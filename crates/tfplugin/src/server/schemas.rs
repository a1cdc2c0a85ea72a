//! `GetProviderSchema`, `GetResourceIdentitySchemas`, `GetFunctions` and `GetMetadata`:
//! each converted at its first request and answered from that conversion afterwards (not
//! at start-up: a process Terraform starts may never be asked).

use crate::proto::tfplugin6 as pb;
use crate::schema::{Schema, Signature};

use super::ProviderService;
use super::convert::{function_to_proto, identity_schema_to_proto, schema_to_proto};

/// `list_resources` are the schemas of the `config` blocks: Terraform wraps each in
/// the list block's own schema.
fn provider_schema_response<'a>(
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
fn action_schemas<'a>(
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

fn functions_response<'a>(
    functions: impl Iterator<Item = (&'a String, &'a Signature)>,
) -> pb::get_functions::Response {
    pb::get_functions::Response {
        functions: functions
            .map(|(k, s)| (k.clone(), function_to_proto(s)))
            .collect(),
        diagnostics: Vec::new(),
    }
}

fn identity_schemas_response<'a>(
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
    pub(super) fn schema_response(&self) -> &pb::get_provider_schema::Response {
        self.schema_response.get_or_init(|| {
            let mut response = provider_schema_response(
                &self.provider_schema,
                self.resources.iter().map(|(k, v)| (k, &v.schema)),
                self.data_sources.iter().map(|(k, v)| (k, &v.schema)),
                self.list_schemas.iter(),
                self.functions.iter().map(|(k, v)| (k, &v.signature)),
            );
            response.action_schemas =
                action_schemas(self.actions.iter().map(|(k, v)| (k, &v.schema)));
            response
        })
    }

    pub(super) fn identity_response(&self) -> &pb::get_resource_identity_schemas::Response {
        self.identity_response.get_or_init(|| {
            identity_schemas_response(
                self.resources
                    .iter()
                    .filter_map(|(k, v)| v.identity.as_ref().map(|(s, _)| (k, s))),
            )
        })
    }

    pub(super) fn functions_response(&self) -> &pb::get_functions::Response {
        self.functions_response.get_or_init(|| {
            functions_response(self.functions.iter().map(|(k, v)| (k, &v.signature)))
        })
    }

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
