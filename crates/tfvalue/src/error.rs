//! The crate's one error type.

use std::fmt;

use crate::AttributePath;

/// Why a type or value could not be decoded, encoded or parsed, and where in the
/// value that happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    path: AttributePath,
    message: String,
}

impl Error {
    /// An error at `path` (use [`AttributePath::root`] for the whole value).
    pub fn new(path: AttributePath, message: impl Into<String>) -> Self {
        Error {
            path,
            message: message.into(),
        }
    }

    /// A tuple with `got` elements where its type has `want`.
    pub(crate) fn tuple_length(path: &AttributePath, want: usize, got: usize) -> Self {
        Self::new(
            path.clone(),
            format!("expected a tuple of {want} elements, got {got}"),
        )
    }

    /// A number sent as a string that is not one. The text is not quoted: it is part
    /// of a value, which may be secret.
    pub(crate) fn not_a_number(path: &AttributePath) -> Self {
        Self::new(path.clone(), "a string that is not a valid number")
    }

    /// An error about the whole value.
    pub fn root(message: impl Into<String>) -> Self {
        Self::new(AttributePath::root(), message)
    }

    /// Where in the value the problem is (the root path for the whole value).
    pub fn path(&self) -> &AttributePath {
        &self.path
    }

    /// The message, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    /// `at a.b[0]: expected string, got number`, or just the message at the root.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            f.write_str(&self.message)
        } else {
            write!(f, "at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for Error {}
