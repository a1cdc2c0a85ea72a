//! Terraform values: a type model, a value model with null and unknown, and the
//! msgpack / JSON wire codecs of the plugin protocol's `DynamicValue`.
//!
//! This crate knows nothing about gRPC, schemas or resources.
//!
//! * [`Type`]: Terraform's types, with their JSON syntax (`"string"`,
//!   `["list","string"]`, `["object",{"a":"number"}]`, ...).
//! * [`Value`]: an untyped value tree with [`Value::Null`] and
//!   [`Value::Unknown`] anywhere; the codecs take the [`Type`] separately.
//! * [`Number`]: arbitrary-precision decimal numbers.
//! * [`msgpack`]: the `DynamicValue.msgpack` wire format (unknowns as msgpack
//!   extensions, dynamic values as `[type JSON, value]`).
//! * [`json`]: the `DynamicValue.json` / raw state JSON format.
//! * [`AttributePath`]: where in a value something is; every [`Error`] carries one.
//!
//! ```
//! use tfvalue::{Type, Value, msgpack};
//!
//! let ty = Type::object([("name", Type::String), ("tags", Type::set(Type::String))]);
//! let v = Value::object([
//!     ("name", Value::from("demo")),
//!     ("tags", Value::set([Value::from("b"), Value::from("a"), Value::from("b")])),
//! ]);
//! let bytes = msgpack::encode(&v, &ty).unwrap();
//! assert_eq!(msgpack::decode(&bytes, &ty).unwrap(), v);
//! assert_eq!(v.attr("tags").elements().unwrap().len(), 2);
//! ```

#![warn(missing_docs)]

use std::collections::BTreeMap;

mod error;
pub mod json;
pub mod msgpack;
mod number;
mod path;
mod types;
mod value;

pub use error::Error;
pub use number::{Number, ParseNumberError};
pub use path::{AttributePath, PathStep};

/// A Terraform type, as in Terraform's JSON type syntax (`"string"`, `["list","string"]`, ...).
///
/// [`Display`](std::fmt::Display) prints the HCL type-constraint syntax
/// (`list(string)`, `object({a=number})`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// `"string"`
    String,
    /// `"number"`
    Number,
    /// `"bool"`
    Bool,
    /// `["list", T]`
    List(Box<Type>),
    /// `["set", T]`
    Set(Box<Type>),
    /// `["map", T]`
    Map(Box<Type>),
    /// `["object", {"name": T, ...}]`
    Object(BTreeMap<String, Type>),
    /// `["tuple", [T, ...]]`
    Tuple(Vec<Type>),
    /// `"dynamic"`: the concrete type travels with the value.
    Dynamic,
}

/// A Terraform value. Values are untyped: the codecs take the [`Type`] separately,
/// except under a [`Type::Dynamic`] slot where the concrete type is carried in
/// [`Value::Dynamic`].
///
/// Equality is structural, with numbers compared numerically. The derived
/// ordering is only a canonical order (used to sort set elements), not a
/// meaningful one.
///
/// `Debug` shows the shape of a value (kinds, attribute names, lengths) but no
/// string, number, bool or map key, because a value may hold a sensitive or
/// write-only attribute and `Debug` output ends up in logs and panic messages.
/// `Display` shows the contents, for the rare message that needs them.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// The null value of any type.
    Null,
    /// Not yet known (plan time). Refinements are accepted on decode and dropped.
    Unknown,
    /// A `bool`.
    Bool(bool),
    /// A `number`.
    Number(Number),
    /// A `string`.
    String(String),
    /// A `list(T)`.
    List(Vec<Value>),
    /// A `set(T)`. Elements are kept unique and in a canonical order (see
    /// [`Value::set`]); the decoders canonicalise.
    Set(Vec<Value>),
    /// A `tuple([...])`.
    Tuple(Vec<Value>),
    /// A `map(T)`.
    Map(BTreeMap<String, Value>),
    /// An `object({...})`. Objects carry every attribute of their type (null
    /// where absent): the decoders guarantee it.
    Object(BTreeMap<String, Value>),
    /// A value in a `dynamic` slot, with its concrete type. (A null or unknown
    /// value of no particular type in a dynamic slot is plain [`Value::Null`] /
    /// [`Value::Unknown`].)
    Dynamic(Type, Box<Value>),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::String(s.clone())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Number(Number::from_i64(i))
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Value::Number(Number::from(i))
    }
}

impl From<u64> for Value {
    fn from(u: u64) -> Self {
        Value::Number(Number::from_u64(u))
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Self {
        Value::Number(n)
    }
}

/// `None` becomes [`Value::Null`].
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}
