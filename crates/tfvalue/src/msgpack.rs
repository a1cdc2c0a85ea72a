//! The msgpack encoding of `DynamicValue.msgpack`, as Terraform (cty) and
//! terraform-plugin-go write it.
//!
//! * null is msgpack `nil`; an unknown value is an extension, written as the
//!   fixext1 `d4 00 00` (code 0). Any extension code decodes as unknown, so
//!   refined unknowns (code 12 with a map of refinements) are accepted and their
//!   refinements dropped.
//! * strings are msgpack strings; bools are bools; numbers are integers when
//!   integral and within i64, float64 when the float64 is exactly the number,
//!   else a decimal string (`"0.8"`, `"18446744073709551615"`), as cty writes
//!   them. Decoding accepts all three forms (and uint64 and float32).
//! * lists, sets and tuples are arrays; maps are maps.
//! * objects are maps with **every** attribute of the type (absent attributes
//!   are written as nil); decoding rejects missing and extra attributes.
//! * a `dynamic` slot holds a two-element array `[bin(type JSON), value]`, e.g.
//!   `92 c4 06 "\"bool\"" c3`; a null or unknown of no particular type is
//!   written plainly (`c0`, `d4 00 00`). Decoding gives [`Value::Dynamic`].

use std::collections::BTreeMap;

use rmp::Marker;

use crate::value::canonical_set;
use crate::{AttributePath, Error, Number, PathStep, Type, Value};

/// The bytes of an unknown value: fixext1, extension code 0, payload 0.
pub const UNKNOWN: [u8; 3] = [0xd4, 0, 0];

/// Deepest nesting the decoder follows (types from the input can nest
/// `dynamic` slots without bound).
const MAX_DEPTH: usize = 128;

/// Encodes `v` as a value of type `ty`.
///
/// Fails when the value does not fit the type, e.g. a string where a number
/// belongs, an object attribute the type does not have, a tuple of the wrong
/// length, or a value in a `dynamic` slot whose type is neither carried by
/// [`Value::Dynamic`] nor inferable ([`Value::infer_type`]).
pub fn encode(v: &Value, ty: &Type) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    encode_into(&mut out, v, ty, &mut AttributePath::root())?;
    Ok(out)
}

/// Decodes the msgpack `bytes` as a value of type `ty`. The whole input must be
/// one value. Set elements come out in the canonical order; objects carry
/// exactly the attributes of their type (a missing or extra attribute is an
/// error).
///
/// Empty input is an error: a `DynamicValue` with neither msgpack nor JSON
/// stands for null, which is the caller's call.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, Error> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let v = r.value(ty, &mut AttributePath::root(), 0)?;
    if r.pos != bytes.len() {
        return Err(Error::root(format!(
            "invalid msgpack: {} unexpected byte(s) after the value",
            bytes.len() - r.pos
        )));
    }
    Ok(v)
}

fn io_err(path: &AttributePath, e: impl std::fmt::Display) -> Error {
    Error::new(path.clone(), format!("msgpack write failed: {e}"))
}

fn write_len(
    out: &mut Vec<u8>,
    len: usize,
    path: &AttributePath,
    f: fn(&mut Vec<u8>, u32) -> Result<Marker, rmp::encode::ValueWriteError<std::io::Error>>,
) -> Result<(), Error> {
    let len = u32::try_from(len).map_err(|_| Error::new(path.clone(), "collection too large"))?;
    f(out, len).map(|_| ()).map_err(|e| io_err(path, e))
}

fn write_string(out: &mut Vec<u8>, s: &str, path: &AttributePath) -> Result<(), Error> {
    rmp::encode::write_str(out, s).map_err(|e| io_err(path, e))
}

fn write_number(out: &mut Vec<u8>, n: &Number, path: &AttributePath) -> Result<(), Error> {
    let r = if let Some(i) = n.as_i64() {
        rmp::encode::write_sint(out, i).map(|_| ())
    } else if n.is_infinite() {
        rmp::encode::write_f64(out, n.as_f64())
    } else if let Some(f) = n.as_exact_f64() {
        rmp::encode::write_f64(out, f)
    } else {
        rmp::encode::write_str(out, &n.to_string())
    };
    r.map_err(|e| io_err(path, e))
}

fn encode_into(
    out: &mut Vec<u8>,
    v: &Value,
    ty: &Type,
    path: &mut AttributePath,
) -> Result<(), Error> {
    let mismatch =
        |path: &AttributePath| Error::new(path.clone(), format!("expected {ty}, got {}", v.kind()));
    if *ty == Type::Dynamic {
        let (concrete, inner) = match v {
            Value::Null => return rmp::encode::write_nil(out).map_err(|e| io_err(path, e)),
            Value::Unknown => {
                out.extend_from_slice(&UNKNOWN);
                return Ok(());
            }
            other => other.dynamic_parts(path)?,
        };
        write_len(out, 2, path, rmp::encode::write_array_len)?;
        rmp::encode::write_bin(out, &concrete.to_json_bytes()).map_err(|e| io_err(path, e))?;
        return encode_into(out, inner, &concrete, path);
    }
    match (v, ty) {
        (Value::Dynamic(t, inner), ty) => {
            if t == ty {
                encode_into(out, inner, ty, path)
            } else {
                Err(Error::new(
                    path.clone(),
                    format!("expected {ty}, got a dynamic value of type {t}"),
                ))
            }
        }
        (Value::Unknown, _) => {
            out.extend_from_slice(&UNKNOWN);
            Ok(())
        }
        (Value::Null, _) => rmp::encode::write_nil(out).map_err(|e| io_err(path, e)),
        (Value::String(s), Type::String) => write_string(out, s, path),
        (Value::Number(n), Type::Number) => write_number(out, n, path),
        (Value::Bool(b), Type::Bool) => {
            rmp::encode::write_bool(out, *b).map_err(|e| io_err(path, e))
        }
        (Value::List(elems), Type::List(t)) | (Value::Set(elems), Type::Set(t)) => {
            write_len(out, elems.len(), path, rmp::encode::write_array_len)?;
            for (i, e) in elems.iter().enumerate() {
                path.push(PathStep::ElementKeyInt(i as i64));
                encode_into(out, e, t, path)?;
                path.pop();
            }
            Ok(())
        }
        (Value::Tuple(elems), Type::Tuple(ts)) => {
            if elems.len() != ts.len() {
                return Err(Error::tuple_length(path, ts.len(), elems.len()));
            }
            write_len(out, elems.len(), path, rmp::encode::write_array_len)?;
            for (i, (e, t)) in elems.iter().zip(ts).enumerate() {
                path.push(PathStep::ElementKeyInt(i as i64));
                encode_into(out, e, t, path)?;
                path.pop();
            }
            Ok(())
        }
        (Value::Map(m), Type::Map(t)) => {
            write_len(out, m.len(), path, rmp::encode::write_map_len)?;
            for (k, e) in m {
                write_string(out, k, path)?;
                path.push(PathStep::ElementKeyString(k.clone()));
                encode_into(out, e, t, path)?;
                path.pop();
            }
            Ok(())
        }
        (Value::Object(m), Type::Object(ts)) => {
            if let Some(extra) = m.keys().find(|k| !ts.contains_key(*k)) {
                return Err(Error::new(
                    path.join_attr(extra),
                    format!("unsupported attribute {extra:?}"),
                ));
            }
            write_len(out, ts.len(), path, rmp::encode::write_map_len)?;
            for (k, t) in ts {
                write_string(out, k, path)?;
                path.push(PathStep::Attribute(k.clone()));
                encode_into(out, m.get(k).unwrap_or(&Value::Null), t, path)?;
                path.pop();
            }
            Ok(())
        }
        _ => Err(mismatch(path)),
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

fn describe(m: Marker) -> &'static str {
    match m {
        Marker::Null => "nil",
        Marker::True | Marker::False => "bool",
        Marker::FixPos(_)
        | Marker::FixNeg(_)
        | Marker::U8
        | Marker::U16
        | Marker::U32
        | Marker::U64
        | Marker::I8
        | Marker::I16
        | Marker::I32
        | Marker::I64 => "integer",
        Marker::F32 | Marker::F64 => "float",
        Marker::FixStr(_) | Marker::Str8 | Marker::Str16 | Marker::Str32 => "string",
        Marker::Bin8 | Marker::Bin16 | Marker::Bin32 => "binary",
        Marker::FixArray(_) | Marker::Array16 | Marker::Array32 => "array",
        Marker::FixMap(_) | Marker::Map16 | Marker::Map32 => "map",
        Marker::FixExt1
        | Marker::FixExt2
        | Marker::FixExt4
        | Marker::FixExt8
        | Marker::FixExt16
        | Marker::Ext8
        | Marker::Ext16
        | Marker::Ext32 => "extension",
        Marker::Reserved => "reserved byte 0xc1",
    }
}

impl Reader<'_> {
    fn eof(&self, path: &AttributePath) -> Error {
        Error::new(path.clone(), "invalid msgpack: unexpected end of input")
    }

    fn peek(&self, path: &AttributePath) -> Result<Marker, Error> {
        self.buf
            .get(self.pos)
            .map(|b| Marker::from_u8(*b))
            .ok_or_else(|| self.eof(path))
    }

    fn take(&mut self, n: usize, path: &AttributePath) -> Result<&[u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.buf.len())
            .ok_or_else(|| self.eof(path))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn be(&mut self, n: usize, path: &AttributePath) -> Result<u64, Error> {
        Ok(self
            .take(n, path)?
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// Reads a length of `n` big-endian bytes.
    fn len(&mut self, n: usize, path: &AttributePath) -> Result<usize, Error> {
        let l = self.be(n, path)?;
        usize::try_from(l)
            .map_err(|_| Error::new(path.clone(), "invalid msgpack: length too large"))
    }

    fn unexpected(&self, want: &str, got: Marker, path: &AttributePath) -> Error {
        Error::new(
            path.clone(),
            format!("expected {want}, got msgpack {}", describe(got)),
        )
    }

    /// Skips one extension (the marker is at `pos`).
    fn skip_ext(&mut self, m: Marker, path: &AttributePath) -> Result<(), Error> {
        self.pos += 1;
        let data_len = match m {
            Marker::FixExt1 => 1,
            Marker::FixExt2 => 2,
            Marker::FixExt4 => 4,
            Marker::FixExt8 => 8,
            Marker::FixExt16 => 16,
            Marker::Ext8 => self.len(1, path)?,
            Marker::Ext16 => self.len(2, path)?,
            _ => self.len(4, path)?,
        };
        // The type byte, then the payload.
        self.take(data_len.saturating_add(1), path)?;
        Ok(())
    }

    fn str_len(&mut self, m: Marker, path: &AttributePath) -> Result<Option<usize>, Error> {
        Ok(Some(match m {
            Marker::FixStr(n) => {
                self.pos += 1;
                usize::from(n)
            }
            Marker::Str8 => {
                self.pos += 1;
                self.len(1, path)?
            }
            Marker::Str16 => {
                self.pos += 1;
                self.len(2, path)?
            }
            Marker::Str32 => {
                self.pos += 1;
                self.len(4, path)?
            }
            _ => return Ok(None),
        }))
    }

    fn string(&mut self, what: &str, path: &AttributePath) -> Result<String, Error> {
        let m = self.peek(path)?;
        let Some(n) = self.str_len(m, path)? else {
            return Err(self.unexpected(what, m, path));
        };
        let bytes = self.take(n, path)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| {
            Error::new(
                path.clone(),
                format!("invalid msgpack: {what} is not valid UTF-8"),
            )
        })
    }

    fn array_len(&mut self, want: &str, path: &AttributePath) -> Result<usize, Error> {
        let m = self.peek(path)?;
        match m {
            Marker::FixArray(n) => {
                self.pos += 1;
                Ok(usize::from(n))
            }
            Marker::Array16 => {
                self.pos += 1;
                self.len(2, path)
            }
            Marker::Array32 => {
                self.pos += 1;
                self.len(4, path)
            }
            _ => Err(self.unexpected(want, m, path)),
        }
    }

    fn map_len(&mut self, want: &str, path: &AttributePath) -> Result<usize, Error> {
        let m = self.peek(path)?;
        match m {
            Marker::FixMap(n) => {
                self.pos += 1;
                Ok(usize::from(n))
            }
            Marker::Map16 => {
                self.pos += 1;
                self.len(2, path)
            }
            Marker::Map32 => {
                self.pos += 1;
                self.len(4, path)
            }
            _ => Err(self.unexpected(want, m, path)),
        }
    }

    fn number(&mut self, path: &AttributePath) -> Result<Number, Error> {
        let m = self.peek(path)?;
        let n = match m {
            Marker::FixPos(v) => {
                self.pos += 1;
                Number::from_u64(u64::from(v))
            }
            Marker::FixNeg(v) => {
                self.pos += 1;
                Number::from_i64(i64::from(v))
            }
            Marker::U8 | Marker::U16 | Marker::U32 | Marker::U64 => {
                self.pos += 1;
                let width = match m {
                    Marker::U8 => 1,
                    Marker::U16 => 2,
                    Marker::U32 => 4,
                    _ => 8,
                };
                Number::from_u64(self.be(width, path)?)
            }
            Marker::I8 | Marker::I16 | Marker::I32 | Marker::I64 => {
                self.pos += 1;
                let width = match m {
                    Marker::I8 => 1,
                    Marker::I16 => 2,
                    Marker::I32 => 4,
                    _ => 8,
                };
                let raw = self.be(width, path)?;
                // Sign-extend from `width` bytes.
                let shift = 64 - 8 * width as u32;
                Number::from_i64(((raw << shift) as i64) >> shift)
            }
            Marker::F32 | Marker::F64 => {
                self.pos += 1;
                let f = if m == Marker::F32 {
                    f64::from(f32::from_bits(self.be(4, path)? as u32))
                } else {
                    f64::from_bits(self.be(8, path)?)
                };
                Number::from_f64(f)
                    .ok_or_else(|| Error::new(path.clone(), "NaN is not a valid number"))?
            }
            Marker::FixStr(_) | Marker::Str8 | Marker::Str16 | Marker::Str32 => {
                let s = self.string("number", path)?;
                s.parse().map_err(|_| Error::not_a_number(path))?
            }
            other => return Err(self.unexpected("number", other, path)),
        };
        Ok(n)
    }

    fn value(&mut self, ty: &Type, path: &mut AttributePath, depth: usize) -> Result<Value, Error> {
        if depth > MAX_DEPTH {
            return Err(Error::new(path.clone(), "value nested too deeply"));
        }
        let m = self.peek(path)?;
        if describe(m) == "extension" {
            // Unknown, possibly refined: the refinements are dropped.
            self.skip_ext(m, path)?;
            return Ok(Value::Unknown);
        }
        if m == Marker::Null {
            self.pos += 1;
            return Ok(Value::Null);
        }
        match ty {
            Type::Dynamic => {
                let n = self.array_len("a [type, value] array for a dynamic value", path)?;
                if n != 2 {
                    return Err(Error::new(
                        path.clone(),
                        format!(
                            "expected a [type, value] array of 2 elements for a dynamic value, got {n}"
                        ),
                    ));
                }
                let tm = self.peek(path)?;
                let tn = match tm {
                    Marker::Bin8 => {
                        self.pos += 1;
                        self.len(1, path)?
                    }
                    Marker::Bin16 => {
                        self.pos += 1;
                        self.len(2, path)?
                    }
                    Marker::Bin32 => {
                        self.pos += 1;
                        self.len(4, path)?
                    }
                    other => match self.str_len(other, path)? {
                        Some(n) => n,
                        None => {
                            return Err(self.unexpected(
                                "the type JSON of a dynamic value",
                                other,
                                path,
                            ));
                        }
                    },
                };
                let type_bytes = self.take(tn, path)?;
                let concrete = Type::from_json_bytes(type_bytes).map_err(|e| {
                    Error::new(path.clone(), format!("dynamic value: {}", e.message()))
                })?;
                if concrete == Type::Dynamic {
                    return Err(Error::new(
                        path.clone(),
                        "dynamic value with type \"dynamic\"",
                    ));
                }
                let inner = self.value(&concrete, path, depth + 1)?;
                Ok(Value::Dynamic(concrete, Box::new(inner)))
            }
            Type::String => Ok(Value::String(self.string("string", path)?)),
            Type::Number => Ok(Value::Number(self.number(path)?)),
            Type::Bool => match m {
                Marker::True => {
                    self.pos += 1;
                    Ok(Value::Bool(true))
                }
                Marker::False => {
                    self.pos += 1;
                    Ok(Value::Bool(false))
                }
                other => Err(self.unexpected("bool", other, path)),
            },
            Type::List(t) | Type::Set(t) => {
                let n = self.array_len(
                    if matches!(ty, Type::List(_)) {
                        "list"
                    } else {
                        "set"
                    },
                    path,
                )?;
                let mut elems = Vec::with_capacity(n.min(self.buf.len() - self.pos));
                for i in 0..n {
                    path.push(PathStep::ElementKeyInt(i as i64));
                    elems.push(self.value(t, path, depth + 1)?);
                    path.pop();
                }
                Ok(if matches!(ty, Type::List(_)) {
                    Value::List(elems)
                } else {
                    Value::Set(canonical_set(elems))
                })
            }
            Type::Tuple(ts) => {
                let n = self.array_len("tuple", path)?;
                if n != ts.len() {
                    return Err(Error::tuple_length(path, ts.len(), n));
                }
                let mut elems = Vec::with_capacity(n);
                for (i, t) in ts.iter().enumerate() {
                    path.push(PathStep::ElementKeyInt(i as i64));
                    elems.push(self.value(t, path, depth + 1)?);
                    path.pop();
                }
                Ok(Value::Tuple(elems))
            }
            Type::Map(t) => {
                let n = self.map_len("map", path)?;
                let mut entries = BTreeMap::new();
                for _ in 0..n {
                    let k = self.string("map key", path)?;
                    path.push(PathStep::ElementKeyString(k.clone()));
                    let v = self.value(t, path, depth + 1)?;
                    if entries.insert(k, v).is_some() {
                        return Err(Error::new(path.clone(), "duplicate map key"));
                    }
                    path.pop();
                }
                Ok(Value::Map(entries))
            }
            Type::Object(ts) => {
                let n = self.map_len("object", path)?;
                let mut attrs = BTreeMap::new();
                for _ in 0..n {
                    let k = self.string("attribute name", path)?;
                    let Some(t) = ts.get(&k) else {
                        return Err(Error::new(
                            path.join_attr(&k),
                            format!("unsupported attribute {k:?}"),
                        ));
                    };
                    path.push(PathStep::Attribute(k.clone()));
                    let v = self.value(t, path, depth + 1)?;
                    if attrs.insert(k, v).is_some() {
                        return Err(Error::new(path.clone(), "duplicate attribute"));
                    }
                    path.pop();
                }
                if let Some(missing) = ts.keys().find(|k| !attrs.contains_key(*k)) {
                    return Err(Error::new(
                        path.clone(),
                        format!(
                            "missing attribute {missing:?}: an object with {} attributes is required ({n} given)",
                            ts.len()
                        ),
                    ));
                }
                Ok(Value::Object(attrs))
            }
        }
    }
}
