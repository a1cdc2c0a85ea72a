//! go-plugin transport: the handshake, AutoMTLS, go-plugin's own services and the
//! accept loops that feed tonic.

pub mod handshake;
pub mod incoming;
pub mod services;
pub mod tls;
