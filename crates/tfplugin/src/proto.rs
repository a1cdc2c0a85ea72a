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

/// `Debug` of the messages that carry configuration or state values (`build.rs` skips the
/// derived one): the byte counts only, because the values may hold secrets.
mod redacted_debug {
    use std::fmt;

    use super::tfplugin6::{DynamicValue, RawState, read_state_bytes, write_state_bytes};

    /// `<N bytes>`.
    struct Bytes(usize);

    impl fmt::Debug for Bytes {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "<{} bytes>", self.0)
        }
    }

    impl fmt::Debug for DynamicValue {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("DynamicValue")
                .field("msgpack", &Bytes(self.msgpack.len()))
                .field("json", &Bytes(self.json.len()))
                .finish()
        }
    }

    impl fmt::Debug for RawState {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("RawState")
                .field("json", &Bytes(self.json.len()))
                .field("flatmap", &format_args!("<{} entries>", self.flatmap.len()))
                .finish()
        }
    }

    impl fmt::Debug for read_state_bytes::Response {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("Response")
                .field("bytes", &Bytes(self.bytes.len()))
                .field("total_length", &self.total_length)
                .field("range", &self.range)
                .field("diagnostics", &self.diagnostics)
                .finish()
        }
    }

    impl fmt::Debug for write_state_bytes::RequestChunk {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("RequestChunk")
                .field("meta", &self.meta)
                .field("bytes", &Bytes(self.bytes.len()))
                .field("total_length", &self.total_length)
                .field("range", &self.range)
                .finish()
        }
    }
}
