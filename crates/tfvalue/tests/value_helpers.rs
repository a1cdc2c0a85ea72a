//! The `Value` helpers other crates build on.

use tfvalue::{AttributePath, Number, PathStep, Type, Value};

fn s(v: &str) -> Value {
    Value::from(v)
}

#[test]
fn attr_access() {
    let mut v = Value::object([("a", s("x")), ("o", Value::object([("b", Value::from(1))]))]);
    assert_eq!(v.attr("a").as_str(), Some("x"));
    assert_eq!(v.attr("o").attr("b").as_i64(), Some(1));
    assert!(v.attr("missing").is_null());
    assert!(v.attr("a").attr("deeper").is_null());
    assert!(Value::Null.attr("a").is_null());

    v.set_attr("a", s("y"));
    assert_eq!(v.attr("a").as_str(), Some("y"));
    *v.attr_mut("o").unwrap().attr_mut("b").unwrap() = Value::from(2);
    assert_eq!(v.attr("o").attr("b").as_i64(), Some(2));
    assert!(v.attr_mut("missing").is_none());

    let mut not_object = s("x");
    not_object.set_attr("a", s("y"));
    assert_eq!(not_object, s("x"));
}

#[test]
fn object_of_fills_nulls() {
    let ty = Type::object([("a", Type::String), ("b", Type::Number)]);
    let v = Value::object_of(&ty, [("a", s("x"))]);
    assert_eq!(v, Value::object([("a", s("x")), ("b", Value::Null)]));
    assert!(v.conforms_to(&ty));
}

#[test]
fn sets_are_canonical_and_deduplicated() {
    let a = Value::set([s("b"), s("a"), s("b")]);
    assert_eq!(a, Value::Set(vec![s("a"), s("b")]));
    assert_eq!(a, Value::set([s("a"), s("b")]));
    // Numerically equal numbers are the same element.
    let n = Value::set([Value::Number("1.0".parse().unwrap()), Value::from(1)]);
    assert_eq!(n.elements().unwrap().len(), 1);
    // Unknowns are never merged: two unknowns may turn out to be different.
    let u = Value::set([Value::Unknown, Value::Unknown, s("a")]);
    assert_eq!(u.elements().unwrap().len(), 3);
    let partly = Value::object([("x", Value::Unknown)]);
    assert_eq!(
        Value::set([partly.clone(), partly])
            .elements()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn knownness() {
    assert!(Value::Unknown.is_unknown());
    assert!(!Value::Unknown.is_wholly_known());
    let v = Value::object([("a", Value::list([s("x"), Value::Unknown]))]);
    assert!(v.is_known());
    assert!(!v.is_wholly_known());
    assert!(Value::object([("a", Value::Null)]).is_wholly_known());
    assert!(Value::dynamic(Type::String, Value::Unknown).is_unknown());
    assert!(Value::dynamic(Type::String, Value::Null).is_null());
}

#[test]
fn conformance() {
    let ty = Type::object([
        ("s", Type::String),
        ("l", Type::list(Type::Number)),
        ("t", Type::tuple([Type::Bool, Type::String])),
        ("d", Type::Dynamic),
    ]);
    let good = Value::object([
        ("s", s("x")),
        (
            "l",
            Value::list([Value::from(1), Value::Unknown, Value::Null]),
        ),
        ("t", Value::tuple([Value::Bool(true), Value::Null])),
        ("d", Value::dynamic(Type::Bool, Value::Bool(true))),
    ]);
    assert!(good.conforms_to(&ty));
    assert!(Value::Null.conforms_to(&ty));
    assert!(Value::Unknown.conforms_to(&ty));

    let mut missing = good.clone();
    if let Value::Object(m) = &mut missing {
        m.remove("s");
    }
    assert!(!missing.conforms_to(&ty));
    let mut extra = good.clone();
    extra.set_attr("zz", Value::Null);
    assert!(!extra.conforms_to(&ty));
    let mut wrong = good.clone();
    wrong.set_attr("l", Value::list([s("1")]));
    assert!(!wrong.conforms_to(&ty));
    let mut short = good.clone();
    short.set_attr("t", Value::tuple([Value::Bool(true)]));
    assert!(!short.conforms_to(&ty));
    let mut bad_dyn = good;
    bad_dyn.set_attr("d", Value::dynamic(Type::Bool, s("x")));
    assert!(!bad_dyn.conforms_to(&ty));
    // An inferable plain value fits a dynamic slot; an empty list does not.
    assert!(s("x").conforms_to(&Type::Dynamic));
    assert!(!Value::list([]).conforms_to(&Type::Dynamic));
}

#[test]
fn type_inference() {
    assert_eq!(s("x").infer_type(), Some(Type::String));
    assert_eq!(
        Value::list([Value::from(1), Value::from(2)]).infer_type(),
        Some(Type::list(Type::Number))
    );
    assert_eq!(Value::list([Value::from(1), s("x")]).infer_type(), None);
    assert_eq!(
        Value::object([("a", Value::Bool(true))]).infer_type(),
        Some(Type::object([("a", Type::Bool)]))
    );
    assert_eq!(Value::Null.infer_type(), None);
}

#[test]
fn paths_get_walk_transform() {
    let v = Value::object([
        ("a", Value::list([s("x"), s("y")])),
        ("m", Value::map([("k", Value::from(1))])),
    ]);
    let p = AttributePath::attr("a").index(1);
    assert_eq!(v.get_path(&p), Some(&s("y")));
    assert_eq!(
        v.get_path(&AttributePath::attr("m").key("k")),
        Some(&Value::from(1))
    );
    assert_eq!(v.get_path(&AttributePath::attr("m").index(0)), None);
    assert_eq!(v.get_path(&AttributePath::root()), Some(&v));

    let mut w = v.clone();
    *w.get_path_mut(&p).unwrap() = s("z");
    assert_eq!(w.attr("a").elements().unwrap()[1], s("z"));

    let mut seen = Vec::new();
    v.walk(|path, _| seen.push(path.to_string()));
    assert_eq!(seen, ["", "a", "a[0]", "a[1]", "m", "m[\"k\"]"]);

    // Upper-case every string, remembering where.
    let mut where_ = Vec::new();
    let t = v.transform(|path, val| match val {
        Value::String(x) => {
            where_.push(path.clone());
            Value::String(x.to_uppercase())
        }
        other => other,
    });
    assert_eq!(t.attr("a"), &Value::list([s("X"), s("Y")]));
    assert_eq!(
        where_[0].steps(),
        [PathStep::Attribute("a".into()), PathStep::ElementKeyInt(0)]
    );

    // Sets are re-canonicalised after a transform merges elements.
    let set = Value::set([s("a"), s("b")]);
    let merged = set.transform(|_, val| {
        if val.as_str().is_some() {
            s("same")
        } else {
            val
        }
    });
    assert_eq!(merged, Value::set([s("same")]));
}

#[test]
fn conversions_and_display() {
    assert_eq!(Value::from("x"), s("x"));
    assert_eq!(Value::from(String::from("x")), s("x"));
    assert_eq!(Value::from(true), Value::Bool(true));
    assert_eq!(Value::from(3i64), Value::Number(Number::from(3)));
    assert_eq!(Value::from(None::<&str>), Value::Null);
    assert_eq!(Value::from(Some("x")), s("x"));
    let v = Value::object([
        ("a", Value::list([s("x"), Value::Unknown])),
        ("b", Value::Null),
        ("n", Value::Number("0.5".parse().unwrap())),
    ]);
    assert_eq!(
        v.to_string(),
        r#"{ "a" = ["x", (unknown)], "b" = null, "n" = 0.5 }"#
    );
}

#[test]
fn debug_shows_the_shape_but_no_contents() {
    let value = Value::object([
        ("client_secret", Value::string("sensitive-secret-value")),
        ("count", Value::from(424242)),
        ("enabled", Value::Bool(true)),
        (
            "labels",
            Value::map([("secret-key-name", Value::string("x"))]),
        ),
        (
            "scopes",
            Value::list([Value::string("read:page:confluence"), Value::Unknown]),
        ),
        ("note", Value::Null),
        (
            "any",
            Value::dynamic(Type::String, Value::string("dynamic-secret")),
        ),
    ]);
    let debug = format!("{value:?} {value:#?}");
    for hidden in [
        "sensitive-secret-value",
        "424242",
        "true",
        "secret-key-name",
        "read:page:confluence",
        "dynamic-secret",
    ] {
        assert!(!debug.contains(hidden), "{hidden} in {debug}");
    }
    assert_eq!(
        format!("{value:?}"),
        r#"Object{"any": Dynamic(String, String(..)), "client_secret": String(..), "count": Number(..), "enabled": Bool(..), "labels": Map(1 entry), "note": Null, "scopes": List[String(..), Unknown]}"#
    );
    // Display is the explicit way to show contents.
    assert!(value.to_string().contains("sensitive-secret-value"));
}
