//! TLS to the team database: with `sslmode=require` in its URL, the connection is encrypted and
//! the server's certificate verified — against the system's roots and, when set, the PEM file
//! `SWITCHYARD_TEAM_DATABASE_CA` names (a team's own CA). Stricter than libpq's `require`, which
//! does not verify: a replica never sends its queries to a server it cannot authenticate.
//! Without `sslmode=require` the connection is plain, as before (a database on the same host or
//! private network).

use crate::TeamError;
use std::path::Path;
use std::sync::Arc;

/// The PEM file of an extra CA for the team database's certificate.
pub const DATABASE_CA_ENV: &str = "SWITCHYARD_TEAM_DATABASE_CA";

/// A connector that verifies the server against the system's roots and `extra_ca`.
pub(crate) fn connector(
    extra_ca: Option<&Path>,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, TeamError> {
    let mut roots = rustls::RootCertStore::empty();
    // A root the system store holds but rustls cannot parse is skipped, not fatal.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(file) = extra_ca {
        let text = std::fs::read(file).map_err(|e| {
            TeamError::Invalid(format!(
                "the team database's CA file ({DATABASE_CA_ENV}) cannot be read: {e}"
            ))
        })?;
        let certs = pem_certificates(&text);
        if certs.is_empty() {
            return Err(TeamError::Invalid(format!(
                "the team database's CA file ({DATABASE_CA_ENV}) holds no PEM certificate"
            )));
        }
        roots.add_parsable_certificates(certs);
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TeamError::Invalid(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// The certificates of a PEM file (`-----BEGIN CERTIFICATE-----` blocks), in order.
fn pem_certificates(text: &[u8]) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(text)
        .filter_map(Result::ok)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_without_a_certificate_is_refused_with_the_variable_named() {
        let dir = std::env::temp_dir().join(format!("sy-ca-{}", std::process::id()));
        std::fs::write(&dir, "not a certificate").unwrap();
        let refused = connector(Some(&dir)).err().map(|e| e.to_string());
        std::fs::remove_file(&dir).unwrap();
        assert!(refused.is_some_and(|e| e.contains(DATABASE_CA_ENV)));
        let missing = connector(Some(Path::new("/nonexistent/ca.pem")))
            .err()
            .map(|e| e.to_string());
        assert!(missing.is_some_and(|e| e.contains("cannot be read")));
    }
}
