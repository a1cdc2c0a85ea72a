//! What every MCP-gateway integration resource shares, whatever the vendor: the model of an
//! integration, the state from Frontegg's answer (keeping what Frontegg leaves out), the plan
//! of `tools` inside the granted `scopes` from Frontegg's tool catalog, the own-app switch,
//! agents, the 409 advice, and import by id or by the app's name. A resource is this plus its
//! schema and a [`vendor::Vendor`]; the shared logic takes its vendor, type name included, as
//! data, and names no resource.
//!
//! Frontegg stores no scopes: each enabled tool carries the scopes it needs, and the gateway
//! requests their union. `scopes` is what the user's OAuth app grants; the provider keeps
//! `tools` inside it and reports what the gateway will request in `requested_scopes`.
//!
//! Each file is one step, and says in its first line what it must never do. This file only
//! declares them: a submodule imports its siblings, never this file.

pub(crate) mod advice;
pub(crate) mod agents;
pub(crate) mod apply;
pub(crate) mod catalog;
pub(crate) mod memory;
pub(crate) mod model;
pub(crate) mod plan;
pub(crate) mod read;
pub(crate) mod resource;
pub(crate) mod schema;
pub(crate) mod state;
pub(crate) mod tools;
pub(crate) mod validate;
pub(crate) mod vendor;
