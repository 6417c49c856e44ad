//! What the gateway needs from the application, as traits: checking tokens, reading keys,
//! recording requests, and hearing about key and breaker changes. The app implements them over
//! the store, the keychain and its event channel; tests implement them in memory.

use std::time::Duration;
use switchyard_domain::RequestRecord;
use switchyard_secrets::{SecretError, SecretString};

/// The tool a request came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub token_id: String,
    pub name: String,
    /// What its token may call; the guard refuses the rest (a scrape token: `/metrics` only).
    pub scope: switchyard_domain::TokenScope,
    /// The person the token was made for (a team token's owner); `None` for a machine's own.
    pub owner: Option<String>,
    /// The tool's plan, when it was connected with one: its own sign-in, beside the token, is
    /// then passed to the vendor's host for this caller's requests (`subscription`).
    pub subscription: Option<switchyard_domain::Subscription>,
}

pub trait Authenticator: Send + Sync + 'static {
    /// The caller owning an active `token`, or `None`. From memory; never does I/O (called on
    /// the request path).
    fn verify(&self, token: &str) -> Option<Caller>;
    /// Re-reads the tokens (one created elsewhere may be unknown yet); blocking, called on the
    /// blocking pool after `verify` said `None`. Returns whether the tokens are fresh — re-read
    /// now, or a moment ago by a concurrent call — so that `verify` is worth asking again.
    fn refresh(&self) -> bool {
        false
    }
}

/// A shared store's answer to the gateway, boxed so that the sharing traits stay object-safe.
pub type SharedAnswer<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// A shared window's answer: room, or how long until there is some.
pub type Room = Result<(), Duration>;

/// Rate-limit windows shared with other gateways (a team's replicas), so that a backend's
/// requests-per-minute limit holds for all of them together. A window is keyed by the backend's
/// name: replicas configured alike count the same provider account together.
pub trait SharedLimits: Send + Sync + 'static {
    /// Takes a place in window `key` (at most `limit` per `window`, for every gateway sharing
    /// it); `Err(retry_in)` when none is left: how long until the oldest place frees. Counts
    /// locally when the shared store cannot answer.
    fn admit<'a>(&'a self, key: &'a str, limit: u32, window: Duration) -> SharedAnswer<'a, Room>;
    /// Whether window `key` used fewer than `limit` tokens in the last `window`, counted by every
    /// gateway sharing it ([`SharedLimits::used_tokens`]); `Err(retry_in)` when not. Takes no
    /// place. Counts locally when the shared store cannot answer.
    fn tokens_left<'a>(
        &'a self,
        key: &'a str,
        limit: u32,
        window: Duration,
    ) -> SharedAnswer<'a, Room> {
        let _ = (key, limit, window);
        Box::pin(std::future::ready(Ok(())))
    }
    /// Adds `n` tokens an answer used to window `key`. Must not block (written in the
    /// background).
    fn used_tokens(&self, key: &str, n: u64) {
        let _ = (key, n);
    }
}

/// Circuit breakers shared with other gateways (a team's replicas): a backend one of them found
/// failing is avoided by all while its breaker is open. Keyed by the backend's name, as
/// [`SharedLimits`] is.
pub trait SharedBreakers: Send + Sync + 'static {
    /// This gateway's breaker for `backend` opened for `open_for`: tell the others. Must not
    /// block (the notice goes out in the background).
    fn opened(&self, backend: &str, open_for: Duration);
    /// How much longer another gateway holds `backend` open, if it does. From memory; never
    /// does I/O (called on the request path).
    fn open_elsewhere(&self, backend: &str) -> Option<Duration>;
}

/// Budgets' hard stops shared with other gateways (a team's replicas): before a paid request
/// goes out, its worst-case cost is reserved in every shared budget covering it, so replicas
/// sending at once cannot together spend past the limit; the request's real cost settles the
/// reservation when it ends.
pub trait SharedBudgets: Send + Sync + 'static {
    /// Reserves `usd` in every shared budget covering a request by `owner`'s token (a team
    /// token's person) to backend `backend` (by name) for `route`. `Ok(None)`: none covers it, or the shared store cannot answer now (the
    /// gateway's own stop then applies alone). `Err(message)`: one has less than `usd` left.
    fn reserve<'a>(
        &'a self,
        owner: Option<&'a str>,
        backend: &'a str,
        route: Option<&'a str>,
        usd: f64,
    ) -> SharedAnswer<'a, Result<Option<Box<dyn Held>>, String>>;
}

/// A reservation in shared budgets. Settled once with the request's real cost; dropped without
/// settling, what it reserved stays spent (the safe side).
pub trait Held: Send + Sync {
    fn settle(self: Box<Self>, usd: f64);
}

/// What a gateway shares with the other replicas of a team gateway; nothing by default (one
/// gateway on its own).
#[derive(Clone, Default)]
pub struct Shared {
    /// Rate-limit windows; `None` counts on this gateway only.
    pub limits: Option<std::sync::Arc<dyn SharedLimits>>,
    /// Breakers; `None` keeps them to this gateway.
    pub breakers: Option<std::sync::Arc<dyn SharedBreakers>>,
    /// Budgets' hard stops; `None` enforces them from this gateway's own counts.
    pub budgets: Option<std::sync::Arc<dyn SharedBudgets>>,
}

pub trait KeySource: Send + Sync + 'static {
    /// A key already in memory; never does I/O (called on the request path).
    fn cached(&self, key_id: &str) -> Option<SecretString>;
    /// Reads the key from the keychain; blocking (called on the blocking pool). The error says
    /// which: a missing key (try the next one) or a locked/unavailable keychain (no key will do).
    fn load(&self, key_id: &str) -> Result<SecretString, SecretError>;
}

pub trait Ledger: Send + Sync + 'static {
    /// Queues a finished request; must not block.
    fn record(&self, record: RequestRecord, token_id: Option<String>);
}

/// Things the UI wants to know about, reported on transitions only. All methods default to no-op.
pub trait Observer: Send + Sync + 'static {
    /// The provider refused a key (401/403).
    fn key_rejected(&self, _backend_id: &str, _key_id: &str, _status: u16) {}
    /// A key or backend is cooling down after a 429.
    fn rate_limited(&self, _backend_id: &str, _key_id: Option<&str>, _for_secs: u64) {}
    /// A request finished on a backend: `ok` for a 2xx answer, not for a provider failure.
    /// Caller errors (other 4xx) and hang-ups are not reported: they say nothing about health.
    fn request_finished(&self, _backend_id: &str, _ok: bool, _latency_ms: u32) {}
    /// A plan's window: used up (`Some(reset)`, Unix seconds; the overflow serves) or back
    /// (`None`: the plan served again). Told once per change.
    fn plan_window(&self, _vendor: switchyard_domain::Vendor, _used_up_until: Option<u64>) {}
    /// A circuit breaker changed state.
    fn breaker_changed(
        &self,
        _backend_id: &str,
        _key_id: Option<&str>,
        _state: switchyard_domain::Circuit,
        _reason: &str,
    ) {
    }
}

/// An observer that ignores everything.
pub struct NoObserver;
impl Observer for NoObserver {}
