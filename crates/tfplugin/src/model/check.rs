//! The check of a model against its schema (made by `ProviderService::new`, in tests).

use serde::Serialize;
use serde::de::DeserializeOwned;
use tfvalue::{Type, Value};

use crate::schema::Schema;

use super::{from_value, to_value};

/// Whether the values a model holds may be unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unknowns {
    /// A resource model: any attribute may be unknown while planning (the configuration may
    /// not be known yet, a computed attribute may be known only after apply).
    Allowed,
    /// A data source model: it is read from a known configuration.
    None,
}

/// Checks that the model `M` fits `schema`: a value of the schema's type with every attribute
/// known reads into `M` and writes back unchanged; so does one with any attribute that is
/// not required null, and (with [`Unknowns::Allowed`]) one with any attribute unknown.
/// Returns every problem found.
pub fn check<M: Serialize + DeserializeOwned>(
    schema: &Schema,
    unknowns: Unknowns,
) -> Result<(), Vec<String>> {
    let ty = schema.value_type();
    let full = sample(&ty);
    let mut problems: Vec<String> = round_trip::<M>(&full, &ty, "every attribute known")
        .into_iter()
        .collect();
    if problems.is_empty() {
        for attribute in &schema.block.attributes {
            let mut cases = Vec::new();
            if !attribute.required {
                cases.push((Value::Null, "null"));
            }
            if unknowns == Unknowns::Allowed {
                cases.push((Value::Unknown, "unknown"));
            }
            for (v, case) in cases {
                let mut value = full.clone();
                value.set_attr(&attribute.name, v);
                let case = format!("`{}` {case}", attribute.name);
                problems.extend(round_trip::<M>(&value, &ty, &case));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The problem, if `value` does not read into `M` and write back unchanged.
fn round_trip<M: Serialize + DeserializeOwned>(
    value: &Value,
    ty: &Type,
    case: &str,
) -> Option<String> {
    let problem = match from_value::<M>(value) {
        Err(e) => e.to_string(),
        Ok(model) => match to_value(&model, ty) {
            Err(e) => e.to_string(),
            Ok(back) if back != *value => "does not write back the value it read".to_string(),
            Ok(_) => return None,
        },
    };
    Some(format!(
        "model {}: {case}: {problem}",
        std::any::type_name::<M>()
    ))
}

/// A known value of `ty` with one element in every collection.
fn sample(ty: &Type) -> Value {
    match ty {
        Type::String | Type::Dynamic => Value::string("sample"),
        Type::Number => Value::from(1),
        Type::Bool => Value::Bool(true),
        Type::List(e) => Value::list([sample(e)]),
        Type::Set(e) => Value::set([sample(e)]),
        Type::Map(e) => Value::map([("key", sample(e))]),
        Type::Object(attributes) => {
            Value::object(attributes.iter().map(|(name, t)| (name.clone(), sample(t))))
        }
        Type::Tuple(items) => Value::tuple(items.iter().map(sample)),
    }
}
