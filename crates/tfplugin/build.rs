//! Generates the gRPC code for Terraform's `tfplugin6` protocol and go-plugin's
//! controller, stdio and broker services from the vendored files in the repository's
//! top-level `proto/` folder.
//!
//! The `.proto` files are parsed by `protox` (pure Rust), so no system `protoc`
//! is needed. Well-known types (`google.protobuf.Timestamp`, `Empty`) come from
//! `protox`'s bundled copies and map to `prost_types` / `()`.

use std::error::Error;
use std::path::PathBuf;

/// The protocol definitions, relative to this crate.
const PROTO_DIR: &str = "../../proto";
const PROTOS: [&str; 4] = [
    "tfplugin6.proto",
    "grpc_controller.proto",
    "grpc_stdio.proto",
    "grpc_broker.proto",
];

const REDACTED_DEBUG: [&str; 4] = [
    ".tfplugin6.DynamicValue",
    ".tfplugin6.RawState",
    ".tfplugin6.ReadStateBytes.Response",
    ".tfplugin6.WriteStateBytes.RequestChunk",
];

fn main() -> Result<(), Box<dyn Error>> {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join(PROTO_DIR);
    for proto in PROTOS {
        println!("cargo:rerun-if-changed={PROTO_DIR}/{proto}");
    }
    println!("cargo:rerun-if-changed=build.rs");

    let files = PROTOS.map(|proto| dir.join(proto));
    let fds = protox::compile(files, [dir])?;
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
