use crate::until;
use std::time::Duration;
use switchyard_domain::TokenScope;
use switchyard_gateway::Authenticator;
use switchyard_team::testing::{TempPostgres, TempRedis};
use switchyard_team::{Bus, Change, TeamDb, TeamTokens};

/// One replica's view: its database handle, change notices and accepted tokens.
struct Replica {
    db: TeamDb,
    bus: Bus,
    tokens: TeamTokens,
    _follow: tokio::task::JoinHandle<()>,
}

async fn replica(pg: &TempPostgres, redis: &TempRedis, reload_every: Duration) -> Replica {
    let db = TeamDb::connect(&pg.address()).await.unwrap();
    let bus = Bus::start(&redis.address()).unwrap();
    let tokens = TeamTokens::load(db.clone()).await.unwrap();
    let follow = tokio::spawn(tokens.follow(Some(&bus), reload_every));
    until(Duration::from_secs(5), "the bus reaches Redis", || async {
        bus.is_up()
    })
    .await;
    Replica {
        db,
        bus,
        tokens,
        _follow: follow,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_revoked_on_one_replica_is_refused_by_every_replica_within_a_second() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let hour = Duration::from_secs(3600); // the timer never fires: only the notice can tell them
    let [a, b, c] = [
        replica(&pg, &redis, hour).await,
        replica(&pg, &redis, hour).await,
        replica(&pg, &redis, hour).await,
    ];
    let new =
        a.db.create_token("claude-code", "ana@example.com", TokenScope::Gateway)
            .await
            .unwrap();
    a.bus.publish(Change::Tokens).await.unwrap();
    for r in [&b, &c] {
        until(
            Duration::from_secs(1),
            "the new token is accepted",
            || async { r.tokens.verify(&new.value).is_some() },
        )
        .await;
    }
    let caller = c.tokens.verify(&new.value).unwrap();
    assert_eq!(
        (caller.token_id.as_str(), caller.name.as_str()),
        (new.token.id.as_str(), "claude-code")
    );

    a.db.revoke_token(&new.token.id).await.unwrap();
    a.bus.publish(Change::Tokens).await.unwrap();
    for r in [&a, &b, &c] {
        let took = until(
            Duration::from_secs(1),
            "the revoked token is refused",
            || async { r.tokens.verify(&new.value).is_none() },
        )
        .await;
        assert!(took < Duration::from_secs(1), "{took:?}");
    }
    let listed = a.db.tokens().await.unwrap();
    assert!(
        listed[0].revoked && listed[0].owner == "ana@example.com",
        "{listed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_away_revocation_still_reaches_every_replica_by_its_reload_and_sharing_resumes()
{
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let every = Duration::from_millis(300);
    let a = replica(&pg, &redis, every).await;
    let b = replica(&pg, &redis, every).await;
    let new =
        a.db.create_token("codex", "bo@example.com", TokenScope::Gateway)
            .await
            .unwrap();
    until(Duration::from_secs(2), "b learns the token", || async {
        b.tokens.verify(&new.value).is_some()
    })
    .await;

    redis.stop();
    until(Duration::from_secs(5), "b says Redis is down", || async {
        !b.bus.is_up()
    })
    .await;
    a.db.revoke_token(&new.token.id).await.unwrap();
    assert!(
        a.bus.publish(Change::Tokens).await.is_err(),
        "nobody can hear it"
    );
    until(
        Duration::from_secs(2),
        "b refuses it after its reload",
        || async { b.tokens.verify(&new.value).is_none() },
    )
    .await;

    redis.restart();
    until(Duration::from_secs(5), "b hears Redis again", || async {
        b.bus.is_up()
    })
    .await;
    let mut notices = b.bus.subscribe();
    a.bus.publish(Change::Config).await.unwrap();
    let heard = tokio::time::timeout(Duration::from_secs(1), notices.recv()).await;
    assert_eq!(heard.unwrap().unwrap(), Change::Config);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_made_on_another_replica_a_moment_ago_is_accepted_on_first_use() {
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.address()).await.unwrap();
    let tokens = TeamTokens::load(db.clone()).await.unwrap();
    let new = db
        .create_token("aider", "cy@example.com", TokenScope::Metrics)
        .await
        .unwrap();
    assert!(tokens.verify(&new.value).is_none(), "not read yet");
    // As the gateway does on a miss: refresh on the blocking pool, then look again.
    let t = tokens.clone();
    assert!(tokio::task::spawn_blocking(move || t.refresh())
        .await
        .unwrap());
    assert_eq!(
        tokens.verify(&new.value).unwrap().scope,
        TokenScope::Metrics
    );
    assert!(tokens.verify("sy-not-a-token").is_none());
}

#[tokio::test]
async fn a_token_value_is_in_no_table_and_no_redis_key() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let r = replica(&pg, &redis, Duration::from_secs(3600)).await;
    let new =
        r.db.create_token("codex", "ana@example.com", TokenScope::Gateway)
            .await
            .unwrap();
    r.bus.publish(Change::Tokens).await.unwrap();
    let limits = switchyard_team::SharedWindow::new(Some(super::limits::link(&redis)));
    limits
        .admit(&new.token.id, 5, Duration::from_secs(60))
        .await;

    let client = super::sql(&pg).await;
    let dump = client
        .query(
            "SELECT t::text FROM team_tokens t UNION ALL SELECT s::text FROM switchyard_schema s",
            &[],
        )
        .await
        .unwrap();
    let rows: Vec<String> = dump.iter().map(|row| row.get(0)).collect();
    assert!(!rows.is_empty());
    let secret = &new.value["sy-".len()..];
    assert!(rows.iter().all(|row| !row.contains(secret)), "{rows:?}");

    let client = redis::Client::open(redis.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(!keys.is_empty());
    for key in keys {
        let members: Vec<String> = redis::cmd("ZRANGE")
            .arg(&key)
            .arg(0)
            .arg(-1)
            .query_async(&mut conn)
            .await
            .unwrap();
        assert!(
            !key.contains(secret) && members.iter().all(|m| !m.contains(secret)),
            "{key}: {members:?}"
        );
    }
}
