//! Plan rules inside nested attributes and nested blocks: defaults and unknown computed
//! values apply per object, correlated with the configuration by index and key.

mod common;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::schema::{
    Attribute, AttributeNesting, Block, BlockNesting, NestedAttributes, NestedBlock, Schema,
};
use tfvalue::{Type, Value};
use tonic::Request;

fn schema() -> Schema {
    let rule = || {
        [
            Attribute::new("pattern", Type::String).required(),
            Attribute::new("priority", Type::Number)
                .optional()
                .computed()
                .default(Value::from(10)),
            Attribute::new("rule_id", Type::String).computed(),
        ]
    };
    Schema::new(
        0,
        Block::new([
            Attribute::new("name", Type::String).required(),
            Attribute::nested_attributes(
                "rules",
                NestedAttributes::new(AttributeNesting::List, rule()),
            )
            .optional(),
            Attribute::nested_attributes(
                "named",
                NestedAttributes::new(AttributeNesting::Map, rule()),
            )
            .optional(),
        ])
        .block(NestedBlock::new(
            "settings",
            BlockNesting::Single,
            Block::new(rule()),
        )),
    )
}

fn rule(pattern: &str, priority: Value, rule_id: Value) -> Value {
    Value::object([
        ("pattern", Value::from(pattern)),
        ("priority", priority),
        ("rule_id", rule_id),
    ])
}

#[tokio::test]
async fn defaults_and_unknowns_apply_inside_lists_maps_and_blocks() {
    let svc = new_thing_service(schema());
    let ty = schema().value_type();
    let config = Value::object([
        ("name", Value::from("a")),
        (
            "rules",
            Value::list([
                rule("x", Value::Null, Value::Null),
                rule("y", Value::from(1), Value::Null),
            ]),
        ),
        (
            "named",
            Value::map([("k", rule("z", Value::Null, Value::Null))]),
        ),
        ("settings", rule("s", Value::Null, Value::Null)),
    ]);
    let resp = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: dv(&Value::Null, &ty),
            proposed_new_state: dv(&config, &ty),
            config: dv(&config, &ty),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();

    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(
        decode(&resp.planned_state, &ty),
        Value::object([
            ("name", Value::from("a")),
            (
                "rules",
                Value::list([
                    rule("x", Value::from(10), Value::Unknown),
                    rule("y", Value::from(1), Value::Unknown),
                ]),
            ),
            (
                "named",
                Value::map([("k", rule("z", Value::from(10), Value::Unknown))]),
            ),
            ("settings", rule("s", Value::from(10), Value::Unknown)),
        ])
    );
}
