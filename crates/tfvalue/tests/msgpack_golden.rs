//! Golden msgpack vectors from terraform-plugin-go's `tftypes/value_msgpack_test.go`
//! (and cty's wire format), checked in both directions.

use tfvalue::{Number, Type, Value, msgpack};

fn s(v: &str) -> Value {
    Value::from(v)
}

fn n(v: &str) -> Value {
    Value::Number(v.parse::<Number>().unwrap())
}

fn dynv(t: Type, v: Value) -> Value {
    Value::dynamic(t, v)
}

fn obj(attrs: &[(&str, Value)]) -> Value {
    Value::object(attrs.iter().cloned())
}

fn objt(attrs: &[(&str, Type)]) -> Type {
    Type::object(attrs.iter().cloned())
}

/// (name, hex, value, type): `encode(value, type) == hex` and `decode(hex, type) == value`.
fn vectors() -> Vec<(&'static str, &'static str, Value, Type)> {
    let nines = "9".repeat(100);
    vec![
        ("hello-string", "a568656c6c6f", s("hello"), Type::String),
        ("empty-string", "a0", s(""), Type::String),
        ("null-string", "c0", Value::Null, Type::String),
        ("unknown-string", "d40000", Value::Unknown, Type::String),
        ("true-bool", "c3", Value::Bool(true), Type::Bool),
        ("false-bool", "c2", Value::Bool(false), Type::Bool),
        ("null-bool", "c0", Value::Null, Type::Bool),
        ("unknown-bool", "d40000", Value::Unknown, Type::Bool),
        ("int-number", "01", Value::from(1), Type::Number),
        (
            "negative-fixint-number",
            "ff",
            Value::from(-1),
            Type::Number,
        ),
        ("float-number", "cb3ff8000000000000", n("1.5"), Type::Number),
        (
            "big-number",
            "d96439393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939393939",
            n(&nines),
            Type::Number,
        ),
        (
            "awkward-fraction-number",
            "a3302e38",
            n("0.8"),
            Type::Number,
        ),
        (
            "uint64-number",
            "b43138343436373434303733373039353531363135",
            Value::from(u64::MAX),
            Type::Number,
        ),
        (
            "beyond-uint64-number",
            "b43138343436373434303733373039353531363137",
            n("18446744073709551617"),
            Type::Number,
        ),
        (
            "positive-infinity-number",
            "cb7ff0000000000000",
            Value::Number(Number::infinity()),
            Type::Number,
        ),
        (
            "negative-infinity-number",
            "cbfff0000000000000",
            Value::Number(Number::neg_infinity()),
            Type::Number,
        ),
        (
            "dynamic-bool",
            "92c40622626f6f6c22c3",
            dynv(Type::Bool, Value::Bool(true)),
            Type::Dynamic,
        ),
        (
            "dynamic-list",
            "92c4115b226c697374222c22737472696e67225d91a568656c6c6f",
            dynv(Type::list(Type::String), Value::list([s("hello")])),
            Type::Dynamic,
        ),
        (
            "dynamic-map",
            "92c4105b226d6170222c22737472696e67225d81a568656c6c6fa568656c6c6f",
            dynv(Type::map(Type::String), Value::map([("hello", s("hello"))])),
            Type::Dynamic,
        ),
        (
            "dynamic-number",
            "92c408226e756d6265722201",
            dynv(Type::Number, Value::from(1)),
            Type::Dynamic,
        ),
        (
            "dynamic-object",
            "81a86772656574696e6792c40822737472696e6722a568656c6c6f",
            obj(&[("greeting", dynv(Type::String, s("hello")))]),
            objt(&[("greeting", Type::Dynamic)]),
        ),
        (
            "dynamic-set",
            "92c4105b22736574222c22737472696e67225d91a568656c6c6f",
            dynv(Type::set(Type::String), Value::set([s("hello")])),
            Type::Dynamic,
        ),
        (
            "dynamic-string",
            "92c40822737472696e6722a568656c6c6f",
            dynv(Type::String, s("hello")),
            Type::Dynamic,
        ),
        (
            "list-dynamic",
            "9192c40822737472696e6722a568656c6c6f",
            Value::list([dynv(Type::String, s("hello"))]),
            Type::list(Type::Dynamic),
        ),
        (
            "list-string-hello",
            "91a568656c6c6f",
            Value::list([s("hello")]),
            Type::list(Type::String),
        ),
        (
            "list-string-unknown",
            "91d40000",
            Value::list([Value::Unknown]),
            Type::list(Type::String),
        ),
        (
            "list-string-null-string",
            "91c0",
            Value::list([Value::Null]),
            Type::list(Type::String),
        ),
        (
            "list-string-null",
            "c0",
            Value::Null,
            Type::list(Type::String),
        ),
        (
            "list-string-empty",
            "90",
            Value::list([]),
            Type::list(Type::String),
        ),
        (
            "set-dynamic",
            "9192c40822737472696e6722a568656c6c6f",
            Value::set([dynv(Type::String, s("hello"))]),
            Type::set(Type::Dynamic),
        ),
        (
            "set-string-hello",
            "91a568656c6c6f",
            Value::set([s("hello")]),
            Type::set(Type::String),
        ),
        (
            "set-string-unknown",
            "91d40000",
            Value::set([Value::Unknown]),
            Type::set(Type::String),
        ),
        (
            "set-string-null-string",
            "91c0",
            Value::set([Value::Null]),
            Type::set(Type::String),
        ),
        (
            "set-string-empty",
            "90",
            Value::set([]),
            Type::set(Type::String),
        ),
        (
            "set-string-two",
            "92a161a162",
            Value::set([s("b"), s("a")]),
            Type::set(Type::String),
        ),
        (
            "map-dynamic",
            "81a86772656574696e6792c40822737472696e6722a568656c6c6f",
            Value::map([("greeting", dynv(Type::String, s("hello")))]),
            Type::map(Type::Dynamic),
        ),
        (
            "map-string-hello",
            "81a86772656574696e67a568656c6c6f",
            Value::map([("greeting", s("hello"))]),
            Type::map(Type::String),
        ),
        (
            "map-string-unknown",
            "81a86772656574696e67d40000",
            Value::map([("greeting", Value::Unknown)]),
            Type::map(Type::String),
        ),
        (
            "map-string-null",
            "81a86772656574696e67c0",
            Value::map([("greeting", Value::Null)]),
            Type::map(Type::String),
        ),
        (
            "map-string-empty",
            "80",
            Value::map::<&str>([]),
            Type::map(Type::String),
        ),
        (
            "tuple-dynamic",
            "9292c40822737472696e6722a568656c6c6f92c40822737472696e6722a5776f726c64",
            Value::tuple([
                dynv(Type::String, s("hello")),
                dynv(Type::String, s("world")),
            ]),
            Type::tuple([Type::Dynamic, Type::Dynamic]),
        ),
        (
            "tuple-string-hello",
            "91a568656c6c6f",
            Value::tuple([s("hello")]),
            Type::tuple([Type::String]),
        ),
        (
            "tuple-string-unknown",
            "91d40000",
            Value::tuple([Value::Unknown]),
            Type::tuple([Type::String]),
        ),
        (
            "tuple-string-null",
            "91c0",
            Value::tuple([Value::Null]),
            Type::tuple([Type::String]),
        ),
        ("tuple-empty", "90", Value::tuple([]), Type::tuple([])),
        (
            "object-string-hello",
            "81a86772656574696e67a568656c6c6f",
            obj(&[("greeting", s("hello"))]),
            objt(&[("greeting", Type::String)]),
        ),
        (
            "object-string-unknown",
            "81a86772656574696e67d40000",
            obj(&[("greeting", Value::Unknown)]),
            objt(&[("greeting", Type::String)]),
        ),
        (
            "object-string-null",
            "81a86772656574696e67c0",
            obj(&[("greeting", Value::Null)]),
            objt(&[("greeting", Type::String)]),
        ),
        (
            "object-string-multi-null",
            "82a161c0a162c0",
            obj(&[("a", Value::Null), ("b", Value::Null)]),
            objt(&[("a", Type::String), ("b", Type::String)]),
        ),
        (
            "object-string-multi-unknown",
            "82a161d40000a162d40000",
            obj(&[("a", Value::Unknown), ("b", Value::Unknown)]),
            objt(&[("a", Type::String), ("b", Type::String)]),
        ),
        ("object-empty", "80", obj(&[]), objt(&[])),
        (
            "string-dynamic-null",
            "92c40822737472696e6722c0",
            dynv(Type::String, Value::Null),
            Type::Dynamic,
        ),
        ("dynamic-null", "c0", Value::Null, Type::Dynamic),
        (
            "object-dynamic-null",
            "81a161c0",
            obj(&[("a", Value::Null)]),
            objt(&[("a", Type::Dynamic)]),
        ),
        ("dynamic-unknown", "d40000", Value::Unknown, Type::Dynamic),
        (
            "dynamic-list-string-null",
            "9192c40822737472696e6722c0",
            Value::list([dynv(Type::String, Value::Null)]),
            Type::list(Type::Dynamic),
        ),
        (
            "dynamic-list-unknown",
            "91d40000",
            Value::list([Value::Unknown]),
            Type::list(Type::Dynamic),
        ),
        (
            "nested-object",
            // {"id": "x", "inner": {"n": 2, "tags": ["a"]}, "list": [true]}
            "83a26964a178a5696e6e657282a16e02a47461677391a161a46c69737491c3",
            obj(&[
                ("id", s("x")),
                (
                    "inner",
                    obj(&[("n", Value::from(2)), ("tags", Value::set([s("a")]))]),
                ),
                ("list", Value::list([Value::Bool(true)])),
            ]),
            objt(&[
                ("id", Type::String),
                (
                    "inner",
                    objt(&[("n", Type::Number), ("tags", Type::set(Type::String))]),
                ),
                ("list", Type::list(Type::Bool)),
            ]),
        ),
    ]
}

#[test]
fn golden_vectors_encode_and_decode() {
    for (name, hex_str, value, ty) in vectors() {
        let bytes = hex::decode(hex_str).unwrap();
        let encoded =
            msgpack::encode(&value, &ty).unwrap_or_else(|e| panic!("{name}: encode: {e}"));
        assert_eq!(hex::encode(&encoded), hex_str, "{name}: encoding");
        let decoded =
            msgpack::decode(&bytes, &ty).unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert_eq!(decoded, value, "{name}: decoding");
        assert!(value.conforms_to(&ty), "{name}: conforms");
    }
}

/// Inputs other encoders may produce, which decode to the same values.
#[test]
fn alternative_encodings_decode() {
    let cases: Vec<(&str, &str, Value, Type)> = vec![
        // Refined unknowns: extension 12 with a map of refinements (1 = not null,
        // 2 = string prefix), decoded as plain unknowns.
        (
            "refined-not-null",
            "c7030c8101c2",
            Value::Unknown,
            Type::String,
        ),
        (
            "refined-prefix",
            "81a161c7060c8102a3707265",
            obj(&[("a", Value::Unknown)]),
            objt(&[("a", Type::String)]),
        ),
        (
            "refined-fixext",
            "d60c00000000",
            Value::Unknown,
            Type::Number,
        ),
        (
            "refined-dynamic",
            "c7030c8101c2",
            Value::Unknown,
            Type::Dynamic,
        ),
        // Other extension codes are unknown too.
        (
            "ext-code-5",
            "d40500",
            Value::Unknown,
            Type::list(Type::String),
        ),
        // Integers in every width.
        ("uint8", "cc80", Value::from(128), Type::Number),
        ("uint16", "cd0100", Value::from(256), Type::Number),
        ("uint32", "ce00010000", Value::from(65536), Type::Number),
        (
            "uint64",
            "cfffffffffffffffff",
            Value::from(u64::MAX),
            Type::Number,
        ),
        ("int8", "d080", Value::from(-128), Type::Number),
        ("int16", "d1ff00", Value::from(-256), Type::Number),
        ("int32", "d2ffff0000", Value::from(-65536), Type::Number),
        (
            "int64",
            "d38000000000000000",
            Value::from(i64::MIN),
            Type::Number,
        ),
        ("float32", "ca3fc00000", n("1.5"), Type::Number),
        (
            "float64-integral",
            "cb4000000000000000",
            Value::from(2),
            Type::Number,
        ),
        (
            "number-string-int",
            "a3313030",
            Value::from(100),
            Type::Number,
        ),
        (
            "number-string-exp",
            "a5312e356532",
            Value::from(150),
            Type::Number,
        ),
        // Strings in str8 form; bin8 type JSON as str.
        ("str8", "d903616263", s("abc"), Type::String),
        (
            "dynamic-type-as-str",
            "92a622626f6f6c22c3",
            dynv(Type::Bool, Value::Bool(true)),
            Type::Dynamic,
        ),
        // Set elements come out canonical and de-duplicated.
        (
            "set-order",
            "93a162a161a162",
            Value::set([s("a"), s("b")]),
            Type::set(Type::String),
        ),
        // Object attributes in any order.
        (
            "object-attr-order",
            "82a162c3a161c2",
            obj(&[("a", Value::Bool(false)), ("b", Value::Bool(true))]),
            objt(&[("a", Type::Bool), ("b", Type::Bool)]),
        ),
    ];
    for (name, hex_str, value, ty) in cases {
        let bytes = hex::decode(hex_str).unwrap();
        let decoded =
            msgpack::decode(&bytes, &ty).unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert_eq!(decoded, value, "{name}");
    }
}

#[test]
fn numbers_encode_like_cty() {
    for (num, hex_str) in [
        ("0", "00"),
        ("127", "7f"),
        ("128", "cc80"),
        ("-32", "e0"),
        ("-33", "d0df"),
        ("9223372036854775807", "cf7fffffffffffffff"),
        ("9223372036854775808", "cb43e0000000000000"),
        ("-9223372036854775808", "d38000000000000000"),
        ("1e20", "cb4415af1d78b58c40"),
        ("0.5", "cb3fe0000000000000"),
        ("0.1", "a3302e31"),
        ("-0.8", "a42d302e38"),
    ] {
        let v = n(num);
        let bytes = msgpack::encode(&v, &Type::Number).unwrap();
        assert_eq!(hex::encode(&bytes), hex_str, "{num}");
        assert_eq!(msgpack::decode(&bytes, &Type::Number).unwrap(), v, "{num}");
    }
    // A float64 decodes to its exact value, which encodes as the same float64.
    let exact_tenth = Value::Number(Number::from_f64(0.1).unwrap());
    let bytes = hex::decode("cb3fb999999999999a").unwrap();
    assert_eq!(msgpack::decode(&bytes, &Type::Number).unwrap(), exact_tenth);
    assert_eq!(msgpack::encode(&exact_tenth, &Type::Number).unwrap(), bytes);
}

#[test]
fn object_with_missing_attribute_is_rejected() {
    let ty = objt(&[("a", Type::String), ("b", Type::String)]);
    // {"a": "x"}
    let err = msgpack::decode(&hex::decode("81a161a178").unwrap(), &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "missing attribute \"b\": an object with 2 attributes is required (1 given)"
    );
    // Nested: the path says where.
    let outer = objt(&[("inner", ty.clone())]);
    let err =
        msgpack::decode(&hex::decode("81a5696e6e657281a161a178").unwrap(), &outer).unwrap_err();
    assert_eq!(err.path().to_string(), "inner");
    assert!(
        err.to_string()
            .starts_with("at inner: missing attribute \"b\""),
        "{err}"
    );
}

#[test]
fn object_with_extra_attribute_is_rejected() {
    let ty = objt(&[("a", Type::String)]);
    // {"a": "x", "zz": nil}
    let err = msgpack::decode(&hex::decode("82a161a178a27a7ac0").unwrap(), &ty).unwrap_err();
    assert_eq!(err.to_string(), "at zz: unsupported attribute \"zz\"");
    // Encoding refuses one too.
    let v = obj(&[("a", s("x")), ("zz", Value::Null)]);
    let err = msgpack::encode(&v, &ty).unwrap_err();
    assert_eq!(err.to_string(), "at zz: unsupported attribute \"zz\"");
}

#[test]
fn encoding_fills_absent_attributes_with_nil() {
    let ty = objt(&[("a", Type::String), ("b", Type::String)]);
    let bytes = msgpack::encode(&obj(&[("a", s("x"))]), &ty).unwrap();
    assert_eq!(hex::encode(bytes), "82a161a178a162c0");
}

#[test]
fn malformed_input_is_rejected_with_a_path() {
    let ty = objt(&[("list", Type::list(Type::Number))]);
    // {"list": [1, "x"]}
    let err = msgpack::decode(&hex::decode("81a46c6973749201a178").unwrap(), &ty).unwrap_err();
    assert_eq!(err.path().to_string(), "list[1]");
    assert_eq!(err.message(), "a string that is not a valid number");
    // {"list": "x"}
    let err = msgpack::decode(&hex::decode("81a46c697374a178").unwrap(), &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at list: expected list, got msgpack string"
    );

    for (hex_str, ty, what) in [
        ("", Type::Bool, "end of input"),
        ("92", Type::list(Type::Bool), "end of input"),
        ("a56865", Type::String, "end of input"),
        ("c3c3", Type::Bool, "unexpected byte"),
        ("c1", Type::Bool, "reserved"),
    ] {
        let err = msgpack::decode(&hex::decode(hex_str).unwrap(), &ty).unwrap_err();
        assert!(err.to_string().contains(what), "{hex_str}: {err}");
    }
    // NaN is not a number.
    assert!(msgpack::decode(&hex::decode("cb7ff8000000000000").unwrap(), &Type::Number).is_err());
    // Invalid UTF-8 in a string.
    assert!(msgpack::decode(&hex::decode("a1ff").unwrap(), &Type::String).is_err());
    // A tuple of the wrong length.
    let err =
        msgpack::decode(&hex::decode("92c3c3").unwrap(), &Type::tuple([Type::Bool])).unwrap_err();
    assert_eq!(err.to_string(), "expected a tuple of 1 elements, got 2");
    // A dynamic value whose array is not [type, value].
    assert!(msgpack::decode(&hex::decode("91c3").unwrap(), &Type::Dynamic).is_err());
    assert!(msgpack::decode(&hex::decode("92c4035b5d5dc3").unwrap(), &Type::Dynamic).is_err());
    assert!(
        msgpack::decode(
            &hex::decode("92c409226479616d696322c3").unwrap(),
            &Type::Dynamic
        )
        .is_err()
    );
    // Duplicate map keys.
    assert!(
        msgpack::decode(
            &hex::decode("82a16101a16102").unwrap(),
            &Type::map(Type::Number)
        )
        .is_err()
    );
    // A huge announced length with no data.
    assert!(msgpack::decode(&hex::decode("ddffffffff").unwrap(), &Type::list(Type::Bool)).is_err());
}

#[test]
fn deeply_nested_dynamic_values_are_refused() {
    // [["list","dynamic"], [ [["list","dynamic"], [ ... ]] ]] nested 1000 times.
    let ty_json = br#"["list","dynamic"]"#;
    let mut bytes = Vec::new();
    for _ in 0..1000 {
        bytes.extend_from_slice(&[0x92, 0xc4, ty_json.len() as u8]);
        bytes.extend_from_slice(ty_json);
        bytes.push(0x91);
    }
    bytes.push(0xc0);
    let err = msgpack::decode(&bytes, &Type::Dynamic).unwrap_err();
    assert!(err.to_string().contains("nested too deeply"), "{err}");
}

#[test]
fn encoding_checks_types() {
    let err = msgpack::encode(&s("x"), &Type::Number).unwrap_err();
    assert_eq!(err.to_string(), "expected number, got string");
    let ty = objt(&[("a", Type::list(Type::Bool))]);
    let err = msgpack::encode(&obj(&[("a", Value::list([Value::from(1)]))]), &ty).unwrap_err();
    assert_eq!(err.to_string(), "at a[0]: expected bool, got number");
    let err = msgpack::encode(&Value::tuple([]), &Type::tuple([Type::Bool])).unwrap_err();
    assert!(err.to_string().contains("tuple of 1 elements"), "{err}");
    // Dynamic slots need a type they can tell.
    assert!(msgpack::encode(&Value::list([]), &Type::Dynamic).is_err());
    assert!(msgpack::encode(&dynv(Type::Dynamic, Value::Null), &Type::Dynamic).is_err());
    // ... which plain primitives give.
    assert_eq!(
        hex::encode(msgpack::encode(&Value::Bool(true), &Type::Dynamic).unwrap()),
        "92c40622626f6f6c22c3"
    );
    // A dynamic wrapper where the type is static is unwrapped if it agrees.
    assert_eq!(
        msgpack::encode(&dynv(Type::Bool, Value::Bool(true)), &Type::Bool).unwrap(),
        vec![0xc3]
    );
    assert!(msgpack::encode(&dynv(Type::String, s("x")), &Type::Bool).is_err());
}
