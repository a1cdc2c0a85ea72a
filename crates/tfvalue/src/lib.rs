//! Terraform values: a type model, a value model with null and unknown, and the
//! msgpack / JSON wire codecs of `DynamicValue`.
//!
//! This module knows nothing about gRPC, schemas or resources: it could be lifted
//! out as a crate of its own.

use std::collections::BTreeMap;

/// A Terraform type, as in Terraform's JSON type syntax (`"string"`, `["list","string"]`, ...).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
    /// `"dynamic"`: the concrete type travels with the value.
    Dynamic,
}

/// A Terraform value. Values are untyped: the codecs take the [`Type`] separately,
/// except under a [`Type::Dynamic`] slot where the concrete type is carried in
/// [`Value::Dynamic`].
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    /// Not yet known (plan time). Refinements are accepted on decode and dropped.
    Unknown,
    Bool(bool),
    Number(String),
    String(String),
    List(Vec<Value>),
    /// Elements are kept unique and in a canonical order (see [`Value::set`]).
    Set(Vec<Value>),
    Tuple(Vec<Value>),
    Map(BTreeMap<String, Value>),
    /// Objects always carry every attribute of their type (null where absent).
    Object(BTreeMap<String, Value>),
    /// A value in a `dynamic` slot, with its concrete type.
    Dynamic(Type, Box<Value>),
}
