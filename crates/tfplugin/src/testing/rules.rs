//! Terraform core's checks of a provider's answers, for test harnesses.
//!
//! Terraform does not trust a provider: after each `PlanResourceChange`,
//! `ApplyResourceChange`, `ReadResource`, `ImportResourceState`, `UpgradeResourceState`
//! and `MoveResourceState` it checks the answer against the schema, the configuration and
//! the plan, and fails the run with a "This is a bug in the provider" error when the
//! answer breaks a rule. This module ports those checks (Terraform's
//! `internal/plans/objchange`: `AssertPlanValid`, `AssertObjectCompatible`, and the
//! checks around them in the resource-instance nodes), so that a test harness can apply
//! them to every answer a test drives, and adds three checks Terraform leaves to users:
//!
//! | RPC | rule | error summary |
//! |---|---|---|
//! | plan | planned equals config for every non-computed attribute, and for an optional computed one whose config is not null, unless it equals a non-null prior (diff suppression); null/non-null as config; block counts | `Provider produced invalid plan` |
//! | plan | planned conforms to the type; write-only attributes null | `Provider produced invalid plan` |
//! | plan | `requires_replace` only at attributes the schema declares [`requires_replace`](crate::schema::Attribute::requires_replace) (or inside one) | `Provider produced invalid plan` |
//! | apply (re-plan) | the apply-time plan keeps the action (an update may become a no-op) and is a completion of the plan-time plan | `Provider produced inconsistent final plan` |
//! | apply | every value known in the plan equals the new state's value; null stays null | `Provider produced inconsistent result after apply` |
//! | apply | the new state holds no unknown | `Provider returned invalid result object after apply` |
//! | apply, read, import, upgrade, move | conforms; write-only attributes null; (but apply) wholly known | `Provider produced invalid object` |
//! | import | exactly one resource, not null | `Import returned no resources` / `Multiple import states not supported` / `Import returned null resource` |
//! | every RPC | no diagnostic contains a secret of the configuration ([`secrets_of`]) | `Provider echoed a secret in a diagnostic` (harness rule) |
//! | schema | the wire schema marks sensitive every attribute the schema marks sensitive | `Provider schema drops a sensitive mark` (harness rule) |
//!
//! Messages use Terraform's wording, with the attribute path as Terraform prints it
//! (`.tools`, `.tool_scopes["pages:read"]`) and values in `cty`'s Go syntax
//! (`cty.StringVal("a")`). As in Terraform, the value of a sensitive attribute never
//! appears in a message.
//!
//! ```
//! use tfplugin::schema::{Attribute, Block};
//! use tfplugin::testing::rules;
//! use tfvalue::{Type, Value};
//!
//! let block = Block::new([Attribute::new("name", Type::String).required()]);
//! let config = Value::object([("name", Value::from("a"))]);
//! let planned = Value::object([("name", Value::from("b"))]);
//! let errs = rules::assert_plan_valid(&block, &Value::Null, &config, &planned);
//! assert_eq!(
//!     errs[0].to_string(),
//!     r#".name: planned value cty.StringVal("b") does not match config value cty.StringVal("a")"#
//! );
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use tfvalue::{AttributePath, PathStep, Type, Value};

use crate::proto::tfplugin6 as pb;
use crate::schema::{AttributeNesting, Block, BlockNesting, NestedAttributes, Schema};

/// A problem at a path of a value: Terraform's `cty.PathError`. `Display` prints it as
/// Terraform's `tfdiags.FormatError` does: `.tools: was …, but now …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    /// The path, as Terraform prints it (`.tool_scopes["pages:read"]`; empty at the root).
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// A broken rule, worded as Terraform reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The diagnostic's summary (`Provider produced inconsistent result after apply`).
    pub summary: String,
    /// The diagnostic's detail, naming the resource, the path and the values.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n\n{}", self.summary, self.detail)
    }
}

const BUG: &str =
    "This is a bug in the provider, which should be reported in the provider's own issue tracker.";

fn err(errs: &mut Vec<PathError>, path: &str, message: impl Into<String>) {
    errs.push(PathError {
        path: path.to_owned(),
        message: message.into(),
    });
}

fn attr_path(path: &str, name: &str) -> String {
    format!("{path}.{name}")
}

fn key_path(path: &str, key: &str) -> String {
    format!("{path}[{key:?}]")
}

fn index_path(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// The path of a set element, as Terraform's `FormatCtyPath` prints an index step whose
/// key is the element: `["a"]` for a string, `[3]` for a number, `[...]` otherwise.
fn element_path(path: &str, element: &Value) -> String {
    match element.unwrap_dynamic() {
        Value::String(s) => key_path(path, s),
        Value::Number(n) => format!("{path}[{n}]"),
        Value::Null => format!("{path}[null]"),
        Value::Unknown => format!("{path}[(not yet known)]"),
        _ => format!("{path}[...]"),
    }
}

/// Prints an attribute path as Terraform's `tfdiags.FormatCtyPath` does: `.a.b[0]`,
/// `.m["k"]`.
pub fn format_path(path: &AttributePath) -> String {
    let mut out = String::new();
    for step in path.steps() {
        match step {
            PathStep::Attribute(name) => out = attr_path(&out, name),
            PathStep::ElementKeyString(k) => out = key_path(&out, k),
            PathStep::ElementKeyInt(i) => out = format!("{out}[{i}]"),
        }
    }
    out
}

/// A type in `cty`'s Go syntax (`cty.Set(cty.String)`).
pub fn go_type(ty: &Type) -> String {
    match ty {
        Type::String => "cty.String".into(),
        Type::Number => "cty.Number".into(),
        Type::Bool => "cty.Bool".into(),
        Type::Dynamic => "cty.DynamicPseudoType".into(),
        Type::List(t) => format!("cty.List({})", go_type(t)),
        Type::Set(t) => format!("cty.Set({})", go_type(t)),
        Type::Map(t) => format!("cty.Map({})", go_type(t)),
        Type::Tuple(ts) => format!(
            "cty.Tuple([]cty.Type{{{}}})",
            ts.iter().map(go_type).collect::<Vec<_>>().join(", ")
        ),
        Type::Object(attrs) if attrs.is_empty() => "cty.EmptyObject".into(),
        Type::Object(attrs) => format!(
            "cty.Object(map[string]cty.Type{{{}}})",
            attrs
                .iter()
                .map(|(k, t)| format!("{k:?}:{}", go_type(t)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A value of type `ty` in `cty`'s Go syntax (`%#v` of a `cty.Value`), as Terraform
/// prints values in these errors: `cty.StringVal("a")`,
/// `cty.SetVal([]cty.Value{cty.StringVal("a")})`, `cty.NullVal(cty.String)`.
pub fn go_value(value: &Value, ty: &Type) -> String {
    let elem = ty.element_type().cloned().unwrap_or(Type::Dynamic);
    match (value, ty) {
        (Value::Dynamic(t, v), _) => go_value(v, t),
        (Value::Null, _) => format!("cty.NullVal({})", go_type(ty)),
        (Value::Unknown, _) => format!("cty.UnknownVal({})", go_type(ty)),
        (Value::Bool(true), _) => "cty.True".into(),
        (Value::Bool(false), _) => "cty.False".into(),
        (Value::String(s), _) => format!("cty.StringVal({s:?})"),
        (Value::Number(n), _) => match n.as_i64() {
            Some(i) => format!("cty.NumberIntVal({i})"),
            None => format!("cty.MustParseNumberVal({:?})", n.to_string()),
        },
        (Value::List(v), _) if v.is_empty() => format!("cty.ListValEmpty({})", go_type(&elem)),
        (Value::List(v), _) => format!("cty.ListVal([]cty.Value{{{}}})", go_list(v, &elem)),
        (Value::Set(v), _) if v.is_empty() => format!("cty.SetValEmpty({})", go_type(&elem)),
        (Value::Set(v), _) => format!("cty.SetVal([]cty.Value{{{}}})", go_list(v, &elem)),
        (Value::Tuple(v), _) if v.is_empty() => "cty.EmptyTupleVal".into(),
        (Value::Tuple(v), Type::Tuple(ts)) => format!(
            "cty.TupleVal([]cty.Value{{{}}})",
            v.iter()
                .zip(ts)
                .map(|(v, t)| go_value(v, t))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (Value::Tuple(v), _) => format!(
            "cty.TupleVal([]cty.Value{{{}}})",
            go_list(v, &Type::Dynamic)
        ),
        (Value::Map(m), _) if m.is_empty() => format!("cty.MapValEmpty({})", go_type(&elem)),
        (Value::Map(m), _) => format!(
            "cty.MapVal(map[string]cty.Value{{{}}})",
            m.iter()
                .map(|(k, v)| format!("{k:?}:{}", go_value(v, &elem)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (Value::Object(m), _) if m.is_empty() => "cty.EmptyObjectVal".into(),
        (Value::Object(m), _) => {
            let attrs = ty.attribute_types();
            format!(
                "cty.ObjectVal(map[string]cty.Value{{{}}})",
                m.iter()
                    .map(|(k, v)| {
                        let t = attrs.and_then(|a| a.get(k)).unwrap_or(&Type::Dynamic);
                        format!("{k:?}:{}", go_value(v, t))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }
}

fn go_list(values: &[Value], elem: &Type) -> String {
    values
        .iter()
        .map(|v| go_value(v, elem))
        .collect::<Vec<_>>()
        .join(", ")
}

fn go_count(n: usize) -> String {
    format!("cty.NumberIntVal({n})")
}

// ----- AssertPlanValid -----

/// Terraform's `objchange.AssertPlanValid`: whether `planned`, a provider's planned new
/// state, is a valid plan to go from `prior` to `config` under `block`.
pub fn assert_plan_valid(
    block: &Block,
    prior: &Value,
    config: &Value,
    planned: &Value,
) -> Vec<PathError> {
    let mut errs = Vec::new();
    plan_block(block, prior, config, planned, "", &mut errs);
    errs
}

fn plan_block(
    block: &Block,
    prior: &Value,
    config: &Value,
    planned: &Value,
    path: &str,
    errs: &mut Vec<PathError>,
) {
    if planned.is_null() && !config.is_null() {
        return err(errs, path, "planned for absence but config wants existence");
    }
    if config.is_null() && !planned.is_null() {
        return err(errs, path, "planned for existence but config wants absence");
    }
    if planned.is_null() {
        return;
    }
    for a in &block.attributes {
        plan_value(
            a,
            prior.attr(&a.name),
            config.attr(&a.name),
            planned.attr(&a.name),
            &attr_path(path, &a.name),
            errs,
        );
    }
    for b in &block.blocks {
        let path = attr_path(path, &b.type_name);
        let planned_v = planned.attr(&b.type_name);
        let mut config_v = config.attr(&b.type_name).clone();
        let prior_v = prior.attr(&b.type_name);
        if b.nesting != BlockNesting::Single && planned_v.is_null() {
            let mode = match b.nesting {
                BlockNesting::List => "list",
                BlockNesting::Map => "map",
                BlockNesting::Set => "set",
                _ => "group",
            };
            err(
                errs,
                &path,
                format!(
                    "attribute representing a {mode} of nested blocks must be empty to indicate no blocks, not null"
                ),
            );
            continue;
        }
        if *planned_v == config_v {
            continue;
        }
        if config_v.is_unknown() {
            err(
                errs,
                &path,
                format!(
                    "planned value {} for unknown dynamic block",
                    go_value(planned_v, &b.value_type())
                ),
            );
            continue;
        }
        if planned_v.is_unknown() {
            err(errs, &path, "planned unknown value for non-computed block");
            continue;
        }
        match b.nesting {
            BlockNesting::Single | BlockNesting::Group => {
                plan_block(&b.block, prior_v, &config_v, planned_v, &path, errs);
            }
            BlockNesting::List | BlockNesting::Map => {
                if config_v.is_null() {
                    config_v = if b.nesting == BlockNesting::List {
                        Value::List(Vec::new())
                    } else {
                        Value::Map(BTreeMap::new())
                    };
                }
                if b.nesting == BlockNesting::List {
                    let planned_l = planned_v.elements().unwrap_or_default();
                    let config_l = config_v.elements().unwrap_or_default();
                    if planned_l.len() != config_l.len() {
                        err(
                            errs,
                            &path,
                            format!(
                                "block count in plan ({}) disagrees with count in config ({})",
                                planned_l.len(),
                                config_l.len()
                            ),
                        );
                        continue;
                    }
                    let prior_l = prior_v.elements().unwrap_or_default();
                    for (i, (p, c)) in planned_l.iter().zip(config_l).enumerate() {
                        let path = index_path(&path, i);
                        if p.is_unknown() {
                            err(errs, &path, UNKNOWN_BLOCK);
                            continue;
                        }
                        let prior_e = prior_l.get(i).unwrap_or(&Value::Null);
                        plan_block(&b.block, prior_e, c, p, &path, errs);
                    }
                } else {
                    let empty = BTreeMap::new();
                    let planned_m = planned_v.entries().unwrap_or(&empty);
                    let config_m = config_v.entries().unwrap_or(&empty);
                    let prior_m = prior_v.entries().unwrap_or(&empty);
                    if planned_m.len() != config_m.len() {
                        err(
                            errs,
                            &path,
                            format!(
                                "block count in plan ({}) disagrees with count in config ({})",
                                planned_m.len(),
                                config_m.len()
                            ),
                        );
                        continue;
                    }
                    for (k, p) in planned_m {
                        let here = key_path(&path, k);
                        if p.is_unknown() {
                            err(errs, &here, UNKNOWN_BLOCK);
                            continue;
                        }
                        let Some(c) = config_m.get(k) else {
                            err(
                                errs,
                                &path,
                                format!("block key {k:?} from plan is not present in config"),
                            );
                            continue;
                        };
                        let prior_e = prior_m.get(k).unwrap_or(&Value::Null);
                        plan_block(&b.block, prior_e, c, p, &here, errs);
                    }
                    for k in config_m.keys() {
                        if !planned_m.contains_key(k) {
                            err(
                                errs,
                                &path,
                                format!("block key {k:?} from config is not present in plan"),
                            );
                        }
                    }
                }
            }
            BlockNesting::Set => {
                for p in planned_v.elements().unwrap_or_default() {
                    if p.is_unknown() {
                        err(errs, &element_path(&path, p), UNKNOWN_BLOCK);
                    }
                }
            }
        }
    }
}

const UNKNOWN_BLOCK: &str = "element representing nested block must not be unknown itself; set nested attribute values to unknown instead";

fn plan_value(
    a: &crate::schema::Attribute,
    prior: &Value,
    config: &Value,
    planned: &Value,
    path: &str,
    errs: &mut Vec<PathError>,
) {
    if planned == config {
        return;
    }
    if planned == prior && !prior.is_null() && !config.is_null() {
        return;
    }
    if a.write_only {
        if !planned.is_null() {
            err(
                errs,
                path,
                "planned value for write-only attribute is not null",
            );
        }
        return;
    }
    if a.computed && !a.optional {
        return;
    }
    if config.is_null() && a.computed {
        return;
    }
    let sensitive = contains_sensitive(a);
    if config.is_null() && !planned.is_null() {
        return if sensitive {
            err(
                errs,
                path,
                "sensitive planned value for a non-computed attribute",
            )
        } else {
            err(
                errs,
                path,
                format!(
                    "planned value {} for a non-computed attribute",
                    go_value(planned, &a.ty)
                ),
            )
        };
    }
    if let Some(nested) = &a.nested {
        return plan_object(nested, prior, config, planned, path, errs);
    }
    let message = match (prior.is_null(), sensitive) {
        (true, true) => "sensitive planned value does not match config value".to_owned(),
        (true, false) => format!(
            "planned value {} does not match config value {}",
            go_value(planned, &a.ty),
            go_value(config, &a.ty)
        ),
        (false, true) => {
            "sensitive planned value does not match config value nor prior value".to_owned()
        }
        (false, false) => format!(
            "planned value {} does not match config value {} nor prior value {}",
            go_value(planned, &a.ty),
            go_value(config, &a.ty),
            go_value(prior, &a.ty)
        ),
    };
    err(errs, path, message);
}

fn plan_attrs(
    attrs: &[crate::schema::Attribute],
    prior: &Value,
    config: &Value,
    planned: &Value,
    path: &str,
    errs: &mut Vec<PathError>,
) {
    for a in attrs {
        plan_value(
            a,
            prior.attr(&a.name),
            config.attr(&a.name),
            planned.attr(&a.name),
            &attr_path(path, &a.name),
            errs,
        );
    }
}

fn plan_object(
    nested: &NestedAttributes,
    prior: &Value,
    config: &Value,
    planned: &Value,
    path: &str,
    errs: &mut Vec<PathError>,
) {
    if planned.is_null() && !config.is_null() {
        return err(errs, path, "planned for absence but config wants existence");
    }
    if config.is_null() && !planned.is_null() {
        return err(errs, path, "planned for existence but config wants absence");
    }
    if !config.is_null() && planned.is_unknown() {
        return err(errs, path, "planned unknown for configured value");
    }
    if planned.is_null() {
        return;
    }
    match nested.nesting {
        AttributeNesting::Single => {
            plan_attrs(&nested.attributes, prior, config, planned, path, errs);
        }
        AttributeNesting::List => {
            if config.is_unknown() {
                return;
            }
            let planned_l = planned.elements().unwrap_or_default();
            let config_l = config.elements().unwrap_or_default();
            if planned_l.len() != config_l.len() {
                return err(
                    errs,
                    path,
                    format!(
                        "count in plan ({}) disagrees with count in config ({})",
                        go_count(planned_l.len()),
                        go_count(config_l.len())
                    ),
                );
            }
            let prior_l = prior.elements().unwrap_or_default();
            for (i, (p, c)) in planned_l.iter().zip(config_l).enumerate() {
                let prior_e = prior_l.get(i).unwrap_or(&Value::Null);
                plan_attrs(
                    &nested.attributes,
                    prior_e,
                    c,
                    p,
                    &index_path(path, i),
                    errs,
                );
            }
        }
        AttributeNesting::Map => {
            if config.is_unknown() {
                return;
            }
            let empty = BTreeMap::new();
            let planned_m = planned.entries().unwrap_or(&empty);
            let config_m = config.entries().unwrap_or(&empty);
            let prior_m = prior.entries().unwrap_or(&empty);
            if planned_m.len() != config_m.len() {
                return err(
                    errs,
                    path,
                    format!(
                        "count in plan ({}) disagrees with count in config ({})",
                        go_count(planned_m.len()),
                        go_count(config_m.len())
                    ),
                );
            }
            for (k, p) in planned_m {
                let Some(c) = config_m.get(k) else {
                    err(
                        errs,
                        path,
                        format!("map key {k:?} from plan is not present in config"),
                    );
                    continue;
                };
                let prior_e = prior_m.get(k).unwrap_or(&Value::Null);
                // Terraform steps into a map element with a GetAttr step here.
                plan_attrs(&nested.attributes, prior_e, c, p, &attr_path(path, k), errs);
            }
            for k in config_m.keys() {
                if !planned_m.contains_key(k) {
                    err(
                        errs,
                        path,
                        format!("map key {k:?} from config is not present in plan"),
                    );
                }
            }
        }
        AttributeNesting::Set => {
            let planned_l = planned.elements().unwrap_or_default();
            let config_l = config.elements().unwrap_or_default();
            let planned_len_known = planned_l.iter().all(Value::is_wholly_known);
            let config_len_known = config.is_known() && config_l.iter().all(Value::is_wholly_known);
            if planned_len_known && config_len_known && planned_l.len() != config_l.len() {
                err(
                    errs,
                    path,
                    format!(
                        "count in plan ({}) disagrees with count in config ({})",
                        go_count(planned_l.len()),
                        go_count(config_l.len())
                    ),
                );
            }
        }
    }
}

fn contains_sensitive(a: &crate::schema::Attribute) -> bool {
    a.sensitive
        || a.nested
            .as_ref()
            .is_some_and(|n| n.attributes.iter().any(contains_sensitive))
}

// ----- AssertObjectCompatible -----

/// Terraform's `objchange.AssertObjectCompatible`: whether `actual` is a valid
/// completion of the possibly partly unknown `planned` value under `block` (every known
/// value equal, null stays null, unknowns become any value of their type).
pub fn assert_object_compatible(block: &Block, planned: &Value, actual: &Value) -> Vec<PathError> {
    let mut errs = Vec::new();
    object_compatible(block, planned, actual, "", &mut errs);
    errs
}

fn object_compatible(
    block: &Block,
    planned: &Value,
    actual: &Value,
    path: &str,
    errs: &mut Vec<PathError>,
) {
    let at_root = if path.is_empty() { "Root object " } else { "" };
    if planned.is_null() && !actual.is_null() {
        return err(errs, path, format!("{at_root}was absent, but now present"));
    }
    if actual.is_null() && !planned.is_null() {
        return err(errs, path, format!("{at_root}was present, but now absent"));
    }
    if planned.is_null() {
        return;
    }
    for a in &block.attributes {
        let here = attr_path(path, &a.name);
        let mut more = Vec::new();
        value_compatible(
            planned.attr(&a.name),
            actual.attr(&a.name),
            &a.ty,
            &here,
            &mut more,
        );
        if contains_sensitive(a) {
            if !more.is_empty() {
                err(errs, &here, "inconsistent values for sensitive attribute");
            }
        } else {
            errs.extend(more);
        }
    }
    for b in &block.blocks {
        let planned_v = planned.attr(&b.type_name);
        let actual_v = actual.attr(&b.type_name);
        let path = attr_path(path, &b.type_name);
        match b.nesting {
            BlockNesting::Single | BlockNesting::Group => {
                if planned_v.is_unknown() && actual_v.is_null() {
                    continue;
                }
                object_compatible(&b.block, planned_v, actual_v, &path, errs);
            }
            BlockNesting::List => {
                if planned_v.is_unknown()
                    || actual_v.is_unknown()
                    || planned_v.is_null()
                    || actual_v.is_null()
                {
                    continue;
                }
                let p = planned_v.elements().unwrap_or_default();
                let a = actual_v.elements().unwrap_or_default();
                if p.len() != a.len() {
                    err(
                        errs,
                        &path,
                        format!("block count changed from {} to {}", p.len(), a.len()),
                    );
                    continue;
                }
                for (i, (pe, ae)) in p.iter().zip(a).enumerate() {
                    object_compatible(&b.block, pe, ae, &index_path(&path, i), errs);
                }
            }
            BlockNesting::Map => {
                if planned_v.is_unknown() || planned_v.is_null() || actual_v.is_null() {
                    continue;
                }
                let empty = BTreeMap::new();
                let p = planned_v.entries().unwrap_or(&empty);
                let a = actual_v.entries().unwrap_or(&empty);
                if p.len() != a.len() {
                    err(
                        errs,
                        &path,
                        format!("block count changed from {} to {}", p.len(), a.len()),
                    );
                    continue;
                }
                for (k, pe) in p {
                    if let Some(ae) = a.get(k) {
                        object_compatible(&b.block, pe, ae, &key_path(&path, k), errs);
                    }
                }
            }
            BlockNesting::Set => {
                if planned_v.is_unknown()
                    || actual_v.is_unknown()
                    || planned_v.is_null()
                    || actual_v.is_null()
                {
                    continue;
                }
                let p = planned_v.elements().unwrap_or_default();
                let a = actual_v.elements().unwrap_or_default();
                let ty = b.block.value_type();
                errs.extend(sets_compatible(p, a, &ty, &path, |pe, ae| {
                    let mut e = Vec::new();
                    object_compatible(&b.block, pe, ae, &path, &mut e);
                    e.is_empty()
                }));
                if p.len() < a.len() {
                    err(
                        errs,
                        &path,
                        format!("block set length changed from {} to {}", p.len(), a.len()),
                    );
                }
            }
        }
    }
}

/// Terraform's `assertValueCompatible` for one value of type `ty`.
fn value_compatible(
    planned: &Value,
    actual: &Value,
    ty: &Type,
    path: &str,
    errs: &mut Vec<PathError>,
) {
    let (planned, actual, ty) = match (planned, actual, ty) {
        (Value::Dynamic(pt, pv), Value::Dynamic(at, av), Type::Dynamic) => {
            if pt != at {
                return err(
                    errs,
                    path,
                    format!("wrong final value type: {at} required, but have {pt}"),
                );
            }
            (pv.as_ref(), av.as_ref(), pt)
        }
        (_, _, Type::Dynamic) => return,
        _ => (planned, actual, ty),
    };
    if !actual.conforms_to(ty) {
        return err(errs, path, format!("wrong final value type: {ty} required"));
    }
    if planned.is_unknown() {
        return;
    }
    if actual.is_null() {
        if !planned.is_null() {
            err(
                errs,
                path,
                format!("was {}, but now null", go_value(planned, ty)),
            );
        }
        return;
    }
    if planned.is_null() {
        return err(
            errs,
            path,
            format!("was null, but now {}", go_value(actual, ty)),
        );
    }
    if actual.is_unknown() {
        return err(errs, path, "was known, but now unknown");
    }
    match ty {
        Type::String | Type::Number | Type::Bool => {
            if planned != actual {
                err(
                    errs,
                    path,
                    format!(
                        "was {}, but now {}",
                        go_value(planned, ty),
                        go_value(actual, ty)
                    ),
                );
            }
        }
        Type::List(_) | Type::Tuple(_) => {
            let p = planned.elements().unwrap_or_default();
            let a = actual.elements().unwrap_or_default();
            for (i, pe) in p.iter().enumerate() {
                let et = element_type_at(ty, i);
                match a.get(i) {
                    Some(ae) => value_compatible(pe, ae, &et, &index_path(path, i), errs),
                    None => err(errs, path, format!("element {i} has vanished")),
                }
            }
            for i in p.len()..a.len() {
                err(errs, path, format!("new element {i} has appeared"));
            }
        }
        Type::Map(et) => {
            let empty = BTreeMap::new();
            let p = planned.entries().unwrap_or(&empty);
            let a = actual.entries().unwrap_or(&empty);
            for (k, pe) in p {
                match a.get(k) {
                    Some(ae) => value_compatible(pe, ae, et, &key_path(path, k), errs),
                    None => err(errs, path, format!("element {k:?} has vanished")),
                }
            }
            for k in a.keys() {
                if !p.contains_key(k) {
                    err(errs, path, format!("new element {k:?} has appeared"));
                }
            }
        }
        Type::Object(attrs) => {
            for (name, at) in attrs {
                value_compatible(
                    planned.attr(name),
                    actual.attr(name),
                    at,
                    &attr_path(path, name),
                    errs,
                );
            }
        }
        Type::Set(et) => {
            let p = planned.elements().unwrap_or_default();
            let a = actual.elements().unwrap_or_default();
            errs.extend(sets_compatible(p, a, ty, path, |pe, ae| {
                let mut e = Vec::new();
                value_compatible(pe, ae, et, path, &mut e);
                e.is_empty()
            }));
            if p.len() < a.len() {
                err(
                    errs,
                    path,
                    format!("length changed from {} to {}", p.len(), a.len()),
                );
            }
        }
        Type::Dynamic => {}
    }
}

fn element_type_at(ty: &Type, i: usize) -> Type {
    match ty {
        Type::Tuple(ts) => ts.get(i).cloned().unwrap_or(Type::Dynamic),
        other => other.element_type().cloned().unwrap_or(Type::Dynamic),
    }
}

/// Terraform's `assertSetValuesCompatible`: every planned element correlates with an
/// actual one and the reverse. `set_ty` is the set's type (for printing elements).
fn sets_compatible(
    planned: &[Value],
    actual: &[Value],
    set_ty: &Type,
    path: &str,
    f: impl Fn(&Value, &Value) -> bool,
) -> Vec<PathError> {
    let elem = set_ty
        .element_type()
        .cloned()
        .unwrap_or_else(|| set_ty.clone());
    let mut p_eq = vec![false; planned.len()];
    let mut a_eq = vec![false; actual.len()];
    for (pi, pv) in planned.iter().enumerate() {
        for (ai, av) in actual.iter().enumerate() {
            if p_eq[pi] && a_eq[ai] {
                continue;
            }
            if f(pv, av) {
                p_eq[pi] = true;
                a_eq[ai] = true;
            }
        }
    }
    let mut errs = Vec::new();
    for (i, eq) in p_eq.iter().enumerate() {
        if !eq {
            err(
                &mut errs,
                path,
                format!(
                    "planned set element {} does not correlate with any element in actual",
                    go_value(&planned[i], &elem)
                ),
            );
        }
    }
    if !errs.is_empty() {
        return errs;
    }
    for (i, eq) in a_eq.iter().enumerate() {
        if !eq {
            err(
                &mut errs,
                path,
                format!(
                    "actual set element {} does not correlate with any element in plan",
                    go_value(&actual[i], &elem)
                ),
            );
        }
    }
    errs
}

// ----- helpers over values and schemas -----

/// The paths (Terraform's format) of every unknown value in `value`.
pub fn unknown_paths(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    value.walk(|path, v| {
        if matches!(v, Value::Unknown) {
            out.push(format_path(path));
        }
    });
    out
}

/// The paths (Terraform's format) of every write-only attribute of `block` that is not
/// null in `value`.
pub fn non_null_write_only_paths(block: &Block, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    write_only_in_block(block, value, "", &mut out);
    out
}

fn write_only_in_block(block: &Block, value: &Value, path: &str, out: &mut Vec<String>) {
    if value.is_null() || value.is_unknown() {
        return;
    }
    for a in &block.attributes {
        write_only_in_attr(a, value.attr(&a.name), &attr_path(path, &a.name), out);
    }
    for b in &block.blocks {
        let v = value.attr(&b.type_name);
        let here = attr_path(path, &b.type_name);
        match b.nesting {
            BlockNesting::Single | BlockNesting::Group => {
                write_only_in_block(&b.block, v, &here, out)
            }
            BlockNesting::List | BlockNesting::Set => {
                for (i, e) in v.elements().unwrap_or_default().iter().enumerate() {
                    write_only_in_block(&b.block, e, &index_path(&here, i), out);
                }
            }
            BlockNesting::Map => {
                for (k, e) in v.entries().into_iter().flatten() {
                    write_only_in_block(&b.block, e, &key_path(&here, k), out);
                }
            }
        }
    }
}

fn write_only_in_attr(a: &crate::schema::Attribute, v: &Value, path: &str, out: &mut Vec<String>) {
    if a.write_only {
        if !v.is_null() {
            out.push(path.to_owned());
        }
        return;
    }
    let Some(nested) = &a.nested else { return };
    let mut objects: Vec<(String, &Value)> = Vec::new();
    match nested.nesting {
        AttributeNesting::Single => objects.push((path.to_owned(), v)),
        AttributeNesting::List | AttributeNesting::Set => {
            for (i, e) in v.elements().unwrap_or_default().iter().enumerate() {
                objects.push((index_path(path, i), e));
            }
        }
        AttributeNesting::Map => {
            for (k, e) in v.entries().into_iter().flatten() {
                objects.push((key_path(path, k), e));
            }
        }
    }
    for (here, o) in objects {
        if o.is_null() || o.is_unknown() {
            continue;
        }
        for inner in &nested.attributes {
            write_only_in_attr(
                inner,
                o.attr(&inner.name),
                &attr_path(&here, &inner.name),
                out,
            );
        }
    }
}

/// The secrets a configuration carries: every string (at least 6 characters long, so
/// that a short word cannot match ordinary text by chance) held by a sensitive or
/// write-only attribute of `block`, however deep.
pub fn secrets_of(block: &Block, config: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    secrets_in_block(block, config, &mut out);
    out
}

fn secrets_in_block(block: &Block, value: &Value, out: &mut BTreeSet<String>) {
    if value.is_null() || value.is_unknown() {
        return;
    }
    for a in &block.attributes {
        secrets_in_attr(a, value.attr(&a.name), out);
    }
    for b in &block.blocks {
        let v = value.attr(&b.type_name);
        match b.nesting {
            BlockNesting::Single | BlockNesting::Group => secrets_in_block(&b.block, v, out),
            BlockNesting::List | BlockNesting::Set => {
                for e in v.elements().unwrap_or_default() {
                    secrets_in_block(&b.block, e, out);
                }
            }
            BlockNesting::Map => {
                for e in v.entries().into_iter().flatten().map(|(_, e)| e) {
                    secrets_in_block(&b.block, e, out);
                }
            }
        }
    }
}

fn secrets_in_attr(a: &crate::schema::Attribute, v: &Value, out: &mut BTreeSet<String>) {
    if a.sensitive || a.write_only {
        v.walk(|_, leaf| {
            if let Some(s) = leaf.as_str()
                && s.chars().count() >= 6
            {
                out.insert(s.to_owned());
            }
        });
        return;
    }
    let Some(nested) = &a.nested else { return };
    let objects: Vec<&Value> = match nested.nesting {
        AttributeNesting::Single => vec![v],
        AttributeNesting::List | AttributeNesting::Set => {
            v.elements().unwrap_or_default().iter().collect()
        }
        AttributeNesting::Map => v.entries().into_iter().flatten().map(|(_, e)| e).collect(),
    };
    for o in objects {
        for inner in &nested.attributes {
            secrets_in_attr(inner, o.attr(&inner.name), out);
        }
    }
}

/// The attribute of `block` a path leads to (through nested attributes and blocks,
/// skipping element keys), with whether it or an attribute above it declares
/// `requires_replace`. `None` when the path names nothing in the schema.
fn replaces_at(block: &Block, path: &AttributePath) -> Option<bool> {
    let mut block = block;
    let mut attrs: Option<&[crate::schema::Attribute]> = None;
    let mut replace = false;
    let mut found = false;
    for step in path.steps() {
        let PathStep::Attribute(name) = step else {
            continue;
        };
        if let Some(list) = attrs {
            let a = list.iter().find(|a| &a.name == name)?;
            replace |= a.requires_replace;
            found = true;
            attrs = a.nested.as_ref().map(|n| n.attributes.as_slice());
            continue;
        }
        if let Some(a) = block.attributes.iter().find(|a| &a.name == name) {
            replace |= a.requires_replace;
            found = true;
            attrs = Some(
                a.nested
                    .as_ref()
                    .map(|n| n.attributes.as_slice())
                    .unwrap_or(&[]),
            );
        } else {
            let b = block.blocks.iter().find(|b| &b.type_name == name)?;
            block = &b.block;
            found = true;
        }
    }
    found.then_some(replace)
}

/// The action Terraform derives from a prior state and a plan (replacement aside).
fn action(prior: &Value, planned: &Value) -> &'static str {
    match (prior.is_null(), planned.is_null()) {
        (true, true) => "NoOp",
        (true, false) => "Create",
        (false, true) => "Delete",
        (false, false) if prior == planned => "NoOp",
        (false, false) => "Update",
    }
}

/// Terraform's `tfdiags.FormatErrorPrefixed`: `addr.path: message`, or `addr: message`
/// at the root.
fn prefixed(addr: &str, e: &PathError) -> String {
    if e.path.is_empty() {
        format!("{addr}: {}", e.message)
    } else {
        format!("{addr}{}: {}", e.path, e.message)
    }
}

// ----- the checks, per RPC, with Terraform's diagnostics -----

/// Terraform's checks of a provider, for one provider: resource schemas by type name,
/// and how Terraform names the provider and a resource instance in its messages.
#[derive(Clone, Debug)]
pub struct Checker {
    provider: String,
    resources: BTreeMap<String, Schema>,
}

impl Checker {
    /// Checks for `provider` (its source address, `registry.terraform.io/ns/name`).
    pub fn new(provider_address: impl Into<String>, provider: &dyn crate::Provider) -> Checker {
        Checker {
            provider: provider_address.into(),
            resources: provider
                .resources()
                .iter()
                .map(|r| (r.type_name().to_owned(), r.schema()))
                .collect(),
        }
    }

    /// The schema of resource type `type_name`.
    pub fn schema(&self, type_name: &str) -> Option<&Schema> {
        self.resources.get(type_name)
    }

    /// Every resource type's schema, by type name.
    pub fn schemas(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.resources.iter().map(|(k, v)| (k.as_str(), v))
    }

    fn block(&self, type_name: &str) -> Block {
        self.resources
            .get(type_name)
            .map(|s| s.block.clone())
            .unwrap_or_default()
    }

    fn address(type_name: &str) -> String {
        format!("{type_name}.test")
    }

    fn provider_string(&self) -> String {
        format!("provider[{:?}]", self.provider)
    }

    /// `PlanResourceChange` (Terraform's checks after the call, when it returned no
    /// error): type, write-only attributes null, `AssertPlanValid`, and `requires_replace`
    /// only where the schema declares it.
    pub fn plan(
        &self,
        type_name: &str,
        prior: &Value,
        config: &Value,
        planned: &Value,
        requires_replace: &[AttributePath],
    ) -> Vec<Violation> {
        let schema_block = self.block(type_name);
        let addr = Self::address(type_name);
        let invalid = |detail: String| Violation {
            summary: "Provider produced invalid plan".into(),
            detail,
        };
        let mut out = Vec::new();
        if !planned.conforms_to(&schema_block.value_type()) {
            out.push(invalid(format!(
                "Provider {:?} planned an invalid value for {addr}: planned value does not conform to the schema's type.\n\n{BUG}",
                self.provider
            )));
            return out;
        }
        for path in non_null_write_only_paths(&schema_block, planned) {
            out.push(invalid(format!(
                "Provider {:?} returned a value for the write-only attribute \"{addr}{path}\" during planning. Write-only attributes cannot be read back from the provider. {BUG}",
                self.provider
            )));
        }
        for e in assert_plan_valid(&schema_block, prior, config, planned) {
            out.push(invalid(format!(
                "Provider {:?} planned an invalid value for {}.\n\n{BUG}",
                self.provider,
                prefixed(&addr, &e)
            )));
        }
        if !prior.is_null() {
            for path in requires_replace {
                match replaces_at(&schema_block, path) {
                    None => out.push(invalid(format!(
                        "Provider {:?} has indicated \"requires replacement\" on {addr} for a non-existent attribute path {}.\n\n{BUG}",
                        self.provider,
                        format_path(path)
                    ))),
                    Some(false) => out.push(invalid(format!(
                        "Provider {:?} has indicated \"requires replacement\" on {addr} for the attribute {}, which the schema does not declare as forcing replacement.",
                        self.provider,
                        format_path(path)
                    ))),
                    Some(true) => {}
                }
            }
        }
        out
    }

    /// The apply-time re-plan against the plan-time plan, both from `prior`: the action
    /// stays (but an update may become a no-op) and `AssertObjectCompatible` holds
    /// ("Provider produced inconsistent final plan").
    pub fn final_plan(
        &self,
        type_name: &str,
        prior: &Value,
        planned_at_plan: &Value,
        planned_at_apply: &Value,
    ) -> Vec<Violation> {
        let addr = Self::address(type_name);
        let summary = "Provider produced inconsistent final plan";
        let (before, after) = (
            action(prior, planned_at_plan),
            action(prior, planned_at_apply),
        );
        if before != after && !(before == "Update" && after == "NoOp") {
            return vec![Violation {
                summary: summary.into(),
                detail: format!(
                    "When expanding the plan for {addr} to include new values learned so far during apply, provider {:?} changed the planned action from {before} to {after}.\n\n{BUG}",
                    self.provider
                ),
            }];
        }
        assert_object_compatible(&self.block(type_name), planned_at_plan, planned_at_apply)
            .into_iter()
            .map(|e| Violation {
                summary: summary.into(),
                detail: format!(
                    "When expanding the plan for {addr} to include new values learned so far during apply, provider {:?} produced an invalid new value for {e}.\n\n{BUG}",
                    self.provider_string()
                ),
            })
            .collect()
    }

    /// `ApplyResourceChange`: the new state conforms, holds no unknown and no write-only
    /// value, and (when the apply reported no error) is a completion of `planned`.
    pub fn apply(
        &self,
        type_name: &str,
        planned: &Value,
        new_state: &Value,
        had_errors: bool,
    ) -> Vec<Violation> {
        let block = self.block(type_name);
        let addr = Self::address(type_name);
        let mut out = Vec::new();
        if !new_state.conforms_to(&block.value_type()) {
            out.push(Violation {
                summary: "Provider produced invalid object".into(),
                detail: format!(
                    "Provider {:?} produced an invalid value after apply for {addr}. The result cannot not be saved in the Terraform state.\n\n{BUG}",
                    self.provider_string()
                ),
            });
            return out;
        }
        for path in unknown_paths(new_state) {
            out.push(Violation {
                summary: "Provider returned invalid result object after apply".into(),
                detail: format!(
                    "After the apply operation, the provider still indicated an unknown value for {addr}{path}. All values must be known after apply, so this is always a bug in the provider and should be reported in the provider's own repository. Terraform will still save the other known object values in the state."
                ),
            });
        }
        for path in non_null_write_only_paths(&block, new_state) {
            out.push(Violation {
                summary: "Provider produced invalid object".into(),
                detail: format!(
                    "Provider {:?} returned a value for the write-only attribute \"{addr}{path}\" after apply. Write-only attributes cannot be read back from the provider. {BUG}",
                    self.provider_string()
                ),
            });
        }
        if !had_errors {
            for e in assert_object_compatible(&block, planned, new_state) {
                out.push(Violation {
                    summary: "Provider produced inconsistent result after apply".into(),
                    detail: format!(
                        "When applying changes to {addr}, provider {:?} produced an unexpected new value: {e}.\n\n{BUG}",
                        self.provider_string()
                    ),
                });
            }
        }
        out
    }

    /// A state the provider returned outside apply (`during` is `refresh`, `import`,
    /// `upgrade` or `move`): conforms, wholly known, write-only attributes null.
    pub fn state(&self, type_name: &str, state: &Value, during: &str) -> Vec<Violation> {
        let block = self.block(type_name);
        let addr = Self::address(type_name);
        let invalid = |detail: String| Violation {
            summary: "Provider produced invalid object".into(),
            detail,
        };
        let mut out = Vec::new();
        if !state.conforms_to(&block.value_type()) {
            out.push(invalid(format!(
                "Provider {:?} planned an invalid value for {addr} during {during}: the value does not conform to the schema's type.\n\n{BUG}",
                self.provider_string()
            )));
            return out;
        }
        for path in unknown_paths(state) {
            out.push(invalid(format!(
                "Provider {:?} returned an unknown value for {addr}{path} during {during}. A state must be wholly known.\n\n{BUG}",
                self.provider_string()
            )));
        }
        for path in non_null_write_only_paths(&block, state) {
            out.push(invalid(format!(
                "Provider {:?} returned a value for the write-only attribute \"{addr}{path}\" during {during}. Write-only attributes cannot be read back from the provider. {BUG}",
                self.provider_string()
            )));
        }
        out
    }

    /// `ImportResourceState` (when it returned no error): exactly one resource, not
    /// null, each a valid state.
    pub fn import(&self, type_name: &str, id: &str, states: &[Value]) -> Vec<Violation> {
        let mut out = Vec::new();
        match states {
            [] => out.push(Violation {
                summary: "Import returned no resources".into(),
                detail: format!(
                    "While attempting to import with ID {id}, the provider returned no instance states."
                ),
            }),
            [state] if state.is_null() => out.push(Violation {
                summary: "Import returned null resource".into(),
                detail: format!(
                    "While attempting to import with ID {id}, the provider returned an instance with no state."
                ),
            }),
            [_] => {}
            _ => out.push(Violation {
                summary: "Multiple import states not supported".into(),
                detail: format!(
                    "While attempting to import with ID {id}, the provider returned multiple resource instance states. This is not currently supported."
                ),
            }),
        }
        for state in states {
            out.extend(self.state(type_name, state, "import"));
        }
        out
    }
}

/// Diagnostics (summary, detail) that contain one of `secrets`: one violation per
/// diagnostic, naming the RPC and where the secret was, never the secret.
pub fn echoed_secrets<'a>(
    rpc: &str,
    diagnostics: impl IntoIterator<Item = (&'a str, &'a str)>,
    secrets: &BTreeSet<String>,
) -> Vec<Violation> {
    let mut out = Vec::new();
    for (summary, detail) in diagnostics {
        let in_summary = secrets.iter().any(|s| summary.contains(s.as_str()));
        let in_detail = secrets.iter().any(|s| detail.contains(s.as_str()));
        if in_summary || in_detail {
            let shown = if in_summary {
                "(withheld)".to_owned()
            } else {
                format!("{summary:?}")
            };
            out.push(Violation {
                summary: "Provider echoed a secret in a diagnostic".into(),
                detail: format!(
                    "A diagnostic of {rpc} (summary {shown}) holds, in its {}, the value of a sensitive or write-only attribute of the configuration. Sensitive values must never be echoed.",
                    match (in_summary, in_detail) {
                        (true, true) => "summary and detail",
                        (true, false) => "summary",
                        _ => "detail",
                    }
                ),
            });
        }
    }
    out
}

/// The error diagnostics' (summary, detail) pairs of a wire response.
pub fn wire_diagnostics(diags: &[pb::Diagnostic]) -> impl Iterator<Item = (&str, &str)> {
    diags
        .iter()
        .map(|d| (d.summary.as_str(), d.detail.as_str()))
}

/// Whether the wire schema `wire` (what `GetProviderSchema` sent for `what`) marks
/// sensitive every attribute `schema` marks sensitive, at every depth.
pub fn wire_keeps_sensitive(what: &str, schema: &Schema, wire: &pb::Schema) -> Vec<Violation> {
    let mut missing = Vec::new();
    let empty = pb::schema::Block::default();
    sensitive_in_block(
        &schema.block,
        wire.block.as_ref().unwrap_or(&empty),
        "",
        &mut missing,
    );
    missing
        .into_iter()
        .map(|path| Violation {
            summary: "Provider schema drops a sensitive mark".into(),
            detail: format!(
                "The schema of {what} marks {path} sensitive, but GetProviderSchema does not: Terraform would show its value in plans and outputs."
            ),
        })
        .collect()
}

fn sensitive_in_block(block: &Block, wire: &pb::schema::Block, path: &str, out: &mut Vec<String>) {
    for a in &block.attributes {
        let here = attr_path(path, &a.name);
        let w = wire.attributes.iter().find(|w| w.name == a.name);
        sensitive_in_attr(a, w, &here, out);
    }
    for b in &block.blocks {
        let here = attr_path(path, &b.type_name);
        let w = wire
            .block_types
            .iter()
            .find(|w| w.type_name == b.type_name)
            .and_then(|w| w.block.clone())
            .unwrap_or_default();
        sensitive_in_block(&b.block, &w, &here, out);
    }
}

fn sensitive_in_attr(
    a: &crate::schema::Attribute,
    wire: Option<&pb::schema::Attribute>,
    path: &str,
    out: &mut Vec<String>,
) {
    if a.sensitive && !wire.is_some_and(|w| w.sensitive) {
        out.push(path.to_owned());
    }
    if let Some(nested) = &a.nested {
        let wire_nested = wire.and_then(|w| w.nested_type.as_ref());
        for inner in &nested.attributes {
            let w = wire_nested.and_then(|n| n.attributes.iter().find(|w| w.name == inner.name));
            sensitive_in_attr(inner, w, &attr_path(path, &inner.name), out);
        }
    }
}

/// Formats violations for a panic message, one after the other.
pub fn report(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| format!("Error: {v}"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Attribute, NestedBlock};

    fn s(v: &str) -> Value {
        Value::from(v)
    }

    fn strings(items: &[&str]) -> Value {
        Value::set(items.iter().map(|i| s(i)))
    }

    fn block() -> Block {
        Block::new([
            Attribute::new("id", Type::String).computed(),
            Attribute::new("name", Type::String).required(),
            Attribute::new("tools", Type::set(Type::String))
                .optional()
                .computed(),
            Attribute::new("tool_scopes", Type::map(Type::set(Type::String))).computed(),
            Attribute::new("region", Type::String)
                .optional()
                .requires_replace(),
            Attribute::new("secret", Type::String)
                .optional()
                .sensitive(),
            Attribute::new("secret_wo", Type::String)
                .optional()
                .sensitive()
                .write_only(),
        ])
    }

    fn object(attrs: &[(&str, Value)]) -> Value {
        let Type::Object(types) = block().value_type() else {
            unreachable!()
        };
        let mut v = Value::object(types.keys().map(|k| (k.clone(), Value::Null)));
        for (k, val) in attrs {
            v.set_attr(k, val.clone());
        }
        v
    }

    fn messages(errs: &[PathError]) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    fn checker() -> Checker {
        Checker {
            provider: "registry.terraform.io/example/example".into(),
            resources: [("example_thing".to_owned(), Schema::new(0, block()))].into(),
        }
    }

    #[test]
    fn paths_and_values_print_as_terraform_prints_them() {
        let path = AttributePath::attr("tool_scopes").key("pages:read");
        assert_eq!(format_path(&path), r#".tool_scopes["pages:read"]"#);
        assert_eq!(format_path(&AttributePath::attr("a").index(2)), ".a[2]");
        assert_eq!(
            go_value(&strings(&["b", "a"]), &Type::set(Type::String)),
            r#"cty.SetVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})"#
        );
        assert_eq!(
            go_value(&Value::Null, &Type::set(Type::String)),
            "cty.NullVal(cty.Set(cty.String))"
        );
        assert_eq!(
            go_value(&Value::Set(Vec::new()), &Type::set(Type::String)),
            "cty.SetValEmpty(cty.String)"
        );
        assert_eq!(
            go_value(&Value::from(3), &Type::Number),
            "cty.NumberIntVal(3)"
        );
        assert_eq!(
            go_value(&Value::Unknown, &Type::Bool),
            "cty.UnknownVal(cty.Bool)"
        );
    }

    #[test]
    fn a_plan_equal_to_config_passes_and_a_changed_required_value_fails() {
        let config = object(&[("name", s("a"))]);
        let planned = object(&[("name", s("a")), ("id", Value::Unknown)]);
        assert!(assert_plan_valid(&block(), &Value::Null, &config, &planned).is_empty());

        let wrong = object(&[("name", s("b"))]);
        assert_eq!(
            messages(&assert_plan_valid(&block(), &Value::Null, &config, &wrong)),
            [
                r#".name: planned value cty.StringVal("b") does not match config value cty.StringVal("a")"#
            ]
        );
        let prior = object(&[("name", s("c")), ("id", s("x"))]);
        assert_eq!(
            messages(&assert_plan_valid(&block(), &prior, &config, &wrong)),
            [
                r#".name: planned value cty.StringVal("b") does not match config value cty.StringVal("a") nor prior value cty.StringVal("c")"#
            ]
        );
    }

    #[test]
    fn an_optional_computed_value_may_be_planned_only_when_config_is_null() {
        let unset = object(&[("name", s("a"))]);
        let planned = object(&[("name", s("a")), ("tools", strings(&["x"]))]);
        assert!(assert_plan_valid(&block(), &Value::Null, &unset, &planned).is_empty());

        let set = object(&[("name", s("a")), ("tools", strings(&["y"]))]);
        assert_eq!(
            messages(&assert_plan_valid(&block(), &Value::Null, &set, &planned)),
            [
                r#".tools: planned value cty.SetVal([]cty.Value{cty.StringVal("x")}) does not match config value cty.SetVal([]cty.Value{cty.StringVal("y")})"#
            ]
        );
    }

    #[test]
    fn a_plan_may_keep_a_non_null_prior_against_config_diff_suppression() {
        let prior = object(&[("id", s("1")), ("name", s("A"))]);
        let config = object(&[("name", s("a"))]);
        assert!(assert_plan_valid(&block(), &prior, &config, &prior).is_empty());
        // Not when the configuration is null: the prior value is then a planned value
        // for a non-computed attribute.
        let prior = object(&[("id", s("1")), ("name", s("a")), ("region", s("eu"))]);
        let config = object(&[("name", s("a"))]);
        assert_eq!(
            messages(&assert_plan_valid(&block(), &prior, &config, &prior)),
            [r#".region: planned value cty.StringVal("eu") for a non-computed attribute"#]
        );
    }

    #[test]
    fn sensitive_values_never_appear_in_plan_errors() {
        let config = object(&[("name", s("a")), ("secret", s("hunter2-secret"))]);
        let planned = object(&[("name", s("a")), ("secret", s("other-secret"))]);
        let errs = messages(&assert_plan_valid(
            &block(),
            &Value::Null,
            &config,
            &planned,
        ));
        assert_eq!(
            errs,
            [".secret: sensitive planned value does not match config value"]
        );
    }

    #[test]
    fn write_only_values_must_be_planned_null() {
        let config = object(&[("name", s("a")), ("secret_wo", s("wo-secret"))]);
        let planned = object(&[("name", s("a"))]);
        assert!(assert_plan_valid(&block(), &Value::Null, &config, &planned).is_empty());
        assert!(
            checker()
                .plan("example_thing", &Value::Null, &config, &planned, &[])
                .is_empty()
        );
        let kept = object(&[("name", s("a")), ("secret_wo", s("wo-secret"))]);
        let v = checker().plan("example_thing", &Value::Null, &config, &kept, &[]);
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].summary, "Provider produced invalid plan");
        assert!(
            v[0].detail
                .contains("write-only attribute \"example_thing.test.secret_wo\"")
        );
    }

    #[test]
    fn existence_follows_the_configuration() {
        let config = object(&[("name", s("a"))]);
        assert_eq!(
            messages(&assert_plan_valid(
                &block(),
                &Value::Null,
                &config,
                &Value::Null
            )),
            ["planned for absence but config wants existence"]
        );
        assert_eq!(
            messages(&assert_plan_valid(
                &block(),
                &Value::Null,
                &Value::Null,
                &config
            )),
            ["planned for existence but config wants absence"]
        );
        assert!(assert_plan_valid(&block(), &config, &Value::Null, &Value::Null).is_empty());
    }

    #[test]
    fn a_plan_must_conform_to_the_type() {
        let config = object(&[("name", s("a"))]);
        let planned = Value::object([("name", s("a"))]);
        let v = checker().plan("example_thing", &Value::Null, &config, &planned, &[]);
        assert_eq!(v.len(), 1);
        assert!(v[0].detail.contains("does not conform"), "{v:?}");
    }

    #[test]
    fn requires_replace_only_where_the_schema_declares_it() {
        let prior = object(&[("id", s("1")), ("name", s("a")), ("region", s("eu"))]);
        let config = object(&[("name", s("b")), ("region", s("us"))]);
        let planned = object(&[("id", s("1")), ("name", s("b")), ("region", s("us"))]);
        let c = checker();
        assert!(
            c.plan(
                "example_thing",
                &prior,
                &config,
                &planned,
                &[AttributePath::attr("region")]
            )
            .is_empty()
        );
        let v = c.plan(
            "example_thing",
            &prior,
            &config,
            &planned,
            &[AttributePath::attr("name")],
        );
        assert_eq!(v.len(), 1);
        assert!(
            v[0].detail
                .contains("the attribute .name, which the schema does not declare"),
            "{v:?}"
        );
        let v = c.plan(
            "example_thing",
            &prior,
            &config,
            &planned,
            &[AttributePath::attr("nope")],
        );
        assert!(
            v[0].detail.contains("non-existent attribute path .nope"),
            "{v:?}"
        );
    }

    #[test]
    fn apply_keeps_every_known_planned_value() {
        let planned = object(&[
            ("id", Value::Unknown),
            ("name", s("a")),
            ("tools", strings(&["x", "y"])),
            ("tool_scopes", Value::Unknown),
        ]);
        let good = object(&[
            ("id", s("1")),
            ("name", s("a")),
            ("tools", strings(&["x", "y"])),
            ("tool_scopes", Value::map([("x", strings(&["r"]))])),
        ]);
        let c = checker();
        assert!(c.apply("example_thing", &planned, &good, false).is_empty());

        let mut bad = good.clone();
        bad.set_attr("tools", strings(&["x"]));
        let v = c.apply("example_thing", &planned, &bad, false);
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(
            v[0].summary,
            "Provider produced inconsistent result after apply"
        );
        assert!(v[0].detail.starts_with(
            r#"When applying changes to example_thing.test, provider "provider[\"registry.terraform.io/example/example\"]" produced an unexpected new value: .tools: planned set element cty.StringVal("y") does not correlate with any element in actual."#
        ), "{}", v[0].detail);
        // With errors, Terraform does not compare.
        assert!(c.apply("example_thing", &planned, &bad, true).is_empty());
    }

    #[test]
    fn a_known_map_element_must_not_change() {
        let t = Type::map(Type::set(Type::String));
        let planned = Value::map([("pages:read", strings(&["a"]))]);
        let mut errs = Vec::new();
        value_compatible(&planned, &planned.clone(), &t, ".tool_scopes", &mut errs);
        assert!(errs.is_empty());
        let actual = Value::map([("pages:read", strings(&["a", "b"]))]);
        value_compatible(&planned, &actual, &t, ".tool_scopes", &mut errs);
        assert_eq!(
            messages(&errs),
            [
                r#".tool_scopes["pages:read"]: actual set element cty.StringVal("b") does not correlate with any element in plan"#,
                r#".tool_scopes["pages:read"]: length changed from 1 to 2"#
            ]
        );
        let mut errs = Vec::new();
        value_compatible(&s("a"), &s("b"), &Type::String, ".name", &mut errs);
        assert_eq!(
            messages(&errs),
            [r#".name: was cty.StringVal("a"), but now cty.StringVal("b")"#]
        );
        let mut errs = Vec::new();
        value_compatible(&Value::Null, &s("b"), &Type::String, ".name", &mut errs);
        assert_eq!(
            messages(&errs),
            [r#".name: was null, but now cty.StringVal("b")"#]
        );
    }

    #[test]
    fn sensitive_values_never_appear_in_apply_errors() {
        let planned = object(&[
            ("id", s("1")),
            ("name", s("a")),
            ("secret", s("secret-one")),
        ]);
        let actual = object(&[
            ("id", s("1")),
            ("name", s("a")),
            ("secret", s("secret-two")),
        ]);
        let v = checker().apply("example_thing", &planned, &actual, false);
        assert_eq!(v.len(), 1);
        assert!(
            v[0].detail
                .contains(".secret: inconsistent values for sensitive attribute")
        );
        assert!(!v[0].detail.contains("secret-"));
    }

    #[test]
    fn an_applied_state_is_wholly_known_and_holds_no_write_only_value() {
        let planned = object(&[("id", Value::Unknown), ("name", s("a"))]);
        let v = checker().apply("example_thing", &planned, &planned, false);
        assert_eq!(v.len(), 1);
        assert_eq!(
            v[0].summary,
            "Provider returned invalid result object after apply"
        );
        assert!(
            v[0].detail
                .contains("unknown value for example_thing.test.id.")
        );
        let with_wo = object(&[("id", s("1")), ("name", s("a")), ("secret_wo", s("x"))]);
        let v = checker().apply("example_thing", &with_wo, &with_wo, false);
        assert_eq!(v.len(), 1);
        assert!(
            v[0].detail
                .contains("write-only attribute \"example_thing.test.secret_wo\" after apply")
        );
    }

    #[test]
    fn a_final_plan_may_only_fill_in_unknowns() {
        let at_plan = object(&[
            ("id", Value::Unknown),
            ("name", s("a")),
            ("tools", Value::Unknown),
        ]);
        let at_apply = object(&[
            ("id", Value::Unknown),
            ("name", s("a")),
            ("tools", strings(&["x"])),
        ]);
        let c = checker();
        assert!(
            c.final_plan("example_thing", &Value::Null, &at_plan, &at_apply)
                .is_empty()
        );
        let v = c.final_plan("example_thing", &Value::Null, &at_apply, &at_plan);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].summary, "Provider produced inconsistent final plan");
        assert!(
            v[0].detail
                .contains("produced an invalid new value for .tools: was known, but now unknown"),
            "{v:?}"
        );
    }

    #[test]
    fn a_final_plan_keeps_the_action_but_an_update_may_become_a_no_op() {
        let prior = object(&[("id", s("1")), ("name", s("a")), ("tools", strings(&["x"]))]);
        let update = object(&[("id", s("1")), ("name", s("a")), ("tools", Value::Unknown)]);
        let c = checker();
        assert!(
            c.final_plan("example_thing", &prior, &update, &prior)
                .is_empty()
        );
        let v = c.final_plan("example_thing", &prior, &prior, &update);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(
            v[0].detail
                .contains("changed the planned action from NoOp to Update"),
            "{v:?}"
        );
    }

    #[test]
    fn read_import_and_upgrade_states_are_wholly_known() {
        let c = checker();
        let good = object(&[("id", s("1")), ("name", s("a"))]);
        assert!(c.state("example_thing", &good, "refresh").is_empty());
        let bad = object(&[("id", Value::Unknown), ("name", s("a"))]);
        let v = c.state("example_thing", &bad, "refresh");
        assert_eq!(v[0].summary, "Provider produced invalid object");
        assert!(v[0].detail.contains("example_thing.test.id during refresh"));
        let wo = object(&[("id", s("1")), ("secret_wo", s("leaked"))]);
        assert_eq!(c.state("example_thing", &wo, "upgrade").len(), 1);
    }

    #[test]
    fn import_returns_exactly_one_resource() {
        let c = checker();
        let good = object(&[("id", s("1"))]);
        assert!(
            c.import("example_thing", "1", std::slice::from_ref(&good))
                .is_empty()
        );
        assert_eq!(
            c.import("example_thing", "1", &[])[0].summary,
            "Import returned no resources"
        );
        assert_eq!(
            c.import("example_thing", "1", &[good.clone(), good])[0].summary,
            "Multiple import states not supported"
        );
        assert_eq!(
            c.import("example_thing", "1", &[Value::Null])[0].summary,
            "Import returned null resource"
        );
    }

    #[test]
    fn diagnostics_never_echo_a_configured_secret() {
        let config = object(&[
            ("name", s("visible-name")),
            ("secret", s("s3cr3t-value")),
            ("secret_wo", s("wo-value-1")),
        ]);
        let secrets = secrets_of(&block(), &config);
        assert_eq!(
            secrets,
            BTreeSet::from(["s3cr3t-value".to_owned(), "wo-value-1".to_owned()])
        );
        assert!(
            echoed_secrets(
                "ApplyResourceChange",
                [("Failed", "name visible-name")],
                &secrets
            )
            .is_empty()
        );
        let v = echoed_secrets(
            "ApplyResourceChange",
            [("Failed", "bad secret s3cr3t-value")],
            &secrets,
        );
        assert_eq!(v.len(), 1);
        assert!(v[0].detail.contains("in its detail"));
        assert!(!v[0].to_string().contains("s3cr3t-value"));
    }

    #[test]
    fn the_wire_schema_keeps_every_sensitive_mark() {
        let schema = Schema::new(0, block());
        let mut wire = pb::Schema {
            version: 0,
            block: Some(pb::schema::Block {
                attributes: block()
                    .attributes
                    .iter()
                    .map(|a| pb::schema::Attribute {
                        name: a.name.clone(),
                        sensitive: a.sensitive,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }),
        };
        assert!(wire_keeps_sensitive("example_thing", &schema, &wire).is_empty());
        for a in &mut wire.block.as_mut().unwrap().attributes {
            a.sensitive = false;
        }
        let v = wire_keeps_sensitive("example_thing", &schema, &wire);
        assert_eq!(v.len(), 2);
        assert!(v[0].detail.contains("marks .secret sensitive"), "{v:?}");
    }

    #[test]
    fn nested_blocks_keep_their_count() {
        let b = Block {
            blocks: vec![NestedBlock::new(
                "rule",
                BlockNesting::List,
                Block::new([Attribute::new("v", Type::String).optional()]),
            )],
            ..Block::default()
        };
        let one = Value::object([("rule", Value::list([Value::object([("v", s("a"))])]))]);
        let two = Value::object([(
            "rule",
            Value::list([
                Value::object([("v", s("a"))]),
                Value::object([("v", s("b"))]),
            ]),
        )]);
        assert!(assert_plan_valid(&b, &Value::Null, &one, &one).is_empty());
        assert_eq!(
            messages(&assert_plan_valid(&b, &Value::Null, &one, &two)),
            [".rule: block count in plan (2) disagrees with count in config (1)"]
        );
        assert!(assert_object_compatible(&b, &one, &one).is_empty());
        assert_eq!(
            messages(&assert_object_compatible(&b, &one, &two)),
            [".rule: block count changed from 1 to 2"]
        );
        let null_rules = Value::object([("rule", Value::Null)]);
        assert_eq!(
            messages(&assert_plan_valid(&b, &Value::Null, &one, &null_rules)),
            [
                ".rule: attribute representing a list of nested blocks must be empty to indicate no blocks, not null"
            ]
        );
    }
}
