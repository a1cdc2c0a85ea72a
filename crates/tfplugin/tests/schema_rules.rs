//! `Schema::validate`: the rules Terraform applies to provider schemas, and the rules
//! of the server's plan behaviour.

use tfplugin::schema::{
    Attribute, AttributeNesting, Block, BlockNesting, NestedAttributes, NestedBlock, Schema,
};
use tfvalue::{Type, Value};

fn problems(schema: Schema) -> Vec<String> {
    schema.validate().expect_err("schema should be invalid")
}

fn one_attr(a: Attribute) -> Schema {
    Schema::new(0, Block::new([a]))
}

#[test]
fn a_well_formed_schema_is_valid() {
    let schema = Schema::new(
        1,
        Block::new([
            Attribute::new("id", Type::String)
                .computed()
                .use_state_for_unknown(),
            Attribute::new("name", Type::String)
                .required()
                .requires_replace(),
            Attribute::new("active", Type::Bool)
                .optional()
                .computed()
                .default(Value::from(true)),
            Attribute::new("secret_wo", Type::String)
                .optional()
                .write_only()
                .sensitive()
                .write_only_alternative("secret"),
            Attribute::new("tags", Type::set(Type::String)).optional(),
            Attribute::nested_attributes(
                "settings",
                NestedAttributes::new(
                    AttributeNesting::Single,
                    [Attribute::new("token_wo", Type::String)
                        .optional()
                        .write_only()],
                ),
            )
            .optional(),
        ])
        .block(NestedBlock::new(
            "rule",
            BlockNesting::List,
            Block::new([Attribute::new("pattern", Type::String).required()]),
        )),
    );
    assert_eq!(schema.validate(), Ok(()));
}

#[test]
fn an_attribute_must_be_optional_required_or_computed() {
    let p = problems(one_attr(Attribute::new("name", Type::String)));
    assert_eq!(p, ["name: must set Optional, Required or Computed"]);
}

#[test]
fn required_excludes_optional_and_computed() {
    let p = problems(one_attr(
        Attribute::new("name", Type::String)
            .required()
            .optional()
            .computed(),
    ));
    assert!(p.contains(&"name: cannot set both Optional and Required".to_owned()));
    assert!(p.contains(&"name: cannot set both Computed and Required".to_owned()));
}

#[test]
fn names_are_lowercase_letters_digits_and_underscores() {
    let p = problems(one_attr(
        Attribute::new("Client-ID", Type::String).required(),
    ));
    assert_eq!(
        p,
        ["Client-ID: name may contain only lowercase letters, digits and underscores"]
    );
    let p = problems(Schema::new(
        0,
        Block::new([]).block(NestedBlock::new("Rule", BlockNesting::List, Block::new([]))),
    ));
    assert_eq!(
        p,
        ["Rule: name may contain only lowercase letters, digits and underscores"]
    );
}

#[test]
fn write_only_attributes_are_not_allowed_inside_sets() {
    let p = problems(one_attr(
        Attribute::nested_attributes(
            "creds",
            NestedAttributes::new(
                AttributeNesting::Set,
                [Attribute::new("secret", Type::String)
                    .optional()
                    .write_only()],
            ),
        )
        .optional(),
    ));
    assert_eq!(
        p,
        ["creds: NestingSet attributes may not contain write-only attributes"]
    );
    let p = problems(Schema::new(
        0,
        Block::new([]).block(NestedBlock::new(
            "cred",
            BlockNesting::Set,
            Block::new([Attribute::new("secret", Type::String)
                .optional()
                .write_only()]),
        )),
    ));
    assert_eq!(
        p,
        ["cred: NestingSet blocks may not contain write-only attributes"]
    );
}

#[test]
fn dynamic_attributes_are_not_allowed_inside_sets() {
    let p = problems(Schema::new(
        0,
        Block::new([]).block(NestedBlock::new(
            "item",
            BlockNesting::Set,
            Block::new([Attribute::new("any", Type::Dynamic).optional()]),
        )),
    ));
    assert_eq!(
        p,
        ["item: NestingSet blocks may not contain attributes of dynamic type"]
    );
}

#[test]
fn write_only_attributes_are_never_computed_defaulted_or_replacing() {
    let p = problems(one_attr(
        Attribute::new("secret", Type::String)
            .optional()
            .computed()
            .write_only()
            .requires_replace(),
    ));
    assert!(p.contains(&"secret: a write-only attribute cannot be computed".to_owned()));
    assert!(
        p.iter()
            .any(|m| m.starts_with("secret: a write-only attribute cannot require replacement"))
    );
}

#[test]
fn a_deprecation_message_needs_deprecated() {
    let mut a = Attribute::new("old", Type::String).optional();
    a.deprecation_message = Some("use new".into());
    assert_eq!(
        problems(one_attr(a)),
        ["old: a deprecation message needs deprecated set"]
    );
    assert_eq!(
        one_attr(
            Attribute::new("old", Type::String)
                .optional()
                .deprecated("use new")
        )
        .validate(),
        Ok(())
    );
}

#[test]
fn versions_are_not_negative() {
    let p = problems(Schema::new(-1, Block::new([])));
    assert_eq!(p, ["schema version -1 is negative; versions start at 0"]);
}

#[test]
fn a_default_needs_optional_computed_and_a_value_of_the_type() {
    let p = problems(one_attr(
        Attribute::new("n", Type::Number)
            .optional()
            .default(Value::from("x")),
    ));
    assert_eq!(
        p,
        [
            "n: an attribute with a default must be optional and computed",
            "n: the default must be a known, non-null value of type number",
        ]
    );
}

#[test]
fn use_state_for_unknown_needs_computed() {
    let p = problems(one_attr(
        Attribute::new("id", Type::String)
            .optional()
            .use_state_for_unknown(),
    ));
    assert_eq!(
        p,
        ["id: use_state_for_unknown is only for computed attributes"]
    );
}

#[test]
fn names_are_unique_across_attributes_and_blocks() {
    let p = problems(Schema::new(
        0,
        Block::new([Attribute::new("rule", Type::String).optional()]).block(NestedBlock::new(
            "rule",
            BlockNesting::List,
            Block::new([]),
        )),
    ));
    assert_eq!(
        p,
        ["rule: name defined as both attribute and child block type, or twice"]
    );
}

#[test]
fn nested_problems_carry_the_attribute_path() {
    let p = problems(one_attr(
        Attribute::nested_attributes(
            "settings",
            NestedAttributes::new(AttributeNesting::List, [Attribute::new("x", Type::String)]),
        )
        .optional(),
    ));
    assert_eq!(p, ["settings.x: must set Optional, Required or Computed"]);
}

#[test]
fn identity_attributes_are_not_maps_sets_or_objects() {
    let schema = Schema::new(
        0,
        Block::new([
            Attribute::new("id", Type::String).required(),
            Attribute::new("tags", Type::map(Type::String)).optional(),
        ]),
    );
    assert_eq!(
        schema.validate_identity(),
        Err(vec![
            "tags: identity attributes cannot be of a map, set or object type".to_owned()
        ])
    );
}

#[test]
fn value_type_is_the_object_of_attributes_and_blocks() {
    let schema = Schema::new(
        0,
        Block::new([
            Attribute::new("name", Type::String).required(),
            Attribute::nested_attributes(
                "opts",
                NestedAttributes::new(
                    AttributeNesting::Map,
                    [Attribute::new("v", Type::Number).optional()],
                ),
            )
            .optional(),
        ])
        .block(NestedBlock::new(
            "rule",
            BlockNesting::Set,
            Block::new([Attribute::new("p", Type::Bool).required()]),
        )),
    );
    assert_eq!(
        schema.value_type(),
        Type::object([
            ("name", Type::String),
            ("opts", Type::map(Type::object([("v", Type::Number)]))),
            ("rule", Type::set(Type::object([("p", Type::Bool)]))),
        ])
    );
}
