//! The go-plugin handshake: the environment Terraform gives a plugin, and the one
//! line the plugin answers on stdout.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;

use base64::Engine as _;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;

use crate::transport::listener::PluginAddr;

/// Name of the environment variable carrying go-plugin's magic cookie for Terraform.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// Terraform's magic cookie value (`internal/plugin/serve.go`).
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// go-plugin's core protocol version (the first field of the handshake line).
pub const CORE_PROTOCOL_VERSION: u32 = 1;
/// The Terraform plugin protocol version this server speaks.
pub const PROTOCOL_VERSION: u32 = 6;
/// Port range the go-plugin client uses when it sets none.
pub const DEFAULT_MIN_PORT: u16 = 10000;
/// See [`DEFAULT_MIN_PORT`].
pub const DEFAULT_MAX_PORT: u16 = 25000;

/// What the plugin learned from its environment at start-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandshakeEnv {
    /// Lowest port to listen on (`PLUGIN_MIN_PORT`).
    pub min_port: u16,
    /// Highest port to listen on (`PLUGIN_MAX_PORT`).
    pub max_port: u16,
    /// The client's certificate (DER) when AutoMTLS is on (`PLUGIN_CLIENT_CERT`).
    pub client_cert: Option<CertificateDer<'static>>,
    /// Where to create the Unix socket's directory (`PLUGIN_UNIX_SOCKET_DIR`); the
    /// temporary directory when unset.
    pub unix_socket_dir: Option<PathBuf>,
}

/// Why the handshake environment cannot be served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandshakeError {
    /// `TF_PLUGIN_MAGIC_COOKIE` is missing or wrong: the binary was not started by Terraform.
    NotAPlugin,
    /// `PLUGIN_PROTOCOL_VERSIONS` does not offer protocol 6.
    UnsupportedProtocol {
        /// The value the client sent.
        offered: String,
    },
    /// `PLUGIN_MIN_PORT` / `PLUGIN_MAX_PORT` is not a port number or the range is empty.
    InvalidPortRange(String),
    /// `PLUGIN_CLIENT_CERT` holds no PEM certificate.
    InvalidClientCert(String),
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::NotAPlugin => f.write_str(NOT_A_PLUGIN_MESSAGE),
            HandshakeError::UnsupportedProtocol { offered } => write!(
                f,
                "this provider speaks Terraform plugin protocol {PROTOCOL_VERSION} only, \
                 but the client offered protocol version(s) {offered:?} \
                 (PLUGIN_PROTOCOL_VERSIONS). Use Terraform v1.0 or later, or OpenTofu."
            ),
            HandshakeError::InvalidPortRange(msg) => {
                write!(f, "invalid PLUGIN_MIN_PORT/PLUGIN_MAX_PORT: {msg}")
            }
            HandshakeError::InvalidClientCert(msg) => {
                write!(f, "invalid PLUGIN_CLIENT_CERT: {msg}")
            }
        }
    }
}

impl std::error::Error for HandshakeError {}

/// What the binary prints on stderr when it is run by hand.
pub const NOT_A_PLUGIN_MESSAGE: &str = "\
This binary is a Terraform plugin (a provider). It is not meant to be run directly:
Terraform or OpenTofu starts it when a configuration uses the provider.

To use a local build, point a `dev_overrides` block of the Terraform CLI configuration
at the directory holding this binary, then run `terraform plan` / `terraform apply`.

To debug it, run it with `--debug`: it then serves on its own and prints a
TF_REATTACH_PROVIDERS value to export in the shell that runs Terraform.";

impl HandshakeEnv {
    /// Reads the handshake environment through `get` (e.g. `|k| std::env::var(k).ok()`).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, HandshakeError> {
        if get(MAGIC_COOKIE_KEY).as_deref() != Some(MAGIC_COOKIE_VALUE) {
            return Err(HandshakeError::NotAPlugin);
        }
        if let Some(offered) = get("PLUGIN_PROTOCOL_VERSIONS")
            && !offers_protocol(&offered, PROTOCOL_VERSION)
        {
            return Err(HandshakeError::UnsupportedProtocol { offered });
        }
        let min_port = parse_port(get("PLUGIN_MIN_PORT"), "PLUGIN_MIN_PORT", DEFAULT_MIN_PORT)?;
        let max_port = parse_port(get("PLUGIN_MAX_PORT"), "PLUGIN_MAX_PORT", DEFAULT_MAX_PORT)?;
        if min_port > max_port {
            return Err(HandshakeError::InvalidPortRange(format!(
                "PLUGIN_MIN_PORT {min_port} is greater than PLUGIN_MAX_PORT {max_port}"
            )));
        }
        let client_cert = match get("PLUGIN_CLIENT_CERT") {
            Some(pem) if !pem.trim().is_empty() => Some(parse_client_cert(&pem)?),
            _ => None,
        };
        Ok(HandshakeEnv {
            min_port,
            max_port,
            client_cert,
            unix_socket_dir: unix_socket_dir(get),
        })
    }

    /// Reads the handshake environment of this process.
    pub fn from_env() -> Result<Self, HandshakeError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }
}

/// `PLUGIN_UNIX_SOCKET_DIR`, if set and not empty.
pub fn unix_socket_dir(get: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    get(UNIX_SOCKET_DIR_KEY)
        .filter(|dir| !dir.trim().is_empty())
        .map(PathBuf::from)
}

/// The variable naming the directory to create Unix sockets in (go-plugin's).
pub const UNIX_SOCKET_DIR_KEY: &str = "PLUGIN_UNIX_SOCKET_DIR";

/// Whether a comma-separated `PLUGIN_PROTOCOL_VERSIONS` value (any order) offers `version`.
pub fn offers_protocol(offered: &str, version: u32) -> bool {
    offered
        .split(',')
        .filter_map(|v| v.trim().parse::<u32>().ok())
        .any(|v| v == version)
}

fn parse_port(value: Option<String>, name: &str, default: u16) -> Result<u16, HandshakeError> {
    match value {
        None => Ok(default),
        Some(v) if v.trim().is_empty() => Ok(default),
        Some(v) => v.trim().parse::<u16>().map_err(|_| {
            HandshakeError::InvalidPortRange(format!("{name}={v:?} is not a port number"))
        }),
    }
}

fn parse_client_cert(pem: &str) -> Result<CertificateDer<'static>, HandshakeError> {
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .next()
        .ok_or_else(|| HandshakeError::InvalidClientCert("no CERTIFICATE block found".into()))?
        .map_err(|e| HandshakeError::InvalidClientCert(format!("{e:?}")))
}

/// Binds a TCP listener on 127.0.0.1 at a port in `min..=max`, starting the probe at a
/// random port of the range and wrapping around.
pub fn bind_in_range(min: u16, max: u16) -> std::io::Result<TcpListener> {
    let span = u32::from(max - min) + 1;
    let start = (random_u64() % u64::from(span)) as u32;
    let mut last_err = None;
    for i in 0..span {
        let port = min as u32 + (start + i) % span;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port as u16));
        match TcpListener::bind(addr) {
            Ok(l) => return Ok(l),
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err
        .unwrap_or_else(|| std::io::Error::new(std::io::ErrorKind::AddrInUse, "empty port range")))
}

/// A random number (different on every call), for ports and names.
pub(crate) fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.finish()
}

/// The handshake line (without the newline):
/// `1|6|unix|/tmp/pluginXXXXXXXX/plugin.sock|grpc|<server cert DER, base64 without padding>`
/// (or `1|6|tcp|127.0.0.1:PORT|grpc|…`). The last field is empty without AutoMTLS.
pub fn handshake_line(addr: &PluginAddr, server_cert: Option<&CertificateDer<'_>>) -> String {
    let cert = server_cert
        .map(|c| base64::engine::general_purpose::STANDARD_NO_PAD.encode(c.as_ref()))
        .unwrap_or_default();
    format!(
        "{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|{}|{addr}|grpc|{cert}",
        addr.network()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    const COOKIE: (&str, &str) = (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE);

    #[test]
    fn cookie_is_required() {
        assert_eq!(
            HandshakeEnv::from_lookup(env(&[])),
            Err(HandshakeError::NotAPlugin)
        );
        assert_eq!(
            HandshakeEnv::from_lookup(env(&[(MAGIC_COOKIE_KEY, "nope")])),
            Err(HandshakeError::NotAPlugin)
        );
        let e = HandshakeEnv::from_lookup(env(&[COOKIE])).unwrap();
        assert_eq!(
            e,
            HandshakeEnv {
                min_port: 10000,
                max_port: 25000,
                client_cert: None,
                unix_socket_dir: None,
            }
        );
    }

    #[test]
    fn protocol_versions_in_any_order() {
        for v in ["5,6", "6,5", "6", " 5 , 6 ", "4,x,6"] {
            let got = HandshakeEnv::from_lookup(env(&[COOKIE, ("PLUGIN_PROTOCOL_VERSIONS", v)]));
            assert!(got.is_ok(), "{v}: {got:?}");
        }
        for v in ["5", "", "4,5", "66"] {
            let got = HandshakeEnv::from_lookup(env(&[COOKIE, ("PLUGIN_PROTOCOL_VERSIONS", v)]));
            assert_eq!(
                got,
                Err(HandshakeError::UnsupportedProtocol {
                    offered: v.to_string()
                })
            );
            let msg = got.unwrap_err().to_string();
            assert!(msg.contains("protocol 6"), "{msg}");
        }
    }

    #[test]
    fn port_range() {
        let e = HandshakeEnv::from_lookup(env(&[
            COOKIE,
            ("PLUGIN_MIN_PORT", "20000"),
            ("PLUGIN_MAX_PORT", "20010"),
        ]))
        .unwrap();
        assert_eq!((e.min_port, e.max_port), (20000, 20010));
        assert!(matches!(
            HandshakeEnv::from_lookup(env(&[COOKIE, ("PLUGIN_MIN_PORT", "abc")])),
            Err(HandshakeError::InvalidPortRange(_))
        ));
        assert!(matches!(
            HandshakeEnv::from_lookup(env(&[
                COOKIE,
                ("PLUGIN_MIN_PORT", "30000"),
                ("PLUGIN_MAX_PORT", "20000")
            ])),
            Err(HandshakeError::InvalidPortRange(_))
        ));
    }

    #[test]
    fn unix_socket_dir_from_the_environment() {
        let e = HandshakeEnv::from_lookup(env(&[COOKIE, (UNIX_SOCKET_DIR_KEY, "/run/user/1000")]))
            .unwrap();
        assert_eq!(e.unix_socket_dir, Some(PathBuf::from("/run/user/1000")));
        let e = HandshakeEnv::from_lookup(env(&[COOKIE, (UNIX_SOCKET_DIR_KEY, " ")])).unwrap();
        assert_eq!(e.unix_socket_dir, None);
    }

    #[test]
    fn client_cert_pem() {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let e =
            HandshakeEnv::from_lookup(env(&[COOKIE, ("PLUGIN_CLIENT_CERT", &cert.pem())])).unwrap();
        assert_eq!(e.client_cert.as_deref(), Some(cert.der().as_ref()));
        assert!(matches!(
            HandshakeEnv::from_lookup(env(&[COOKIE, ("PLUGIN_CLIENT_CERT", "garbage")])),
            Err(HandshakeError::InvalidClientCert(_))
        ));
    }

    #[test]
    fn binds_inside_range_and_formats_line() {
        let l = bind_in_range(20000, 25000).unwrap();
        let addr = l.local_addr().unwrap();
        assert!(addr.ip().is_loopback());
        assert!((20000..=25000).contains(&addr.port()));
        // A taken port is skipped: a range of one occupied port fails.
        assert!(bind_in_range(addr.port(), addr.port()).is_err());
        assert_eq!(
            handshake_line(&PluginAddr::Tcp(addr), None),
            format!("1|6|tcp|127.0.0.1:{}|grpc|", addr.port())
        );
        let der = CertificateDer::from(vec![0xffu8, 0xfe, 0x01, 0x02]);
        let unix = PluginAddr::Unix(PathBuf::from("/tmp/plugin0123abcd/plugin.sock"));
        assert_eq!(
            handshake_line(&unix, Some(&der)),
            "1|6|unix|/tmp/plugin0123abcd/plugin.sock|grpc|//4BAg"
        );
    }
}
