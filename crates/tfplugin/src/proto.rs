//! Generated protobuf and gRPC code (see `build.rs` and the vendored files in the
//! repository's top-level `proto/`).

/// Terraform plugin protocol 6.10 (`tfplugin6`), as shipped with Terraform v1.15.
#[allow(
    clippy::all,
    clippy::pedantic,
    missing_docs,
    rustdoc::all,
    reason = "generated code"
)]
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

/// go-plugin's internal services: `GRPCController`, `GRPCStdio` and `GRPCBroker`.
#[allow(
    clippy::all,
    clippy::pedantic,
    missing_docs,
    rustdoc::all,
    reason = "generated code"
)]
pub mod plugin {
    tonic::include_proto!("plugin");
}
