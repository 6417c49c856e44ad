//! `switchyard-team-servers`: a throw-away PostgreSQL and Redis for test suites outside Rust (the
//! SDK suite's team gateway, the team benchmark). Prints one line,
//! `{"postgres":"postgres://…","redis":"redis://…","postgresPid":N}`, then obeys lines on stdin, answering each with `ok`: `postgres restart` (stop, then start),
//! `postgres stop`, `postgres start`, `redis restart`, `redis stop`, `redis pause` (SIGSTOP), `redis resume`, and `redis dump` (first a
//! line of every key and its values). Stops both and removes their folders when stdin closes
//! (the suite ending, or dying: its end of the pipe closes either way).
//!
//! Unix only, as `switchyard_team::testing` is.

#[cfg(unix)]
use std::io::{BufRead, Write};
#[cfg(unix)]
use switchyard_team::testing::{TempPostgres, TempRedis};

#[cfg(not(unix))]
fn main() {}

#[cfg(unix)]
fn main() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let mut out = std::io::stdout().lock();
    let urls = serde_json::json!({
        "postgres": pg.url(),
        "redis": redis.url(),
        "postgresPid": pg.pid(),
    });
    if writeln!(out, "{urls}").and_then(|()| out.flush()).is_err() {
        return;
    }
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let answer = match line.trim() {
            "postgres restart" => {
                pg.stop();
                pg.restart();
                "ok"
            }
            "postgres start" => {
                pg.restart();
                "ok"
            }
            "postgres stop" => {
                pg.stop();
                "ok"
            }
            "redis restart" => {
                redis.restart();
                "ok"
            }
            "redis stop" => {
                redis.stop();
                "ok"
            }
            "redis pause" => {
                redis.pause();
                "ok"
            }
            "redis resume" => {
                redis.resume();
                "ok"
            }
            "redis dump" => {
                // One line: every key and what it holds, binary values decoded lossily.
                let dump = dump(&redis.url()).unwrap_or_else(|e| format!("error: {e}"));
                if writeln!(out, "{dump}").is_err() {
                    break;
                }
                "ok"
            }
            "" => continue,
            _ => "unknown command",
        };
        if writeln!(out, "{answer}")
            .and_then(|()| out.flush())
            .is_err()
        {
            break;
        }
    }
}

#[cfg(unix)]
/// Every key in Redis with its value, as one JSON line (for tests that look for a secret).
fn dump(url: &str) -> redis::RedisResult<String> {
    let mut conn = redis::Client::open(url)?.get_connection()?;
    let keys: Vec<Vec<u8>> = redis::cmd("KEYS").arg("*").query(&mut conn)?;
    let mut all = serde_json::Map::new();
    for key in keys {
        let kind: String = redis::cmd("TYPE").arg(&key).query(&mut conn)?;
        let parts: Vec<Vec<u8>> = match kind.as_str() {
            "string" => vec![redis::cmd("GET").arg(&key).query(&mut conn)?],
            "hash" => redis::cmd("HGETALL").arg(&key).query(&mut conn)?,
            "set" => redis::cmd("SMEMBERS").arg(&key).query(&mut conn)?,
            "zset" => redis::cmd("ZRANGE")
                .arg(&key)
                .arg(0)
                .arg(-1)
                .query(&mut conn)?,
            "list" => redis::cmd("LRANGE")
                .arg(&key)
                .arg(0)
                .arg(-1)
                .query(&mut conn)?,
            _ => Vec::new(),
        };
        let text: Vec<String> = parts
            .iter()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        all.insert(String::from_utf8_lossy(&key).into_owned(), text.into());
    }
    Ok(serde_json::Value::Object(all).to_string())
}
