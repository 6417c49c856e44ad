//! `switchyard-team-servers`: a throw-away PostgreSQL and Redis for test suites outside Rust (the
//! SDK suite's team gateway). Prints one line, `{"postgres":"postgres://…","redis":"redis://…"}`,
//! then obeys lines on stdin — `postgres restart` (stop, then start), `postgres stop`, `postgres start`,
//! `redis restart`, `redis stop` — answering each with `ok`. Stops both and removes their folders when stdin
//! closes (the suite ending, or dying: its end of the pipe closes either way).

use std::io::{BufRead, Write};
use switchyard_team::testing::{TempPostgres, TempRedis};

fn main() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let mut out = std::io::stdout().lock();
    let urls = serde_json::json!({ "postgres": pg.url(), "redis": redis.url() });
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
