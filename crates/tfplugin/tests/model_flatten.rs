//! Typed models with `#[serde(flatten)]`: a flattened struct's fields are attributes of the
//! same object, read and written exactly as if they were written out in the model.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use tfplugin::model::{self, Maybe, Number, Unknowable, Unknowns};
use tfplugin::schema::{Attribute, Block, Schema};
use tfvalue::{Type, Value};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Tool {
    identifier: String,
    id: Maybe<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Owner {
    name: String,
    email: Option<String>,
}

/// One field of every kind a model holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Common {
    id: Maybe<String>,
    label: Option<String>,
    enabled: Unknowable<bool>,
    size: i64,
    ratio: f64,
    count: Number,
    version: Maybe<Number>,
    tags: Maybe<BTreeSet<String>>,
    labels: Option<BTreeMap<String, String>>,
    tools: Vec<Tool>,
    owner: Maybe<Owner>,
}

/// `Common` flattened into a model of its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Flat {
    #[serde(flatten)]
    common: Common,
    app: String,
}

/// `Flat` with every field written out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Written {
    id: Maybe<String>,
    label: Option<String>,
    enabled: Unknowable<bool>,
    size: i64,
    ratio: f64,
    count: Number,
    version: Maybe<Number>,
    tags: Maybe<BTreeSet<String>>,
    labels: Option<BTreeMap<String, String>>,
    tools: Vec<Tool>,
    owner: Maybe<Owner>,
    app: String,
}

impl From<Written> for Flat {
    fn from(w: Written) -> Flat {
        Flat {
            common: Common {
                id: w.id,
                label: w.label,
                enabled: w.enabled,
                size: w.size,
                ratio: w.ratio,
                count: w.count,
                version: w.version,
                tags: w.tags,
                labels: w.labels,
                tools: w.tools,
                owner: w.owner,
            },
            app: w.app,
        }
    }
}

fn tool_type() -> Type {
    Type::object([("identifier", Type::String), ("id", Type::String)])
}

fn owner_type() -> Type {
    Type::object([("name", Type::String), ("email", Type::String)])
}

fn schema() -> Schema {
    Schema::new(
        0,
        Block::new([
            Attribute::new("id", Type::String).computed(),
            Attribute::new("label", Type::String).optional(),
            Attribute::new("enabled", Type::Bool).required(),
            Attribute::new("size", Type::Number).required(),
            Attribute::new("ratio", Type::Number).required(),
            Attribute::new("count", Type::Number).required(),
            Attribute::new("version", Type::Number).optional(),
            Attribute::new("tags", Type::set(Type::String)).optional(),
            Attribute::new("labels", Type::map(Type::String)).optional(),
            Attribute::new("tools", Type::list(tool_type())).required(),
            Attribute::new("owner", owner_type()).optional(),
            Attribute::new("app", Type::String).required(),
        ]),
    )
}

fn number(text: &str) -> Value {
    Value::number(text.parse::<tfvalue::Number>().expect("a number"))
}

/// A value with every attribute known (and no null inside).
fn value() -> Value {
    Value::object([
        ("id", Value::string("i-1")),
        ("label", Value::string("Demo")),
        ("enabled", Value::Bool(true)),
        ("size", Value::from(-7)),
        ("ratio", number("0.25")),
        // Neither an integer nor a float: only its decimal text carries it.
        ("count", number("12345678901234567890.5")),
        ("version", number("18446744073709551616")),
        ("tags", Value::set([Value::string("b"), Value::string("a")])),
        ("labels", Value::map([("team", Value::string("core"))])),
        (
            "tools",
            Value::list([Value::object([
                ("identifier", Value::string("chat:post")),
                ("id", Value::string("t-1")),
            ])]),
        ),
        (
            "owner",
            Value::object([
                ("name", Value::string("ada")),
                ("email", Value::string("ada@example.com")),
            ]),
        ),
        ("app", Value::string("slack")),
    ])
}

fn with(attributes: &[(&str, Value)]) -> Value {
    let mut v = value();
    for (name, attribute) in attributes {
        v.set_attr(name, attribute.clone());
    }
    v
}

/// `v` reads into the flattened model as into the written-out one, and both write it back.
fn assert_round_trip(v: &Value) -> Flat {
    let ty = schema().value_type();
    let written: Written = model::from_value(v).expect("the written-out model reads it");
    let flat: Flat = model::from_value(v).expect("the flattened model reads it");
    assert_eq!(flat, Flat::from(written.clone()));
    assert_eq!(model::to_value(&flat, &ty).expect("writes"), *v);
    assert_eq!(model::to_value(&written, &ty).expect("writes"), *v);
    flat
}

mod round_trip {
    use super::*;

    #[test]
    fn known_values_of_every_kind() {
        let flat = assert_round_trip(&value());
        let c = &flat.common;
        assert_eq!(c.id.get().map(String::as_str), Some("i-1"));
        assert_eq!(c.label.as_deref(), Some("Demo"));
        assert_eq!(c.enabled, Unknowable::Known(true));
        assert_eq!((c.size, c.ratio), (-7, 0.25));
        assert_eq!(c.count.0.to_string(), "12345678901234567890.5");
        assert_eq!(
            c.version.get().map(|n| n.0.to_string()).as_deref(),
            Some("18446744073709551616")
        );
        assert_eq!(
            c.tags
                .get()
                .map(|t| t.iter().map(String::as_str).collect::<Vec<_>>()),
            Some(vec!["a", "b"])
        );
        assert_eq!(c.labels.as_ref().map(|l| l["team"].as_str()), Some("core"));
        assert_eq!(c.tools[0].id, Maybe::some("t-1".to_string()));
        assert_eq!(
            c.owner.get().and_then(|o| o.email.as_deref()),
            Some("ada@example.com")
        );
        assert_eq!(flat.app, "slack");
    }

    #[test]
    fn numbers_read_exactly_whatever_their_size() {
        for (text, is_integer) in [
            ("0", true),
            ("-9223372036854775808", true),
            ("18446744073709551615", true),
            ("1.5", false),
            ("0.1", false),
            ("1e400", true),
            (
                "0.1000000000000000055511151231257827021181583404541015625",
                false,
            ),
        ] {
            let flat =
                assert_round_trip(&with(&[("count", number(text)), ("version", number(text))]));
            assert_eq!(flat.common.count.0, text.parse().unwrap(), "{text}");
            assert_eq!(flat.common.count.0.is_integer(), is_integer, "{text}");
        }
    }

    #[test]
    fn null_in_every_field_that_may_be_null() {
        let flat = assert_round_trip(&with(&[
            ("id", Value::Null),
            ("label", Value::Null),
            ("version", Value::Null),
            ("tags", Value::Null),
            ("labels", Value::Null),
            ("owner", Value::Null),
        ]));
        let c = &flat.common;
        assert!(c.id.is_null() && c.version.is_null() && c.tags.is_null() && c.owner.is_null());
        assert_eq!((c.label.as_ref(), c.labels.as_ref()), (None, None));
    }

    #[test]
    fn null_inside_a_nested_object() {
        let flat = assert_round_trip(&with(&[(
            "owner",
            Value::object([("name", Value::string("ada")), ("email", Value::Null)]),
        )]));
        assert_eq!(flat.common.owner.get().map(|o| o.email.clone()), Some(None));
    }

    #[test]
    fn unknown_in_every_field_that_may_be_unknown() {
        let flat = assert_round_trip(&with(&[
            ("id", Value::Unknown),
            ("enabled", Value::Unknown),
            ("version", Value::Unknown),
            ("tags", Value::Unknown),
            ("owner", Value::Unknown),
        ]));
        let c = &flat.common;
        assert!(c.id.is_unknown() && c.enabled.is_unknown() && c.version.is_unknown());
        assert!(c.tags.is_unknown() && c.owner.is_unknown());
    }

    #[test]
    fn a_value_with_an_unknown_inside_reads_as_unknown_where_the_field_is_unknowable() {
        let v = with(&[
            ("tags", Value::set([Value::string("a"), Value::Unknown])),
            (
                "owner",
                Value::object([("name", Value::Unknown), ("email", Value::Null)]),
            ),
        ]);
        let flat: Flat = model::from_value(&v).unwrap();
        assert!(flat.common.tags.is_unknown());
        assert!(flat.common.owner.is_unknown());
        let written: Written = model::from_value(&v).unwrap();
        assert_eq!(flat, Flat::from(written));
    }

    #[test]
    fn an_unknown_inside_a_nested_object_reaches_its_unknowable_field() {
        let v = with(&[(
            "tools",
            Value::list([Value::object([
                ("identifier", Value::string("chat:post")),
                ("id", Value::Unknown),
            ])]),
        )]);
        let flat = assert_round_trip(&v);
        assert!(flat.common.tools[0].id.is_unknown());
    }

    #[test]
    fn an_empty_set_and_an_empty_map_stay_empty() {
        let flat = assert_round_trip(&with(&[
            ("tags", Value::set([])),
            ("labels", Value::Map(BTreeMap::new())),
            ("tools", Value::list([])),
        ]));
        assert_eq!(flat.common.tags, Maybe::some(BTreeSet::new()));
        assert_eq!(flat.common.labels, Some(BTreeMap::new()));
    }

    #[test]
    fn write_back_keeps_what_the_model_did_not_change() {
        let ty = schema().value_type();
        let v = with(&[("tags", Value::set([Value::string("a"), Value::Unknown]))]);
        let before: Flat = model::from_value(&v).unwrap();
        let mut after = before.clone();
        after.common.id = Maybe::some("i-2".to_string());
        let back = model::write_back(&v, &before, &after, &ty).unwrap();
        assert_eq!(back.attr("tags"), v.attr("tags"));
        assert_eq!(back.attr("id"), &Value::string("i-2"));
    }
}

mod nested_flatten {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Inner {
        tags: Maybe<BTreeSet<String>>,
        enabled: Unknowable<bool>,
        owner: Option<Owner>,
    }

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Middle {
        #[serde(flatten)]
        inner: Inner,
        version: Maybe<Number>,
    }

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Outer {
        #[serde(flatten)]
        middle: Middle,
        app: String,
    }

    fn ty() -> Type {
        Type::object([
            ("tags", Type::set(Type::String)),
            ("enabled", Type::Bool),
            ("owner", owner_type()),
            ("version", Type::Number),
            ("app", Type::String),
        ])
    }

    fn value() -> Value {
        Value::object([
            ("tags", Value::set([Value::string("a")])),
            ("enabled", Value::Bool(false)),
            (
                "owner",
                Value::object([
                    ("name", Value::string("ada")),
                    ("email", Value::string("ada@example.com")),
                ]),
            ),
            ("version", number("3.25")),
            ("app", Value::string("slack")),
        ])
    }

    #[test]
    fn a_flattened_struct_that_flattens_another_reads_and_writes_every_attribute() {
        let outer: Outer = model::from_value(&value()).unwrap();
        assert_eq!(outer.middle.inner.enabled, Unknowable::Known(false));
        assert_eq!(outer.middle.inner.owner.as_ref().unwrap().name, "ada");
        assert_eq!(outer.middle.version.get().unwrap().0.to_string(), "3.25");
        assert_eq!(outer.app, "slack");
        assert_eq!(model::to_value(&outer, &ty()).unwrap(), value());
    }

    #[test]
    fn null_and_unknown_reach_the_innermost_struct() {
        let mut v = value();
        v.set_attr("tags", Value::Unknown);
        v.set_attr("enabled", Value::Unknown);
        v.set_attr("owner", Value::Null);
        v.set_attr("version", Value::Null);
        let outer: Outer = model::from_value(&v).unwrap();
        assert!(outer.middle.inner.tags.is_unknown());
        assert!(outer.middle.inner.enabled.is_unknown());
        assert_eq!(outer.middle.inner.owner, None);
        assert!(outer.middle.version.is_null());
        assert_eq!(model::to_value(&outer, &ty()).unwrap(), v);
    }

    #[test]
    fn a_missing_attribute_of_the_innermost_struct_is_an_error() {
        let mut v = value();
        let Value::Object(attributes) = &mut v else {
            unreachable!()
        };
        attributes.remove("enabled");
        let e = model::from_value::<Outer>(&v).unwrap_err();
        assert_eq!(e.path, "");
        assert!(e.message.contains("[\"enabled\"]"), "{e}");
    }

    #[test]
    fn check_looks_into_the_innermost_struct() {
        let schema = Schema::new(
            0,
            Block::new([
                Attribute::new("tags", Type::set(Type::String)).optional(),
                Attribute::new("enabled", Type::Bool).required(),
                Attribute::new("owner", owner_type()).optional(),
                Attribute::new("version", Type::Number).optional(),
                Attribute::new("app", Type::String).required(),
            ]),
        );
        assert_eq!(model::check::<Outer>(&schema, Unknowns::None), Ok(()));
        // Planning may leave any attribute unknown: `owner` (innermost) and `app` cannot be.
        let problems = model::check::<Outer>(&schema, Unknowns::Allowed).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].ends_with(
                "`owner` unknown: owner: unknown, but the model's field is not Unknowable"
            )
        );
        assert!(
            problems[1]
                .ends_with("`app` unknown: app: unknown, but the model's field is not Unknowable")
        );
    }
}

mod errors {
    use super::*;

    #[test]
    fn an_attribute_missing_from_the_value_is_an_error_naming_the_field() {
        let mut v = value();
        let Value::Object(attributes) = &mut v else {
            unreachable!()
        };
        attributes.remove("count");
        let e = model::from_value::<Flat>(&v).unwrap_err();
        assert_eq!(e.path, "");
        assert_eq!(
            e.message,
            "fields [\"count\"] of the model are not attributes of the schema"
        );
    }

    #[test]
    fn an_attribute_missing_from_the_type_is_an_error_at_its_path() {
        let Type::Object(mut attributes) = schema().value_type() else {
            unreachable!()
        };
        attributes.remove("label");
        let flat: Flat = model::from_value(&value()).unwrap();
        let e = model::to_value(&flat, &Type::Object(attributes)).unwrap_err();
        assert_eq!(e.path, "label");
        assert!(e.message.contains("not an attribute of the schema"), "{e}");
    }

    #[test]
    fn an_attribute_no_field_takes_is_an_error_when_written() {
        let Type::Object(mut attributes) = schema().value_type() else {
            unreachable!()
        };
        attributes.insert("colour".to_string(), Type::String);
        let flat: Flat = model::from_value(&value()).unwrap();
        let e = model::to_value(&flat, &Type::Object(attributes)).unwrap_err();
        assert_eq!(e.path, "");
        assert_eq!(
            e.message,
            "attributes [\"colour\"] have no field in the model"
        );
    }

    /// serde drops what no flattened field takes: `check` finds such an attribute (above).
    #[test]
    fn an_attribute_no_field_takes_is_not_seen_when_read() {
        let v = with(&[("colour", Value::string("red"))]);
        assert!(model::from_value::<Flat>(&v).is_ok());
    }

    /// Under an `Unknowable` the value is read as a direct read would; elsewhere serde drops it.
    #[test]
    fn an_attribute_no_field_takes_in_a_nested_object_is_seen_under_an_unknowable() {
        let owner = Value::object([
            ("name", Value::string("ada")),
            ("email", Value::Null),
            ("colour", Value::string("red")),
        ]);
        let e = model::from_value::<Flat>(&with(&[("owner", owner)])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "attributes [\"colour\"] have no field in the model Owner"
        );
        let tools = Value::list([Value::object([
            ("identifier", Value::string("chat:post")),
            ("id", Value::Null),
            ("colour", Value::string("red")),
        ])]);
        assert!(model::from_value::<Flat>(&with(&[("tools", tools)])).is_ok());
    }

    #[test]
    fn null_where_the_flattened_field_is_not_an_option_is_an_error_at_its_attribute() {
        let e = model::from_value::<Flat>(&with(&[("size", Value::Null)])).unwrap_err();
        assert_eq!(e.path, "size");
        assert_eq!(e.message, "null, but the model's field is not an Option");
    }

    #[test]
    fn unknown_where_the_flattened_field_is_not_unknowable_is_an_error_at_its_attribute() {
        for attribute in ["label", "size", "count", "labels", "tools"] {
            let e = model::from_value::<Flat>(&with(&[(attribute, Value::Unknown)])).unwrap_err();
            assert_eq!(e.path, attribute);
            assert_eq!(
                e.message,
                "unknown, but the model's field is not Unknowable"
            );
        }
    }

    #[test]
    fn an_error_inside_an_unknowable_field_names_where_in_it() {
        let v = with(&[(
            "owner",
            Value::object([("name", Value::Null), ("email", Value::Null)]),
        )]);
        let e = model::from_value::<Flat>(&v).unwrap_err();
        // `email` may be null: only `name` cannot.
        assert_eq!(
            e.to_string(),
            "owner: at name: null, but the model's field is not an Option"
        );
    }

    #[test]
    fn when_several_attributes_hold_a_null_the_error_names_them_all() {
        let v = with(&[("label", Value::Null), ("size", Value::Null)]);
        let e = model::from_value::<Flat>(&v).unwrap_err();
        assert_eq!(e.path, "");
        assert!(
            e.message
                .starts_with("null, but the model's field is not an Option")
        );
        assert!(e.message.contains("[\"label\", \"size\"]"), "{e}");
    }

    #[test]
    fn an_error_in_a_flattening_model_nested_in_an_attribute_is_placed_under_it() {
        #[derive(Debug, Serialize, Deserialize)]
        struct Holder {
            inner: Flat,
        }
        let v = Value::object([("inner", with(&[("size", Value::Null)]))]);
        let e = model::from_value::<Holder>(&v).unwrap_err();
        assert_eq!(e.path, "inner.size");
    }

    #[test]
    fn two_fields_for_one_attribute_are_an_error_when_written() {
        #[derive(Serialize)]
        struct Twice {
            #[serde(flatten)]
            common: Common,
            size: i64,
            app: String,
        }
        let flat: Flat = model::from_value(&value()).unwrap();
        let twice = Twice {
            common: flat.common,
            size: 1,
            app: flat.app,
        };
        let e = model::to_value(&twice, &schema().value_type()).unwrap_err();
        assert_eq!(e.path, "size");
    }
}

mod check {
    use super::*;

    /// A resource's model: any attribute may be unknown while planning.
    #[derive(Serialize, Deserialize)]
    struct Integration {
        id: Maybe<String>,
        label: Maybe<String>,
        count: Unknowable<Number>,
        tags: Maybe<BTreeSet<String>>,
        owner: Maybe<Owner>,
    }

    #[derive(Serialize, Deserialize)]
    struct Resource {
        #[serde(flatten)]
        integration: Integration,
        app: Unknowable<String>,
    }

    fn schema() -> Schema {
        Schema::new(
            0,
            Block::new([
                Attribute::new("id", Type::String).computed(),
                Attribute::new("label", Type::String).optional(),
                Attribute::new("count", Type::Number).required(),
                Attribute::new("tags", Type::set(Type::String)).optional(),
                Attribute::new("owner", owner_type()).optional(),
                Attribute::new("app", Type::String).required(),
            ]),
        )
    }

    #[test]
    fn a_flattened_model_fits_its_schema() {
        assert_eq!(
            model::check::<Resource>(&schema(), Unknowns::Allowed),
            Ok(())
        );
        // A data source's model: null where the attribute is not required, never unknown.
        assert_eq!(
            model::check::<Flat>(&super::schema(), Unknowns::None),
            Ok(())
        );
    }

    #[test]
    fn a_schema_attribute_without_a_field_in_the_flattened_part_is_caught() {
        #[derive(Serialize, Deserialize)]
        struct Short {
            id: Maybe<String>,
            count: Unknowable<Number>,
            tags: Maybe<BTreeSet<String>>,
            owner: Maybe<Owner>,
        }
        #[derive(Serialize, Deserialize)]
        struct Model {
            #[serde(flatten)]
            short: Short,
            app: Unknowable<String>,
        }
        let problems = model::check::<Model>(&schema(), Unknowns::Allowed).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].ends_with("attributes [\"label\"] have no field in the model"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_field_of_the_flattened_part_without_a_schema_attribute_is_caught() {
        #[derive(Serialize, Deserialize)]
        struct Long {
            #[serde(flatten)]
            integration: Integration,
            colour: Maybe<String>,
        }
        #[derive(Serialize, Deserialize)]
        struct Model {
            #[serde(flatten)]
            long: Long,
            app: Unknowable<String>,
        }
        let problems = model::check::<Model>(&schema(), Unknowns::Allowed).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .ends_with("fields [\"colour\"] of the model are not attributes of the schema"),
            "{problems:?}"
        );
        // An `Option` reads as null when its attribute is missing: writing finds it.
        #[derive(Serialize, Deserialize)]
        struct Optional {
            #[serde(flatten)]
            integration: Integration,
            app: Unknowable<String>,
            colour: Option<String>,
        }
        let problems = model::check::<Optional>(&schema(), Unknowns::Allowed).unwrap_err();
        assert!(
            problems[0]
                .ends_with("colour: the field of the model is not an attribute of the schema"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_flattened_field_that_cannot_be_null_or_unknown_is_caught_at_its_attribute() {
        #[derive(Serialize, Deserialize)]
        struct Strict {
            id: String,
            label: Option<String>,
            count: Unknowable<Number>,
            tags: Maybe<BTreeSet<String>>,
            owner: Maybe<Owner>,
        }
        #[derive(Serialize, Deserialize)]
        struct Model {
            #[serde(flatten)]
            strict: Strict,
            app: Unknowable<String>,
        }
        let problems = model::check::<Model>(&schema(), Unknowns::Allowed).unwrap_err();
        // `id` may be null and unknown, `label` unknown.
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0].ends_with("`id` null: id: null, but the model's field is not an Option"),
            "{problems:?}"
        );
        assert!(
            problems[1]
                .ends_with("`id` unknown: id: unknown, but the model's field is not Unknowable"),
            "{problems:?}"
        );
        assert!(
            problems[2].ends_with(
                "`label` unknown: label: unknown, but the model's field is not Unknowable"
            ),
            "{problems:?}"
        );
    }
}
