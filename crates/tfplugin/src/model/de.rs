//! A `serde` deserializer over a [`Value`]: objects to structs (with exactly the struct's
//! fields), lists, sets and tuples to sequences, maps to maps, null to `None`, unknown to
//! [`super::Unknowable::Unknown`].
//!
//! A struct with `#[serde(flatten)]` fields reads its object as a map, and serde buffers every
//! attribute the struct does not name itself through `deserialize_any`, without a type hint.
//! So `deserialize_any` describes a value in serde's own terms, in a way nothing else reads
//! alike: null as unit, unknown as a newtype around none, a number as an integer, as an `f64`
//! when that reads back as the same number, else as its decimal text in bytes.
//! [`super::Unknowable`] rebuilds the value from that ([`Rebuild`]) and reads it as a direct read
//! would; [`super::Number`] reads its number from it.

use std::collections::BTreeMap;
use std::collections::btree_map;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;
use tfvalue::Value;

use super::{
    ModelError, NOT_AN_OPTION, NOT_UNKNOWABLE, NUMBER, UNKNOWABLE, Unknowable, child, index, key,
};

/// Lends nothing to what it builds (strings go by `visit_str`), so that it reads a value
/// rebuilt from serde's buffer as well as the original.
pub(super) struct ValueDeserializer<'a> {
    value: &'a Value,
    path: String,
}

impl<'a> ValueDeserializer<'a> {
    pub(super) fn new(value: &'a Value, path: String) -> Self {
        ValueDeserializer {
            value: value.unwrap_dynamic(),
            path,
        }
    }

    fn error(&self, message: impl Into<String>) -> ModelError {
        ModelError::at(&self.path, message)
    }

    fn not_null_or_unknown(&self) -> Result<(), ModelError> {
        match self.value {
            Value::Null => Err(self.error(NOT_AN_OPTION)),
            Value::Unknown => Err(self.error(NOT_UNKNOWABLE)),
            _ => Ok(()),
        }
    }

    /// A known value, for the `deserialize_*` that name a kind.
    fn known<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        self.not_null_or_unknown()?;
        match self.value {
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else {
                    visitor.visit_f64(n.as_f64())
                }
            }
            Value::String(s) => visitor.visit_str(s),
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                visitor.visit_seq(Elements {
                    items: items.iter().enumerate(),
                    path: &self.path,
                })
            }
            Value::Map(entries) => visitor.visit_map(Entries::new(entries, &self.path, false)),
            Value::Object(entries) => visitor.visit_map(Entries::new(entries, &self.path, true)),
            Value::Null | Value::Unknown | Value::Dynamic(..) => {
                Err(self.error(format!("cannot read a {} value", self.value.kind())))
            }
        }
    }

    /// Places an error serde raised while reading the attributes it buffered for
    /// `#[serde(flatten)]`: it has no path. A null or unknown where the field cannot hold it
    /// goes to the one attribute that holds a null or unknown, if only one does.
    fn locate_flattened(&self, attributes: &BTreeMap<String, Value>, e: ModelError) -> ModelError {
        if !e.path.is_empty() {
            return e;
        }
        let holds: fn(&Value) -> bool = if e.message.ends_with(NOT_AN_OPTION) {
            Value::is_null
        } else if e.message.ends_with(NOT_UNKNOWABLE) {
            Value::is_unknown
        } else {
            return e.located(self.path.clone());
        };
        let suspects: Vec<&str> = attributes
            .iter()
            .filter(|(_, v)| somewhere(v, holds))
            .map(|(k, _)| k.as_str())
            .collect();
        match suspects.as_slice() {
            [one] => ModelError::at(&child(&self.path, one), e.message),
            [] => e.located(self.path.clone()),
            _ => ModelError::at(
                &self.path,
                format!(
                    "{} (one of the attributes {suspects:?}, read through #[serde(flatten)])",
                    e.message
                ),
            ),
        }
    }
}

/// True when `holds` is true of `value` or of anything inside it.
fn somewhere(value: &Value, holds: fn(&Value) -> bool) -> bool {
    let value = value.unwrap_dynamic();
    holds(value)
        || match value {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                items.iter().any(|v| somewhere(v, holds))
            }
            Value::Map(entries) | Value::Object(entries) => {
                entries.values().any(|v| somewhere(v, holds))
            }
            _ => false,
        }
}

/// The typed `deserialize_*` that read a known value of their kind.
macro_rules! forward_to_known {
    ($($method:ident($($arg:ty),*))*) => {
        $(
            fn $method<V: Visitor<'de>>(
                self,
                $(_: $arg,)*
                visitor: V,
            ) -> Result<V::Value, ModelError> {
                self.known(visitor)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'_> {
    type Error = ModelError;

    /// The value described in serde's terms (see the module docs): what serde buffers.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Unknown => visitor.visit_newtype_struct(UnknownInside),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else {
                    let f = n.as_f64();
                    if tfvalue::Number::from_f64_shortest(f).as_ref() == Some(n) {
                        visitor.visit_f64(f)
                    } else {
                        visitor.visit_bytes(n.to_string().as_bytes())
                    }
                }
            }
            _ => self.known(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            Value::Unknown => Err(self.error(NOT_UNKNOWABLE)),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        match name {
            UNKNOWABLE if !self.value.is_wholly_known() => visitor.visit_none(),
            UNKNOWABLE => visitor.visit_some(self),
            NUMBER => match self.value {
                Value::Number(n) => visitor.visit_string(n.to_string()),
                _ => {
                    self.not_null_or_unknown()?;
                    Err(self.error(format!(
                        "a {}, but the model expects a number",
                        self.value.kind()
                    )))
                }
            },
            _ => visitor.visit_newtype_struct(self),
        }
    }

    /// A struct with `#[serde(flatten)]` fields reads its object here.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.value {
            Value::Object(attributes) => visitor
                .visit_map(Entries::new(attributes, &self.path, true))
                .map_err(|e| self.locate_flattened(attributes, e)),
            _ => self.known(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        self.not_null_or_unknown()?;
        let Value::Object(attributes) = self.value else {
            return Err(self.error(format!(
                "a {}, but the model's {name} is an object",
                self.value.kind()
            )));
        };
        let missing: Vec<&str> = attributes
            .keys()
            .map(String::as_str)
            .filter(|a| !fields.contains(a))
            .collect();
        if !missing.is_empty() {
            return Err(self.error(format!(
                "attributes {missing:?} have no field in the model {name}"
            )));
        }
        let extra: Vec<&str> = fields
            .iter()
            .copied()
            .filter(|f| !attributes.contains_key(*f))
            .collect();
        if !extra.is_empty() {
            return Err(self.error(format!(
                "fields {extra:?} of the model {name} are not attributes of the schema"
            )));
        }
        visitor.visit_map(Entries::new(attributes, &self.path, true))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        self.not_null_or_unknown()?;
        match self.value {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            _ => Err(self.error(format!(
                "a {}, but the model expects a string naming a variant",
                self.value.kind()
            ))),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            _ => Err(self.error(format!(
                "a {}, but the model expects null",
                self.value.kind()
            ))),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        visitor.visit_unit()
    }

    forward_to_known! {
        deserialize_bool() deserialize_i8() deserialize_i16() deserialize_i32() deserialize_i64()
        deserialize_i128() deserialize_u8() deserialize_u16() deserialize_u32() deserialize_u64()
        deserialize_u128() deserialize_f32() deserialize_f64() deserialize_char()
        deserialize_str() deserialize_string() deserialize_bytes() deserialize_byte_buf()
        deserialize_unit_struct(&'static str) deserialize_seq() deserialize_tuple(usize)
        deserialize_tuple_struct(&'static str, usize) deserialize_identifier()
    }
}

/// The inside of the newtype `deserialize_any` describes unknown as: none, which serde buffers
/// as nothing a known value is buffered as.
struct UnknownInside;

impl<'de> de::Deserializer<'de> for UnknownInside {
    type Error = ModelError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        visitor.visit_none()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// Rebuilds a value from what `deserialize_any` described, once serde has buffered it (or
/// from another format's value), so that it reads as the value itself does.
pub(super) struct Rebuild;

impl<'de> DeserializeSeed<'de> for Rebuild {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Rebuild {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a Terraform value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(tfvalue::Number::from_i64(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(tfvalue::Number::from_u64(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        tfvalue::Number::from_f64_shortest(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("NaN is not a Terraform number"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::string(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    /// A number's decimal text.
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        std::str::from_utf8(v)
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Value::Number)
            .ok_or_else(|| E::custom("bytes that are not a number"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Unknown)
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, _: D) -> Result<Value, D::Error> {
        Ok(Value::Unknown)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Rebuild)? {
            items.push(item);
        }
        Ok(Value::List(items))
    }

    /// An object (a map reads from one as well).
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some(k) = map.next_key::<String>()? {
            entries.insert(k, map.next_value_seed(Rebuild)?);
        }
        Ok(Value::Object(entries))
    }
}

/// An [`Unknowable`] from a deserializer other than [`ValueDeserializer`] (serde's buffer, when
/// the field is read through `#[serde(flatten)]`): the rebuilt value, read as a direct read
/// would read it (wholly known or not, with exactly the fields of a struct).
pub(super) fn rebuilt_unknowable<'de, T, D>(d: D) -> Result<Unknowable<T>, D::Error>
where
    T: de::Deserialize<'de>,
    D: de::Deserializer<'de>,
{
    let value = d.deserialize_any(Rebuild)?;
    if !value.is_wholly_known() {
        return Ok(Unknowable::Unknown);
    }
    T::deserialize(ValueDeserializer::new(&value, String::new()))
        .map(Unknowable::Known)
        .map_err(|e| {
            // The path is relative to the attribute, which serde does not tell.
            if e.path.is_empty() {
                de::Error::custom(e.message)
            } else {
                de::Error::custom(format_args!("at {}: {}", e.path, e.message))
            }
        })
}

struct Elements<'a, I> {
    items: I,
    path: &'a str,
}

impl<'de, 'v, I: Iterator<Item = (usize, &'v Value)>> SeqAccess<'de> for Elements<'_, I> {
    type Error = ModelError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ModelError> {
        match self.items.next() {
            None => Ok(None),
            Some((i, v)) => {
                let path = index(self.path, i);
                seed.deserialize(ValueDeserializer::new(v, path.clone()))
                    .map_err(|e| e.located(path))
                    .map(Some)
            }
        }
    }
}

struct Entries<'a, 'v> {
    entries: btree_map::Iter<'v, String, Value>,
    current: Option<(&'v String, &'v Value)>,
    path: &'a str,
    /// Object attributes (`a.b`) rather than map keys (`a["b"]`).
    object: bool,
}

impl<'a, 'v> Entries<'a, 'v> {
    fn new(entries: &'v BTreeMap<String, Value>, path: &'a str, object: bool) -> Self {
        Entries {
            entries: entries.iter(),
            current: None,
            path,
            object,
        }
    }
}

impl<'de> MapAccess<'de> for Entries<'_, '_> {
    type Error = ModelError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ModelError> {
        self.current = self.entries.next();
        match self.current {
            None => Ok(None),
            Some((k, _)) => seed.deserialize(k.as_str().into_deserializer()).map(Some),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ModelError> {
        let Some((k, v)) = self.current else {
            return Err(ModelError::at(self.path, "a value without a key"));
        };
        let path = if self.object {
            child(self.path, k)
        } else {
            key(self.path, k)
        };
        seed.deserialize(ValueDeserializer::new(v, path.clone()))
            .map_err(|e| e.located(path))
    }
}
