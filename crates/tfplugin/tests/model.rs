//! Typed models: conversion to and from values (null, unknown, sets, maps, nested objects,
//! numbers) and the check of a model against its schema.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use tfplugin::model::{self, Number, Unknowable, Unknowns};
use tfplugin::schema::{Attribute, Block, Schema};
use tfvalue::{Type, Value};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Tool {
    identifier: String,
    name: Option<String>,
    scopes: Option<BTreeSet<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct App {
    id: String,
    tools: Vec<Tool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Thing {
    id: Unknowable<Option<String>>,
    name: Unknowable<String>,
    tags: Unknowable<Option<BTreeSet<String>>>,
    version: Unknowable<Option<Number>>,
    apps: Unknowable<Option<BTreeMap<String, App>>>,
}

fn tool_type() -> Type {
    Type::object([
        ("identifier", Type::String),
        ("name", Type::String),
        ("scopes", Type::set(Type::String)),
    ])
}

fn schema() -> Schema {
    Schema::new(
        0,
        Block::new([
            Attribute::new("id", Type::String).computed(),
            Attribute::new("name", Type::String).required(),
            Attribute::new("tags", Type::set(Type::String)).optional(),
            Attribute::new("version", Type::Number).optional(),
            Attribute::new(
                "apps",
                Type::map(Type::object([
                    ("id", Type::String),
                    ("tools", Type::list(tool_type())),
                ])),
            )
            .computed(),
        ]),
    )
}

fn value() -> Value {
    Value::object([
        ("id", Value::Null),
        ("name", Value::string("demo")),
        ("tags", Value::set([Value::string("b"), Value::string("a")])),
        (
            "version",
            Value::number("12345678901234567890.5".parse::<tfvalue::Number>().unwrap()),
        ),
        (
            "apps",
            Value::map([(
                "slack",
                Value::object([
                    ("id", Value::string("s")),
                    (
                        "tools",
                        Value::list([Value::object([
                            ("identifier", Value::string("chat:post")),
                            ("name", Value::Null),
                            ("scopes", Value::set([Value::string("chat:write")])),
                        ])]),
                    ),
                ]),
            )]),
        ),
    ])
}

#[test]
fn a_value_reads_into_the_model_and_writes_back_unchanged() {
    let thing: Thing = model::from_value(&value()).unwrap();
    assert_eq!(thing.id, Unknowable::Known(None));
    assert_eq!(thing.name, Unknowable::Known("demo".to_string()));
    assert_eq!(
        thing.tags.get().unwrap().iter().collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(
        thing.version.get().unwrap().0.to_string(),
        "12345678901234567890.5"
    );
    let app = &thing.apps.get().unwrap()["slack"];
    assert_eq!(app.tools[0].identifier, "chat:post");
    assert_eq!(app.tools[0].name, None);
    assert_eq!(
        model::to_value(&thing, &schema().value_type()).unwrap(),
        value()
    );
}

#[test]
fn unknown_reads_as_unknowable_unknown_and_writes_back_as_unknown() {
    let mut v = value();
    v.set_attr("id", Value::Unknown);
    v.set_attr("name", Value::Unknown);
    let thing: Thing = model::from_value(&v).unwrap();
    assert!(thing.id.is_unknown());
    assert!(thing.name.is_unknown());
    assert_eq!(model::to_value(&thing, &schema().value_type()).unwrap(), v);
}

#[test]
fn a_set_with_an_unknown_element_reads_as_unknown() {
    let mut v = value();
    v.set_attr("tags", Value::set([Value::string("a"), Value::Unknown]));
    let thing: Thing = model::from_value(&v).unwrap();
    assert!(thing.tags.is_unknown());
}

#[test]
fn write_back_keeps_the_exact_value_of_attributes_the_model_did_not_change() {
    let mut v = value();
    v.set_attr("tags", Value::set([Value::string("a"), Value::Unknown]));
    let before: Thing = model::from_value(&v).unwrap();
    let mut after = before.clone();
    after.id = Unknowable::some("new".to_string());
    let back = model::write_back(&v, &before, &after, &schema().value_type()).unwrap();
    assert_eq!(back.attr("tags"), v.attr("tags"));
    assert_eq!(back.attr("id"), &Value::string("new"));
}

#[test]
fn null_where_the_field_is_not_an_option_is_an_error_at_its_path() {
    let mut v = value();
    let mut apps = v.attr("apps").clone();
    let Value::Map(entries) = &mut apps else {
        panic!("map")
    };
    entries
        .get_mut("slack")
        .unwrap()
        .set_attr("id", Value::Null);
    v.set_attr("apps", apps);
    let e = model::from_value::<Thing>(&v).unwrap_err();
    assert_eq!(e.path, "apps[\"slack\"].id");
    assert!(e.message.contains("not an Option"), "{e}");
}

#[test]
fn unknown_where_the_field_is_not_unknowable_is_an_error() {
    #[derive(Debug, Serialize, Deserialize)]
    struct Plain {
        name: Option<String>,
    }
    let e = model::from_value::<Plain>(&Value::object([("name", Value::Unknown)])).unwrap_err();
    assert_eq!(e.path, "name");
    assert!(e.message.contains("not Unknowable"), "{e}");
}

#[test]
fn writing_a_value_of_the_wrong_type_is_an_error() {
    #[derive(Serialize, Deserialize)]
    struct Wrong {
        tags: String,
    }
    let ty = Type::object([("tags", Type::set(Type::String))]);
    let e = model::to_value(&Wrong { tags: "a".into() }, &ty).unwrap_err();
    assert_eq!(e.path, "tags");
}

#[test]
fn the_model_fits_its_schema() {
    assert_eq!(model::check::<Thing>(&schema(), Unknowns::Allowed), Ok(()));
}

#[test]
fn a_schema_attribute_without_a_field_is_caught() {
    #[derive(Serialize, Deserialize)]
    struct Missing {
        id: Unknowable<Option<String>>,
        name: Unknowable<String>,
        tags: Unknowable<Option<BTreeSet<String>>>,
        version: Unknowable<Option<Number>>,
    }
    let problems = model::check::<Missing>(&schema(), Unknowns::Allowed).unwrap_err();
    assert!(problems[0].contains("[\"apps\"]"), "{problems:?}");
}

#[test]
fn a_field_without_a_schema_attribute_is_caught() {
    #[derive(Serialize, Deserialize)]
    struct Extra {
        id: Unknowable<Option<String>>,
        name: Unknowable<String>,
        tags: Unknowable<Option<BTreeSet<String>>>,
        version: Unknowable<Option<Number>>,
        apps: Unknowable<Option<BTreeMap<String, App>>>,
        colour: Option<String>,
    }
    let problems = model::check::<Extra>(&schema(), Unknowns::Allowed).unwrap_err();
    assert!(problems[0].contains("[\"colour\"]"), "{problems:?}");
}

#[test]
fn a_missing_option_or_unknowable_is_caught_for_each_attribute() {
    #[derive(Serialize, Deserialize)]
    struct Strict {
        id: Unknowable<String>,
        name: String,
        tags: Unknowable<Option<BTreeSet<String>>>,
        version: Unknowable<Option<Number>>,
        apps: Unknowable<Option<BTreeMap<String, App>>>,
    }
    let problems = model::check::<Strict>(&schema(), Unknowns::Allowed).unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("`id` null"), "{problems:?}");
    assert!(problems[1].contains("`name` unknown"), "{problems:?}");
    // A data source model is never unknown: only the Option is required.
    let problems = model::check::<Strict>(&schema(), Unknowns::None).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn a_field_of_the_wrong_type_is_caught() {
    #[derive(Serialize, Deserialize)]
    struct WrongType {
        id: Unknowable<Option<String>>,
        name: Unknowable<String>,
        tags: Unknowable<Option<BTreeMap<String, String>>>,
        version: Unknowable<Option<Number>>,
        apps: Unknowable<Option<BTreeMap<String, App>>>,
    }
    let problems = model::check::<WrongType>(&schema(), Unknowns::Allowed).unwrap_err();
    assert!(problems[0].contains("tags"), "{problems:?}");
}

mod start_up {
    use std::any::Any;
    use std::sync::Arc;

    use async_trait::async_trait;
    use tfplugin::model::{Change, Typed, TypedResource};
    use tfplugin::{Context, DataSource, Diagnostics, Provider, ProviderService, Resource};

    use super::*;

    /// A resource whose model lacks the schema's `tags`.
    struct Misfit;

    #[derive(Serialize, Deserialize)]
    struct MisfitModel {
        id: Unknowable<Option<String>>,
    }

    #[async_trait]
    impl TypedResource for Misfit {
        type Model = MisfitModel;

        fn type_name(&self) -> &'static str {
            "test_misfit"
        }

        fn schema(&self) -> Schema {
            Schema::new(
                0,
                Block::new([
                    Attribute::new("id", Type::String).computed(),
                    Attribute::new("tags", Type::set(Type::String)).optional(),
                ]),
            )
        }

        async fn create(
            &self,
            _: &Context,
            req: &Change<MisfitModel>,
            _: &mut Diagnostics,
        ) -> Option<MisfitModel> {
            Some(MisfitModel {
                id: req.planned.id.clone(),
            })
        }

        async fn read(
            &self,
            _: &Context,
            state: &MisfitModel,
            _: &mut Diagnostics,
        ) -> Option<MisfitModel> {
            Some(MisfitModel {
                id: state.id.clone(),
            })
        }

        async fn update(
            &self,
            _: &Context,
            req: &Change<MisfitModel>,
            _: &mut Diagnostics,
        ) -> Option<MisfitModel> {
            Some(MisfitModel {
                id: req.planned.id.clone(),
            })
        }

        async fn delete(&self, _: &Context, _: &MisfitModel, _: &mut Diagnostics) {}

        async fn import(&self, _: &Context, _: &str, _: &mut Diagnostics) -> Option<MisfitModel> {
            None
        }
    }

    struct MisfitProvider;

    #[async_trait]
    impl Provider for MisfitProvider {
        fn schema(&self) -> Schema {
            Schema::new(0, Block::new([]))
        }

        async fn configure(
            &self,
            _: &Context,
            _: &Value,
            _: &mut Diagnostics,
        ) -> Option<Arc<dyn Any + Send + Sync>> {
            None
        }

        fn resources(&self) -> Vec<Arc<dyn Resource>> {
            vec![Arc::new(Typed(Misfit))]
        }

        fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
            Vec::new()
        }
    }

    #[test]
    fn a_model_that_does_not_fit_its_schema_fails_the_providers_checks() {
        let problems = ProviderService::new(Arc::new(MisfitProvider))
            .unwrap_err()
            .0;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("resource test_misfit: "),
            "{problems:?}"
        );
        assert!(problems[0].contains("[\"tags\"]"), "{problems:?}");
        // Start-up leaves this check to the tests: the server builds without it.
        assert!(ProviderService::new_without_checks(Arc::new(MisfitProvider)).is_ok());
    }
}
