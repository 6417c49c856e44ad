//! Change notices between replicas over Redis pub/sub: "the tokens changed", "the configuration
//! changed". A notice only says *what* to re-read; the record itself is in PostgreSQL, so a lost
//! notice costs at most one reload interval, never a wrong answer. While Redis is away the bus
//! says so ([`Bus::is_up`]); when it is back every listener hears [`Change::Resync`], since
//! notices sent meanwhile were lost.

use crate::TeamError;
use futures_util::StreamExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

/// The one channel every replica listens on.
pub const CHANNEL: &str = "switchyard:changes";
/// How long a publish may wait for Redis.
const PUBLISH_TIMEOUT: Duration = Duration::from_secs(1);
/// Longest wait between two attempts to reach Redis again.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A token was created or revoked.
    Tokens,
    /// Backends, routes, budgets or settings.
    Config,
    /// Notices may have been missed (Redis was away): re-read everything.
    Resync,
    /// Replica `replica` opened its breaker for backend `backend` for `for_ms` milliseconds.
    BreakerOpened {
        replica: String,
        backend: String,
        for_ms: u64,
    },
}

/// Separates a notice's fields (never in a backend's name: names are printable).
const SEP: char = '\u{1f}';

impl Change {
    fn encode(&self) -> String {
        match self {
            Change::Tokens => "tokens".into(),
            Change::Config => "config".into(),
            Change::Resync => "resync".into(),
            Change::BreakerOpened {
                replica,
                backend,
                for_ms,
            } => format!("breaker{SEP}{replica}{SEP}{for_ms}{SEP}{backend}"),
        }
    }

    fn parse(s: &str) -> Change {
        match s {
            "tokens" => return Change::Tokens,
            "config" => return Change::Config,
            _ => {}
        }
        let mut fields = s.splitn(4, SEP);
        if let (Some("breaker"), Some(replica), Some(ms), Some(backend)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        {
            if let Ok(for_ms) = ms.parse() {
                return Change::BreakerOpened {
                    replica: replica.into(),
                    backend: backend.into(),
                    for_ms,
                };
            }
        }
        // A notice this version does not know: re-read everything rather than miss it.
        Change::Resync
    }
}

/// The change notices of one replica. Cheap to clone; the listening task stops with the last
/// clone.
#[derive(Clone)]
pub struct Bus {
    client: redis::Client,
    up: Arc<AtomicBool>,
    notices: broadcast::Sender<Change>,
    _listener: Arc<Listener>,
}

/// Stops the listening task when the last [`Bus`] goes.
struct Listener(JoinHandle<()>);

impl Drop for Listener {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Bus {
    /// Starts listening on `address` (`redis://host:port`, as the user gave it). Redis need not be up yet: the bus keeps
    /// trying, and says it is down meanwhile.
    pub fn start(address: &crate::ServerAddress) -> Result<Bus, TeamError> {
        let client = redis::Client::open(address.redis()?).map_err(|_| {
            TeamError::Invalid("the Redis URL is not valid: expected redis://host:port".into())
        })?;
        let up = Arc::new(AtomicBool::new(false));
        let (notices, _) = broadcast::channel(64);
        let task = tokio::spawn(listen(client.clone(), Arc::clone(&up), notices.clone()));
        Ok(Bus {
            client,
            up,
            notices,
            _listener: Arc::new(Listener(task)),
        })
    }

    /// Whether this replica hears the others now.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// The notices from now on (every replica's, this one's included).
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.notices.subscribe()
    }

    /// Tells every replica that `change` happened. Fails when Redis is away; the others then
    /// learn it at their next reload.
    pub async fn publish(&self, change: Change) -> Result<(), TeamError> {
        let send = async {
            let mut conn = self.client.get_multiplexed_async_connection().await?;
            redis::cmd("PUBLISH")
                .arg(CHANNEL)
                .arg(change.encode())
                .query_async::<i64>(&mut conn)
                .await
        };
        match tokio::time::timeout(PUBLISH_TIMEOUT, send).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.into()),
            Err(_) => Err(TeamError::Redis("no answer within a second".into())),
        }
    }
}

/// Keeps one subscription open, reconnecting with backoff; forwards every notice.
async fn listen(client: redis::Client, up: Arc<AtomicBool>, notices: broadcast::Sender<Change>) {
    let mut backoff = Duration::from_millis(100);
    let mut was_down = false;
    loop {
        match subscribe(&client).await {
            Ok(mut pubsub) => {
                up.store(true, Ordering::Relaxed);
                backoff = Duration::from_millis(100);
                if was_down {
                    tracing::info!("Redis is back: sharing resumes");
                    let _ = notices.send(Change::Resync);
                }
                let mut messages = pubsub.on_message();
                while let Some(msg) = messages.next().await {
                    let payload: String = msg.get_payload().unwrap_or_default();
                    let _ = notices.send(Change::parse(&payload));
                }
                tracing::warn!("lost the connection to Redis: the replicas are not sharing");
            }
            Err(e) => {
                if !was_down {
                    tracing::warn!(error = %e, "Redis cannot be reached: the replicas are not sharing");
                }
            }
        }
        up.store(false, Ordering::Relaxed);
        was_down = true;
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

async fn subscribe(client: &redis::Client) -> Result<redis::aio::PubSub, TeamError> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(CHANNEL).await?;
    Ok(pubsub)
}

/// When a follower re-reads: every `every`, and at once on a notice it wants (or when notices
/// may have been lost: lagged, or the bus gone). Shared by the team's follow loops.
pub struct Reloads {
    notices: Option<broadcast::Receiver<Change>>,
    tick: tokio::time::Interval,
    wanted: fn(&Change) -> bool,
}

impl Reloads {
    /// Reloads on `bus`'s notices that `wanted` accepts (none without a bus) and every `every`;
    /// the first [`Reloads::next`] returns at once.
    pub fn new(bus: Option<&Bus>, every: Duration, wanted: fn(&Change) -> bool) -> Reloads {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Reloads {
            notices: bus.map(Bus::subscribe),
            tick,
            wanted,
        }
    }

    /// Waits until it is time to re-read.
    pub async fn next(&mut self) {
        loop {
            let heard = async {
                match self.notices.as_mut() {
                    Some(rx) => rx.recv().await.ok(),
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = self.tick.tick() => return,
                change = heard => match change {
                    Some(c) if (self.wanted)(&c) => return,
                    Some(_) => {}
                    // Lagged or closed: listen afresh and re-read, since notices were lost.
                    None => {
                        if let Some(rx) = self.notices.as_mut() {
                            *rx = rx.resubscribe();
                        }
                        return;
                    }
                },
            }
        }
    }
}
