//! The budgets' counters in Redis: the fast way a reservation is made while Redis answers. Each
//! budget and period has a counter of what settled requests cost (`…:{spend}:name:period`) and a
//! hash of what each request in flight holds (the same with `:holds`: reservation id → micro-USD
//! and when the hold expires, by Redis's clock). One Lua script checks every budget covering a
//! request and, only if each has room, holds the request's cost in all of them.
//!
//! A hold expires ([`HOLD_FOR_MS`], longer than any request runs), so a replica killed
//! mid-request holds nothing for long; and a reservation whose answer never came back (Redis
//! stalled) is dropped by its id once Redis answers again ([`RedisCounters::forget`]), so a
//! script that ran late holds nothing.

use super::{micro, TeamBudget};
use crate::link::Link;
use std::sync::{Arc, Mutex, PoisonError};

/// How long a hold outlives a reservation never settled: the gateway's longest request (its
/// total timeout, 10 minutes) and then some.
const HOLD_FOR_MS: i64 = 15 * 60 * 1000;

/// Checks every budget (KEYS: its settled counter and its holds, in pairs), seeding the settled
/// one from its ARGV and dropping expired holds; holds ARGV[1] as reservation ARGV[3] in every
/// budget if each has room for it. Returns 0 when reserved, else the 1-based index of the first
/// budget without room.
const RESERVE: &str = r"
local cost = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS / 2
for i = 1, n do
  local spent, holds = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('SET', spent, ARGV[2 * i + 3], 'NX', 'PX', ARGV[2])
  local held = 0
  local all = redis.call('HGETALL', holds)
  for j = 1, #all, 2 do
    local amount, ends = string.match(all[j + 1], '^(%-?%d+):(%d+)$')
    if amount == nil or tonumber(ends) <= now then
      redis.call('HDEL', holds, all[j])
    else
      held = held + math.max(0, tonumber(amount))
    end
  end
  if tonumber(redis.call('GET', spent)) + held + cost > tonumber(ARGV[2 * i + 4]) then
    return i
  end
end
local hold = ARGV[1] .. ':' .. tostring(now + tonumber(ARGV[4]))
for i = 1, n do
  redis.call('HSET', KEYS[2 * i], ARGV[3], hold)
  redis.call('PEXPIRE', KEYS[2 * i], ARGV[2])
end
return 0
";

/// Raises each settled counter (KEYS) to at least its floor (ARGV, with its expiry after it),
/// creating it when absent; a counter above its floor is left as it is.
const RAISE: &str = r"
for i = 1, #KEYS do
  local floor = tonumber(ARGV[2 * i - 1])
  if tonumber(redis.call('GET', KEYS[i]) or '-1') < floor then
    redis.call('SET', KEYS[i], floor, 'PX', ARGV[2 * i])
  end
end
return 0
";

/// A reservation Redis did not answer: its id and its holds' keys.
type Unanswered = (String, Vec<String>);

/// The counters in one Redis. Cheap to clone.
#[derive(Clone)]
pub(super) struct RedisCounters {
    pub(super) link: Arc<Link>,
    reserve: Arc<redis::Script>,
    raise: Arc<redis::Script>,
    /// Reservations Redis did not answer: dropped once it answers.
    unanswered: Arc<Mutex<Vec<Unanswered>>>,
}

impl RedisCounters {
    pub(super) fn new(link: Arc<Link>) -> RedisCounters {
        RedisCounters {
            link,
            reserve: Arc::new(redis::Script::new(RESERVE)),
            raise: Arc::new(redis::Script::new(RAISE)),
            unanswered: Arc::default(),
        }
    }

    /// Reserves `cost` (micro-USD) as reservation `id` in every budget of `covering`:
    /// `Some(None)` when reserved, `Some(Some(i))` when `covering[i]` has no room, `None` when
    /// Redis did not answer (then `id` is remembered, to be dropped should the script run late).
    pub(super) async fn reserve(
        &self,
        id: &str,
        covering: &[TeamBudget],
        cost: i64,
        now: i64,
    ) -> Option<Option<usize>> {
        let keep = covering.iter().map(|b| b.keep_ms(now)).max()?;
        let mut call = self.reserve.prepare_invoke();
        call.arg(cost).arg(keep).arg(id).arg(HOLD_FOR_MS);
        for b in covering {
            call.key(b.key())
                .key(b.held_key())
                .arg(micro(b.spent_usd).max(0))
                .arg(micro(b.limit_usd));
        }
        let answer = self
            .link
            .run("budgets", |mut conn| async move {
                call.invoke_async::<i64>(&mut conn).await
            })
            .await;
        let Some(answer) = answer else {
            let keys = covering.iter().map(TeamBudget::held_key).collect();
            self.lock_unanswered().push((id.to_string(), keys));
            return None;
        };
        Some(usize::try_from(answer - 1).ok())
    }

    fn lock_unanswered(&self) -> std::sync::MutexGuard<'_, Vec<Unanswered>> {
        self.unanswered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Drops the holds of every reservation Redis did not answer (a script that ran once Redis
    /// woke up). `false` when Redis did not answer (they are kept for the next try).
    pub(super) async fn forget(&self) -> bool {
        let gone = std::mem::take(&mut *self.lock_unanswered());
        if gone.is_empty() {
            return true;
        }
        let mut pipe = redis::pipe();
        for (id, keys) in &gone {
            for key in keys {
                pipe.cmd("HDEL").arg(key).arg(id).ignore();
            }
        }
        let done = self
            .link
            .run("budgets", |mut conn| async move {
                pipe.query_async::<()>(&mut conn).await
            })
            .await
            .is_some();
        if !done {
            self.lock_unanswered().extend(gone);
        }
        done
    }

    /// Moves reservation `id` from held to settled at what it really cost, in one transaction
    /// (in the background).
    pub(super) fn settle(&self, id: String, budgets: &[TeamBudget], cost: i64) {
        let keys: Vec<(String, String)> = budgets.iter().map(|b| (b.key(), b.held_key())).collect();
        let link = Arc::clone(&self.link);
        self.link.background(async move {
            link.run("budgets", |mut conn| async move {
                let mut pipe = redis::pipe();
                pipe.atomic();
                for (spent, held) in &keys {
                    pipe.cmd("HDEL").arg(held).arg(&id).ignore();
                    if cost > 0 {
                        pipe.cmd("INCRBY").arg(spent).arg(cost).ignore();
                    }
                }
                pipe.query_async::<()>(&mut conn).await
            })
            .await;
        });
    }

    /// Raises each budget's settled counter to its floor (micro-USD; by default its ledger
    /// figure) when below it. `false` when Redis did not answer.
    pub(super) async fn raise(
        &self,
        budgets: &[TeamBudget],
        floors: Option<&[i64]>,
        now: i64,
    ) -> bool {
        if budgets.is_empty() {
            return true;
        }
        let mut call = self.raise.prepare_invoke();
        for (i, b) in budgets.iter().enumerate() {
            let figure = micro(b.spent_usd);
            let floor = floors
                .and_then(|f| f.get(i))
                .map_or(figure, |f| figure.max(*f));
            call.key(b.key()).arg(floor.max(0)).arg(b.keep_ms(now));
        }
        self.link
            .run("budgets", |mut conn| async move {
                call.invoke_async::<i64>(&mut conn).await
            })
            .await
            .is_some()
    }

    /// What the counters of `budget` say is spent and held (expired holds included); `None`
    /// before the first reservation or when Redis does not answer.
    pub(super) async fn counted(&self, budget: &TeamBudget) -> Option<i64> {
        let (spent_key, held_key) = (budget.key(), budget.held_key());
        let (spent, holds): (Option<i64>, Vec<String>) = self
            .link
            .run("budgets", |mut conn| async move {
                redis::pipe()
                    .get(&spent_key)
                    .hvals(&held_key)
                    .query_async(&mut conn)
                    .await
            })
            .await?;
        let held: i64 = holds
            .iter()
            .filter_map(|h| h.split_once(':')?.0.parse::<i64>().ok())
            .map(|n| n.max(0))
            .sum();
        spent.map(|n| n + held)
    }
}
