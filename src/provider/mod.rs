//! The Frontegg provider: its configuration, resources and data sources.

pub mod scopes;
