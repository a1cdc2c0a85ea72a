//! [`Type`]: constructors, Terraform's JSON type syntax, display.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value as Json;

use crate::{AttributePath, Error, Type};

impl Type {
    /// `list(elem)`
    pub fn list(elem: Type) -> Type {
        Type::List(Box::new(elem))
    }

    /// `set(elem)`
    pub fn set(elem: Type) -> Type {
        Type::Set(Box::new(elem))
    }

    /// `map(elem)`
    pub fn map(elem: Type) -> Type {
        Type::Map(Box::new(elem))
    }

    /// `object({...})` from `(name, type)` pairs.
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Type)>) -> Type {
        Type::Object(attrs.into_iter().map(|(k, t)| (k.into(), t)).collect())
    }

    /// `tuple([...])`
    pub fn tuple(elems: impl IntoIterator<Item = Type>) -> Type {
        Type::Tuple(elems.into_iter().collect())
    }

    /// True for string, number and bool.
    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::String | Type::Number | Type::Bool)
    }

    /// The element type of a list, set or map.
    pub fn element_type(&self) -> Option<&Type> {
        match self {
            Type::List(t) | Type::Set(t) | Type::Map(t) => Some(t),
            _ => None,
        }
    }

    /// The attribute types of an object.
    pub fn attribute_types(&self) -> Option<&BTreeMap<String, Type>> {
        match self {
            Type::Object(attrs) => Some(attrs),
            _ => None,
        }
    }

    /// True when `dynamic` occurs anywhere in the type.
    pub fn contains_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::String | Type::Number | Type::Bool => false,
            Type::List(t) | Type::Set(t) | Type::Map(t) => t.contains_dynamic(),
            Type::Object(attrs) => attrs.values().any(Type::contains_dynamic),
            Type::Tuple(elems) => elems.iter().any(Type::contains_dynamic),
        }
    }

    /// Terraform's JSON type syntax: `"string"`, `["list","string"]`,
    /// `["object",{"a":"number"}]`, `["tuple",["bool"]]`, `"dynamic"`.
    pub fn to_json(&self) -> Json {
        match self {
            Type::String => Json::from("string"),
            Type::Number => Json::from("number"),
            Type::Bool => Json::from("bool"),
            Type::Dynamic => Json::from("dynamic"),
            Type::List(t) => Json::Array(vec!["list".into(), t.to_json()]),
            Type::Set(t) => Json::Array(vec!["set".into(), t.to_json()]),
            Type::Map(t) => Json::Array(vec!["map".into(), t.to_json()]),
            Type::Object(attrs) => Json::Array(vec![
                "object".into(),
                Json::Object(
                    attrs
                        .iter()
                        .map(|(k, t)| (k.clone(), t.to_json()))
                        .collect(),
                ),
            ]),
            Type::Tuple(elems) => Json::Array(vec![
                "tuple".into(),
                Json::Array(elems.iter().map(Type::to_json).collect()),
            ]),
        }
    }

    /// The compact JSON bytes of [`Type::to_json`], e.g. `["list","string"]`
    /// (as carried in schemas and dynamic values).
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }

    /// Parses Terraform's JSON type syntax. The optional-attributes list that
    /// may follow an object's attribute map (`["object",{...},["a"]]`) is
    /// accepted and ignored.
    pub fn from_json(json: &Json) -> Result<Type, Error> {
        type_from_json(json, &AttributePath::root())
    }

    /// Parses Terraform's JSON type syntax from bytes.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Type, Error> {
        let json: Json = serde_json::from_slice(bytes)
            .map_err(|e| Error::root(format!("invalid type JSON: {e}")))?;
        Self::from_json(&json)
    }
}

fn type_from_json(json: &Json, path: &AttributePath) -> Result<Type, Error> {
    let bad = |what: String| Error::new(path.clone(), format!("invalid type: {what}"));
    match json {
        Json::String(s) => match s.as_str() {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "dynamic" => Ok(Type::Dynamic),
            other => Err(bad(format!("unknown primitive type {other:?}"))),
        },
        Json::Array(items) => {
            let kind = items
                .first()
                .and_then(Json::as_str)
                .ok_or_else(|| bad("a complex type must start with its kind name".into()))?;
            let arg = items
                .get(1)
                .ok_or_else(|| bad(format!("{kind:?} needs a second element")))?;
            let max_len = if kind == "object" { 3 } else { 2 };
            if items.len() > max_len {
                return Err(bad(format!("too many elements for {kind:?}")));
            }
            match kind {
                "list" => Ok(Type::list(type_from_json(arg, path)?)),
                "set" => Ok(Type::set(type_from_json(arg, path)?)),
                "map" => Ok(Type::map(type_from_json(arg, path)?)),
                "object" => {
                    let attrs = arg.as_object().ok_or_else(|| {
                        bad("object attribute types must be a JSON object".into())
                    })?;
                    if let Some(optional) = items.get(2)
                        && !optional
                            .as_array()
                            .is_some_and(|a| a.iter().all(Json::is_string))
                    {
                        return Err(bad("optional attributes must be a list of names".into()));
                    }
                    let mut out = BTreeMap::new();
                    for (name, t) in attrs {
                        out.insert(name.clone(), type_from_json(t, &path.join_attr(name))?);
                    }
                    Ok(Type::Object(out))
                }
                "tuple" => {
                    let elems = arg
                        .as_array()
                        .ok_or_else(|| bad("tuple element types must be a JSON array".into()))?;
                    elems
                        .iter()
                        .enumerate()
                        .map(|(i, t)| type_from_json(t, &path.index(i as i64)))
                        .collect::<Result<Vec<_>, _>>()
                        .map(Type::Tuple)
                }
                other => Err(bad(format!("unknown type kind {other:?}"))),
            }
        }
        other => Err(bad(format!("expected a string or an array, got {other}"))),
    }
}

impl fmt::Display for Type {
    /// HCL type-constraint syntax: `string`, `list(string)`,
    /// `object({a=number,b=bool})`, `tuple([string,bool])`, `dynamic`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Object(attrs) => {
                f.write_str("object({")?;
                for (i, (k, t)) in attrs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{k}={t}")?;
                }
                f.write_str("})")
            }
            Type::Tuple(elems) => {
                f.write_str("tuple([")?;
                for (i, t) in elems.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_syntax_round_trips() {
        for (ty, text) in [
            (Type::String, r#""string""#),
            (Type::Number, r#""number""#),
            (Type::Bool, r#""bool""#),
            (Type::Dynamic, r#""dynamic""#),
            (Type::list(Type::String), r#"["list","string"]"#),
            (Type::set(Type::Number), r#"["set","number"]"#),
            (Type::map(Type::Bool), r#"["map","bool"]"#),
            (
                Type::object([("b", Type::Bool), ("a", Type::list(Type::String))]),
                r#"["object",{"a":["list","string"],"b":"bool"}]"#,
            ),
            (
                Type::tuple([Type::String, Type::Dynamic]),
                r#"["tuple",["string","dynamic"]]"#,
            ),
            (Type::object::<String>([]), r#"["object",{}]"#),
        ] {
            assert_eq!(String::from_utf8(ty.to_json_bytes()).unwrap(), text);
            assert_eq!(Type::from_json_bytes(text.as_bytes()).unwrap(), ty);
        }
    }

    #[test]
    fn optional_attributes_are_ignored() {
        let ty = Type::from_json_bytes(br#"["object",{"a":"string","b":"number"},["b"]]"#).unwrap();
        assert_eq!(ty, Type::object([("a", Type::String), ("b", Type::Number)]));
    }

    #[test]
    fn invalid_types() {
        for bad in [
            r#""str""#,
            r#"["list"]"#,
            r#"["list","string","x"]"#,
            r#"["lizt","string"]"#,
            r#"["object",["a"]]"#,
            r#"["tuple",{}]"#,
            r#"42"#,
            r#"[]"#,
            r#"not json"#,
        ] {
            assert!(Type::from_json_bytes(bad.as_bytes()).is_err(), "{bad}");
        }
        let err = Type::from_json_bytes(br#"["object",{"x":["list","nope"]}]"#).unwrap_err();
        assert_eq!(err.path().to_string(), "x");
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn display() {
        let ty = Type::object([
            ("a", Type::list(Type::String)),
            ("b", Type::tuple([Type::Bool])),
        ]);
        assert_eq!(ty.to_string(), "object({a=list(string),b=tuple([bool])})");
    }
}
