//! Between this crate's model and the wire: schemas, function signatures and
//! diagnostics out, client capabilities in, `DynamicValue`s in and out.

use tfvalue::{AttributePath, PathStep, Type, Value, json, msgpack};

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::proto::tfplugin6 as pb;
use crate::resource::ClientCapabilities;
use crate::schema::{
    Attribute, AttributeNesting, Block, BlockNesting, NestedBlock, Parameter, Schema, Signature,
};

/// A schema as `tfplugin6.Schema`. Nested attributes carry only `nested_type`, never
/// `type` as well (Terraform rejects both).
pub(crate) fn schema_to_proto(schema: &Schema) -> pb::Schema {
    pb::Schema {
        version: schema.version,
        block: Some(block_to_proto(&schema.block, schema.version)),
    }
}

fn block_to_proto(block: &Block, version: i64) -> pb::schema::Block {
    pb::schema::Block {
        version,
        attributes: block.attributes.iter().map(attribute_to_proto).collect(),
        block_types: block.blocks.iter().map(nested_block_to_proto).collect(),
        description: block.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: block.deprecated,
        deprecation_message: block.deprecation_message.clone().unwrap_or_default(),
    }
}

fn nested_block_to_proto(b: &NestedBlock) -> pb::schema::NestedBlock {
    use pb::schema::nested_block::NestingMode;
    let nesting = match b.nesting {
        BlockNesting::Single => NestingMode::Single,
        BlockNesting::Group => NestingMode::Group,
        BlockNesting::List => NestingMode::List,
        BlockNesting::Set => NestingMode::Set,
        BlockNesting::Map => NestingMode::Map,
    };
    pb::schema::NestedBlock {
        type_name: b.type_name.clone(),
        block: Some(block_to_proto(&b.block, 0)),
        nesting: nesting as i32,
        min_items: b.min_items,
        max_items: b.max_items,
    }
}

fn attribute_to_proto(a: &Attribute) -> pb::schema::Attribute {
    use pb::schema::object::NestingMode;
    let (ty, nested_type) = match &a.nested {
        Some(nested) => {
            let nesting = match nested.nesting {
                AttributeNesting::Single => NestingMode::Single,
                AttributeNesting::List => NestingMode::List,
                AttributeNesting::Set => NestingMode::Set,
                AttributeNesting::Map => NestingMode::Map,
            };
            #[allow(deprecated, reason = "min_items/max_items are deprecated and left 0")]
            let object = pb::schema::Object {
                attributes: nested.attributes.iter().map(attribute_to_proto).collect(),
                nesting: nesting as i32,
                ..Default::default()
            };
            (Vec::new(), Some(object))
        }
        None => (a.ty.to_json_bytes(), None),
    };
    pb::schema::Attribute {
        name: a.name.clone(),
        r#type: ty,
        nested_type,
        description: a.description.clone(),
        required: a.required,
        optional: a.optional,
        computed: a.computed,
        sensitive: a.sensitive,
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: a.deprecated,
        write_only: a.write_only,
        deprecation_message: a.deprecation_message.clone().unwrap_or_default(),
    }
}

/// An identity schema as `tfplugin6.ResourceIdentitySchema`.
pub(crate) fn identity_schema_to_proto(schema: &Schema) -> pb::ResourceIdentitySchema {
    pb::ResourceIdentitySchema {
        version: schema.version,
        identity_attributes: schema
            .block
            .attributes
            .iter()
            .map(|a| pb::resource_identity_schema::IdentityAttribute {
                name: a.name.clone(),
                r#type: a.ty.to_json_bytes(),
                required_for_import: a.required,
                optional_for_import: a.optional,
                description: a.description.clone(),
            })
            .collect(),
    }
}

/// A function signature as `tfplugin6.Function`.
pub(crate) fn function_to_proto(signature: &Signature) -> pb::Function {
    pb::Function {
        parameters: signature
            .parameters
            .iter()
            .map(parameter_to_proto)
            .collect(),
        variadic_parameter: signature.variadic.as_ref().map(parameter_to_proto),
        r#return: Some(pb::function::Return {
            r#type: signature.return_type.to_json_bytes(),
        }),
        summary: signature.summary.clone(),
        description: signature.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecation_message: signature.deprecation_message.clone().unwrap_or_default(),
    }
}

fn parameter_to_proto(p: &Parameter) -> pb::function::Parameter {
    pb::function::Parameter {
        name: p.name.clone(),
        r#type: p.ty.to_json_bytes(),
        allow_null_value: p.allow_null,
        allow_unknown_values: p.allow_unknown,
        description: p.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
    }
}

/// An attribute path as `tfplugin6.AttributePath`.
pub(crate) fn path_to_proto(path: &AttributePath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: path
            .steps()
            .iter()
            .map(|s| pb::attribute_path::Step {
                selector: Some(match s {
                    PathStep::Attribute(n) => Selector::AttributeName(n.clone()),
                    PathStep::ElementKeyString(k) => Selector::ElementKeyString(k.clone()),
                    PathStep::ElementKeyInt(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect(),
    }
}

/// Diagnostics as `tfplugin6.Diagnostic`s (a root path is sent as no path).
pub(crate) fn diagnostics_to_proto(diags: Diagnostics) -> Vec<pb::Diagnostic> {
    diags.into_iter().map(diagnostic_to_proto).collect()
}

fn diagnostic_to_proto(d: Diagnostic) -> pb::Diagnostic {
    let severity = match d.severity {
        Severity::Error => pb::diagnostic::Severity::Error,
        Severity::Warning => pb::diagnostic::Severity::Warning,
    };
    pb::Diagnostic {
        severity: severity as i32,
        summary: d.summary,
        detail: d.detail,
        attribute: d.path.filter(|p| !p.is_root()).map(|p| path_to_proto(&p)),
    }
}

/// What a request's `ClientCapabilities` say the client supports.
pub(crate) fn capabilities_from_proto(c: &pb::ClientCapabilities) -> ClientCapabilities {
    ClientCapabilities {
        write_only_attributes_allowed: c.write_only_attributes_allowed,
        deferral_allowed: c.deferral_allowed,
    }
}

/// Decodes a `DynamicValue` of type `ty`: msgpack when present, else JSON; an absent
/// or empty value is null.
pub(crate) fn decode_dynamic(
    dv: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let Some(dv) = dv else {
        return Some(Value::Null);
    };
    let decoded = if !dv.msgpack.is_empty() {
        msgpack::decode(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        json::decode(&dv.json, ty)
    } else {
        return Some(Value::Null);
    };
    match decoded {
        Ok(v) => Some(v),
        Err(e) => {
            diags.error(
                format!("Invalid {what} sent by Terraform"),
                format!(
                    "The provider could not decode the {what}: {e}. This is a bug in the provider or a mismatch between Terraform and the provider's schema."
                ),
            );
            None
        }
    }
}

/// Encodes `v` of type `ty` as a msgpack `DynamicValue`.
pub(crate) fn encode_dynamic(
    v: &Value,
    ty: &Type,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    match msgpack::encode(v, ty) {
        Ok(msgpack) => Some(pb::DynamicValue {
            msgpack,
            json: Vec::new(),
        }),
        Err(e) => {
            diags.error(
                format!("Provider produced an invalid {what}"),
                format!(
                    "The {what} does not match the schema: {e}. This is a bug in the provider."
                ),
            );
            None
        }
    }
}
