//! `GenerateResourceConfig` (Terraform 1.14+: `terraform query -generate-config-out`, and
//! `terraform plan -generate-config-out` for `import` blocks): the configuration a user
//! would write for a state, by the schema's rules, for every resource — no computed-only
//! attribute, no value equal to its default, no sensitive or write-only value (the user
//! adds the secret).

use tfvalue::Value;

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;
use crate::schema::{Attribute, Block};

use super::ProviderService;
use super::convert::{decode_dynamic, diagnostics_to_proto, encode_dynamic};
use super::guard::guarded;
use super::plan_rules::strip_unknowns;

impl ProviderService {
    pub(super) async fn generate_resource_config(
        &self,
        req: pb::generate_resource_config::Request,
    ) -> pb::generate_resource_config::Response {
        log::debug!("GenerateResourceConfig {}", req.type_name);
        let mut diags = Diagnostics::new();
        let mut resp = pb::generate_resource_config::Response::default();
        if let Some(entry) = self.resource(&req.type_name, &mut diags)
            && let Some(state) =
                decode_dynamic(req.state.as_ref(), &entry.ty, "resource state", &mut diags)
        {
            if state.is_null() {
                diags.error(
                    "Missing state to generate configuration from",
                    format!(
                        "Terraform asked for the configuration of a {} without its state.",
                        req.type_name
                    ),
                );
            } else {
                let (state, _) = strip_unknowns(state);
                let config = config_of(&entry.schema.block, state.clone());
                let ctx = self.context(None);
                let what = format!("generating a {} configuration", req.type_name);
                let config = match guarded(
                    &what,
                    entry.resource.generate_config(&ctx, &state, config.clone()),
                )
                .await
                {
                    Ok(c) => c,
                    Err(d) => {
                        diags.push(d);
                        config
                    }
                };
                // Whatever the resource did, no secret and nothing computed-only.
                let config = config_of(&entry.schema.block, config);
                resp.config =
                    encode_dynamic(&config, &entry.ty, "generated configuration", &mut diags);
            }
        }
        resp.diagnostics = diagnostics_to_proto(diags);
        resp
    }
}

/// The configuration of `block` a user would write for the object `value`.
pub(super) fn config_of(block: &Block, mut value: Value) -> Value {
    if !matches!(value, Value::Object(_)) {
        return value;
    }
    for a in &block.attributes {
        let Some(v) = value.attr_mut(&a.name) else {
            continue;
        };
        let current = std::mem::replace(v, Value::Null);
        *v = attribute_config(a, current);
    }
    for b in &block.blocks {
        if let Some(v) = value.attr_mut(&b.type_name) {
            let current = std::mem::replace(v, Value::Null);
            *v = each_object(current, |o| config_of(&b.block, o));
        }
    }
    value
}

fn attribute_config(a: &Attribute, value: Value) -> Value {
    let computed_only = a.computed && !a.optional && !a.required;
    if computed_only || a.sensitive || a.write_only || a.default.as_ref() == Some(&value) {
        return Value::Null;
    }
    match &a.nested {
        Some(nested) => {
            let inner = Block::new(nested.attributes.clone());
            each_object(value, |o| config_of(&inner, o))
        }
        None => value,
    }
}

/// `f` applied to `value` when it is an object, else to each element of the collection.
fn each_object(value: Value, f: impl Fn(Value) -> Value) -> Value {
    match value {
        o @ Value::Object(_) => f(o),
        Value::List(items) => Value::list(items.into_iter().map(f)),
        Value::Set(items) => Value::set(items.into_iter().map(f)),
        Value::Map(items) => Value::Map(items.into_iter().map(|(k, v)| (k, f(v))).collect()),
        other => other,
    }
}
