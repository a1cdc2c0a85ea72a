//! A `serde` deserializer over a [`Value`]: objects to structs (with exactly the struct's
//! fields), lists, sets and tuples to sequences, maps to maps, null to `None`, unknown to
//! [`super::Unknowable::Unknown`].
//!
//! Every typed request (a field's type asks for a string, a sequence, a struct, ...) refuses
//! null and unknown unless the field is an `Option` or an `Unknowable`. `deserialize_any` alone
//! accepts them, as `None` and `()`: it is what serde calls to buffer the attributes of a
//! `#[serde(flatten)]` struct, whose `Unknowable`, `Option` and `Number` fields then read them
//! back from the buffer (see their `Deserialize`).

use std::collections::btree_map;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use tfvalue::Value;

use super::{ModelError, NUMBER, UNKNOWABLE, child, index, key};

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
            Value::Null => Err(self.error("null, but the model's field is not an Option")),
            Value::Unknown => Err(self.error("unknown, but the model's field is not Unknowable")),
            _ => Ok(()),
        }
    }
}

/// Typed requests: null and unknown are refused (the field is not an `Option` or an
/// `Unknowable`, or it would have asked for one), a known value goes to the visitor.
macro_rules! typed {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
            self.not_null_or_unknown()?;
            self.known(visitor)
        }
    )*};
}

impl<'de> ValueDeserializer<'de> {
    /// A known value to the visitor: what every typed request reads (after refusing null and
    /// unknown).
    fn known<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
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
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                visitor.visit_seq(Elements {
                    items: items.iter().enumerate(),
                    path: &self.path,
                })
            }
            Value::Map(entries) => visitor.visit_map(Entries {
                entries: entries.iter(),
                current: None,
                path: &self.path,
                object: false,
            }),
            Value::Object(entries) => visitor.visit_map(Entries {
                entries: entries.iter(),
                current: None,
                path: &self.path,
                object: true,
            }),
            Value::Null | Value::Unknown | Value::Dynamic(..) => {
                Err(self.error(format!("cannot read a {} value", self.value.kind())))
            }
        }
    }
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'de> {
    type Error = ModelError;

    /// The value as it is, null as `None` and a value not wholly known as `()`; numbers that
    /// no `i64`, `u64` or `f64` holds exactly as their decimal text.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ if !self.value.is_wholly_known() => visitor.visit_unit(),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if tfvalue::Number::from_f64_shortest(n.as_f64()).as_ref() == Some(n) {
                    visitor.visit_f64(n.as_f64())
                } else {
                    visitor.visit_string(n.to_string())
                }
            }
            _ => self.known(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            Value::Unknown => Err(self.error("unknown, but the model's field is not Unknowable")),
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
        visitor.visit_map(Entries {
            entries: attributes.iter(),
            current: None,
            path: &self.path,
            object: true,
        })
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

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        visitor.visit_unit()
    }

    typed! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_seq deserialize_map
        deserialize_identifier
    }
}

struct Elements<'a, I> {
    items: I,
    path: &'a str,
}

impl<'de, I: Iterator<Item = (usize, &'de Value)>> SeqAccess<'de> for Elements<'_, I> {
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

struct Entries<'a, 'de> {
    entries: btree_map::Iter<'de, String, Value>,
    current: Option<(&'de String, &'de Value)>,
    path: &'a str,
    /// Object attributes (`a.b`) rather than map keys (`a["b"]`).
    object: bool,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = ModelError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ModelError> {
        self.current = self.entries.next();
        match self.current {
            None => Ok(None),
            Some((k, _)) => seed
                .deserialize(de::value::BorrowedStrDeserializer::new(k))
                .map(Some),
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
