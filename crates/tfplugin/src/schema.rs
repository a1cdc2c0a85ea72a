//! The schema model: what a provider, resource, data source or list resource accepts
//! and stores, and what a provider function accepts and returns ([`Signature`]).
//!
//! A [`Schema`] is a versioned [`Block`] of [`Attribute`]s and nested blocks. Besides
//! what travels on the wire (types, required/optional/computed, sensitive, write-only,
//! deprecation, markdown descriptions), an attribute carries plan behaviour that the
//! server applies for every resource ([`Attribute::default`],
//! [`Attribute::use_state_for_unknown`], [`Attribute::requires_replace`]).
//!
//! ```
//! use tfplugin::schema::{Attribute, Block, Schema};
//! use tfvalue::{Type, Value};
//!
//! let schema = Schema::new(0, Block::new([
//!     Attribute::new("id", Type::String).computed().use_state_for_unknown(),
//!     Attribute::new("name", Type::String).required().requires_replace(),
//!     Attribute::new("active", Type::Bool).optional().computed().default(Value::from(true)),
//!     Attribute::new("secret_wo", Type::String).optional().write_only().sensitive(),
//! ]).description("A thing."));
//! assert!(schema.validate().is_ok());
//! ```
//!
//! [`Schema::validate`] checks the rules Terraform applies when it loads a provider
//! schema (`InternalValidate`) plus the rules of this crate's plan behaviour;
//! [`crate::ProviderService::new`], which the provider's tests build, refuses an invalid
//! schema.

use std::collections::{BTreeMap, BTreeSet};

use tfvalue::{Type, Value};

/// A versioned schema of a provider configuration, resource, data source or resource
/// identity.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    /// Schema version; stored with each resource state and passed to
    /// `UpgradeResourceState`. Never negative.
    pub version: i64,
    /// The top-level block.
    pub block: Block,
}

/// A block: attributes and nested blocks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block {
    /// Attributes, in declaration order.
    pub attributes: Vec<Attribute>,
    /// Nested block types.
    pub blocks: Vec<NestedBlock>,
    /// Markdown description.
    pub description: String,
    /// Whether the whole block is deprecated.
    pub deprecated: bool,
    /// Why it is deprecated and what to use instead (needs `deprecated`).
    pub deprecation_message: Option<String>,
}

/// A nested block type (`name { ... }` in configuration).
#[derive(Clone, Debug, PartialEq)]
pub struct NestedBlock {
    /// The block type name.
    pub type_name: String,
    /// The block's content.
    pub block: Block,
    /// How many blocks of this type may appear and how they are collected.
    pub nesting: BlockNesting,
    /// Minimum number of blocks (0 = no minimum).
    pub min_items: i64,
    /// Maximum number of blocks (0 = no maximum).
    pub max_items: i64,
}

/// How nested blocks of one type are collected into a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockNesting {
    /// At most one block; an object, null when absent.
    Single,
    /// Exactly one block, never null (an object with null attributes when absent).
    Group,
    /// A list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects, keyed by the block label.
    Map,
}

/// Nested attributes (`nested_type` on the wire): an attribute whose value is an
/// object, or a collection of objects, with attributes of their own.
#[derive(Clone, Debug, PartialEq)]
pub struct NestedAttributes {
    /// How the objects are collected.
    pub nesting: AttributeNesting,
    /// The attributes of each object.
    pub attributes: Vec<Attribute>,
}

/// How the objects of [`NestedAttributes`] are collected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeNesting {
    /// One object.
    Single,
    /// A list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects.
    Map,
}

/// An attribute of a block.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// The attribute name (`^[a-z0-9_]+$`).
    pub name: String,
    /// The value type. For nested attributes this is the type implied by
    /// [`Attribute::nested`] (kept in step by [`Attribute::nested_attributes`]).
    pub ty: Type,
    /// Nested attributes: sent as `nested_type` instead of `type`.
    pub nested: Option<NestedAttributes>,
    /// Markdown description.
    pub description: String,
    /// Must be set in configuration.
    pub required: bool,
    /// May be set in configuration.
    pub optional: bool,
    /// The provider may set the value (when the configuration does not).
    pub computed: bool,
    /// Redacted in Terraform's output.
    pub sensitive: bool,
    /// Write-only (Terraform 1.11+): the value arrives in configuration and is never
    /// stored; every state the server returns has it null.
    pub write_only: bool,
    /// Whether the attribute is deprecated.
    pub deprecated: bool,
    /// Why it is deprecated and what to use instead (needs `deprecated`).
    pub deprecation_message: Option<String>,
    /// For a write-only attribute: the attribute to use instead on Terraform older than
    /// 1.11 (named in the error those versions get).
    pub write_only_alternative: Option<String>,
    /// Plan behaviour (not sent): the value planned when the configuration leaves the
    /// attribute null. The attribute must be optional and computed.
    pub default: Option<Value>,
    /// Plan behaviour (not sent): when an update is planned, a computed attribute that
    /// the configuration leaves null keeps its prior value instead of becoming unknown.
    pub use_state_for_unknown: bool,
    /// Plan behaviour (not sent): a planned change of this attribute replaces the
    /// resource.
    pub requires_replace: bool,
}

impl Schema {
    /// A schema of `version` with top-level `block`.
    pub fn new(version: i64, block: Block) -> Schema {
        Schema { version, block }
    }

    /// The object type of values of this schema.
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }

    /// The attribute at a top-level `name`, if any.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.block.attribute(name)
    }

    /// Checks the schema against Terraform's rules for provider schemas (the checks
    /// of `configschema.InternalValidate`: optional/required/computed combinations,
    /// names, nesting limits, no write-only or dynamic attributes inside sets) and the
    /// rules of this crate's plan behaviour (a default needs optional+computed and a
    /// value of the attribute's type, `use_state_for_unknown` needs computed, a
    /// write-only attribute is neither computed, defaulted nor `requires_replace`).
    ///
    /// Returns every problem found, each prefixed with the attribute path.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        if self.version < 0 {
            problems.push(format!(
                "schema version {} is negative; versions start at 0",
                self.version
            ));
        }
        validate_block(&self.block, "", &mut problems);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// [`Schema::validate`] plus the rules for a resource identity schema: only
    /// attributes (no blocks), each required or optional, none of a map, set or object
    /// type, none write-only or computed.
    pub fn validate_identity(&self) -> Result<(), Vec<String>> {
        let mut problems = self.validate().err().unwrap_or_default();
        for b in &self.block.blocks {
            problems.push(format!(
                "{}: identity schemas have attributes only, not blocks",
                b.type_name
            ));
        }
        for a in &self.block.attributes {
            let bad_type = |t: &Type| {
                matches!(t, Type::Map(_) | Type::Set(_) | Type::Object(_)) || a.nested.is_some()
            };
            if bad_type(&a.ty) {
                problems.push(format!(
                    "{}: identity attributes cannot be of a map, set or object type",
                    a.name
                ));
            }
            if a.computed {
                problems.push(format!(
                    "{}: identity attributes are required or optional for import, not computed",
                    a.name
                ));
            }
            if a.write_only {
                problems.push(format!(
                    "{}: identity attributes cannot be write-only",
                    a.name
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

impl Block {
    /// A block with `attributes`.
    pub fn new(attributes: impl IntoIterator<Item = Attribute>) -> Block {
        Block {
            attributes: attributes.into_iter().collect(),
            ..Block::default()
        }
    }

    /// Sets the markdown description.
    pub fn description(mut self, markdown: impl Into<String>) -> Block {
        self.description = markdown.into();
        self
    }

    /// Adds a nested block type.
    pub fn block(mut self, block: NestedBlock) -> Block {
        self.blocks.push(block);
        self
    }

    /// Marks the block deprecated, explaining why and what to use instead.
    pub fn deprecated(mut self, message: impl Into<String>) -> Block {
        self.deprecated = true;
        self.deprecation_message = Some(message.into());
        self
    }

    /// The object type of values of this block.
    pub fn value_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.ty.clone()))
            .collect();
        for b in &self.blocks {
            attrs.insert(b.type_name.clone(), b.value_type());
        }
        Type::Object(attrs)
    }

    /// The attribute called `name`, if any.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Whether any attribute in this block or below is write-only.
    pub fn contains_write_only(&self) -> bool {
        self.attributes.iter().any(Attribute::contains_write_only)
            || self.blocks.iter().any(|b| b.block.contains_write_only())
    }
}

impl NestedBlock {
    /// A nested block type `type_name` with `block` content, collected as `nesting`.
    pub fn new(type_name: impl Into<String>, nesting: BlockNesting, block: Block) -> NestedBlock {
        NestedBlock {
            type_name: type_name.into(),
            block,
            nesting,
            min_items: 0,
            max_items: 0,
        }
    }

    /// Sets the minimum and maximum number of blocks (0 = no limit).
    pub fn items(mut self, min: i64, max: i64) -> NestedBlock {
        self.min_items = min;
        self.max_items = max;
        self
    }

    /// The type of the value holding the blocks of this type.
    pub fn value_type(&self) -> Type {
        let object = self.block.value_type();
        match self.nesting {
            BlockNesting::Single | BlockNesting::Group => object,
            BlockNesting::List => Type::list(object),
            BlockNesting::Set => Type::set(object),
            BlockNesting::Map => Type::map(object),
        }
    }
}

impl NestedAttributes {
    /// Nested attributes collected as `nesting`.
    pub fn new(
        nesting: AttributeNesting,
        attributes: impl IntoIterator<Item = Attribute>,
    ) -> NestedAttributes {
        NestedAttributes {
            nesting,
            attributes: attributes.into_iter().collect(),
        }
    }

    /// The type implied by the nesting and attributes.
    pub fn value_type(&self) -> Type {
        let object = Type::Object(
            self.attributes
                .iter()
                .map(|a| (a.name.clone(), a.ty.clone()))
                .collect(),
        );
        match self.nesting {
            AttributeNesting::Single => object,
            AttributeNesting::List => Type::list(object),
            AttributeNesting::Set => Type::set(object),
            AttributeNesting::Map => Type::map(object),
        }
    }
}

impl Attribute {
    /// An attribute `name` of type `ty`. Set one of [`required`](Self::required),
    /// [`optional`](Self::optional) or [`computed`](Self::computed).
    pub fn new(name: impl Into<String>, ty: Type) -> Attribute {
        Attribute {
            name: name.into(),
            ty,
            nested: None,
            description: String::new(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            write_only: false,
            deprecated: false,
            deprecation_message: None,
            write_only_alternative: None,
            default: None,
            use_state_for_unknown: false,
            requires_replace: false,
        }
    }

    /// A nested attribute `name` (sent as `nested_type`).
    pub fn nested_attributes(name: impl Into<String>, nested: NestedAttributes) -> Attribute {
        let mut a = Attribute::new(name, nested.value_type());
        a.nested = Some(nested);
        a
    }

    /// Must be set in configuration.
    pub fn required(mut self) -> Attribute {
        self.required = true;
        self
    }

    /// May be set in configuration.
    pub fn optional(mut self) -> Attribute {
        self.optional = true;
        self
    }

    /// The provider may set the value.
    pub fn computed(mut self) -> Attribute {
        self.computed = true;
        self
    }

    /// Redacted in Terraform's output.
    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }

    /// Write-only: never stored in state (Terraform 1.11+).
    pub fn write_only(mut self) -> Attribute {
        self.write_only = true;
        self
    }

    /// Names the attribute to use instead of this write-only one on Terraform older
    /// than 1.11.
    pub fn write_only_alternative(mut self, attribute: impl Into<String>) -> Attribute {
        self.write_only_alternative = Some(attribute.into());
        self
    }

    /// The value planned when the configuration leaves the attribute null (the
    /// attribute must also be optional and computed).
    pub fn default(mut self, value: Value) -> Attribute {
        self.default = Some(value);
        self
    }

    /// On update, keep the prior value instead of planning an unknown one.
    pub fn use_state_for_unknown(mut self) -> Attribute {
        self.use_state_for_unknown = true;
        self
    }

    /// A change of this attribute replaces the resource.
    pub fn requires_replace(mut self) -> Attribute {
        self.requires_replace = true;
        self
    }

    /// Sets the markdown description.
    pub fn description(mut self, markdown: impl Into<String>) -> Attribute {
        self.description = markdown.into();
        self
    }

    /// Marks the attribute deprecated, explaining why and what to use instead.
    pub fn deprecated(mut self, message: impl Into<String>) -> Attribute {
        self.deprecated = true;
        self.deprecation_message = Some(message.into());
        self
    }

    /// Whether this attribute, or one nested in it, is write-only.
    pub fn contains_write_only(&self) -> bool {
        self.write_only
            || self
                .nested
                .as_ref()
                .is_some_and(|n| n.attributes.iter().any(Attribute::contains_write_only))
    }
}

/// What a provider function accepts and returns, with its documentation: the
/// function's counterpart of a [`Schema`].
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// The positional parameters, in order.
    pub parameters: Vec<Parameter>,
    /// A last parameter taking zero or more further arguments of its type.
    pub variadic: Option<Parameter>,
    /// The type of the result.
    pub return_type: Type,
    /// One line saying what the function does.
    pub summary: String,
    /// Markdown documentation.
    pub description: String,
    /// Set when the function is deprecated: why, and what to use instead.
    pub deprecation_message: Option<String>,
}

/// One parameter of a [`Signature`].
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// The name shown in documentation and errors.
    pub name: String,
    /// The type arguments are converted to.
    pub ty: Type,
    /// Markdown description.
    pub description: String,
    /// Whether a null argument reaches the function (else Terraform refuses it).
    pub allow_null: bool,
    /// Whether an unknown argument reaches the function (else the result is unknown
    /// without a call).
    pub allow_unknown: bool,
}

impl Signature {
    /// A function of `parameters` returning `return_type`, summarised by `summary`.
    pub fn new(
        parameters: impl IntoIterator<Item = Parameter>,
        return_type: Type,
        summary: impl Into<String>,
    ) -> Signature {
        Signature {
            parameters: parameters.into_iter().collect(),
            variadic: None,
            return_type,
            summary: summary.into(),
            description: String::new(),
            deprecation_message: None,
        }
    }

    /// Sets the markdown description.
    pub fn description(mut self, markdown: impl Into<String>) -> Signature {
        self.description = markdown.into();
        self
    }

    /// Adds a variadic last parameter.
    pub fn variadic(mut self, parameter: Parameter) -> Signature {
        self.variadic = Some(parameter);
        self
    }

    /// The parameter of the argument at position `index`, if the function takes one
    /// there.
    pub fn parameter_at(&self, index: usize) -> Option<&Parameter> {
        self.parameters.get(index).or(self.variadic.as_ref())
    }

    /// Checks the names: each parameter named (lowercase letters, digits, underscores),
    /// no name twice.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for p in self.parameters.iter().chain(&self.variadic) {
            if !valid_name(&p.name) {
                problems.push(format!(
                    "parameter {:?}: name may contain only lowercase letters, digits and underscores",
                    p.name
                ));
            }
            if !seen.insert(p.name.as_str()) {
                problems.push(format!("parameter {}: name declared twice", p.name));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

impl Parameter {
    /// A parameter `name` of type `ty` that takes neither null nor unknown arguments.
    pub fn new(name: impl Into<String>, ty: Type) -> Parameter {
        Parameter {
            name: name.into(),
            ty,
            description: String::new(),
            allow_null: false,
            allow_unknown: false,
        }
    }

    /// Sets the markdown description.
    pub fn description(mut self, markdown: impl Into<String>) -> Parameter {
        self.description = markdown.into();
        self
    }

    /// Null arguments reach the function.
    pub fn allow_null(mut self) -> Parameter {
        self.allow_null = true;
        self
    }

    /// Unknown arguments reach the function.
    pub fn allow_unknown(mut self) -> Parameter {
        self.allow_unknown = true;
        self
    }
}

pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn validate_block(block: &Block, prefix: &str, problems: &mut Vec<String>) {
    if block.deprecation_message.is_some() && !block.deprecated {
        problems.push(format!(
            "{}: a deprecation message needs deprecated set",
            if prefix.is_empty() {
                "(top-level block)"
            } else {
                prefix.trim_end_matches('.')
            }
        ));
    }
    let mut seen = BTreeSet::new();
    for a in &block.attributes {
        if !seen.insert(a.name.as_str()) {
            problems.push(format!("{prefix}{}: name declared twice", a.name));
        }
        validate_attribute(a, prefix, problems);
    }
    for b in &block.blocks {
        let name = &b.type_name;
        let here = format!("{prefix}{name}");
        if !seen.insert(name.as_str()) {
            problems.push(format!(
                "{here}: name defined as both attribute and child block type, or twice"
            ));
        }
        if !valid_name(name) {
            problems.push(format!(
                "{here}: name may contain only lowercase letters, digits and underscores"
            ));
        }
        if b.min_items < 0 || b.max_items < 0 {
            problems.push(format!(
                "{here}: MinItems and MaxItems must both be greater than zero"
            ));
        }
        match b.nesting {
            BlockNesting::Single => {
                if b.min_items != b.max_items {
                    problems.push(format!(
                        "{here}: MinItems and MaxItems must match in NestingSingle mode"
                    ));
                } else if !(0..=1).contains(&b.min_items) {
                    problems.push(format!(
                        "{here}: MinItems and MaxItems must be set to either 0 or 1 in NestingSingle mode"
                    ));
                }
            }
            BlockNesting::Group => {
                if b.min_items != 0 || b.max_items != 0 {
                    problems.push(format!(
                        "{here}: MinItems and MaxItems cannot be used in NestingGroup mode"
                    ));
                }
            }
            BlockNesting::List | BlockNesting::Set => {
                if b.min_items > b.max_items && b.max_items != 0 {
                    problems.push(format!(
                        "{here}: MinItems must be less than or equal to MaxItems"
                    ));
                }
                if b.nesting == BlockNesting::Set {
                    if b.block.value_type().contains_dynamic() {
                        problems.push(format!(
                            "{here}: NestingSet blocks may not contain attributes of dynamic type"
                        ));
                    }
                    if b.block.contains_write_only() {
                        problems.push(format!(
                            "{here}: NestingSet blocks may not contain write-only attributes"
                        ));
                    }
                }
            }
            BlockNesting::Map => {
                if b.min_items != 0 || b.max_items != 0 {
                    problems.push(format!(
                        "{here}: MinItems and MaxItems must both be 0 in NestingMap mode"
                    ));
                }
            }
        }
        validate_block(&b.block, &format!("{here}."), problems);
    }
}

fn validate_attribute(a: &Attribute, prefix: &str, problems: &mut Vec<String>) {
    let here = format!("{prefix}{}", a.name);
    let mut problem = |msg: &str| problems.push(format!("{here}: {msg}"));
    if !valid_name(&a.name) {
        problem("name may contain only lowercase letters, digits and underscores");
    }
    if !a.optional && !a.required && !a.computed {
        problem("must set Optional, Required or Computed");
    }
    if a.optional && a.required {
        problem("cannot set both Optional and Required");
    }
    if a.computed && a.required {
        problem("cannot set both Computed and Required");
    }
    if a.deprecation_message.is_some() && !a.deprecated {
        problem("a deprecation message needs deprecated set");
    }
    if a.write_only {
        if a.computed {
            problem("a write-only attribute cannot be computed");
        }
        if a.default.is_some() {
            problem("a write-only attribute cannot have a default");
        }
        if a.requires_replace {
            problem(
                "a write-only attribute cannot require replacement (Terraform would replace on every plan); put requires_replace on a companion version attribute",
            );
        }
        if a.use_state_for_unknown {
            problem("a write-only attribute has no state to use");
        }
    }
    if a.write_only_alternative.is_some() && !a.write_only {
        problem("write_only_alternative is only for write-only attributes");
    }
    if let Some(default) = &a.default {
        if !(a.optional && a.computed) {
            problem("an attribute with a default must be optional and computed");
        }
        if default.is_null() || !default.is_wholly_known() || !default.conforms_to(&a.ty) {
            problem(&format!(
                "the default must be a known, non-null value of type {}",
                a.ty
            ));
        }
    }
    if a.use_state_for_unknown && !a.computed {
        problem("use_state_for_unknown is only for computed attributes");
    }
    if let Some(nested) = &a.nested {
        if nested.value_type() != a.ty {
            problem(
                "the type of a nested attribute must be the one its nested attributes imply (build it with Attribute::nested_attributes)",
            );
        }
        if nested.nesting == AttributeNesting::Set {
            if a.ty.contains_dynamic() {
                problem("NestingSet attributes may not contain attributes of dynamic type");
            }
            if nested.attributes.iter().any(Attribute::contains_write_only) {
                problem("NestingSet attributes may not contain write-only attributes");
            }
        }
        let mut seen = BTreeSet::new();
        for inner in &nested.attributes {
            if !seen.insert(inner.name.as_str()) {
                problems.push(format!("{here}.{}: name declared twice", inner.name));
            }
            validate_attribute(inner, &format!("{here}."), problems);
        }
    }
}
