//! The TLS settings of both HTTP clients (Frontegg's and Atlassian's): the platform's certificate
//! verifier, as reqwest's own, but made at the first TLS handshake and once per process. Making
//! it reads the system's root certificates, a few milliseconds that each reqwest client would
//! otherwise spend when it is built (twice in every configured provider process), even in a
//! process that never opens a TLS connection. Never trusts what the platform verifier does not.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::Error;

/// The rustls configuration of an HTTP client: TLS 1.2 and 1.3, HTTP/2 and HTTP/1.1 offered
/// by ALPN, the server's certificate verified by the platform (system roots).
pub(crate) fn client_config() -> Result<rustls::ClientConfig, Error> {
    let provider = CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config(format!("the TLS settings could not be made: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PlatformVerifier { provider }))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// [`rustls_platform_verifier::Verifier`], made when a handshake first needs it.
#[derive(Debug)]
struct PlatformVerifier {
    provider: Arc<CryptoProvider>,
}

impl PlatformVerifier {
    fn platform(&self) -> Result<&rustls_platform_verifier::Verifier, rustls::Error> {
        static PLATFORM: OnceLock<Result<rustls_platform_verifier::Verifier, rustls::Error>> =
            OnceLock::new();
        PLATFORM
            .get_or_init(|| rustls_platform_verifier::Verifier::new(Arc::clone(&self.provider)))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl ServerCertVerifier for PlatformVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.platform()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.platform()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.platform()?.verify_tls13_signature(message, cert, dss)
    }

    /// What the platform verifier offers (its WebPKI verifier takes the provider's
    /// algorithms), without making it: a ClientHello names these before any certificate.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verifier_offers_the_schemes_of_the_platform_verifier() {
        let config = client_config().expect("config");
        assert_eq!(
            config.alpn_protocols,
            [b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let platform = rustls_platform_verifier::Verifier::new(Arc::clone(&provider))
            .expect("platform verifier");
        let lazy = PlatformVerifier { provider };
        assert_eq!(
            lazy.supported_verify_schemes(),
            platform.supported_verify_schemes()
        );
    }
}
