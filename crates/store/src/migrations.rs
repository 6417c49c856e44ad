//! Schema steps, in order: `user_version` is the number applied. Append only; a step that
//! reshapes a table copies its rows (see 9 and 10).

/// The ledger's `attempts` columns, as step 2 made them and step 9 keeps them (the text of both
/// steps is unchanged).
macro_rules! attempt_columns {
    () => {
        "
        request_id  TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
        n           INTEGER NOT NULL,
        backend     TEXT NOT NULL,
        key_label   TEXT,
        model       TEXT NOT NULL,
        status      INTEGER,
        error_class TEXT,
        latency_ms  INTEGER NOT NULL,
        PRIMARY KEY (request_id, n)
    ) STRICT"
    };
}

/// What each hour's usage rollup counts, the same in both rollup tables of step 7.
macro_rules! usage_measures {
    () => {
        "
        requests INTEGER NOT NULL, errors INTEGER NOT NULL, input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL, unpriced INTEGER NOT NULL,
        latency_ms_sum INTEGER NOT NULL, cache_lookups INTEGER NOT NULL,
        cache_hits INTEGER NOT NULL, cache_shared INTEGER NOT NULL,
        cache_skipped INTEGER NOT NULL, saved_usd REAL NOT NULL,"
    };
}

/// Schema steps, in order. `user_version` = number of steps applied. Append only.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: backends, their keys (metadata only: the key itself lives in the OS keychain),
    //    the last check per backend/key, and settings.
    "CREATE TABLE backends (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        kind          TEXT NOT NULL,
        base_url      TEXT NOT NULL,
        default_model TEXT NOT NULL,
        enabled       INTEGER NOT NULL DEFAULT 1,
        position      INTEGER NOT NULL,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX backends_name ON backends (name COLLATE NOCASE);
    CREATE TABLE backend_keys (
        id         TEXT PRIMARY KEY,
        backend_id TEXT NOT NULL REFERENCES backends (id) ON DELETE CASCADE,
        label      TEXT NOT NULL,
        hint       TEXT NOT NULL,
        position   INTEGER NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX backend_keys_label ON backend_keys (backend_id, label COLLATE NOCASE);
    CREATE TABLE checks (
        backend_id  TEXT NOT NULL REFERENCES backends (id) ON DELETE CASCADE,
        key_id      TEXT NOT NULL DEFAULT '',
        outcome     TEXT NOT NULL,
        latency_ms  INTEGER,
        http_status INTEGER,
        message     TEXT NOT NULL,
        checked_at  TEXT NOT NULL,
        PRIMARY KEY (backend_id, key_id)
    ) STRICT;
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;",
    // 2: the gateway: local tokens (hashed), user routes, and the request ledger.
    concat!(
        "CREATE TABLE tokens (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        hash         TEXT NOT NULL UNIQUE,
        prefix       TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at   TEXT
    ) STRICT;
    CREATE UNIQUE INDEX tokens_name ON tokens (name COLLATE NOCASE) WHERE revoked_at IS NULL;
    CREATE TABLE routes (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        strategy   TEXT NOT NULL,
        candidates TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX routes_name ON routes (name COLLATE NOCASE);
    CREATE TABLE requests (
        id               TEXT PRIMARY KEY,
        started_at       TEXT NOT NULL,
        token_name       TEXT,
        inbound          TEXT NOT NULL,
        route            TEXT,
        requested_model  TEXT NOT NULL,
        backend          TEXT,
        key_label        TEXT,
        model            TEXT,
        status           INTEGER NOT NULL,
        error_class      TEXT,
        reason           TEXT,
        attempts         INTEGER NOT NULL,
        latency_ms       INTEGER NOT NULL,
        ttfb_ms          INTEGER,
        input_tokens     INTEGER NOT NULL DEFAULT 0,
        output_tokens    INTEGER NOT NULL DEFAULT 0,
        cache_read_tokens  INTEGER NOT NULL DEFAULT 0,
        cache_write_tokens INTEGER NOT NULL DEFAULT 0,
        cost_usd         REAL,
        streamed         INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX requests_started ON requests (started_at);
    CREATE TABLE attempts (",
        attempt_columns!(),
        ";"
    ),
    // 3: per-backend traffic limits (in flight; optional requests and tokens per minute).
    "ALTER TABLE backends ADD COLUMN max_in_flight INTEGER NOT NULL DEFAULT 50;
    ALTER TABLE backends ADD COLUMN rpm INTEGER;
    ALTER TABLE backends ADD COLUMN tpm INTEGER;",
    // 4: health history (raw probe samples, hourly rollups), alerts, readiness runs, and the
    // per-backend monitoring settings.
    "ALTER TABLE backends ADD COLUMN probe_interval_s INTEGER NOT NULL DEFAULT 30;
    ALTER TABLE backends ADD COLUMN sla_target_bp INTEGER NOT NULL DEFAULT 9990;
    ALTER TABLE backends ADD COLUMN required INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE probe_samples (
        backend_id  TEXT NOT NULL,
        key_id      TEXT NOT NULL DEFAULT '',
        at_ms       INTEGER NOT NULL,
        outcome     TEXT NOT NULL,
        latency_ms  INTEGER,
        http_status INTEGER
    ) STRICT;
    CREATE INDEX probe_samples_at ON probe_samples (backend_id, at_ms);
    CREATE TABLE health_hours (
        backend_id   TEXT NOT NULL,
        hour_ms      INTEGER NOT NULL,
        probes       INTEGER NOT NULL,
        failures     INTEGER NOT NULL,
        latency_hist BLOB NOT NULL,
        PRIMARY KEY (backend_id, hour_ms)
    ) STRICT;
    CREATE TABLE alerts (
        id          TEXT PRIMARY KEY,
        rule        TEXT NOT NULL,
        backend_id  TEXT,
        key_id      TEXT,
        opened_at   TEXT NOT NULL,
        resolved_at TEXT,
        summary     TEXT NOT NULL,
        detail      TEXT NOT NULL,
        notified    INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX alerts_opened ON alerts (opened_at);
    CREATE TABLE readiness_runs (
        id         TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        verdict    TEXT NOT NULL,
        score      REAL NOT NULL,
        report     TEXT NOT NULL
    ) STRICT;",
    // 5: the opt-in deep probe (a one-token completion, which costs tokens).
    "ALTER TABLE backends ADD COLUMN deep_probe INTEGER NOT NULL DEFAULT 0;",
    // 6: the response cache: how each request met the cache and what a hit saved; per-route
    // cache policy (JSON, '' for the default).
    "ALTER TABLE requests ADD COLUMN cache TEXT;
    ALTER TABLE requests ADD COLUMN saved_usd REAL;
    ALTER TABLE routes ADD COLUMN cache TEXT NOT NULL DEFAULT '';",
    // 7: usage rollups per UTC hour, kept with every ledger batch and filled from the existing
    // ledger once: per backend and model, and per single other dimension (route, token, and the
    // cache page's "route or model" of requests that met the cache).
    concat!(
        "CREATE TABLE usage_hours (
        hour_ms INTEGER NOT NULL, backend TEXT NOT NULL, model TEXT NOT NULL,",
        usage_measures!(),
        "
        PRIMARY KEY (hour_ms, backend, model)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE usage_hours_by (
        hour_ms INTEGER NOT NULL, dim TEXT NOT NULL, value TEXT NOT NULL,",
        usage_measures!(),
        "
        PRIMARY KEY (dim, hour_ms, value)
    ) STRICT, WITHOUT ROWID;
    CREATE TEMP VIEW usage_src AS
    SELECT CAST(strftime('%s', substr(started_at, 1, 19)) AS INTEGER) / 3600 * 3600000 AS h,
           COALESCE(backend, '') AS backend, COALESCE(model, requested_model) AS model,
           COALESCE(route, '') AS route, COALESCE(token_name, '') AS token,
           COALESCE(route, requested_model) AS cache_route, cache,
           (status >= 400 OR status = 0) AS err, input_tokens, output_tokens,
           cache_read_tokens, cache_write_tokens, cost_usd, latency_ms, saved_usd
    FROM requests WHERE strftime('%s', substr(started_at, 1, 19)) IS NOT NULL;
    INSERT INTO usage_hours
    SELECT h, backend, model, COUNT(*), SUM(err), SUM(input_tokens), SUM(output_tokens),
           SUM(cache_read_tokens), SUM(cache_write_tokens), COALESCE(SUM(cost_usd), 0.0),
           SUM(cost_usd IS NULL), SUM(latency_ms),
           SUM(COALESCE(cache IN ('hit', 'shared', 'miss', 'refresh'), 0)),
           SUM(COALESCE(cache IN ('hit', 'shared'), 0)), SUM(COALESCE(cache = 'shared', 0)),
           SUM(COALESCE(cache IN ('bypass', 'skip'), 0)), COALESCE(SUM(saved_usd), 0.0)
    FROM usage_src GROUP BY 1, 2, 3;
    INSERT INTO usage_hours_by
    SELECT h, d.dim, CASE d.dim WHEN 'route' THEN route WHEN 'token' THEN token ELSE cache_route END,
           COUNT(*), SUM(err), SUM(input_tokens), SUM(output_tokens),
           SUM(cache_read_tokens), SUM(cache_write_tokens), COALESCE(SUM(cost_usd), 0.0),
           SUM(cost_usd IS NULL), SUM(latency_ms),
           SUM(COALESCE(cache IN ('hit', 'shared', 'miss', 'refresh'), 0)),
           SUM(COALESCE(cache IN ('hit', 'shared'), 0)), SUM(COALESCE(cache = 'shared', 0)),
           SUM(COALESCE(cache IN ('bypass', 'skip'), 0)), COALESCE(SUM(saved_usd), 0.0)
    FROM usage_src, (SELECT 'route' AS dim UNION ALL SELECT 'token' UNION ALL SELECT 'cache') AS d
    WHERE d.dim != 'cache' OR cache IS NOT NULL
    GROUP BY 1, 2, 3;
    DROP VIEW usage_src;"
    ),
    // 8: latency histograms per UTC hour and backend (`latency.rs`: four buckets per doubling,
    // edges ⌈2^(b/4)⌉ ms, repeated below; a test holds both to the same bucketing), filled once
    // from the answered requests (status 1–399) of the existing ledger.
    "CREATE TABLE usage_latency (
        hour_ms INTEGER NOT NULL, backend TEXT NOT NULL, bucket INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (hour_ms, backend, bucket)
    ) STRICT, WITHOUT ROWID;
    CREATE TEMP TABLE latency_edges (
        lo INTEGER NOT NULL, bucket INTEGER NOT NULL, PRIMARY KEY (lo, bucket)
    ) WITHOUT ROWID;
    INSERT INTO latency_edges (bucket, lo) VALUES
    (0,0), (1,2), (2,2), (3,2), (4,2), (5,3), (6,3), (7,4), (8,4), (9,5), (10,6), (11,7),
    (12,8), (13,10), (14,12), (15,14), (16,16), (17,20), (18,23), (19,27), (20,32), (21,39),
    (22,46), (23,54), (24,64), (25,77), (26,91), (27,108), (28,128), (29,153), (30,182),
    (31,216), (32,256), (33,305), (34,363), (35,431), (36,512), (37,609), (38,725), (39,862),
    (40,1024), (41,1218), (42,1449), (43,1723), (44,2048), (45,2436), (46,2897), (47,3445),
    (48,4096), (49,4871), (50,5793), (51,6889), (52,8192), (53,9742), (54,11586), (55,13778),
    (56,16384), (57,19484), (58,23171), (59,27555), (60,32768), (61,38968), (62,46341),
    (63,55109), (64,65536), (65,77936), (66,92682), (67,110218), (68,131072), (69,155872),
    (70,185364), (71,220436), (72,262144), (73,311744), (74,370728), (75,440872), (76,524288),
    (77,623488);
    INSERT INTO usage_latency
    SELECT CAST(strftime('%s', substr(started_at, 1, 19)) AS INTEGER) / 3600 * 3600000,
           COALESCE(backend, ''),
           (SELECT e.bucket FROM latency_edges AS e WHERE e.lo <= max(latency_ms, 0)
            ORDER BY e.lo DESC, e.bucket DESC LIMIT 1),
           COUNT(*)
    FROM requests
    WHERE strftime('%s', substr(started_at, 1, 19)) IS NOT NULL AND status > 0 AND status < 400
    GROUP BY 1, 2, 3;
    DROP TABLE latency_edges;",
    // 9: attempts keyed by their primary key alone (no rowid): one B-tree insert per attempt
    // instead of two on the ledger's hot path. Same columns, rows copied.
    concat!(
        "CREATE TABLE attempts_keyed (",
        attempt_columns!(),
        ", WITHOUT ROWID;
    INSERT INTO attempts_keyed SELECT request_id, n, backend, key_label, model, status,
        error_class, latency_ms FROM attempts;
    DROP TABLE attempts;
    ALTER TABLE attempts_keyed RENAME TO attempts;"
    ),
    // 10: latency histograms packed into one row per (hour, backend): `counts` lists the
    // non-empty buckets as "bucket:count,…" (`latency.rs` reads and merges it), so a 90-day
    // read scans hours × backends rows instead of one row per bucket as well. Filled from
    // migration 8's table, which goes.
    "CREATE TABLE latency_hours (
        hour_ms INTEGER NOT NULL, backend TEXT NOT NULL, counts TEXT NOT NULL,
        PRIMARY KEY (hour_ms, backend)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO latency_hours
    SELECT hour_ms, backend, group_concat(bucket || ':' || count, ',')
    FROM (SELECT hour_ms, backend, bucket, count FROM usage_latency
          WHERE count > 0 ORDER BY hour_ms, backend, bucket)
    GROUP BY hour_ms, backend;
    DROP TABLE usage_latency;",
    // 11: usage per API (`usage_hours_by` dim `inbound`: the API the caller used), filled once
    // from the existing ledger like migration 7. Hours whose raw rows retention already pruned
    // have no API to recover, so they are missing from this dim only.
    "INSERT INTO usage_hours_by
    SELECT CAST(strftime('%s', substr(started_at, 1, 19)) AS INTEGER) / 3600 * 3600000,
           'inbound', inbound, COUNT(*), SUM(status >= 400 OR status = 0), SUM(input_tokens),
           SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens),
           COALESCE(SUM(cost_usd), 0.0), SUM(cost_usd IS NULL), SUM(latency_ms),
           SUM(COALESCE(cache IN ('hit', 'shared', 'miss', 'refresh'), 0)),
           SUM(COALESCE(cache IN ('hit', 'shared'), 0)), SUM(COALESCE(cache = 'shared', 0)),
           SUM(COALESCE(cache IN ('bypass', 'skip'), 0)), COALESCE(SUM(saved_usd), 0.0)
    FROM requests WHERE strftime('%s', substr(started_at, 1, 19)) IS NOT NULL
    GROUP BY 1, 3;",
    // 12: coding tools connected to the gateway (`id` is the tool, or `claude-code:statusline`)
    // and keys moved out of plaintext files. Neither holds a value: what each edited key held
    // before lives in the keychain (`connection:<id>`, `key-move:<id>`); `files` is JSON with
    // paths, hashes and whether each file existed.
    "CREATE TABLE tool_connections (
        id         TEXT PRIMARY KEY,
        state      TEXT NOT NULL CHECK (state IN ('pending', 'connected')),
        token_id   TEXT,
        model      TEXT,
        files      TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE key_moves (
        id          TEXT PRIMARY KEY,
        path        TEXT NOT NULL,
        line        INTEGER NOT NULL,
        variable    TEXT NOT NULL,
        kind        TEXT NOT NULL,
        masked      TEXT NOT NULL,
        backend     TEXT NOT NULL,
        key_label   TEXT NOT NULL,
        moved       TEXT NOT NULL,
        moved_at    TEXT NOT NULL,
        restored_at TEXT
    ) STRICT;",
    // 13: drill runs, the whole report as JSON (`switchyard-report/1`), like readiness runs.
    "CREATE TABLE drill_runs (
        id         TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        verdict    TEXT NOT NULL,
        report     TEXT NOT NULL
    ) STRICT;
    CREATE INDEX drill_runs_started ON drill_runs (started_at);",
    // 14: the origins (`scheme://host[:port]`) each key may be sent to. Keys stored before this
    // step are approved for their backend's base URL as it is (`key_hosts::approve_current_hosts`,
    // run right after it: the origin is parsed in Rust, not SQL).
    "CREATE TABLE key_hosts (
        key_id      TEXT NOT NULL REFERENCES backend_keys (id) ON DELETE CASCADE,
        origin      TEXT NOT NULL,
        approved_at TEXT NOT NULL,
        PRIMARY KEY (key_id, origin)
    ) STRICT;",
    // 15: what each gateway token may do (`switchyard_domain::TokenScope`): `gateway` (every
    // endpoint, what every earlier token was) or `metrics` (a scrape token: `GET /metrics` only).
    "ALTER TABLE tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'gateway';",
    // The provider's answer id, to match a tool's own log to its ledger row.
    "ALTER TABLE requests ADD COLUMN provider_id TEXT;
     CREATE INDEX requests_provider_id ON requests (provider_id) WHERE provider_id IS NOT NULL;",
    // Usage from the tools' own records, their import cursors and the plan windows they report.
    "CREATE TABLE tool_usage (
        key TEXT PRIMARY KEY, tool TEXT NOT NULL, at_ms INTEGER NOT NULL, model TEXT NOT NULL,
        provider TEXT, project TEXT, session TEXT, provider_id TEXT, request_id TEXT,
        input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL, cache_write_5m_tokens INTEGER NOT NULL,
        cache_write_1h_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL,
        cost_usd REAL, ledger_id TEXT
     );
     CREATE INDEX tool_usage_at ON tool_usage (at_ms);
     CREATE INDEX tool_usage_tool_at ON tool_usage (tool, at_ms);
     CREATE INDEX tool_usage_ledger ON tool_usage (ledger_id) WHERE ledger_id IS NOT NULL;
     CREATE TABLE tool_usage_cursors (path TEXT PRIMARY KEY, cursor TEXT NOT NULL);
     CREATE TABLE plan_windows (
        tool TEXT NOT NULL, name TEXT NOT NULL, used_percent REAL NOT NULL,
        window_minutes INTEGER, resets_at INTEGER, seen_at_ms INTEGER NOT NULL, plan TEXT,
        PRIMARY KEY (tool, name)
     );",
    // Each key's credits as its provider last said (OpenRouter).
    "CREATE TABLE balances (
        key_id TEXT PRIMARY KEY, backend_id TEXT NOT NULL, limit_usd REAL, used_usd REAL NOT NULL,
        remaining_usd REAL, read_at_ms INTEGER NOT NULL
     );",
    // Each backend's model list as its provider last gave it (JSON), or why it could not.
    "CREATE TABLE model_catalogue (
        backend_id TEXT PRIMARY KEY REFERENCES backends(id) ON DELETE CASCADE,
        models TEXT NOT NULL, fetched_at_ms INTEGER, tried_at_ms INTEGER NOT NULL, error TEXT
     );",
    // The parts of a request's usage priced apart (1-hour cache writes, reasoning), so a
    // repricing reproduces the gateway's cost; NULL on rows recorded before this step.
    "ALTER TABLE requests ADD COLUMN cache_write_1h_tokens INTEGER;
     ALTER TABLE requests ADD COLUMN reasoning_tokens INTEGER;",
    // The id the caller was given when the gateway made it (a Responses caller served by
    // another format): a tool's log may keep it instead of the provider's. The rows with
    // reasoning, which the hourly rollups do not sum (`gateway_spend`).
    "ALTER TABLE requests ADD COLUMN client_id TEXT;
     CREATE INDEX requests_client_id ON requests (client_id) WHERE client_id IS NOT NULL;
     CREATE INDEX requests_reasoning ON requests (started_at) WHERE reasoning_tokens > 0;",
    // Connected tools' tokens generate only (issue 70): the token `connect` made and wrote into a
    // tool's files can be captured by whoever squats the port the tool points at, so it opens
    // generation and the model list, not `/metrics` or `/mcp` (the user's costs and backends).
    // The tokens the user made keep their scope; a team token's row id (`team:…`) is none here.
    "UPDATE tokens SET scope = 'generate'
     WHERE scope = 'gateway'
       AND id IN (SELECT token_id FROM tool_connections WHERE token_id IS NOT NULL);",
    // A connected tool's plan (issue 74): JSON of `switchyard_domain::Subscription`, or NULL.
    "ALTER TABLE tokens ADD COLUMN subscription TEXT;",
    // The providers' books (issue 75): `books_schema::TABLES`.
    crate::books_schema::TABLES,
];

/// The step after which keys stored earlier are bound to their backend's current host.
pub(crate) const KEY_HOSTS_STEP: usize = 14;
