//! Typed models: a plain Rust struct per resource or data source, converted to and from
//! [`Value`] by the framework, as `tfsdk` struct tags do in terraform-plugin-framework.
//!
//! A model is any `serde` type. Its field types say what an attribute may hold:
//!
//! | field type | accepts |
//! | --- | --- |
//! | `String`, `bool`, integers, `f64`, [`Number`] | a known value |
//! | `Option<T>` | also null |
//! | [`Unknowable<T>`] | also unknown (a value that is not wholly known reads as unknown) |
//! | [`Maybe<T>`] (`Unknowable<Option<T>>`) | null and unknown |
//! | `Vec<T>` / `BTreeSet<T>` | a list or a set |
//! | `BTreeMap<String, T>` | a map |
//! | a struct | an object; its fields are exactly the object's attributes |
//! | a struct field with `#[serde(flatten)]` | the struct's fields as attributes of the same object (it may flatten another) |
//!
//! ```
//! use std::collections::BTreeSet;
//! use serde::{Deserialize, Serialize};
//! use tfplugin::model::{self, Maybe};
//! use tfplugin::schema::{Attribute, Block, Schema};
//! use tfvalue::{Type, Value};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Thing {
//!     id: Maybe<String>,
//!     tags: Maybe<BTreeSet<String>>,
//! }
//!
//! let schema = Schema::new(0, Block::new([
//!     Attribute::new("id", Type::String).computed(),
//!     Attribute::new("tags", Type::set(Type::String)).optional(),
//! ]));
//! model::check::<Thing>(&schema, model::Unknowns::Allowed).unwrap();
//!
//! // `tags: Option<BTreeSet<String>>` would not do: a configuration may hold `tags` unknown.
//!
//! let planned = Value::object([("id", Value::Unknown), ("tags", Value::Null)]);
//! let thing: Thing = model::from_value(&planned).unwrap();
//! assert!(thing.id.is_unknown());
//! assert_eq!(model::to_value(&thing, &schema.value_type()).unwrap(), planned);
//! ```
//!
//! A struct that does not fit its schema is found by [`check`] when the provider's server
//! is built with its checks ([`crate::ProviderService::new`], through [`Typed`] and
//! [`TypedData`]), as the provider's tests and in-process servers build it (start-up skips
//! it): a missing or extra field, a field of the wrong type, an `Option` missing where the
//! attribute may be null, an [`Unknowable`] missing where it may be unknown.
//!
//! Through `#[serde(flatten)]`, serde buffers the attributes the struct does not name itself
//! and reads them back without their paths. An error in them is placed at the object, except
//! a null or unknown that a field cannot hold: it goes to the attribute holding it when only
//! one attribute holds one. An attribute that no field takes there (or in an object nested
//! there, outside an [`Unknowable`]) goes unread by [`from_value`]; [`to_value`] and [`check`]
//! find it. Reading costs about twice as much as reading the same fields written out.

mod check;
mod de;
mod ser;
mod typed;

use std::fmt;

use serde::de::{DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tfvalue::{Type, Value};

pub use check::{Unknowns, check};
pub use typed::{Change, MoveSource, Plan, Typed, TypedData, TypedDataSource, TypedResource};

/// The name under which [`Unknowable`] travels through serde (recognised by this module's
/// serializer and deserializer).
const UNKNOWABLE: &str = "$tfplugin::Unknowable";
/// The unit struct an unknown [`Unknowable`] serializes as.
const UNKNOWN: &str = "$tfplugin::Unknown";
/// The name under which [`Number`] travels, as its decimal text.
const NUMBER: &str = "$tfplugin::Number";

/// Why a null does not fit a field.
const NOT_AN_OPTION: &str = "null, but the model's field is not an Option";
/// Why an unknown does not fit a field.
const NOT_UNKNOWABLE: &str = "unknown, but the model's field is not Unknowable";

/// A value that may not be known until apply.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unknowable<T> {
    /// Not known yet.
    Unknown,
    /// Known (wholly: a collection or object with unknowns inside reads as unknown).
    Known(T),
}

impl<T> Unknowable<T> {
    /// True when not known.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Unknowable::Unknown)
    }

    /// True when known.
    pub fn is_known(&self) -> bool {
        !self.is_unknown()
    }

    /// The value, if known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Unknowable::Known(v) => Some(v),
            Unknowable::Unknown => None,
        }
    }

    /// The value, if known.
    pub fn into_known(self) -> Option<T> {
        match self {
            Unknowable::Known(v) => Some(v),
            Unknowable::Unknown => None,
        }
    }
}

impl<T> Unknowable<Option<T>> {
    /// The value, if known and not null.
    pub fn get(&self) -> Option<&T> {
        self.known().and_then(Option::as_ref)
    }

    /// True when known to be null.
    pub fn is_null(&self) -> bool {
        matches!(self, Unknowable::Known(None))
    }

    /// A known, non-null value.
    pub fn some(value: T) -> Self {
        Unknowable::Known(Some(value))
    }

    /// The known null.
    pub fn null() -> Self {
        Unknowable::Known(None)
    }
}

/// An attribute that may be null or unknown: the common case in a resource model.
pub type Maybe<T> = Unknowable<Option<T>>;

/// The known default of `T` (for [`Maybe`]: null).
impl<T: Default> Default for Unknowable<T> {
    fn default() -> Self {
        Unknowable::Known(T::default())
    }
}

impl<T> From<T> for Unknowable<T> {
    fn from(value: T) -> Self {
        Unknowable::Known(value)
    }
}

impl<T: Serialize> Serialize for Unknowable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Unknowable::Unknown => serializer.serialize_unit_struct(UNKNOWN),
            Unknowable::Known(v) => v.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Unknowable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct UnknowableVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for UnknowableVisitor<T> {
            type Value = Unknowable<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or unknown")
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Unknowable::Unknown)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                T::deserialize(d).map(Unknowable::Known)
            }
            /// From serde's buffer (`#[serde(flatten)]`) or another format.
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                de::rebuilt_unknowable(d)
            }
        }
        deserializer.deserialize_newtype_struct(UNKNOWABLE, UnknowableVisitor(Default::default()))
    }
}

/// A Terraform number of any precision, as a model field.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number(pub tfvalue::Number);

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(NUMBER, &self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;
        impl<'de> Visitor<'de> for NumberVisitor {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number as decimal text")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Number, E> {
                s.parse().map(Number).map_err(E::custom)
            }
            // The rest read a number from serde's buffer (`#[serde(flatten)]`, see `de`).
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Number, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(tfvalue::Number::from_i64(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number(tfvalue::Number::from_u64(v)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Number, E> {
                tfvalue::Number::from_f64_shortest(v)
                    .map(Number)
                    .ok_or_else(|| E::custom("NaN is not a Terraform number"))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Number, E> {
                match std::str::from_utf8(v) {
                    Ok(s) => self.visit_str(s),
                    Err(e) => Err(E::custom(e)),
                }
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Number, E> {
                Err(E::custom(NOT_AN_OPTION))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Number, E> {
                Err(E::custom(NOT_UNKNOWABLE))
            }
        }
        deserializer.deserialize_newtype_struct(NUMBER, NumberVisitor)
    }
}

/// A value that does not fit a model (or a model that does not fit a type): where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    /// The attribute path (`tools`, `apps["slack"].tools[0].name`); empty at the top.
    pub path: String,
    /// What does not fit.
    pub message: String,
}

impl ModelError {
    fn at(path: &str, message: impl Into<String>) -> ModelError {
        ModelError {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

impl ModelError {
    /// The error at `path` when it has no place yet (serde's own errors).
    fn located(mut self, path: String) -> ModelError {
        if self.path.is_empty() {
            self.path = path;
        }
        self
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ModelError {}

impl serde::de::Error for ModelError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ModelError::at("", msg.to_string())
    }

    /// Unit, none and newtypes are how `de` describes null and unknown to serde's buffer,
    /// bytes a number's text: say what they stand for.
    fn invalid_type(
        unexpected: serde::de::Unexpected<'_>,
        expected: &dyn serde::de::Expected,
    ) -> Self {
        use serde::de::Unexpected;
        let message = match unexpected {
            Unexpected::Unit => NOT_AN_OPTION.to_string(),
            Unexpected::Option | Unexpected::NewtypeStruct => NOT_UNKNOWABLE.to_string(),
            Unexpected::Bytes(_) => format!("a number, but the model expects {expected}"),
            _ => format!("invalid type: {unexpected}, expected {expected}"),
        };
        ModelError::at("", message)
    }

    /// Only through `#[serde(flatten)]`: a struct's fields are checked before it is read.
    fn missing_field(field: &'static str) -> Self {
        ModelError::at(
            "",
            format!("fields [{field:?}] of the model are not attributes of the schema"),
        )
    }
}

impl serde::ser::Error for ModelError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ModelError::at("", msg.to_string())
    }
}

/// The model `M` of a value.
pub fn from_value<M: DeserializeOwned>(value: &Value) -> Result<M, ModelError> {
    M::deserialize(de::ValueDeserializer::new(value, String::new()))
}

/// The value of `model`, of type `ty`.
pub fn to_value<M: Serialize + ?Sized>(model: &M, ty: &Type) -> Result<Value, ModelError> {
    model.serialize(ser::ValueSerializer::new(ty, String::new()))
}

/// `original` with the top-level attributes that `after` changed from `before` (both models of
/// `original`) replaced. Attributes the model did not change keep their exact value, so a set
/// with some unknown elements (unknown to the model) passes through unchanged.
pub fn write_back<M: Serialize>(
    original: &Value,
    before: &M,
    after: &M,
    ty: &Type,
) -> Result<Value, ModelError> {
    let before = to_value(before, ty)?;
    let after = to_value(after, ty)?;
    let (Value::Object(before), Value::Object(after), Value::Object(original)) =
        (&before, &after, original)
    else {
        return Ok(after);
    };
    Ok(Value::Object(
        after
            .iter()
            .map(|(name, value)| {
                let kept = original
                    .get(name)
                    .filter(|_| before.get(name) == Some(value));
                (name.clone(), kept.unwrap_or(value).clone())
            })
            .collect(),
    ))
}

fn child(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

fn key(path: &str, k: &str) -> String {
    format!("{path}[{k:?}]")
}
