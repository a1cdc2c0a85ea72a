//! HTTPS through the client's own TLS settings (`tls.rs`): the server's certificate is verified
//! against the platform's roots, which are read at the first handshake — a server they do not
//! vouch for is refused, one whose CA they hold (`SSL_CERT_FILE`) is trusted, and HTTP/2 is
//! offered by ALPN.

use std::sync::Arc;

use frontegg_client::{CancellationToken, Client, ClientConfig, ErrorKind, RetryPolicy};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// Set in the child process of the trusted-CA test, with the CA's file.
const TRUSTED_CHILD: &str = "FRONTEGG_CLIENT_TEST_TLS_CHILD";

/// A CA (PEM) and a TLS server on loopback with a certificate it issued for `127.0.0.1`,
/// which answers every request with a token and reports each connection's ALPN protocol.
async fn tls_server() -> (String, String, mpsc::UnboundedReceiver<Option<Vec<u8>>>) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key")).expect("CA");
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .expect("leaf params")
        .signed_by(&leaf_key, &ca)
        .expect("leaf");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(vec![leaf.der().clone()], key)
    .expect("server config");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    let (alpn_tx, alpn_rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, alpn_tx) = (acceptor.clone(), alpn_tx.clone());
            tokio::spawn(async move {
                let start = tokio_rustls::LazyConfigAcceptor::new(
                    rustls::server::Acceptor::default(),
                    stream,
                );
                let Ok(start) = start.await else { return };
                let offered = start
                    .client_hello()
                    .alpn()
                    .map(|protocols| protocols.flat_map(|p| p.to_vec()).collect::<Vec<u8>>());
                let _ = alpn_tx.send(offered);
                let config = acceptor.config().clone();
                let Ok(mut tls) = start.into_stream(config).await else {
                    return;
                };
                let mut request = vec![0u8; 4096];
                if tls.read(&mut request).await.is_ok() {
                    let body = r#"{"token":"t","expiresIn":3600}"#;
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = tls.write_all(answer.as_bytes()).await;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    (url, ca.pem(), alpn_rx)
}

fn client(url: &str) -> Client {
    let config = ClientConfig::new("id", "secret")
        .with_base_url(url)
        .expect("loopback https")
        .with_retry_policy(RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        });
    Client::new(config).expect("client")
}

#[tokio::test]
async fn a_server_the_platform_roots_do_not_vouch_for_is_refused() {
    if std::env::var_os(TRUSTED_CHILD).is_some() {
        return;
    }
    let (url, _ca, mut alpn) = tls_server().await;
    let error = client(&url)
        .authenticate(&CancellationToken::new())
        .await
        .expect_err("an unknown issuer");
    assert!(matches!(error.kind(), ErrorKind::Transport), "{error}");
    assert!(error.to_string().contains("certificate"), "{error}");
    // HTTP/2 and HTTP/1.1 are offered, as reqwest's own settings do.
    let offered = alpn.recv().await.expect("a ClientHello").expect("ALPN");
    assert_eq!(offered, b"h2http/1.1".to_vec());
}

#[tokio::test]
async fn a_server_whose_ca_the_platform_roots_hold_is_trusted() {
    if let Some(url) = std::env::var_os(TRUSTED_CHILD) {
        // The child: `SSL_CERT_FILE` names the CA, read at the first handshake.
        let url = url.to_string_lossy().to_string();
        client(&url)
            .authenticate(&CancellationToken::new())
            .await
            .expect("the CA in SSL_CERT_FILE is trusted");
        return;
    }
    let (url, ca, _alpn) = tls_server().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca).expect("CA file");
    let out = tokio::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "a_server_whose_ca_the_platform_roots_hold_is_trusted",
            "--test-threads=1",
        ])
        .env(TRUSTED_CHILD, &url)
        .env("SSL_CERT_FILE", &ca_file)
        .env_remove("SSL_CERT_DIR")
        .output()
        .await
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}
