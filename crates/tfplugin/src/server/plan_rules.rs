//! Terraform's value rules, applied by the server for every resource: defaults,
//! computed attributes becoming unknown, write-only nulling, replacement paths, and
//! the write-only capability check.
//!
//! The walk follows the schema: top-level attributes, nested attributes and nested
//! blocks. Elements of lists and maps are correlated with the configuration and prior
//! state by index and key. Elements of sets have no identity, so inside set nesting
//! only write-only nulling applies (the schema rules forbid write-only there anyway);
//! defaults and unknown-marking stop at the set.

use tfvalue::{AttributePath, PathStep, Value};

use crate::diag::Diagnostics;
use crate::schema::{Attribute, AttributeNesting, Block, BlockNesting};

/// One level of an object: its attributes and nested blocks.
#[derive(Clone, Copy)]
struct Level<'a> {
    attributes: &'a [Attribute],
    blocks: &'a [crate::schema::NestedBlock],
}

impl<'a> Level<'a> {
    fn of(block: &'a Block) -> Level<'a> {
        Level {
            attributes: &block.attributes,
            blocks: &block.blocks,
        }
    }

    fn attrs(attributes: &'a [Attribute]) -> Level<'a> {
        Level {
            attributes,
            blocks: &[],
        }
    }
}

/// How the objects below an attribute or block are collected.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Collection {
    One,
    List,
    Map,
    Set,
}

impl From<AttributeNesting> for Collection {
    fn from(n: AttributeNesting) -> Self {
        match n {
            AttributeNesting::Single => Collection::One,
            AttributeNesting::List => Collection::List,
            AttributeNesting::Map => Collection::Map,
            AttributeNesting::Set => Collection::Set,
        }
    }
}

impl From<BlockNesting> for Collection {
    fn from(n: BlockNesting) -> Self {
        match n {
            BlockNesting::Single | BlockNesting::Group => Collection::One,
            BlockNesting::List => Collection::List,
            BlockNesting::Map => Collection::Map,
            BlockNesting::Set => Collection::Set,
        }
    }
}

/// The children of one level: each nested attribute or block with its level and how
/// its objects are collected.
fn children<'a>(level: Level<'a>) -> impl Iterator<Item = (&'a str, Level<'a>, Collection)> {
    let nested = level.attributes.iter().filter_map(|a| {
        a.nested.as_ref().map(|n| {
            (
                a.name.as_str(),
                Level::attrs(&n.attributes),
                Collection::from(n.nesting),
            )
        })
    });
    let blocks = level.blocks.iter().map(|b| {
        (
            b.type_name.as_str(),
            Level::of(&b.block),
            Collection::from(b.nesting),
        )
    });
    nested.chain(blocks)
}

/// Calls `f(object, config_object, prior_object)` for each object below `value` (an
/// attribute or block value collected as `how`), correlating list elements by index
/// and map elements by key. Sets are skipped (see the module docs).
fn for_each_object(
    value: &mut Value,
    config: &Value,
    prior: &Value,
    how: Collection,
    f: &mut dyn FnMut(&mut Value, &Value, &Value),
) {
    match (how, value) {
        (Collection::One, v @ Value::Object(_)) => f(v, config, prior),
        (Collection::List, Value::List(items)) => {
            for (i, item) in items.iter_mut().enumerate() {
                let c = config
                    .elements()
                    .and_then(|e| e.get(i))
                    .unwrap_or(&Value::Null);
                let p = prior
                    .elements()
                    .and_then(|e| e.get(i))
                    .unwrap_or(&Value::Null);
                f(item, c, p);
            }
        }
        (Collection::Map, Value::Map(items)) => {
            for (k, item) in items.iter_mut() {
                let c = config
                    .entries()
                    .and_then(|e| e.get(k))
                    .unwrap_or(&Value::Null);
                let p = prior
                    .entries()
                    .and_then(|e| e.get(k))
                    .unwrap_or(&Value::Null);
                f(item, c, p);
            }
        }
        _ => {}
    }
}

/// Sets every write-only attribute in `value` (of `block`'s type) to null.
pub(crate) fn null_write_only(block: &Block, value: Value) -> Value {
    if !block.contains_write_only() {
        return value;
    }
    let mut value = value;
    null_write_only_level(Level::of(block), &mut value);
    value
}

fn null_write_only_level(level: Level<'_>, object: &mut Value) {
    let Value::Object(attrs) = object else {
        return;
    };
    for a in level.attributes {
        if a.write_only
            && let Some(v) = attrs.get_mut(&a.name)
        {
            *v = Value::Null;
        }
    }
    for (name, child, _) in children(level) {
        let Some(v) = attrs.get_mut(name) else {
            continue;
        };
        match v {
            Value::Object(_) => null_write_only_level(child, v),
            Value::List(items) | Value::Set(items) => {
                for item in items.iter_mut() {
                    null_write_only_level(child, item);
                }
            }
            Value::Map(items) => {
                for item in items.values_mut() {
                    null_write_only_level(child, item);
                }
            }
            _ => {}
        }
    }
}

/// Error diagnostics for write-only attributes set in `config` when the client did not
/// say it supports them (Terraform older than 1.11 would store nothing and then see
/// the value missing from the plan).
pub(crate) fn check_write_only_allowed(block: &Block, config: &Value, diags: &mut Diagnostics) {
    let mut found = Vec::new();
    write_only_set(
        Level::of(block),
        config,
        &mut AttributePath::root(),
        &mut found,
    );
    for (path, attr) in found {
        let alternative = match &attr.write_only_alternative {
            Some(alt) => format!(" or set `{alt}` instead of `{}`", attr.name),
            None => String::new(),
        };
        diags.error_at(
            path.clone(),
            "Write-only attribute not supported by this Terraform version",
            format!(
                "{path} is a write-only attribute, which needs Terraform 1.11 or later; this Terraform did not announce support for write-only attributes. Upgrade Terraform{alternative}."
            ),
        );
    }
}

fn write_only_set<'a>(
    level: Level<'a>,
    object: &Value,
    path: &mut AttributePath,
    found: &mut Vec<(AttributePath, &'a Attribute)>,
) {
    let Value::Object(attrs) = object else {
        return;
    };
    for a in level.attributes {
        let v = attrs.get(&a.name).unwrap_or(&Value::Null);
        if a.write_only && !v.is_null() {
            found.push((path.join_attr(a.name.clone()), a));
        }
    }
    for (name, child, _) in children(level) {
        let Some(v) = attrs.get(name) else {
            continue;
        };
        path.push(PathStep::Attribute(name.to_owned()));
        match v {
            Value::Object(_) => write_only_set(child, v, path, found),
            Value::List(items) | Value::Set(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(PathStep::ElementKeyInt(i as i64));
                    write_only_set(child, item, path, found);
                    path.pop();
                }
            }
            Value::Map(items) => {
                for (k, item) in items {
                    path.push(PathStep::ElementKeyString(k.clone()));
                    write_only_set(child, item, path, found);
                    path.pop();
                }
            }
            _ => {}
        }
        path.pop();
    }
}

/// Plans the attribute defaults: an attribute with a default whose configuration is
/// null gets the default.
pub(crate) fn apply_defaults(block: &Block, config: &Value, planned: &mut Value) {
    defaults_level(Level::of(block), config, planned);
}

fn defaults_level(level: Level<'_>, config: &Value, planned: &mut Value) {
    if !matches!(planned, Value::Object(_)) {
        return;
    }
    for a in level.attributes {
        if let Some(default) = &a.default
            && config.attr(&a.name).is_null()
        {
            planned.set_attr(&a.name, default.clone());
        }
    }
    for (name, child, how) in children(level) {
        let c = config.attr(name);
        if let Some(v) = planned.attr_mut(name) {
            for_each_object(v, c, &Value::Null, how, &mut |o, c, _| {
                defaults_level(child, c, o)
            });
        }
    }
}

/// Marks computed attributes that the configuration leaves null (and that have no
/// default) unknown in `planned`: the provider may set them during apply. With
/// `use_state_for_unknown`, a non-null prior value is kept instead.
pub(crate) fn mark_computed_unknown(
    block: &Block,
    config: &Value,
    prior: &Value,
    planned: &mut Value,
) {
    unknown_level(Level::of(block), config, prior, planned);
}

fn unknown_level(level: Level<'_>, config: &Value, prior: &Value, planned: &mut Value) {
    if !matches!(planned, Value::Object(_)) {
        return;
    }
    for a in level.attributes {
        if !a.computed || a.default.is_some() || !config.attr(&a.name).is_null() {
            continue;
        }
        let prior_value = prior.attr(&a.name);
        let value = if a.use_state_for_unknown && !prior_value.is_null() {
            prior_value.clone()
        } else {
            Value::Unknown
        };
        planned.set_attr(&a.name, value);
    }
    for (name, child, how) in children(level) {
        let c = config.attr(name);
        if c.is_null()
            && level
                .attributes
                .iter()
                .any(|a| a.name == name && a.computed)
        {
            continue; // the whole attribute was handled above
        }
        let p = prior.attr(name);
        if let Some(v) = planned.attr_mut(name) {
            for_each_object(v, c, p, how, &mut |o, c, p| unknown_level(child, c, p, o));
        }
    }
}

/// The paths of `requires_replace` attributes whose planned value differs from the
/// prior one (an unknown planned value counts as different).
pub(crate) fn requires_replace(
    block: &Block,
    prior: &Value,
    planned: &Value,
) -> Vec<AttributePath> {
    let mut paths = Vec::new();
    if prior.is_null() || planned.is_null() {
        return paths;
    }
    replace_level(
        Level::of(block),
        prior,
        planned,
        &mut AttributePath::root(),
        &mut paths,
    );
    paths
}

fn replace_level(
    level: Level<'_>,
    prior: &Value,
    planned: &Value,
    path: &mut AttributePath,
    paths: &mut Vec<AttributePath>,
) {
    for a in level.attributes {
        let (before, after) = (prior.attr(&a.name), planned.attr(&a.name));
        if a.requires_replace && (before != after || after.is_unknown()) {
            paths.push(path.join_attr(a.name.clone()));
        }
    }
    for (name, child, how) in children(level) {
        if how != Collection::One {
            continue;
        }
        let (before, after) = (prior.attr(name), planned.attr(name));
        if before.is_null() || after.is_null() {
            continue;
        }
        path.push(PathStep::Attribute(name.to_owned()));
        replace_level(child, before, after, path, paths);
        path.pop();
    }
}

/// Replaces unknown values left in a state with null, returning the paths where it
/// did.
pub(crate) fn strip_unknowns(value: Value) -> (Value, Vec<AttributePath>) {
    let mut paths = Vec::new();
    let value = value.transform(|path, v| {
        if v.is_unknown() {
            paths.push(path.clone());
            Value::Null
        } else {
            v
        }
    });
    (value, paths)
}
