"""A machine without a display, set up entirely from the CLI against the real Secret Service.

Two providers (`switchyard-mock`, each accepting only its own key) are added with
`switchyard-serve backend add`, their keys piped into `key add` (the real keychain of the test
session), a weighted route and a budget added; then `switchyard-serve` (serve) routes a request
through the route with the keys from the keychain and `check` is READY. `config export` of that
folder, imported into a second fresh folder (and its keys added), exports the same file; a
broken file is refused with every issue and changes nothing. Run by ./dev test in the test
session (real keychain, notification daemon)."""

import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import urllib.request
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
if not TARGET.is_absolute():
    TARGET = ROOT / TARGET
# SWITCHYARD_SERVE overrides it: `./dev platforms` runs this check on the Windows build under Wine.
SERVE = pathlib.Path(os.environ.get("SWITCHYARD_SERVE", TARGET / "debug" / "switchyard-serve"))
MOCK = TARGET / "debug" / "switchyard-mock"
KEYS = {"Alpha": "sk-cli-alpha-0000000000000000000000a1", "Beta": "sk-cli-beta-00000000000000000000000b2"}


def env_for(data, service):
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(SWITCHYARD_DATA_DIR=str(data), SWITCHYARD_KEYRING_SERVICE=service, RUST_LOG="warn",
               NO_PROXY="127.0.0.1,localhost")
    if "WINEPREFIX" not in env:
        # The gateway reads the coding tools' own records under HOME: a private one.
        home = pathlib.Path(data) / "home"
        home.mkdir(parents=True, exist_ok=True)
        env["HOME"] = str(home)
    return env


def run(env, *args, stdin=None, ok=True):
    p = subprocess.run([str(SERVE), *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)
    if ok:
        assert p.returncode == 0, f"{' '.join(args)}: exit {p.returncode}\n{p.stdout}{p.stderr}"
    return p


def start(cmd, env, pattern):
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        m = re.search(pattern, line)
        if m:
            return proc, m.group(1)
    raise AssertionError(f"{cmd[0]} did not start")


def configure(env, mocks):
    for name, url in mocks.items():
        run(env, "backend", "add", name, "--kind", "openai", "--base-url", f"{url}/v1", "--model", "gpt-4o-mini")
        out = run(env, "key", "add", name, "--label", "main", stdin=KEYS[name] + "\n").stdout
        assert "added key main" in out and KEYS[name] not in out, out
        run(env, "key", "test", name, "main")
    run(env, "route", "add", "pair", "--strategy", "weighted", "--candidate", "Alpha=gpt-4o-mini*3", "--candidate", "Beta=gpt-4o-mini")
    run(env, "budget", "add", "daily", "--limit", "5", "--period", "day", "--route", "pair", "--hard-stop")


def serve_one_request(env):
    token = re.search(r"^(sy-[0-9a-f]+)\s*$", run(env, "token", "create", "cli-check").stdout, re.M).group(1)
    proc, origin = start([str(SERVE)], dict(env, SWITCHYARD_GATEWAY_PORT="0"), r"listening on (http://127\.0\.0\.1:\d+)")
    try:
        body = json.dumps({"model": "pair", "messages": [{"role": "user", "content": "hello"}]}).encode()
        req = urllib.request.Request(f"{origin}/v1/chat/completions", data=body, method="POST",
                                     headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            assert r.status == 200 and r.headers["x-switchyard-backend"] in KEYS, r.headers
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main():
    for binary in (SERVE, MOCK):
        if not binary.exists():
            sys.exit(f"{binary} is missing: build it first")
    services = [f"switchyard-cli-{uuid.uuid4().hex}" for _ in range(2)]
    mocks = {}
    procs = []
    try:
        for name in KEYS:
            proc, url = start([str(MOCK), "--key", KEYS[name]], os.environ.copy(), r"listening (http://127\.0\.0\.1:\d+)")
            procs.append(proc)
            mocks[name] = url
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            env_a, env_b = env_for(a, services[0]), env_for(b, services[1])
            configure(env_a, mocks)
            serve_one_request(env_a)
            check = run(env_a, "check", "--json", ok=False)
            report = json.loads(check.stdout)
            assert check.returncode == 0 and report["verdict"] == "ready", (check.returncode, report["verdict"], report["blockers"])
            print("  configured from the CLI (keys from stdin into the Secret Service): served a request, check READY")

            exported = run(env_a, "config", "export").stdout
            assert "keys = [\"main\"]" in exported and "sk-cli" not in exported, exported
            file = pathlib.Path(b) / "switchyard.toml"
            file.write_text(exported)
            done = run(env_b, "config", "import", str(file))
            assert "no key “main” for Alpha" in done.stderr, done.stderr
            for name, key in KEYS.items():
                run(env_b, "key", "add", name, "--label", "main", stdin=key + "\n")
            assert run(env_b, "config", "export").stdout == exported, "the second folder exports the same file"
            print("  config export → import into a fresh folder → export: identical")

            file.write_text(exported.replace('kind = "openai"', 'kind = "frobnicator"', 1).replace("port = 4141", "port = 80"))
            refused = run(env_b, "config", "import", str(file), ok=False)
            assert refused.returncode == 1, refused
            assert "backend[1].kind: unknown kind" in refused.stderr and "gateway:" in refused.stderr, refused.stderr
            assert "nothing was changed" in refused.stderr
            assert run(env_b, "config", "export").stdout == exported, "a refused file changes nothing"
            print("  a broken file: every issue listed, nothing changed")
    finally:
        for p in procs:
            p.terminate()
        for s in services:
            subprocess.run(["secret-tool", "clear", "service", s], check=False)
    print("cli: a display-less set-up from the CLI and a config file passed")


if __name__ == "__main__":
    main()
