//! Generates the gRPC code for Terraform's `tfplugin6` protocol and go-plugin's
//! controller, stdio and broker services from the vendored files in `proto/`.
//!
//! The `.proto` files are parsed by `protox` (pure Rust), so no system `protoc`
//! is needed. Well-known types (`google.protobuf.Timestamp`, `Empty`) come from
//! `protox`'s bundled copies and map to `prost_types` / `()`.

use std::error::Error;

const PROTOS: [&str; 4] = [
    "proto/tfplugin6.proto",
    "proto/grpc_controller.proto",
    "proto/grpc_stdio.proto",
    "proto/grpc_broker.proto",
];

const REDACTED_DEBUG: [&str; 4] = [
    ".tfplugin6.DynamicValue",
    ".tfplugin6.RawState",
    ".tfplugin6.ReadStateBytes.Response",
    ".tfplugin6.WriteStateBytes.RequestChunk",
];

fn main() -> Result<(), Box<dyn Error>> {
    for proto in PROTOS {
        println!("cargo:rerun-if-changed={proto}");
    }
    println!("cargo:rerun-if-changed=build.rs");

    let fds = protox::compile(PROTOS, ["proto"])?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        // No `connect()` helpers: they need tonic's `channel` feature, which only
        // tests enable. Clients are built with `XClient::new(channel)`.
        .build_transport(false)
        // Messages that carry configuration or state values get a `Debug` without the
        // values (see `src/proto.rs`): they may hold secrets.
        .skip_debug(REDACTED_DEBUG)
        .compile_fds(fds)?;
    Ok(())
}
