//! HTTPS on the gateway's own port, from a certificate and key the user gives
//! ([`GatewayConfig::tls`](crate::GatewayConfig::tls)). Each connection says which it is by its
//! first byte: a TLS handshake record (`0x16`) is answered over TLS, anything else as plain
//! HTTP, so the tools on this machine keep their `http://127.0.0.1` address while a browser on
//! another machine uses `https://`. Which one a request came on is [`Peer::tls`](crate::serve::Peer).
//!
//! The files are read once, when the gateway starts; a file that cannot be read, holds no
//! certificate or key, or a key that is not the certificate's stops the start with a
//! [`TlsError`] that names the file and what to do. The key's bytes are never logged or shown.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Where the certificate (PEM, the server's first, then its chain) and its private key (PEM:
/// PKCS#8, PKCS#1 or SEC1) are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Why HTTPS could not be set up; the gateway does not start.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the TLS {what} {}: {source}", path.display())]
    Read {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the TLS {what} {} holds no PEM {what} (a `-----BEGIN {label}-----` block)", path.display())]
    Missing {
        what: &'static str,
        label: &'static str,
        path: PathBuf,
    },
    #[error("the TLS certificate {} and key {} cannot be used together: {reason}", cert.display(), key.display())]
    Unusable {
        cert: PathBuf,
        key: PathBuf,
        reason: String,
    },
}

/// The first byte of a TLS connection: a handshake record.
const HANDSHAKE: u8 = 0x16;

/// Reads `files` into an acceptor (HTTP/1.1 over TLS 1.2 or 1.3).
pub fn acceptor(files: &TlsFiles) -> Result<tokio_rustls::TlsAcceptor, TlsError> {
    let cert_pem = read(&files.cert, "certificate")?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        return Err(TlsError::Missing {
            what: "certificate",
            label: "CERTIFICATE",
            path: files.cert.clone(),
        });
    }
    let key_pem = zeroize::Zeroizing::new(read(&files.key, "key")?);
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| TlsError::Missing {
        what: "key",
        label: "PRIVATE KEY",
        path: files.key.clone(),
    })?;
    let unusable = |reason: String| TlsError::Unusable {
        cert: files.cert.clone(),
        key: files.key.clone(),
        reason,
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| unusable(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| unusable(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

fn read(path: &Path, what: &'static str) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        what,
        path: path.to_path_buf(),
        source,
    })
}

/// The connection as served: plain, or TLS when its first byte began a handshake.
pub(crate) type Stream = tokio_util::either::Either<
    tokio::net::TcpStream,
    tokio_rustls::server::TlsStream<tokio::net::TcpStream>,
>;

/// Opens `tcp` as its first byte says, the handshake within `within`; `None` when the client
/// hung up, sent nothing in time, or its handshake failed (the connection is dropped).
pub(crate) async fn open(
    tcp: tokio::net::TcpStream,
    acceptor: &tokio_rustls::TlsAcceptor,
    within: std::time::Duration,
) -> Option<Stream> {
    let opened = async {
        let mut first = [0u8; 1];
        if tcp.peek(&mut first).await.ok()? == 0 {
            return None;
        }
        if first[0] != HANDSHAKE {
            return Some(Stream::Left(tcp));
        }
        match acceptor.accept(tcp).await {
            Ok(tls) => Some(Stream::Right(tls)),
            Err(e) => {
                tracing::debug!(error = %e, "a TLS handshake failed");
                None
            }
        }
    };
    tokio::time::timeout(within, opened).await.ok().flatten()
}
