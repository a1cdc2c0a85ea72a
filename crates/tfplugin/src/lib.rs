//! A Terraform plugin protocol v6 server: go-plugin transport, AutoMTLS, schemas,
//! and Terraform's plan/apply rules.

pub mod proto;

pub mod log;
pub mod serve;
#[cfg(feature = "testing")]
pub mod testing;
pub mod transport;

pub use serve::{
    DebugServer, PluginServer, ServeConfig, serve_debug_service, serve_service,
    start_plugin_service,
};
