//! TLS to the team database: a server that takes TLS connections only (`hostssl`), with a
//! certificate from a CA of its own. `sslmode=require` with that CA connects (and migrates);
//! without the CA the certificate is not trusted and nothing connects; without `sslmode=require`
//! the plain connection is refused by the server.

use switchyard_team::testing::{address, TempPostgres};
use switchyard_team::{TeamDb, SCHEMA_VERSION};

#[tokio::test]
async fn sslmode_require_reaches_the_team_database_over_tls_verified_against_its_ca() {
    let pg = TempPostgres::start_tls();
    let tls_url = format!("{}?sslmode=require", pg.url());

    let db = TeamDb::connect_with_ca(&address(&tls_url), Some(&pg.ca_file()))
        .await
        .expect("TLS with the team's CA");
    assert_eq!(db.schema_version().await.unwrap(), SCHEMA_VERSION);

    let untrusted = TeamDb::connect_with_ca(&address(&tls_url), None)
        .await
        .err()
        .map(|e| e.to_string());
    assert!(
        untrusted.is_some_and(|e| e.contains("TLS handshake") && e.contains("certificate")),
        "a certificate of an unknown CA must not be trusted, and the error says so"
    );
    let plain = TeamDb::connect_with_ca(&pg.address(), Some(&pg.ca_file()))
        .await
        .err()
        .map(|e| e.to_string());
    assert!(
        plain.is_some_and(|e| e.contains("no encryption")),
        "the server takes TLS connections only"
    );
}
