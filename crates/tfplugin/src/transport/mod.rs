//! go-plugin transport: the handshake, where the plugin listens (a private Unix socket, or
//! loopback TCP), AutoMTLS, go-plugin's own services and the accept loops that feed tonic.

pub mod handshake;
pub mod incoming;
pub mod listener;
pub mod services;
pub mod tls;
