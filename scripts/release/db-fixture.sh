#!/usr/bin/env bash
# A released version's database, for the upgrade test (crates/store/tests/upgrade.rs): what the
# real switchyard-serve leaves after a route, two budgets, a token and six requests through its
# gateway, dumped as SQL to crates/store/tests/fixtures/schema-<N>.sql. Run it once per release
# that changes the schema, in a test session (`./dev` runs the keychain there):
#   cargo build -p switchyard-cli --bin switchyard-serve && scripts/release/db-fixture.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
serve=$PWD/target/debug/switchyard-serve
data=$(mktemp -d)
port=47411
export SWITCHYARD_DATA_DIR=$data SWITCHYARD_KEYRING_SERVICE=switchyard-fixture-$$ SWITCHYARD_GATEWAY_PORT=$port
"$serve" route add fast --candidate Demo=mock-mini
"$serve" budget add monthly --limit 25
"$serve" budget add daily-demo --limit 2 --period day --backend Demo --hard-stop
token=$("$serve" token create codex | grep -o 'sy-[0-9a-f]*' | head -1)
"$serve" serve >"$data/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
for i in 1 2 3 4 5; do
  curl -s -H "authorization: Bearer $token" -H 'content-type: application/json' "http://127.0.0.1:$port/v1/chat/completions" \
    -d "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hello $i\"}]}" >/dev/null
done
curl -s -H "x-api-key: $token" -H 'anthropic-version: 2023-06-01' -H 'content-type: application/json' "http://127.0.0.1:$port/v1/messages" \
  -d '{"model":"fast","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}' >/dev/null
kill -TERM "$pid"
wait "$pid" || true
"$serve" token revoke codex >/dev/null 2>&1 || true
DB="$data/switchyard.sqlite" python3 - <<'PY'
import os, sqlite3
c = sqlite3.connect(os.environ["DB"])
version = c.execute("PRAGMA user_version").fetchone()[0]
path = f"crates/store/tests/fixtures/schema-{version}.sql"
with open(path, "w") as out:
    out.write(f"-- A Switchyard database (schema {version}) as `switchyard-serve` left it after a route, two\n"
              "-- budgets, a token and six requests through the gateway (OpenAI and Anthropic shapes): made\n"
              "-- by scripts/release/db-fixture.sh, read by crates/store/tests/upgrade.rs.\n"
              f"PRAGMA foreign_keys = OFF;\nPRAGMA user_version = {version};\n")
    for line in c.iterdump():
        out.write(line + "\n")
print(path)
PY
rm -rf "$data"
