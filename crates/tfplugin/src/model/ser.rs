//! A `serde` serializer that builds a [`Value`] of a given [`Type`]: structs to objects (with
//! exactly the type's attributes), sequences to lists, sets or tuples, maps to maps, `None` to
//! null, [`super::Unknowable::Unknown`] to unknown. A map written where the type is an object is
//! held to the object's attributes as a struct is: serde writes a struct with
//! `#[serde(flatten)]` fields as a map.

use std::collections::BTreeMap;

use serde::ser::{self, Impossible, Serialize};
use tfvalue::{Type, Value};

use super::{ModelError, NUMBER, UNKNOWN, child, index, key};

pub(super) struct ValueSerializer<'a> {
    ty: &'a Type,
    path: String,
}

impl<'a> ValueSerializer<'a> {
    pub(super) fn new(ty: &'a Type, path: String) -> Self {
        ValueSerializer { ty, path }
    }

    fn mismatch(&self, what: &str) -> ModelError {
        ModelError::at(
            &self.path,
            format!(
                "the model holds {what}, but the schema's type is {}",
                self.ty
            ),
        )
    }

    fn number(self, n: tfvalue::Number) -> Result<Value, ModelError> {
        match self.ty {
            Type::Number | Type::Dynamic => Ok(Value::Number(n)),
            _ => Err(self.mismatch("a number")),
        }
    }
}

fn element_type(ty: &Type, i: usize) -> Option<&Type> {
    match ty {
        Type::List(e) | Type::Set(e) => Some(e),
        Type::Tuple(items) => items.get(i),
        _ => None,
    }
}

impl<'a> ser::Serializer for ValueSerializer<'a> {
    type Ok = Value;
    type Error = ModelError;
    type SerializeSeq = Sequence<'a>;
    type SerializeTuple = Sequence<'a>;
    type SerializeTupleStruct = Sequence<'a>;
    type SerializeTupleVariant = Impossible<Value, ModelError>;
    type SerializeMap = MapOrObject<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Impossible<Value, ModelError>;

    fn serialize_bool(self, v: bool) -> Result<Value, ModelError> {
        match self.ty {
            Type::Bool | Type::Dynamic => Ok(Value::Bool(v)),
            _ => Err(self.mismatch("a bool")),
        }
    }

    fn serialize_i8(self, v: i8) -> Result<Value, ModelError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Value, ModelError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Value, ModelError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<Value, ModelError> {
        self.number(tfvalue::Number::from_i64(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Value, ModelError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Value, ModelError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Value, ModelError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<Value, ModelError> {
        self.number(tfvalue::Number::from_u64(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, ModelError> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<Value, ModelError> {
        match tfvalue::Number::from_f64_shortest(v) {
            Some(n) => self.number(n),
            None => Err(ModelError::at(&self.path, "NaN is not a Terraform number")),
        }
    }

    fn serialize_char(self, v: char) -> Result<Value, ModelError> {
        self.serialize_str(&v.to_string())
    }

    fn serialize_str(self, v: &str) -> Result<Value, ModelError> {
        match self.ty {
            Type::String | Type::Dynamic => Ok(Value::string(v)),
            _ => Err(self.mismatch("a string")),
        }
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<Value, ModelError> {
        Err(self.mismatch("bytes"))
    }

    fn serialize_none(self) -> Result<Value, ModelError> {
        Ok(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, ModelError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value, ModelError> {
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<Value, ModelError> {
        match name {
            UNKNOWN => Ok(Value::Unknown),
            _ => Ok(Value::Null),
        }
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, ModelError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, ModelError> {
        if name != NUMBER {
            return value.serialize(self);
        }
        let text = value.serialize(ValueSerializer::new(&Type::String, self.path.clone()))?;
        match text.as_str().map(str::parse::<tfvalue::Number>) {
            Some(Ok(n)) => self.number(n),
            _ => Err(ModelError::at(&self.path, "not a number")),
        }
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Value, ModelError> {
        Err(self.mismatch("an enum variant with data"))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Sequence<'a>, ModelError> {
        match self.ty {
            Type::List(_) | Type::Set(_) | Type::Tuple(_) => Ok(Sequence {
                ty: self.ty,
                path: self.path,
                items: Vec::with_capacity(len.unwrap_or_default()),
            }),
            _ => Err(self.mismatch("a sequence")),
        }
    }

    fn serialize_tuple(self, len: usize) -> Result<Sequence<'a>, ModelError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Sequence<'a>, ModelError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, ModelError> {
        Err(self.mismatch("an enum variant with data"))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<MapOrObject<'a>, ModelError> {
        match self.ty {
            Type::Map(element) => Ok(MapOrObject::Map(Map {
                element,
                path: self.path,
                entries: BTreeMap::new(),
                key: None,
            })),
            // A struct with `#[serde(flatten)]` fields: its name is not told.
            Type::Object(attributes) => Ok(MapOrObject::Object(Object::new(
                None, attributes, self.path,
            ))),
            _ => Err(self.mismatch("a map")),
        }
    }

    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Object<'a>, ModelError> {
        match self.ty {
            Type::Object(attributes) => Ok(Object::new(Some(name), attributes, self.path)),
            _ => Err(self.mismatch(&format!("the struct {name}"))),
        }
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, ModelError> {
        Err(self.mismatch("an enum variant with data"))
    }
}

pub(super) struct Sequence<'a> {
    ty: &'a Type,
    path: String,
    items: Vec<Value>,
}

impl Sequence<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ModelError> {
        let i = self.items.len();
        let path = index(&self.path, i);
        let Some(ty) = element_type(self.ty, i) else {
            return Err(ModelError::at(
                &path,
                format!(
                    "the model holds more elements than the schema's {}",
                    self.ty
                ),
            ));
        };
        self.items
            .push(value.serialize(ValueSerializer::new(ty, path))?);
        Ok(())
    }

    fn finish(self) -> Result<Value, ModelError> {
        match self.ty {
            Type::Set(_) => Ok(Value::set(self.items)),
            Type::Tuple(items) if items.len() != self.items.len() => Err(ModelError::at(
                &self.path,
                format!(
                    "the model holds {} elements, the schema's {} {}",
                    self.items.len(),
                    self.ty,
                    items.len()
                ),
            )),
            Type::Tuple(_) => Ok(Value::Tuple(self.items)),
            _ => Ok(Value::List(self.items)),
        }
    }
}

impl ser::SerializeSeq for Sequence<'_> {
    type Ok = Value;
    type Error = ModelError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ModelError> {
        self.push(value)
    }
    fn end(self) -> Result<Value, ModelError> {
        self.finish()
    }
}

impl ser::SerializeTuple for Sequence<'_> {
    type Ok = Value;
    type Error = ModelError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ModelError> {
        self.push(value)
    }
    fn end(self) -> Result<Value, ModelError> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Sequence<'_> {
    type Ok = Value;
    type Error = ModelError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ModelError> {
        self.push(value)
    }
    fn end(self) -> Result<Value, ModelError> {
        self.finish()
    }
}

pub(super) struct Map<'a> {
    element: &'a Type,
    path: String,
    entries: BTreeMap<String, Value>,
    key: Option<String>,
}

/// What `serialize_map` builds: a map, or an object when the type is one.
pub(super) enum MapOrObject<'a> {
    Map(Map<'a>),
    Object(Object<'a>),
}

fn map_key<T: Serialize + ?Sized>(k: &T, path: &str) -> Result<String, ModelError> {
    match k.serialize(ValueSerializer::new(&Type::String, path.to_string()))? {
        Value::String(s) => Ok(s),
        _ => Err(ModelError::at(path, "map keys must be strings")),
    }
}

impl ser::SerializeMap for MapOrObject<'_> {
    type Ok = Value;
    type Error = ModelError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), ModelError> {
        match self {
            MapOrObject::Map(m) => m.key = Some(map_key(k, &m.path)?),
            MapOrObject::Object(o) => o.key = Some(map_key(k, &o.path)?),
        }
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ModelError> {
        match self {
            MapOrObject::Map(m) => {
                let Some(k) = m.key.take() else {
                    return Err(ModelError::at(&m.path, "a map value without a key"));
                };
                let v = value.serialize(ValueSerializer::new(m.element, key(&m.path, &k)))?;
                m.entries.insert(k, v);
                Ok(())
            }
            MapOrObject::Object(o) => {
                let Some(k) = o.key.take() else {
                    return Err(ModelError::at(&o.path, "a map value without a key"));
                };
                o.insert(&k, value)
            }
        }
    }

    fn end(self) -> Result<Value, ModelError> {
        match self {
            MapOrObject::Map(m) => Ok(Value::Map(m.entries)),
            MapOrObject::Object(o) => o.finish(),
        }
    }
}

pub(super) struct Object<'a> {
    /// The struct's name; `None` for a struct written as a map (`#[serde(flatten)]`).
    name: Option<&'static str>,
    attributes: &'a BTreeMap<String, Type>,
    path: String,
    values: BTreeMap<String, Value>,
    /// The attribute whose value comes next, when written as a map.
    key: Option<String>,
}

impl<'a> Object<'a> {
    fn new(
        name: Option<&'static str>,
        attributes: &'a BTreeMap<String, Type>,
        path: String,
    ) -> Self {
        Object {
            name,
            attributes,
            path,
            values: BTreeMap::new(),
            key: None,
        }
    }

    fn model(&self) -> String {
        match self.name {
            Some(name) => format!("the model {name}"),
            None => "the model".to_string(),
        }
    }

    fn insert<T: Serialize + ?Sized>(&mut self, field: &str, value: &T) -> Result<(), ModelError> {
        let Some(ty) = self.attributes.get(field) else {
            return Err(ModelError::at(
                &child(&self.path, field),
                format!(
                    "the field of {} is not an attribute of the schema",
                    self.model()
                ),
            ));
        };
        let v = value.serialize(ValueSerializer::new(ty, child(&self.path, field)))?;
        // Only a flattened struct can name an attribute twice (a field of the same name).
        if self.values.insert(field.to_string(), v).is_some() {
            return Err(ModelError::at(
                &child(&self.path, field),
                format!("{} has two fields for the attribute", self.model()),
            ));
        }
        Ok(())
    }

    fn finish(self) -> Result<Value, ModelError> {
        let missing: Vec<&str> = self
            .attributes
            .keys()
            .map(String::as_str)
            .filter(|a| !self.values.contains_key(*a))
            .collect();
        if !missing.is_empty() {
            return Err(ModelError::at(
                &self.path,
                format!("attributes {missing:?} have no field in {}", self.model()),
            ));
        }
        Ok(Value::Object(self.values))
    }
}

impl ser::SerializeStruct for Object<'_> {
    type Ok = Value;
    type Error = ModelError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        field: &'static str,
        value: &T,
    ) -> Result<(), ModelError> {
        self.insert(field, value)
    }

    fn skip_field(&mut self, field: &'static str) -> Result<(), ModelError> {
        if self.attributes.contains_key(field) {
            self.values.insert(field.to_string(), Value::Null);
        }
        Ok(())
    }

    fn end(self) -> Result<Value, ModelError> {
        self.finish()
    }
}
