//! JSON vectors from terraform-plugin-go's `tftypes/value_json_test.go` (and
//! cty's JSON format), plus the strict/lenient object rules.

use tfvalue::json::{self, DecodeOptions};
use tfvalue::{Number, Type, Value};

fn s(v: &str) -> Value {
    Value::from(v)
}

fn b(v: bool) -> Value {
    Value::Bool(v)
}

fn dynv(t: Type, v: Value) -> Value {
    Value::dynamic(t, v)
}

fn objt(attrs: &[(&str, Type)]) -> Type {
    Type::object(attrs.iter().cloned())
}

fn obj(attrs: &[(&str, Value)]) -> Value {
    Value::object(attrs.iter().cloned())
}

/// (name, json, value, type): decode(json) == value; and when `canonical`,
/// encode(value) == json.
fn vectors() -> Vec<(&'static str, &'static str, Value, Type, bool)> {
    vec![
        ("string", r#""hello""#, s("hello"), Type::String, true),
        ("string-empty", r#""""#, s(""), Type::String, true),
        ("string-from-number", "15", s("15"), Type::String, false),
        ("string-from-bool", "true", s("true"), Type::String, false),
        ("string-null", "null", Value::Null, Type::String, true),
        ("number-from-int", "2", Value::from(2), Type::Number, true),
        (
            "number-from-float",
            "2.5",
            Value::Number("2.5".parse().unwrap()),
            Type::Number,
            true,
        ),
        (
            "number-from-string",
            r#""5""#,
            Value::from(5),
            Type::Number,
            false,
        ),
        (
            "number-big",
            "123456789012345678901234567890.000000000000000000001",
            Value::Number(
                "123456789012345678901234567890.000000000000000000001"
                    .parse()
                    .unwrap(),
            ),
            Type::Number,
            true,
        ),
        (
            "number-exponent",
            "1.5e3",
            Value::from(1500),
            Type::Number,
            false,
        ),
        ("bool-true", "true", b(true), Type::Bool, true),
        ("bool-false", "false", b(false), Type::Bool, true),
        ("bool-from-string", r#""true""#, b(true), Type::Bool, false),
        ("bool-from-string_int", r#""1""#, b(true), Type::Bool, false),
        ("bool-from-int", "1", b(true), Type::Bool, false),
        (
            "list-of-bools",
            "[true,false]",
            Value::list([b(true), b(false)]),
            Type::list(Type::Bool),
            true,
        ),
        (
            "list-empty",
            "[]",
            Value::list([]),
            Type::list(Type::Bool),
            true,
        ),
        (
            "list-of-bools-from-strings",
            r#"["true","false"]"#,
            Value::list([b(true), b(false)]),
            Type::list(Type::Bool),
            false,
        ),
        (
            "set-of-bools",
            "[false,true]",
            Value::set([b(false), b(true)]),
            Type::set(Type::Bool),
            true,
        ),
        (
            "set-of-bools-reordered",
            "[true,false,true]",
            Value::set([b(false), b(true)]),
            Type::set(Type::Bool),
            false,
        ),
        (
            "set-empty",
            "[]",
            Value::set([]),
            Type::set(Type::Bool),
            true,
        ),
        (
            "tuple-of-bool_number",
            "[true,5]",
            Value::tuple([b(true), Value::from(5)]),
            Type::tuple([Type::Bool, Type::Number]),
            true,
        ),
        ("tuple-empty", "[]", Value::tuple([]), Type::tuple([]), true),
        (
            "map-empty",
            "{}",
            Value::map::<&str>([]),
            Type::map(Type::Bool),
            true,
        ),
        (
            "map-of-bools",
            r#"{"no":false,"yes":true}"#,
            Value::map([("yes", b(true)), ("no", b(false))]),
            Type::map(Type::Bool),
            true,
        ),
        ("map-null", "null", Value::Null, Type::map(Type::Bool), true),
        ("object-empty", "{}", obj(&[]), objt(&[]), true),
        (
            "object-of-bool_number",
            r#"{"bool":true,"number":0}"#,
            obj(&[("bool", b(true)), ("number", Value::from(0))]),
            objt(&[("bool", Type::Bool), ("number", Type::Number)]),
            true,
        ),
        (
            "object-missing-attribute-is-null",
            r#"{"bool":true}"#,
            obj(&[("bool", b(true)), ("number", Value::Null)]),
            objt(&[("bool", Type::Bool), ("number", Type::Number)]),
            false,
        ),
        (
            "dynamic-bool",
            r#"{"type":"bool","value":true}"#,
            dynv(Type::Bool, b(true)),
            Type::Dynamic,
            true,
        ),
        (
            "dynamic-bool-value-first",
            r#"{"value":true,"type":"bool"}"#,
            dynv(Type::Bool, b(true)),
            Type::Dynamic,
            false,
        ),
        (
            "dynamic-string",
            r#"{"type":"string","value":"hello"}"#,
            dynv(Type::String, s("hello")),
            Type::Dynamic,
            true,
        ),
        (
            "dynamic-number",
            r#"{"type":"number","value":5}"#,
            dynv(Type::Number, Value::from(5)),
            Type::Dynamic,
            true,
        ),
        ("dynamic-null", "null", Value::Null, Type::Dynamic, true),
        (
            "dynamic-typed-null",
            r#"{"type":"string","value":null}"#,
            dynv(Type::String, Value::Null),
            Type::Dynamic,
            true,
        ),
        (
            "dynamic-list-of-bools",
            r#"{"type":["list","bool"],"value":[true,false]}"#,
            dynv(Type::list(Type::Bool), Value::list([b(true), b(false)])),
            Type::Dynamic,
            true,
        ),
        (
            "list-of-dynamic-bools",
            r#"[{"type":"bool","value":true},{"type":"bool","value":false}]"#,
            Value::list([dynv(Type::Bool, b(true)), dynv(Type::Bool, b(false))]),
            Type::list(Type::Dynamic),
            true,
        ),
        (
            "dynamic-set-of-bools",
            r#"{"type":["set","bool"],"value":[false,true]}"#,
            dynv(Type::set(Type::Bool), Value::set([b(true), b(false)])),
            Type::Dynamic,
            true,
        ),
        (
            "dynamic-tuple-of-bools",
            r#"{"type":["tuple",["bool","bool"]],"value":[true,false]}"#,
            dynv(
                Type::tuple([Type::Bool, Type::Bool]),
                Value::tuple([b(true), b(false)]),
            ),
            Type::Dynamic,
            true,
        ),
        (
            "dynamic-map-of-bools",
            r#"{"type":["map","bool"],"value":{"false":false,"true":true}}"#,
            dynv(
                Type::map(Type::Bool),
                Value::map([("true", b(true)), ("false", b(false))]),
            ),
            Type::Dynamic,
            true,
        ),
        (
            "map-of-dynamic-bools",
            r#"{"false":{"type":"bool","value":false},"true":{"type":"bool","value":true}}"#,
            Value::map([
                ("true", dynv(Type::Bool, b(true))),
                ("false", dynv(Type::Bool, b(false))),
            ]),
            Type::map(Type::Dynamic),
            true,
        ),
        (
            "object-of-bool_dynamic",
            r#"{"dynamic":{"type":"bool","value":true},"static":true}"#,
            obj(&[("static", b(true)), ("dynamic", dynv(Type::Bool, b(true)))]),
            objt(&[("static", Type::Bool), ("dynamic", Type::Dynamic)]),
            true,
        ),
        (
            "dynamic-object",
            r#"{"type":["object",{"dynamic":"bool","static":"bool"}],"value":{"dynamic":true,"static":true}}"#,
            dynv(
                objt(&[("static", Type::Bool), ("dynamic", Type::Bool)]),
                obj(&[("static", b(true)), ("dynamic", b(true))]),
            ),
            Type::Dynamic,
            true,
        ),
    ]
}

#[test]
fn golden_vectors() {
    for (name, text, value, ty, canonical) in vectors() {
        let decoded =
            json::decode(text.as_bytes(), &ty).unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert_eq!(decoded, value, "{name}: decoding");
        let encoded = json::encode(&value, &ty).unwrap_or_else(|e| panic!("{name}: encode: {e}"));
        if canonical {
            assert_eq!(
                String::from_utf8(encoded).unwrap(),
                text,
                "{name}: encoding"
            );
        } else {
            assert_eq!(
                json::decode(&encoded, &ty).unwrap(),
                value,
                "{name}: re-decoding"
            );
        }
    }
}

#[test]
fn unsupported_attribute_is_an_error_unless_lenient() {
    let ty = objt(&[("test", Type::String)]);
    let text = br#"{"not-test": "test-value"}"#;
    let err = json::decode(text, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at not-test: unsupported attribute \"not-test\""
    );
    assert_eq!(err.path().to_string(), "not-test");

    let lenient = json::decode_lenient(text, &ty).unwrap();
    assert_eq!(lenient, obj(&[("test", Value::Null)]));

    let ty = objt(&[("bool", Type::Bool), ("number", Type::Number)]);
    let text = br#"{"bool":true,"number":0,"unknown":"whatever","nested":{"x":1}}"#;
    let opts = DecodeOptions {
        ignore_unknown_attributes: true,
    };
    assert_eq!(
        json::decode_with(text, &ty, opts).unwrap(),
        obj(&[("bool", b(true)), ("number", Value::from(0))])
    );
    // Nested objects are lenient too, and the error path is nested when strict.
    let outer = objt(&[("inner", ty.clone())]);
    let text = br#"{"inner":{"bool":true,"gone":1}}"#;
    let err = json::decode(text, &outer).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at inner.gone: unsupported attribute \"gone\""
    );
    assert_eq!(
        json::decode_lenient(text, &outer).unwrap(),
        obj(&[("inner", obj(&[("bool", b(true)), ("number", Value::Null)]))])
    );
}

#[test]
fn decode_errors_name_the_path() {
    let ty = objt(&[("list", Type::list(Type::Number))]);
    let err = json::decode(br#"{"list":[1,"x"]}"#, &ty).unwrap_err();
    assert_eq!(err.path().to_string(), "list[1]");
    let err = json::decode(br#"{"list":{}}"#, &ty).unwrap_err();
    assert_eq!(err.to_string(), "at list: expected list, got JSON object");
    let err = json::decode(br#"{"list":[true]}"#, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at list[0]: expected number, got JSON bool"
    );
    assert!(
        json::decode(b"{", &ty)
            .unwrap_err()
            .to_string()
            .starts_with("invalid JSON")
    );
    assert!(json::decode(br#""yes""#, &Type::Bool).is_err());
    assert!(json::decode(br#"[1]"#, &Type::tuple([])).is_err());
    // Dynamic values need both keys, a valid concrete type, and nothing else.
    for bad in [
        r#"{"value":true}"#,
        r#"{"type":"bool"}"#,
        r#"{"type":"bool","value":true,"extra":1}"#,
        r#"{"type":"boolean","value":true}"#,
        r#"{"type":"dynamic","value":true}"#,
        r#"true"#,
    ] {
        assert!(
            json::decode(bad.as_bytes(), &Type::Dynamic).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn encode_rules() {
    // Unknowns and infinities have no JSON form.
    let err = json::encode(
        &obj(&[("a", Value::Unknown)]),
        &objt(&[("a", Type::String)]),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "at a: unknown values cannot be represented in JSON"
    );
    assert!(json::encode(&Value::Number(Number::infinity()), &Type::Number).is_err());
    // Every attribute of the type is written; extra ones are refused.
    let ty = objt(&[("a", Type::String), ("b", Type::Number)]);
    assert_eq!(
        json::encode(&obj(&[("a", s("x"))]), &ty).unwrap(),
        br#"{"a":"x","b":null}"#
    );
    let err = json::encode(&obj(&[("zz", s("x"))]), &ty).unwrap_err();
    assert_eq!(err.to_string(), "at zz: unsupported attribute \"zz\"");
    // Type mismatches do not print the (possibly sensitive) value.
    let err = json::encode(&s("secret"), &Type::Bool).unwrap_err();
    assert_eq!(err.to_string(), "expected bool, got string");
    // Big numbers keep every digit.
    let big = Value::Number("18446744073709551615".parse().unwrap());
    assert_eq!(
        json::encode(&big, &Type::Number).unwrap(),
        b"18446744073709551615"
    );
    let frac = Value::Number("0.8".parse().unwrap());
    assert_eq!(json::encode(&frac, &Type::Number).unwrap(), b"0.8");
    // Values in dynamic slots whose type can be inferred need no wrapper.
    assert_eq!(
        json::encode(&Value::list([s("a")]), &Type::Dynamic).unwrap(),
        br#"{"type":["list","string"],"value":["a"]}"#
    );
}

#[test]
fn raw_state_upgrade_shape() {
    // A state written by an older schema with an attribute since removed.
    let state = br#"{"id":"abc","name":"n","legacy_flag":true,"scopes":["b","a"],"timeouts":null}"#;
    let ty = objt(&[
        ("id", Type::String),
        ("name", Type::String),
        ("scopes", Type::set(Type::String)),
        ("description", Type::String),
    ]);
    assert!(json::decode(state, &ty).is_err());
    let v = json::decode_lenient(state, &ty).unwrap();
    assert_eq!(
        v,
        obj(&[
            ("id", s("abc")),
            ("name", s("n")),
            ("scopes", Value::set([s("a"), s("b")])),
            ("description", Value::Null),
        ])
    );
}
