//! Attribute paths: where in a value something is (for diagnostics and plan rules).

use std::fmt;

/// One step of an [`AttributePath`], as in the protocol's `AttributePath.Step`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// An object attribute: `.name`.
    Attribute(String),
    /// A map element: `["key"]`.
    ElementKeyString(String),
    /// A list or tuple element: `[3]`. Also used (by position in the canonical
    /// order) for set elements, which the protocol cannot address otherwise.
    ElementKeyInt(i64),
}

/// A path from the root of a value to a nested value, e.g. `a.b[0]` or `m["k"]`.
///
/// The empty path is the root value itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttributePath(pub Vec<PathStep>);

impl AttributePath {
    /// The root (empty) path.
    pub fn root() -> Self {
        AttributePath(Vec::new())
    }

    /// A path of one attribute step: `name`.
    pub fn attr(name: impl Into<String>) -> Self {
        AttributePath(vec![PathStep::Attribute(name.into())])
    }

    /// This path followed by attribute `name`.
    pub fn join_attr(&self, name: impl Into<String>) -> Self {
        self.join(PathStep::Attribute(name.into()))
    }

    /// This path followed by list/tuple index `i`.
    pub fn index(&self, i: i64) -> Self {
        self.join(PathStep::ElementKeyInt(i))
    }

    /// This path followed by map key `k`.
    pub fn key(&self, k: &str) -> Self {
        self.join(PathStep::ElementKeyString(k.to_owned()))
    }

    /// This path followed by `step`.
    pub fn join(&self, step: PathStep) -> Self {
        let mut steps = self.0.clone();
        steps.push(step);
        AttributePath(steps)
    }

    /// Appends `step` in place.
    pub fn push(&mut self, step: PathStep) {
        self.0.push(step);
    }

    /// Removes and returns the last step.
    pub fn pop(&mut self) -> Option<PathStep> {
        self.0.pop()
    }

    /// The steps, root first.
    pub fn steps(&self) -> &[PathStep] {
        &self.0
    }

    /// The last step, if any.
    pub fn last(&self) -> Option<&PathStep> {
        self.0.last()
    }

    /// The path without its last step (the root's parent is the root).
    pub fn parent(&self) -> Self {
        let mut p = self.clone();
        p.0.pop();
        p
    }

    /// True for the root path.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for the root path (same as [`AttributePath::is_root`]).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when `self` equals `prefix` or lies below it.
    pub fn starts_with(&self, prefix: &AttributePath) -> bool {
        self.0.starts_with(&prefix.0)
    }
}

impl From<Vec<PathStep>> for AttributePath {
    fn from(steps: Vec<PathStep>) -> Self {
        AttributePath(steps)
    }
}

impl FromIterator<PathStep> for AttributePath {
    fn from_iter<I: IntoIterator<Item = PathStep>>(iter: I) -> Self {
        AttributePath(iter.into_iter().collect())
    }
}

impl fmt::Display for AttributePath {
    /// `a.b[0]`, `m["k"]`; the root prints as the empty string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attribute(name) if i == 0 => f.write_str(name)?,
                PathStep::Attribute(name) => write!(f, ".{name}")?,
                PathStep::ElementKeyString(k) => write!(f, "[{k:?}]")?,
                PathStep::ElementKeyInt(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display() {
        assert_eq!(AttributePath::root().to_string(), "");
        assert_eq!(AttributePath::attr("scopes").to_string(), "scopes");
        assert_eq!(
            AttributePath::attr("a").join_attr("b").index(0).to_string(),
            "a.b[0]"
        );
        assert_eq!(AttributePath::attr("m").key("k").to_string(), "m[\"k\"]");
        assert_eq!(AttributePath::root().index(2).to_string(), "[2]");
        assert_eq!(
            AttributePath::attr("m").key("a\"b").to_string(),
            "m[\"a\\\"b\"]"
        );
    }

    #[test]
    fn prefixes() {
        let p = AttributePath::attr("a").index(1);
        assert!(p.starts_with(&AttributePath::attr("a")));
        assert!(!AttributePath::attr("a").starts_with(&p));
        assert_eq!(p.parent(), AttributePath::attr("a"));
    }
}
