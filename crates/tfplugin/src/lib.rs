//! A Terraform plugin protocol v6 server: go-plugin transport, AutoMTLS, schemas,
//! and Terraform's plan/apply rules.

pub mod proto;

pub mod action;
pub mod diag;
pub mod model;
pub mod resource;
pub mod schema;
pub mod server;

pub mod log;
pub mod serve;
#[cfg(feature = "testing")]
pub mod testing;
pub mod transport;

pub use serve::{
    DebugServer, PluginServer, ServeConfig, serve, serve_debug, serve_debug_service, serve_service,
    start_plugin_service,
};

pub use action::{Action, ActionProgress};
pub use async_trait::async_trait;
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use resource::{
    ApplyRequest, ClientCapabilities, Context, DataSource, Function, FunctionError, ListRequest,
    ListResource, ListResult, ListResults, MoveSource, PlanRequest, Provider, Resource,
};
pub use schema::{Attribute, Block, Parameter, Schema, Signature};
pub use server::{InvalidSchemas, LazyProviderService, ProviderService};
pub use transport::listener::PluginAddr;
