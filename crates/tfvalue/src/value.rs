//! [`Value`] helpers: constructors, accessors, type conformance, traversal.

use std::collections::BTreeMap;
use std::fmt;

use crate::{AttributePath, Number, PathStep, Type, Value};

static NULL: Value = Value::Null;

impl Value {
    // ----- constructors -----

    /// A string value.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// A number value.
    pub fn number(n: impl Into<Number>) -> Value {
        Value::Number(n.into())
    }

    /// A list value.
    pub fn list(iter: impl IntoIterator<Item = Value>) -> Value {
        Value::List(iter.into_iter().collect())
    }

    /// A tuple value.
    pub fn tuple(iter: impl IntoIterator<Item = Value>) -> Value {
        Value::Tuple(iter.into_iter().collect())
    }

    /// A set value: elements are put in the canonical order and duplicates
    /// removed. Elements that are not wholly known are never merged (two
    /// unknowns may turn out different, as in Terraform).
    pub fn set(iter: impl IntoIterator<Item = Value>) -> Value {
        Value::Set(canonical_set(iter.into_iter().collect()))
    }

    /// A map value.
    pub fn map<K: Into<String>>(iter: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// An object value. Remember that objects must carry every attribute of
    /// their type (see [`Value::object_of`] to fill the rest with nulls).
    pub fn object<K: Into<String>>(iter: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// An object of type `ty` (an object type) with the given attributes and
    /// null for every other attribute of the type. Attributes not in the type
    /// are kept (and make the value not conform). Returns the given
    /// attributes as an object when `ty` is not an object type.
    pub fn object_of<K: Into<String>>(
        ty: &Type,
        iter: impl IntoIterator<Item = (K, Value)>,
    ) -> Value {
        let mut attrs: BTreeMap<String, Value> =
            iter.into_iter().map(|(k, v)| (k.into(), v)).collect();
        if let Type::Object(types) = ty {
            for name in types.keys() {
                attrs.entry(name.clone()).or_insert(Value::Null);
            }
        }
        Value::Object(attrs)
    }

    /// The null value of `ty` (values are untyped, so this is [`Value::Null`]).
    pub fn null_of(_ty: &Type) -> Value {
        Value::Null
    }

    /// The unknown value of `ty` (values are untyped, so this is [`Value::Unknown`]).
    pub fn unknown_of(_ty: &Type) -> Value {
        Value::Unknown
    }

    /// A value of concrete type `ty` for a `dynamic` slot.
    pub fn dynamic(ty: Type, v: Value) -> Value {
        Value::Dynamic(ty, Box::new(v))
    }

    // ----- predicates -----

    /// The kind of value, for messages (`"null"`, `"string"`, `"object"`, ...).
    /// Messages use this rather than the value itself, which may be sensitive.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown => "unknown",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Tuple(_) => "tuple",
            Value::Map(_) => "map",
            Value::Object(_) => "object",
            Value::Dynamic(..) => "dynamic value",
        }
    }

    /// True for null, including a typed null in a dynamic slot.
    pub fn is_null(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Dynamic(_, v) => v.is_null(),
            _ => false,
        }
    }

    /// True for an unknown value, including a typed unknown in a dynamic slot.
    /// (A known collection with unknown elements is not unknown: see
    /// [`Value::is_wholly_known`].)
    pub fn is_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::Dynamic(_, v) => v.is_unknown(),
            _ => false,
        }
    }

    /// True unless the value is unknown.
    pub fn is_known(&self) -> bool {
        !self.is_unknown()
    }

    /// True when no unknown occurs anywhere in the value.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                v.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, v) => v.is_wholly_known(),
        }
    }

    // ----- accessors -----

    /// The attribute `name` of an object; `&Value::Null` when absent or when
    /// `self` is not an object (so `state.attr("a").attr("b")` never panics).
    /// Looks through [`Value::Dynamic`].
    pub fn attr(&self, name: &str) -> &Value {
        match self {
            Value::Object(attrs) => attrs.get(name).unwrap_or(&NULL),
            Value::Dynamic(_, v) => v.attr(name),
            _ => &NULL,
        }
    }

    /// The attribute `name` of an object, mutably; `None` when absent or when
    /// `self` is not an object.
    pub fn attr_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(attrs) => attrs.get_mut(name),
            Value::Dynamic(_, v) => v.attr_mut(name),
            _ => None,
        }
    }

    /// Sets (or adds) attribute `name`; a no-op unless `self` is an object.
    pub fn set_attr(&mut self, name: &str, v: Value) {
        match self {
            Value::Object(attrs) => {
                attrs.insert(name.to_owned(), v);
            }
            Value::Dynamic(_, inner) => inner.set_attr(name, v),
            _ => {}
        }
    }

    /// The string, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            Value::Dynamic(_, v) => v.as_str(),
            _ => None,
        }
    }

    /// The bool, if this is a known bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Dynamic(_, v) => v.as_bool(),
            _ => None,
        }
    }

    /// The number, if this is a known number.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            Value::Dynamic(_, v) => v.as_number(),
            _ => None,
        }
    }

    /// The number as an i64, if this is a known integer number in range.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    /// The elements of a known list, set or tuple.
    pub fn elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(v),
            Value::Dynamic(_, v) => v.elements(),
            _ => None,
        }
    }

    /// The entries of a known map or the attributes of a known object.
    pub fn entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) | Value::Object(m) => Some(m),
            Value::Dynamic(_, v) => v.entries(),
            _ => None,
        }
    }

    /// The value inside a [`Value::Dynamic`], or `self`.
    pub fn unwrap_dynamic(&self) -> &Value {
        match self {
            Value::Dynamic(_, v) => v.unwrap_dynamic(),
            v => v,
        }
    }

    /// The value at `path`, if there is one. Set elements are addressed by
    /// their position in the canonical order.
    pub fn get_path(&self, path: &AttributePath) -> Option<&Value> {
        let mut cur = self;
        for step in path.steps() {
            cur = cur.unwrap_dynamic();
            cur = match (cur, step) {
                (Value::Object(m), PathStep::Attribute(name)) => m.get(name)?,
                (Value::Map(m), PathStep::ElementKeyString(k)) => m.get(k)?,
                (Value::List(v) | Value::Set(v) | Value::Tuple(v), PathStep::ElementKeyInt(i)) => {
                    v.get(usize::try_from(*i).ok()?)?
                }
                _ => return None,
            };
        }
        Some(cur)
    }

    /// The value at `path`, mutably, if there is one.
    pub fn get_path_mut(&mut self, path: &AttributePath) -> Option<&mut Value> {
        let mut cur = self;
        for step in path.steps() {
            while let Value::Dynamic(_, inner) = cur {
                cur = inner;
            }
            cur = match (cur, step) {
                (Value::Object(m), PathStep::Attribute(name)) => m.get_mut(name)?,
                (Value::Map(m), PathStep::ElementKeyString(k)) => m.get_mut(k)?,
                (Value::List(v) | Value::Set(v) | Value::Tuple(v), PathStep::ElementKeyInt(i)) => {
                    v.get_mut(usize::try_from(*i).ok()?)?
                }
                _ => return None,
            };
        }
        Some(cur)
    }

    // ----- types -----

    /// True when the value fits `ty`: null and unknown fit every type, objects
    /// must have exactly the type's attributes, tuples its length. In a
    /// `dynamic` slot any value fits whose type is carried by
    /// [`Value::Dynamic`] or can be inferred ([`Value::infer_type`]).
    pub fn conforms_to(&self, ty: &Type) -> bool {
        match (self, ty) {
            (Value::Null | Value::Unknown, _) => true,
            (Value::Dynamic(t, v), Type::Dynamic) => *t != Type::Dynamic && v.conforms_to(t),
            (Value::Dynamic(t, v), ty) => t == ty && v.conforms_to(t),
            (v, Type::Dynamic) => v.infer_type().is_some_and(|t| v.conforms_to(&t)),
            (Value::Bool(_), Type::Bool)
            | (Value::Number(_), Type::Number)
            | (Value::String(_), Type::String) => true,
            (Value::List(v), Type::List(t)) | (Value::Set(v), Type::Set(t)) => {
                v.iter().all(|e| e.conforms_to(t))
            }
            (Value::Map(m), Type::Map(t)) => m.values().all(|e| e.conforms_to(t)),
            (Value::Tuple(v), Type::Tuple(ts)) => {
                v.len() == ts.len() && v.iter().zip(ts).all(|(e, t)| e.conforms_to(t))
            }
            (Value::Object(m), Type::Object(ts)) => {
                m.len() == ts.len()
                    && ts
                        .iter()
                        .all(|(k, t)| m.get(k).is_some_and(|v| v.conforms_to(t)))
            }
            _ => false,
        }
    }

    /// The concrete type of a value, where the value alone tells it: strings,
    /// numbers, bools, tuples and objects of such, [`Value::Dynamic`]'s type,
    /// and lists/sets/maps whose elements agree on one inferable type. `None`
    /// for null, unknown, empty lists/sets/maps and mixed collections.
    pub fn infer_type(&self) -> Option<Type> {
        match self {
            Value::Null | Value::Unknown => None,
            Value::Bool(_) => Some(Type::Bool),
            Value::Number(_) => Some(Type::Number),
            Value::String(_) => Some(Type::String),
            Value::Dynamic(t, _) => Some(t.clone()),
            Value::Tuple(v) => v
                .iter()
                .map(Value::infer_type)
                .collect::<Option<Vec<_>>>()
                .map(Type::Tuple),
            Value::Object(m) => m
                .iter()
                .map(|(k, v)| v.infer_type().map(|t| (k.clone(), t)))
                .collect::<Option<BTreeMap<_, _>>>()
                .map(Type::Object),
            Value::List(v) => common_type(v.iter()).map(Type::list),
            Value::Set(v) => common_type(v.iter()).map(Type::set),
            Value::Map(m) => common_type(m.values()).map(Type::map),
        }
    }

    /// The concrete type and value to write into a `dynamic` slot: a
    /// [`Value::Dynamic`]'s own type, or the type the value itself tells. Null and
    /// unknown are the caller's to handle (they need no type on the wire).
    pub(crate) fn dynamic_parts(
        &self,
        path: &AttributePath,
    ) -> Result<(Type, &Value), crate::Error> {
        match self {
            Value::Dynamic(Type::Dynamic, _) => Err(crate::Error::new(
                path.clone(),
                "a value in a dynamic slot must carry a concrete type, not dynamic",
            )),
            Value::Dynamic(t, inner) => Ok((t.clone(), inner.as_ref())),
            other => other.infer_type().map(|t| (t, other)).ok_or_else(|| {
                crate::Error::new(
                    path.clone(),
                    format!(
                        "cannot tell the type of this {} for a dynamic slot: wrap it in Value::Dynamic",
                        other.kind()
                    ),
                )
            }),
        }
    }

    // ----- traversal -----

    /// Calls `f` on every value in the tree, parents before children, with its
    /// path. [`Value::Dynamic`] is transparent (its inner value is not visited
    /// separately); set elements get index steps.
    pub fn walk<F: FnMut(&AttributePath, &Value)>(&self, mut f: F) {
        self.walk_inner(&mut AttributePath::root(), &mut f);
    }

    fn walk_inner<F: FnMut(&AttributePath, &Value)>(&self, path: &mut AttributePath, f: &mut F) {
        f(path, self);
        match self.unwrap_dynamic() {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                for (i, e) in v.iter().enumerate() {
                    path.push(PathStep::ElementKeyInt(i as i64));
                    e.walk_inner(path, f);
                    path.pop();
                }
            }
            Value::Map(m) => {
                for (k, e) in m {
                    path.push(PathStep::ElementKeyString(k.clone()));
                    e.walk_inner(path, f);
                    path.pop();
                }
            }
            Value::Object(m) => {
                for (k, e) in m {
                    path.push(PathStep::Attribute(k.clone()));
                    e.walk_inner(path, f);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    /// Rebuilds the tree bottom-up: children are transformed first, then `f`
    /// gets each (rebuilt) value with its path and returns its replacement.
    /// Sets are re-canonicalised after their elements changed.
    pub fn transform<F: FnMut(&AttributePath, Value) -> Value>(self, mut f: F) -> Value {
        self.transform_inner(&mut AttributePath::root(), &mut f)
    }

    fn transform_inner<F: FnMut(&AttributePath, Value) -> Value>(
        self,
        path: &mut AttributePath,
        f: &mut F,
    ) -> Value {
        let rebuilt = self.transform_children(path, f);
        f(path, rebuilt)
    }

    /// Transforms the children of `self` (not `self`). A dynamic wrapper is
    /// transparent: the children of the wrapped value are transformed.
    fn transform_children<F: FnMut(&AttributePath, Value) -> Value>(
        self,
        path: &mut AttributePath,
        f: &mut F,
    ) -> Value {
        let seq = |v: Vec<Value>, path: &mut AttributePath, f: &mut F| -> Vec<Value> {
            v.into_iter()
                .enumerate()
                .map(|(i, e)| {
                    path.push(PathStep::ElementKeyInt(i as i64));
                    let e = e.transform_inner(path, f);
                    path.pop();
                    e
                })
                .collect()
        };
        let entries = |m: BTreeMap<String, Value>,
                       path: &mut AttributePath,
                       f: &mut F,
                       step: fn(String) -> PathStep|
         -> BTreeMap<String, Value> {
            m.into_iter()
                .map(|(k, e)| {
                    path.push(step(k.clone()));
                    let e = e.transform_inner(path, f);
                    path.pop();
                    (k, e)
                })
                .collect()
        };
        match self {
            Value::List(v) => Value::List(seq(v, path, f)),
            Value::Tuple(v) => Value::Tuple(seq(v, path, f)),
            Value::Set(v) => Value::Set(canonical_set(seq(v, path, f))),
            Value::Map(m) => Value::Map(entries(m, path, f, PathStep::ElementKeyString)),
            Value::Object(m) => Value::Object(entries(m, path, f, PathStep::Attribute)),
            Value::Dynamic(t, v) => Value::Dynamic(t, Box::new(v.transform_children(path, f))),
            other => other,
        }
    }
}

fn common_type<'a>(mut it: impl Iterator<Item = &'a Value>) -> Option<Type> {
    let first = it.next()?.infer_type()?;
    for v in it {
        if v.infer_type()? != first {
            return None;
        }
    }
    Some(first)
}

/// Sorts set elements in the canonical order and drops duplicates among the
/// wholly known ones.
pub(crate) fn canonical_set(mut elems: Vec<Value>) -> Vec<Value> {
    elems.sort();
    elems.dedup_by(|a, b| a == b && a.is_wholly_known());
    elems
}

impl fmt::Debug for Value {
    /// `Null`, `Unknown`, `String(..)`, `List[String(..), Null]`,
    /// `Object{"a": Number(..), "b": Unknown}`, `Map(3 entries)`: no contents.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("Null"),
            Value::Unknown => f.write_str("Unknown"),
            Value::Bool(_) => f.write_str("Bool(..)"),
            Value::Number(_) => f.write_str("Number(..)"),
            Value::String(_) => f.write_str("String(..)"),
            Value::List(v) => {
                f.write_str("List")?;
                f.debug_list().entries(v).finish()
            }
            Value::Set(v) => {
                f.write_str("Set")?;
                f.debug_list().entries(v).finish()
            }
            Value::Tuple(v) => {
                f.write_str("Tuple")?;
                f.debug_list().entries(v).finish()
            }
            Value::Map(m) => match m.len() {
                1 => f.write_str("Map(1 entry)"),
                n => write!(f, "Map({n} entries)"),
            },
            Value::Object(m) => {
                f.write_str("Object")?;
                f.debug_map().entries(m.iter()).finish()
            }
            Value::Dynamic(ty, v) => f.debug_tuple("Dynamic").field(ty).field(v).finish(),
        }
    }
}

impl fmt::Display for Value {
    /// Shows the contents: never use it on configuration or state that may hold a
    /// secret. An HCL-like rendering for messages: `null`, `(unknown)`, `true`, `1.5`,
    /// `"text"`, `["a", "b"]`, `{ a = 1, b = "x" }`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn seq(f: &mut fmt::Formatter<'_>, v: &[Value]) -> fmt::Result {
            f.write_str("[")?;
            for (i, e) in v.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{e}")?;
            }
            f.write_str("]")
        }
        match self {
            Value::Null => f.write_str("null"),
            Value::Unknown => f.write_str("(unknown)"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => seq(f, v),
            Value::Map(m) | Value::Object(m) => {
                if m.is_empty() {
                    return f.write_str("{}");
                }
                f.write_str("{ ")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k:?} = {v}")?;
                }
                f.write_str(" }")
            }
            Value::Dynamic(_, v) => write!(f, "{v}"),
        }
    }
}
