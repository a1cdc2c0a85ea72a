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
        .compile_fds(fds)?;
    Ok(())
}
