//! The JSON encoding of `DynamicValue.json` and of raw state
//! (`UpgradeResourceState`), as Terraform (cty) writes it.
//!
//! * null is JSON `null`; unknown values cannot be represented (encoding one
//!   is an error: state holds none).
//! * strings, numbers (arbitrary precision, never rounded) and bools are JSON
//!   primitives. Like cty, decoding also accepts a number or bool where a
//!   string belongs, and a string where a number or bool belongs.
//! * lists, sets and tuples are arrays; maps and objects are JSON objects.
//! * objects: decoding turns missing attributes into null and rejects
//!   attributes the type does not have (`unsupported attribute "x"`), unless
//!   [`DecodeOptions::ignore_unknown_attributes`] (see [`decode_lenient`]) says
//!   to drop them, as upgrading a state written by an older schema needs.
//!   Encoding writes every attribute of the type.
//! * a `dynamic` slot holds `{"value": ..., "type": ...}` (or `null`).

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use crate::value::canonical_set;
use crate::{AttributePath, Error, Number, PathStep, Type, Value};

/// How lenient [`decode_with`] is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Drop object attributes the type does not have, instead of failing.
    pub ignore_unknown_attributes: bool,
}

/// Decodes JSON `bytes` as a value of type `ty`, strictly: an object attribute
/// the type does not have is an error.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, Error> {
    decode_with(bytes, ty, DecodeOptions::default())
}

/// Decodes JSON `bytes` as a value of type `ty`, dropping object attributes
/// the type does not have (for state written by an older schema).
pub fn decode_lenient(bytes: &[u8], ty: &Type) -> Result<Value, Error> {
    decode_with(
        bytes,
        ty,
        DecodeOptions {
            ignore_unknown_attributes: true,
        },
    )
}

/// Decodes JSON `bytes` as a value of type `ty` with `opts`.
pub fn decode_with(bytes: &[u8], ty: &Type, opts: DecodeOptions) -> Result<Value, Error> {
    let json: Json =
        serde_json::from_slice(bytes).map_err(|e| Error::root(format!("invalid JSON: {e}")))?;
    decode_value(&json, ty, opts)
}

/// Decodes an already parsed JSON value as a value of type `ty` with `opts`.
pub fn decode_value(json: &Json, ty: &Type, opts: DecodeOptions) -> Result<Value, Error> {
    Decoder { opts }.value(json, ty, &mut AttributePath::root())
}

/// Encodes `v` (which must be wholly known) as JSON bytes for type `ty`.
pub fn encode(v: &Value, ty: &Type) -> Result<Vec<u8>, Error> {
    Ok(encode_value(v, ty)?.to_string().into_bytes())
}

/// Encodes `v` (which must be wholly known) as a JSON value for type `ty`.
pub fn encode_value(v: &Value, ty: &Type) -> Result<Json, Error> {
    encode_inner(v, ty, &mut AttributePath::root())
}

fn kind_of(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

struct Decoder {
    opts: DecodeOptions,
}

impl Decoder {
    fn value(&self, json: &Json, ty: &Type, path: &mut AttributePath) -> Result<Value, Error> {
        let unexpected = |path: &AttributePath, want: &str| {
            Error::new(
                path.clone(),
                format!("expected {want}, got JSON {}", kind_of(json)),
            )
        };
        if json.is_null() {
            return Ok(Value::Null);
        }
        match ty {
            Type::Dynamic => {
                let obj = json.as_object().ok_or_else(|| {
                    unexpected(path, "a {\"value\", \"type\"} object for a dynamic value")
                })?;
                if let Some(k) = obj.keys().find(|k| *k != "value" && *k != "type") {
                    return Err(Error::new(
                        path.clone(),
                        format!("invalid dynamic value: unexpected key {k:?}"),
                    ));
                }
                let (Some(tj), Some(vj)) = (obj.get("type"), obj.get("value")) else {
                    return Err(Error::new(
                        path.clone(),
                        "invalid dynamic value: both \"type\" and \"value\" are required",
                    ));
                };
                let concrete = Type::from_json(tj).map_err(|e| {
                    Error::new(path.clone(), format!("dynamic value: {}", e.message()))
                })?;
                if concrete == Type::Dynamic {
                    return Err(Error::new(
                        path.clone(),
                        "dynamic value with type \"dynamic\"",
                    ));
                }
                let inner = self.value(vj, &concrete, path)?;
                Ok(Value::Dynamic(concrete, Box::new(inner)))
            }
            Type::String => match json {
                Json::String(s) => Ok(Value::String(s.clone())),
                Json::Number(n) => Ok(Value::String(n.to_string())),
                Json::Bool(b) => Ok(Value::String(b.to_string())),
                _ => Err(unexpected(path, "string")),
            },
            Type::Number => {
                let text = match json {
                    Json::Number(n) => n.to_string(),
                    Json::String(s) => s.clone(),
                    _ => return Err(unexpected(path, "number")),
                };
                let n: Number = text.parse().map_err(|_| Error::not_a_number(path))?;
                Ok(Value::Number(n))
            }
            Type::Bool => {
                let text = match json {
                    Json::Bool(b) => return Ok(Value::Bool(*b)),
                    Json::String(s) => s.clone(),
                    Json::Number(n) => n.to_string(),
                    _ => return Err(unexpected(path, "bool")),
                };
                // The spellings Go's strconv.ParseBool accepts, as
                // terraform-plugin-go does.
                match text.as_str() {
                    "true" | "True" | "TRUE" | "t" | "T" | "1" => Ok(Value::Bool(true)),
                    "false" | "False" | "FALSE" | "f" | "F" | "0" => Ok(Value::Bool(false)),
                    _ => Err(Error::new(path.clone(), "a value that is not a valid bool")),
                }
            }
            Type::List(t) | Type::Set(t) => {
                let is_list = matches!(ty, Type::List(_));
                let arr = json
                    .as_array()
                    .ok_or_else(|| unexpected(path, if is_list { "list" } else { "set" }))?;
                let elems = self.seq(arr, std::iter::repeat(t.as_ref()), path)?;
                Ok(if is_list {
                    Value::List(elems)
                } else {
                    Value::Set(canonical_set(elems))
                })
            }
            Type::Tuple(ts) => {
                let arr = json.as_array().ok_or_else(|| unexpected(path, "tuple"))?;
                if arr.len() != ts.len() {
                    return Err(Error::tuple_length(path, ts.len(), arr.len()));
                }
                Ok(Value::Tuple(self.seq(arr, ts.iter(), path)?))
            }
            Type::Map(t) => {
                let obj = json.as_object().ok_or_else(|| unexpected(path, "map"))?;
                let mut out = BTreeMap::new();
                for (k, j) in obj {
                    path.push(PathStep::ElementKeyString(k.clone()));
                    let v = self.value(j, t, path)?;
                    path.pop();
                    out.insert(k.clone(), v);
                }
                Ok(Value::Map(out))
            }
            Type::Object(ts) => {
                let obj = json.as_object().ok_or_else(|| unexpected(path, "object"))?;
                if let Some(k) = obj.keys().find(|k| !ts.contains_key(*k))
                    && !self.opts.ignore_unknown_attributes
                {
                    return Err(Error::new(
                        path.join_attr(k),
                        format!("unsupported attribute {k:?}"),
                    ));
                }
                let mut out = BTreeMap::new();
                for (k, t) in ts {
                    let v = match obj.get(k) {
                        Some(j) => {
                            path.push(PathStep::Attribute(k.clone()));
                            let v = self.value(j, t, path)?;
                            path.pop();
                            v
                        }
                        None => Value::Null,
                    };
                    out.insert(k.clone(), v);
                }
                Ok(Value::Object(out))
            }
        }
    }

    fn seq<'t>(
        &self,
        arr: &[Json],
        types: impl Iterator<Item = &'t Type>,
        path: &mut AttributePath,
    ) -> Result<Vec<Value>, Error> {
        arr.iter()
            .zip(types)
            .enumerate()
            .map(|(i, (j, t))| {
                path.push(PathStep::ElementKeyInt(i as i64));
                let v = self.value(j, t, path);
                path.pop();
                v
            })
            .collect()
    }
}

fn encode_inner(v: &Value, ty: &Type, path: &mut AttributePath) -> Result<Json, Error> {
    if let Value::Unknown = v {
        return Err(Error::new(
            path.clone(),
            "unknown values cannot be represented in JSON",
        ));
    }
    if let Value::Null = v {
        return Ok(Json::Null);
    }
    if *ty == Type::Dynamic {
        let (concrete, inner) = v.dynamic_parts(path)?;
        let mut obj = Map::new();
        obj.insert("type".into(), concrete.to_json());
        obj.insert("value".into(), encode_inner(inner, &concrete, path)?);
        return Ok(Json::Object(obj));
    }
    let mismatch =
        |path: &AttributePath| Error::new(path.clone(), format!("expected {ty}, got {}", v.kind()));
    match (v, ty) {
        (Value::Dynamic(t, inner), ty) => {
            if t == ty {
                encode_inner(inner, ty, path)
            } else {
                Err(Error::new(
                    path.clone(),
                    format!("expected {ty}, got a dynamic value of type {t}"),
                ))
            }
        }
        (Value::String(s), Type::String) => Ok(Json::String(s.clone())),
        (Value::Bool(b), Type::Bool) => Ok(Json::Bool(*b)),
        (Value::Number(n), Type::Number) => {
            if n.is_infinite() {
                return Err(Error::new(
                    path.clone(),
                    "infinity cannot be represented in JSON",
                ));
            }
            Ok(Json::Number(serde_json::Number::from_string_unchecked(
                n.to_string(),
            )))
        }
        (Value::List(elems), Type::List(t)) | (Value::Set(elems), Type::Set(t)) => elems
            .iter()
            .enumerate()
            .map(|(i, e)| {
                path.push(PathStep::ElementKeyInt(i as i64));
                let j = encode_inner(e, t, path);
                path.pop();
                j
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Json::Array),
        (Value::Tuple(elems), Type::Tuple(ts)) => {
            if elems.len() != ts.len() {
                return Err(Error::tuple_length(path, ts.len(), elems.len()));
            }
            elems
                .iter()
                .zip(ts)
                .enumerate()
                .map(|(i, (e, t))| {
                    path.push(PathStep::ElementKeyInt(i as i64));
                    let j = encode_inner(e, t, path);
                    path.pop();
                    j
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Json::Array)
        }
        (Value::Map(m), Type::Map(t)) => {
            let mut obj = Map::new();
            for (k, e) in m {
                path.push(PathStep::ElementKeyString(k.clone()));
                let j = encode_inner(e, t, path)?;
                path.pop();
                obj.insert(k.clone(), j);
            }
            Ok(Json::Object(obj))
        }
        (Value::Object(m), Type::Object(ts)) => {
            if let Some(extra) = m.keys().find(|k| !ts.contains_key(*k)) {
                return Err(Error::new(
                    path.join_attr(extra),
                    format!("unsupported attribute {extra:?}"),
                ));
            }
            let mut obj = Map::new();
            for (k, t) in ts {
                path.push(PathStep::Attribute(k.clone()));
                let j = encode_inner(m.get(k).unwrap_or(&Value::Null), t, path)?;
                path.pop();
                obj.insert(k.clone(), j);
            }
            Ok(Json::Object(obj))
        }
        _ => Err(mismatch(path)),
    }
}
