//! The team database: a small connection pool over tokio-postgres. Connecting migrates the
//! schema (once for all replicas, see `migrate`). `sslmode=require` in the URL: TLS, the server
//! verified (see `tls`).

use crate::{migrate, ServerAddress, TeamError};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use std::time::Duration;
use tokio_postgres::config::SslMode;
use tokio_postgres::NoTls;

/// Connections one replica keeps to the team database.
const POOL_SIZE: usize = 8;
/// How long opening a connection, or waiting for a free one, may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The team database. Cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct TeamDb {
    pool: Pool,
}

impl TeamDb {
    /// Connects to `address` (`postgres://user@host:port/database`, as the user gave it, with
    /// its password) and brings the schema up to date. The error never repeats the URL: it may hold a
    /// password.
    pub async fn connect(address: &ServerAddress) -> Result<TeamDb, TeamError> {
        let ca = std::env::var_os(crate::tls::DATABASE_CA_ENV).map(std::path::PathBuf::from);
        Self::connect_with_ca(address, ca.as_deref()).await
    }

    /// As [`TeamDb::connect`], with the extra CA for a TLS connection given rather than read
    /// from [`crate::DATABASE_CA_ENV`].
    pub async fn connect_with_ca(
        address: &ServerAddress,
        extra_ca: Option<&std::path::Path>,
    ) -> Result<TeamDb, TeamError> {
        let mut config = address.postgres()?;
        config.connect_timeout(CONNECT_TIMEOUT);
        config.application_name("switchyard");
        let recycling = || ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        };
        let manager = if config.get_ssl_mode() == SslMode::Require {
            Manager::from_config(config, crate::tls::connector(extra_ca)?, recycling())
        } else {
            Manager::from_config(config, NoTls, recycling())
        };
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| TeamError::Invalid(e.to_string()))?;
        let db = TeamDb { pool };
        let mut client = db.client().await?;
        migrate::migrate(&mut client).await?;
        Ok(db)
    }

    /// A pooled connection.
    pub(crate) async fn client(&self) -> Result<Object, TeamError> {
        Ok(self.pool.get().await?)
    }

    /// This database's identity (drawn when its schema was created).
    pub async fn instance_id(&self) -> Result<String, TeamError> {
        let client = self.client().await?;
        let row = client
            .query_one("SELECT id FROM switchyard_instance", &[])
            .await?;
        Ok(row.get(0))
    }

    /// The schema version in the database.
    pub async fn schema_version(&self) -> Result<i32, TeamError> {
        let client = self.client().await?;
        let row = client
            .query_one("SELECT version FROM switchyard_schema", &[])
            .await?;
        Ok(row.get(0))
    }
}
