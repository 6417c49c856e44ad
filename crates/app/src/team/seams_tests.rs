//! One suite, two stores: the gateway reaches tokens and the ledger only through its seams
//! (`Authenticator`, `Ledger`), and the same cases run here against this machine's SQLite
//! (`Tokens`, `LedgerWriter`) and a team's PostgreSQL (`TeamTokens`, `TeamLedger`, on a
//! throw-away server). A difference between the two is a failure of one of them.

use crate::events::EventSink;
use crate::ledger::LedgerWriter;
use crate::tokens::Tokens;
use std::sync::Arc;
use switchyard_domain::{RequestRecord, TokenScope};
use switchyard_gateway::{Authenticator, Ledger};
use switchyard_store::{Access, RequestFilter, Store};
use switchyard_team::testing::TempPostgres;
use switchyard_team::{TeamDb, TeamLedger, TeamTokens};
use tokio_util::sync::CancellationToken;

/// A store behind the gateway's seams.
enum Backend {
    Local {
        store: Store,
        tokens: Tokens,
        writer: LedgerWriter,
        _dir: tempfile::TempDir,
    },
    Team {
        db: TeamDb,
        tokens: TeamTokens,
        ledger: TeamLedger,
        stop: CancellationToken,
        pump: tokio::task::JoinHandle<()>,
        _pg: TempPostgres,
    },
}

impl Backend {
    async fn local() -> Backend {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("switchyard.sqlite")).unwrap();
        let (tx, _) = tokio::sync::broadcast::channel(16);
        let tokens = Tokens::new(store.clone(), EventSink::new(tx)).unwrap();
        let writer = LedgerWriter::spawn(store.connection(Access::Write).unwrap(), |_| {}).unwrap();
        Backend::Local {
            store,
            tokens,
            writer,
            _dir: dir,
        }
    }

    async fn team() -> Backend {
        let pg = TempPostgres::start();
        let db = TeamDb::connect(&pg.address()).await.unwrap();
        let tokens = TeamTokens::load(db.clone()).await.unwrap();
        let (ledger, pump) = TeamLedger::new(db.clone(), "replica-a", 50_000);
        let stop = CancellationToken::new();
        let pump = tokio::spawn(pump.run(stop.clone().cancelled_owned()));
        Backend::Team {
            db,
            tokens,
            ledger,
            stop,
            pump,
            _pg: pg,
        }
    }

    async fn both() -> [Backend; 2] {
        [Backend::local().await, Backend::team().await]
    }

    fn name(&self) -> &'static str {
        match self {
            Backend::Local { .. } => "SQLite",
            Backend::Team { .. } => "PostgreSQL",
        }
    }

    /// A token for `name`: its id and value.
    async fn create(&self, name: &str) -> (String, String) {
        match self {
            Backend::Local { tokens, .. } => {
                let t = tokens.create(name.into()).await.unwrap();
                (t.row.id, t.token.expose().to_string())
            }
            Backend::Team { db, tokens, .. } => {
                let t = db
                    .create_token(name, "ana", TokenScope::Gateway)
                    .await
                    .unwrap();
                tokens.reload().await.unwrap();
                (t.token.id, t.value)
            }
        }
    }

    /// Revokes token `id` as the store's own command does (and as its replicas then learn).
    async fn revoke(&self, id: &str) {
        match self {
            Backend::Local { tokens, .. } => drop(tokens.revoke(id.into()).await.unwrap()),
            Backend::Team { db, tokens, .. } => {
                db.revoke_token(id).await.unwrap();
                tokens.reload().await.unwrap();
            }
        }
    }

    fn auth(&self) -> Arc<dyn Authenticator> {
        match self {
            Backend::Local { tokens, .. } => Arc::new(tokens.index()),
            Backend::Team { tokens, .. } => Arc::new(tokens.clone()),
        }
    }

    fn ledger(&self) -> Arc<dyn Ledger> {
        match self {
            Backend::Local { writer, .. } => Arc::new(writer.sink()),
            Backend::Team { ledger, .. } => Arc::new(ledger.clone()),
        }
    }

    /// Everything the ledger holds, after what was queued is written (newest first).
    async fn recorded(self) -> Vec<RequestRecord> {
        match self {
            Backend::Local { store, writer, .. } => tokio::task::spawn_blocking(move || {
                writer.stop();
                let filter = RequestFilter {
                    limit: 1000,
                    ..Default::default()
                };
                store.ledger().recent_requests(&filter).unwrap()
            })
            .await
            .unwrap(),
            Backend::Team { db, stop, pump, .. } => {
                stop.cancel();
                pump.await.unwrap();
                let rows = db.recent_requests(1000, None).await.unwrap();
                rows.into_iter().map(|r| r.record).collect()
            }
        }
    }
}

fn request(n: usize, token: &str) -> RequestRecord {
    RequestRecord {
        id: format!("req-{n:04}"),
        started_at: format!("2026-11-26T10:{:02}:{:02}.000Z", n / 60, n % 60),
        token_name: Some(token.into()),
        inbound: "openai".into(),
        requested_model: "demo-chat".into(),
        backend: Some("Demo".into()),
        model: Some("demo-chat".into()),
        status: if n.is_multiple_of(10) { 502 } else { 200 },
        attempts: 1,
        latency_ms: 7,
        input_tokens: n as u64,
        output_tokens: 2,
        cost_usd: Some(n as f64 / 1_000_000.0),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_accepted_named_and_refused_once_revoked_by_either_store() {
    for b in Backend::both().await {
        let (id, value) = b.create("codex").await;
        let (_, other) = b.create("aider").await;
        let auth = b.auth();
        let caller = auth
            .verify(&value)
            .unwrap_or_else(|| panic!("{}: a new token", b.name()));
        assert_eq!(
            (caller.name.as_str(), caller.scope),
            ("codex", TokenScope::Gateway),
            "{}",
            b.name()
        );
        assert!(
            auth.verify("sy-0000000000000000000000000000000000000000")
                .is_none(),
            "{}",
            b.name()
        );
        b.revoke(&id).await;
        assert!(auth.verify(&value).is_none(), "{}: revoked", b.name());
        assert!(
            auth.verify(&other).is_some(),
            "{}: the other token stays",
            b.name()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_recorded_request_is_kept_once_with_its_numbers_by_either_store() {
    for b in Backend::both().await {
        let name = b.name();
        let ledger = b.ledger();
        for n in 0..300 {
            ledger.record(request(n, "codex"), None);
        }
        let kept = b.recorded().await;
        assert_eq!(kept.len(), 300, "{name}");
        assert_eq!(kept[0].id, "req-0299", "{name}: newest first");
        let sum: u64 = kept.iter().map(|r| r.input_tokens).sum();
        assert_eq!(sum, (0..300).sum::<u64>(), "{name}");
        let failed = kept.iter().filter(|r| r.status >= 400).count();
        assert_eq!(failed, 30, "{name}");
        let cost: f64 = kept.iter().filter_map(|r| r.cost_usd).sum();
        assert!((cost - 0.04485).abs() < 1e-9, "{name}: {cost}");
        assert!(
            kept.iter()
                .all(|r| r.token_name.as_deref() == Some("codex")),
            "{name}"
        );
    }
}
