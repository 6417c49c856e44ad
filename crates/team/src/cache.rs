//! The response cache shared by the team's replicas: a tier of `switchyard-cache` in Redis (see
//! `switchyard_cache::RemoteTier`). An answer stored by one replica is a hit on every other,
//! with the TTL it was stored with. Bounded twice: no single answer over [`MAX_ENTRY_BYTES`] is
//! shared, and the whole tier stays under a byte cap — one Lua script stores an entry, adds its
//! size to the total and evicts the oldest entries until the total fits (an expired entry's
//! bytes count until it is evicted, so the cap is never exceeded, only reached early).
//!
//! Single-flight across replicas: a miss claims the key in the same script that looks it up
//! (`SET NX PX`), so while one replica fetches an answer the others wait for it; storing the
//! answer ends the claim, a failed fetch releases it (only the claimer's own: compare and
//! delete), and an abandoned one expires after `switchyard_cache::CLAIM_HOLD`.
//!
//! Every key carries the hash tag `{cache}`, so on Redis Cluster the script's keys share a slot
//! (and the tier lives on one shard). Lookups ask Redis only after this replica's memory and
//! disk missed; a Redis that is away costs a lookup at most the link's timeout.

use crate::link::Link;
use std::sync::Arc;
use std::time::Duration;
use switchyard_cache::{CacheKey, Claim, RemoteFuture, RemoteTier};

/// The largest answer shared through Redis; larger ones stay in the replica that fetched them.
pub const MAX_ENTRY_BYTES: usize = 1 << 20;
/// The tier's default byte cap.
pub const DEFAULT_CAP_BYTES: u64 = 256 << 20;

const ENTRY: &str = "switchyard:{cache}:entry:";
const ORDER: &str = "switchyard:{cache}:order";
const SIZES: &str = "switchyard:{cache}:sizes";
const TOTAL: &str = "switchyard:{cache}:bytes";
const CLAIM: &str = "switchyard:{cache}:claim:";

/// KEYS[1] the entry, KEYS[2] its claim; ARGV[1] the hold in ms, ARGV[2] this replica's id.
/// `{1, answer, ms left}` when stored, `{2}` when this replica now holds the claim, `{3}` when
/// another does.
const GET_OR_CLAIM: &str = r"
local v = redis.call('GET', KEYS[1])
if v then return {1, v, redis.call('PTTL', KEYS[1])} end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[1]) then return {2, '', 0} end
return {3, '', 0}
";

/// Deletes the claim KEYS[1] if ARGV[1] holds it (an expired claim taken since is another's).
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
";

/// Stores KEYS[1] = ARGV[1] for ARGV[2] ms (size ARGV[3]), ends its claim KEYS[6], then evicts
/// oldest-first until the total is at most ARGV[4]. ARGV[5] is the entry key's suffix (its name
/// in ORDER and SIZES).
const STORE: &str = r"
local order, sizes, total = KEYS[2], KEYS[3], KEYS[4]
local id = ARGV[5]
local before = tonumber(redis.call('HGET', sizes, id) or '0')
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local t = redis.call('TIME')
redis.call('ZADD', order, tonumber(t[1]) * 1000000 + tonumber(t[2]), id)
redis.call('HSET', sizes, id, ARGV[3])
local sum = redis.call('INCRBY', total, tonumber(ARGV[3]) - before)
redis.call('DEL', KEYS[6])
local cap = tonumber(ARGV[4])
while sum > cap do
  local oldest = redis.call('ZPOPMIN', order)
  if #oldest == 0 then break end
  local size = tonumber(redis.call('HGET', sizes, oldest[1]) or '0')
  redis.call('HDEL', sizes, oldest[1])
  redis.call('DEL', KEYS[5] .. oldest[1])
  sum = redis.call('DECRBY', total, size)
end
return sum
";

/// The team's shared cache tier. See the module docs.
pub struct TeamCache {
    link: Arc<Link>,
    cap_bytes: u64,
    store: Arc<redis::Script>,
    claim_script: redis::Script,
    release_script: Arc<redis::Script>,
    /// This replica's name on the claims it holds.
    claimer: String,
}

impl TeamCache {
    /// A tier over `link`, holding at most `cap_bytes` of answers.
    pub fn new(link: Arc<Link>, cap_bytes: u64) -> TeamCache {
        TeamCache {
            link,
            cap_bytes,
            store: Arc::new(redis::Script::new(STORE)),
            claim_script: redis::Script::new(GET_OR_CLAIM),
            release_script: Arc::new(redis::Script::new(RELEASE)),
            claimer: uuid::Uuid::new_v4().simple().to_string(),
        }
    }

    /// The bytes the tier holds now, as its counter says (`None` when Redis does not answer).
    pub async fn stored_bytes(&self) -> Option<u64> {
        self.link
            .run("the response cache", |mut conn| async move {
                redis::cmd("GET")
                    .arg(TOTAL)
                    .query_async::<Option<u64>>(&mut conn)
                    .await
            })
            .await
            .map(Option::unwrap_or_default)
    }
}

fn id(key: &CacheKey) -> String {
    switchyard_domain::hex::encode(&key.0)
}

impl RemoteTier for TeamCache {
    fn get<'a>(&'a self, key: &'a CacheKey) -> RemoteFuture<'a, Option<(Vec<u8>, Duration)>> {
        Box::pin(async move {
            let entry = format!("{ENTRY}{}", id(key));
            let (bytes, left): (Option<Vec<u8>>, i64) = self
                .link
                .run("the response cache", |mut conn| async move {
                    redis::pipe()
                        .cmd("GET")
                        .arg(&entry)
                        .cmd("PTTL")
                        .arg(&entry)
                        .query_async(&mut conn)
                        .await
                })
                .await?;
            let left = Duration::from_millis(u64::try_from(left).ok().filter(|ms| *ms > 0)?);
            Some((bytes?, left))
        })
    }

    fn put(&self, key: CacheKey, encoded: Vec<u8>, ttl: Duration) {
        if encoded.len() > MAX_ENTRY_BYTES || ttl.is_zero() {
            // Not shared: whoever waits for it fetches it themselves.
            self.release(key);
            return;
        }
        let (link, script, cap) = (
            Arc::clone(&self.link),
            Arc::clone(&self.store),
            self.cap_bytes,
        );
        self.link.background(async move {
            let id = id(&key);
            let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
            let size = encoded.len();
            link.run("the response cache", |mut conn| async move {
                script
                    .key(format!("{ENTRY}{id}"))
                    .key(ORDER)
                    .key(SIZES)
                    .key(TOTAL)
                    .key(ENTRY)
                    .key(format!("{CLAIM}{id}"))
                    .arg(encoded)
                    .arg(ms)
                    .arg(size)
                    .arg(cap)
                    .arg(&id)
                    .invoke_async::<i64>(&mut conn)
                    .await
            })
            .await;
        });
    }

    fn get_or_claim<'a>(&'a self, key: &'a CacheKey, hold: Duration) -> RemoteFuture<'a, Claim> {
        Box::pin(async move {
            let id = id(key);
            let ms = u64::try_from(hold.as_millis()).unwrap_or(u64::MAX);
            let answer: Option<(i64, Vec<u8>, i64)> = self
                .link
                .run("the response cache", |mut conn| async move {
                    self.claim_script
                        .key(format!("{ENTRY}{id}"))
                        .key(format!("{CLAIM}{id}"))
                        .arg(ms)
                        .arg(&self.claimer)
                        .invoke_async(&mut conn)
                        .await
                })
                .await;
            match answer {
                Some((1, bytes, left)) => match u64::try_from(left).ok().filter(|ms| *ms > 0) {
                    Some(ms) => Claim::Found(bytes, Duration::from_millis(ms)),
                    None => Claim::Unknown,
                },
                Some((2, _, _)) => Claim::Claimed,
                Some((3, _, _)) => Claim::Elsewhere,
                _ => Claim::Unknown,
            }
        })
    }

    fn release(&self, key: CacheKey) {
        let (link, script, claimer) = (
            Arc::clone(&self.link),
            Arc::clone(&self.release_script),
            self.claimer.clone(),
        );
        self.link.background(async move {
            let claim = format!("{CLAIM}{}", id(&key));
            link.run("the response cache", |mut conn| async move {
                script
                    .key(claim)
                    .arg(claimer)
                    .invoke_async::<i64>(&mut conn)
                    .await
            })
            .await;
        });
    }
}
