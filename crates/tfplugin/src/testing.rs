//! Test helpers (feature `testing`): a client certificate made the way go-plugin makes
//! it, a parser for the handshake line, and gRPC channels over mTLS or plain text, on a
//! Unix socket or TCP; and [`rules`], Terraform core's checks of a provider's answers,
//! which the test harnesses apply to every answer they drive.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tonic::codegen::http::Uri;
use tonic::transport::{Channel, Endpoint};

use crate::transport::listener::{Conn, PluginAddr};

pub mod rules;

/// A client certificate with its key, as Terraform passes in `PLUGIN_CLIENT_CERT`.
pub struct ClientCert {
    /// Certificate (DER).
    pub cert: CertificateDer<'static>,
    /// Private key (PKCS#8 DER).
    pub key: PrivateKeyDer<'static>,
    /// Certificate PEM: the value of `PLUGIN_CLIENT_CERT`.
    pub pem: String,
}

impl Clone for ClientCert {
    fn clone(&self) -> Self {
        ClientCert {
            cert: self.cert.clone(),
            key: self.key.clone_key(),
            pem: self.pem.clone(),
        }
    }
}

/// A certificate as go-plugin's `generateCert` (mtls.go) makes it: self-signed ECDSA
/// P-521 with SHA-512, CN and DNS `localhost`, O `HashiCorp`, marked as a CA, key usages
/// digitalSignature/keyEncipherment/keyCertSign, EKU clientAuth + serverAuth, valid for
/// about 30 years.
pub fn go_plugin_client_cert() -> ClientCert {
    let key =
        rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("generate P-521 key");
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("cert params");
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "HashiCorp");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyEncipherment,
        rcgen::KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::seconds(30);
    params.not_after = now + time::Duration::hours(262_980);
    let cert = params.self_signed(&key).expect("self-sign");
    ClientCert {
        cert: cert.der().clone(),
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        pem: cert.pem(),
    }
}

/// The parts of a go-plugin handshake line `1|6|unix|PATH|grpc|CERT` (or `tcp|ADDR`).
#[derive(Clone, Debug)]
pub struct HandshakeLine {
    /// Application protocol version (field 2).
    pub protocol_version: u32,
    /// Listening address.
    pub addr: PluginAddr,
    /// Server certificate, when the last field is not empty.
    pub server_cert: Option<CertificateDer<'static>>,
}

/// Parses and checks a handshake line the way go-plugin's client does.
pub fn parse_handshake_line(line: &str) -> Result<HandshakeLine, String> {
    let parts: Vec<&str> = line.trim_end_matches(['\r', '\n']).split('|').collect();
    if parts.len() < 6 {
        return Err(format!("expected 6 fields, got {}: {line:?}", parts.len()));
    }
    if parts[0] != "1" {
        return Err(format!("core protocol {:?} is not 1", parts[0]));
    }
    let protocol_version = parts[1]
        .parse()
        .map_err(|_| format!("bad protocol version {:?}", parts[1]))?;
    let addr = match parts[2] {
        "tcp" => PluginAddr::Tcp(
            parts[3]
                .parse::<SocketAddr>()
                .map_err(|_| format!("bad address {:?}", parts[3]))?,
        ),
        "unix" if parts[3].starts_with('/') => PluginAddr::Unix(PathBuf::from(parts[3])),
        "unix" => return Err(format!("socket path {:?} is not absolute", parts[3])),
        other => return Err(format!("network {other:?} is neither unix nor tcp")),
    };
    if parts[4] != "grpc" {
        return Err(format!("protocol {:?} is not grpc", parts[4]));
    }
    let server_cert = if parts[5].is_empty() {
        None
    } else {
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(parts[5])
            .map_err(|e| format!("server certificate is not unpadded base64: {e}"))?;
        Some(CertificateDer::from(der))
    };
    Ok(HandshakeLine {
        protocol_version,
        addr,
        server_cert,
    })
}

/// A rustls client config like go-plugin's client: trusts only `server_cert` (server name
/// `localhost`), presents `client` if given, offers ALPN `h2`, aws-lc-rs provider.
pub fn client_tls_config(
    server_cert: &CertificateDer<'static>,
    client: Option<&ClientCert>,
) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(server_cert.clone()).expect("server cert as root");
    let builder =
        rustls::ClientConfig::builder_with_provider(crate::transport::tls::crypto_provider())
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots);
    let mut config = match client {
        Some(c) => builder
            .with_client_auth_cert(vec![c.cert.clone()], c.key.clone_key())
            .expect("client cert"),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    Arc::new(config)
}

/// Connects to a plugin address, with TLS when `tls` is set (server name `localhost`, as
/// go-plugin's client).
#[derive(Clone)]
struct Connector {
    addr: PluginAddr,
    tls: Option<TlsConnector>,
}

/// A connection of [`Connector`]: plain or TLS.
enum ClientConn {
    Plain(Conn),
    Tls(Box<TlsStream<Conn>>),
}

impl tonic::codegen::Service<Uri> for Connector {
    type Response = TokioIo<ClientConn>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _uri: Uri) -> Self::Future {
        let addr = self.addr.clone();
        let tls = self.tls.clone();
        Box::pin(async move {
            let conn = Conn::connect(&addr).await?;
            Ok(TokioIo::new(match tls {
                None => ClientConn::Plain(conn),
                Some(tls) => {
                    let name = ServerName::try_from("localhost").expect("server name");
                    ClientConn::Tls(Box::new(tls.connect(name, conn).await?))
                }
            }))
        })
    }
}

impl tokio::io::AsyncRead for ClientConn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            ClientConn::Plain(c) => Pin::new(c).poll_read(cx, buf),
            ClientConn::Tls(c) => Pin::new(c.as_mut()).poll_read(cx, buf),
        }
    }
}

impl tokio::io::AsyncWrite for ClientConn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            ClientConn::Plain(c) => Pin::new(c).poll_write(cx, buf),
            ClientConn::Tls(c) => Pin::new(c.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            ClientConn::Plain(c) => Pin::new(c).poll_flush(cx),
            ClientConn::Tls(c) => Pin::new(c.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            ClientConn::Plain(c) => Pin::new(c).poll_shutdown(cx),
            ClientConn::Tls(c) => Pin::new(c.as_mut()).poll_shutdown(cx),
        }
    }
}

/// A gRPC channel to `addr` (a Unix socket or TCP) over TLS with `config` (see
/// [`client_tls_config`]).
pub async fn tls_channel(
    addr: impl Into<PluginAddr>,
    config: Arc<rustls::ClientConfig>,
) -> Result<Channel, tonic::transport::Error> {
    connect(addr.into(), Some(TlsConnector::from(config))).await
}

/// A plain-text gRPC channel to `addr` (debug mode, no AutoMTLS).
pub async fn plain_channel(
    addr: impl Into<PluginAddr>,
) -> Result<Channel, tonic::transport::Error> {
    connect(addr.into(), None).await
}

/// A channel through [`Connector`]: 5 s to connect, 30 s per request.
async fn connect(
    addr: PluginAddr,
    tls: Option<TlsConnector>,
) -> Result<Channel, tonic::transport::Error> {
    // The URI only names the `:authority`; the connector decides where to connect.
    let uri = match &addr {
        PluginAddr::Tcp(addr) => format!("http://{addr}"),
        PluginAddr::Unix(_) => "http://localhost".to_string(),
    };
    Endpoint::from_shared(uri)?
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30))
        .connect_with_connector(Connector { addr, tls })
        .await
}
