"""The Windows build, run under Wine and driven from Linux (issue 41). Run by `./dev platforms`
(part of ./dev test) in the test session: Xvfb is the display Wine's user32 needs for the core's
tray icon. The same Windows `switchyard-serve.exe` also passes the SDK, MCP, reports and
headless suites (`./dev platforms` runs them with SWITCHYARD_SERVE pointing at it); this file
checks what only Windows has:

- usage from a tool's own records at `%USERPROFILE%` (issue 42): a Claude Code transcript under
  `%USERPROFILE%\\.claude\\projects` is found, read, priced and attributed to its Windows project;
- keys in Wine's Credential Manager only: a canary key goes in with `backend add --key-stdin`,
  `key test` reads it back and the upstream (a Linux `switchyard-mock` that accepts only that key)
  takes it, and the canary is in no file of the Wine prefix (UTF-8 nor UTF-16), registry included;
- the data folder in `%APPDATA%` by default, and a data folder whose path has spaces and
  non-ASCII letters (`C:\\users\\Zoë Ångström\\…`) works;
- the user's files and environment (`files.py`): connect/disconnect at `%USERPROFILE%`, the key
  sweep over `HKCU\\Environment` and PowerShell profiles, a tool file held open by another
  program, a read-only one, and one at a path over 260 characters;
- `start-at-login on` writes this user's Run value (`"…\\switchyard.exe" --hidden`, the path
  quoted), `off` removes it, and the saved setting follows;
- a pipe name another program took first (`squat_pipe.exe`, Windows' default access list): the
  core refuses to start and says which pipe, and the window's client sends nothing to the
  squatter (its pid is not the core's);
- the core process (`switchyard-tray.exe`) answers the window's channel (a named pipe) through the
  window's own client (`core_call.exe`), a second start exits 0 and leaves it serving, and Ctrl+C
  (what SIGTERM becomes through scripts/cross/wine-run) stops it cleanly with every request in
  the ledger and the pipe gone; and at the session's end (`wineboot --end-session`: WM_ENDSESSION)
  it quits the same clean way.

Environment: WINE_BIN (folder of switchyard-serve.exe, switchyard-tray.exe, switchyard.exe,
core_call.exe, squat_pipe.exe, hold_file.exe and bcryptprimitives.dll), WINEPREFIX (a throw-away prefix), SWITCHYARD_MOCK (the Linux mock)."""

import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

from harness import (BIN, CANARY, DATA, DATA_WIN, MOCK, PREFIX, PROFILE, WINE_RUN, env_for, files_holding,
                     free_port, gateway, reg, run, serve_cli, start, start_wine, wineserver)
import files


def check_keys_and_data_folders(mock_origin):
    serve_cli("backend", "add", "Canary", "--kind", "openai", "--base-url", f"{mock_origin}/v1",
              "--model", "gpt-4o-mini", "--key-stdin", "--key-label", "main", stdin=CANARY + "\n")
    listed = serve_cli("key", "list", "Canary", "--json").stdout
    assert CANARY not in listed and "main" in listed, listed
    tested = serve_cli("key", "test", "Canary", "main")
    assert CANARY not in tested.stdout + tested.stderr, tested
    assert (DATA / "switchyard.sqlite").is_file(), f"no ledger in {DATA}"
    # The registry (where Wine's Credential Manager keeps credentials) is written out when the
    # wineserver stops: stop it, scan, start it again.
    wineserver("-k")
    wineserver("-w")
    holding = files_holding(CANARY)
    start_wine()
    assert not holding, f"the canary key is in files of the Wine prefix: {holding}"
    print("  keys: in Wine's Credential Manager only (key test read it back, the mock took it); "
          "in no file of the prefix, registry included")
    serve_cli("token", "create", "appdata", env=env_for(data=None))
    ledgers = list((PROFILE / "AppData" / "Roaming").rglob("switchyard.sqlite"))
    assert ledgers, f"no data folder under %APPDATA%: {list((PROFILE / 'AppData').rglob('*'))[:20]}"
    print(f"  data folder: %APPDATA% by default ({ledgers[0].relative_to(PREFIX)}); "
          "“C:\\users\\Zoë Ångström\\…” works")


def check_usage_import():
    project = PROFILE / ".claude" / "projects" / "C--work-wine-proj"
    project.mkdir(parents=True, exist_ok=True)
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    line = {"type": "assistant", "sessionId": "s-wine", "cwd": "C:\\work\\wine-proj", "timestamp": at,
            "requestId": "req_wine", "message": {"id": "msg_wine", "model": "claude-sonnet-4-5",
                                                 "usage": {"input_tokens": 1200, "output_tokens": 34}}}
    (project / "s-wine.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    by_tool = json.loads(serve_cli("usage", "--by", "tool", "--json").stdout)
    claude = [r for r in by_tool["rows"] if r["group"] == "claude-code"]
    assert claude and claude[0]["requests"] == 1 and claude[0]["inputTokens"] == 1200, by_tool
    assert claude[0]["costUsd"] > 0 and claude[0]["unpriced"] == 0, f"priced as the ledger prices: {claude}"
    by_project = json.loads(serve_cli("usage", "--by", "project", "--json").stdout)["rows"]
    assert any(r["group"].endswith("wine-proj") for r in by_project), by_project
    again = json.loads(serve_cli("usage", "--by", "tool", "--rescan", "--json").stdout)["rows"]
    assert [r for r in again if r["group"] == "claude-code"] == claude, "a full rescan counts it once"
    print(f"  usage: a Claude Code record at %USERPROFILE%\\.claude imported and priced "
          f"(${claude[0]['costUsd']:.6f}), its project named, counted once after a rescan")


RUN_KEY = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"


def run_value():
    """The Switchyard value under this user's Run key, or None."""
    m = re.search(r"Switchyard\s+REG_SZ\s+(.*)", reg("query", RUN_KEY, "/v", "Switchyard").stdout)
    return m.group(1).strip() if m else None


def check_start_at_login():
    assert run_value() is None, "no Run value before it is turned on"
    out = serve_cli("start-at-login", "on").stdout
    assert "start at login: on" in out, out
    value = run_value()
    assert value and value.startswith('"') and value.endswith('switchyard.exe" --hidden'), value
    assert "start at login: on" in serve_cli("start-at-login").stdout
    serve_cli("start-at-login", "off")
    assert run_value() is None, "off removes the Run value"
    assert "start at login: off" in serve_cli("start-at-login").stdout
    print(f"  start at login: the Run value {value} written and removed")


def core_call(*args, ok=True):
    p = run("core_call.exe", DATA_WIN, *args, ok=False, timeout=60)
    if ok:
        assert p.returncode == 0, f"core_call {args}: exit {p.returncode}\n{p.stdout}{p.stderr}"
    return p


def check_squatted_pipe(port):
    squat = subprocess.Popen([str(WINE_RUN), str(BIN / "squat_pipe.exe"), DATA_WIN], env=env_for(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = squat.stdout.readline()
        assert line.startswith("squatting switchyard-domain-"), f"{line!r} {squat.stderr.read()}"
        refused = core_call("list_tokens", ok=False)
        assert refused.returncode == 3 and "not by Switchyard's core" in refused.stderr, refused
        core = run("switchyard-tray.exe", env=env_for(SWITCHYARD_GATEWAY_PORT=str(port)), ok=False,
                   timeout=90)
        assert core.returncode != 0, "the core started on a pipe name another program holds"
        assert "another program already uses \\\\.\\pipe\\switchyard-domain-" in core.stderr, core.stderr
    finally:
        squat.terminate()
        squat.wait(timeout=30)
    print("  a squatted pipe name: the core refused to start naming the pipe; "
          "the window's client sent nothing to the squatter")


def core_log_tail():
    """The end of the newest log file in the data folder (the core logs there, not to stderr)."""
    logs = sorted((DATA / "logs").glob("*"), key=lambda p: p.stat().st_mtime)
    if not logs:
        return f"(no log file in {DATA / 'logs'})"
    return f"{logs[-1].name}:\n{logs[-1].read_text(errors='replace')[-3000:]}"


def wait_for_pipe(core, log):
    """The core's first answer on its named pipe (through the window's client)."""
    deadline = time.monotonic() + 90
    while True:
        answer = core_call("list_tokens", ok=False)
        if answer.returncode == 0:
            return answer
        if core.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            raise AssertionError(f"the core never answered its pipe (exit {core.poll()}): "
                                 f"{answer.stderr}\n{log.read()[-3000:]}\n{core_log_tail()}")
        time.sleep(0.5)


def chat(port, token):
    body = json.dumps({"model": "demo-chat", "messages": [{"role": "user", "content": "hi"}]}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions", data=body,
                                 headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200


def check_core_process(port):
    token = re.search(r"^(sy-[0-9a-f]+)\s*$", serve_cli("token", "create", "wine-core").stdout, re.M).group(1)
    env = env_for(SWITCHYARD_GATEWAY_PORT=str(port))
    log = tempfile.TemporaryFile(mode="w+")
    core = subprocess.Popen([str(WINE_RUN), str(BIN / "switchyard-tray.exe")], env=env,
                            stdout=subprocess.DEVNULL, stderr=log, text=True)

    def said():
        log.seek(0)
        return log.read()[-3000:]

    try:
        answer = wait_for_pipe(core, log)
        names = [t["name"] for t in json.loads(answer.stdout)]
        assert "wine-core" in names, names
        second = run("switchyard-tray.exe", env=env, ok=False, timeout=60)
        assert second.returncode == 0, f"a second core should exit 0: {second.returncode} {second.stderr}"
        assert core.poll() is None, f"the first core stopped when the second started: {said()}"
        core_call("list_tokens")
        for _ in range(3):
            chat(port, token)
        core.terminate()  # wine-run passes it on as the console's Ctrl+C
        code = core.wait(timeout=60)
        assert code == 0, f"the core exited {code}: {said()}"
    finally:
        if core.poll() is None:
            core.kill()
    rows = json.loads(serve_cli("requests", "--json", "--limit", "50").stdout or "[]")
    demo = [r for r in rows if r.get("tokenName") == "wine-core" and r.get("status") == 200]
    assert len(demo) == 3, f"every answered request is in the ledger: {rows}"
    assert core_call("list_tokens", ok=False).returncode == 3, "the pipe is gone after Quit"
    print("  core process: answered the window's named pipe, a second start exited 0, "
          "Ctrl+C stopped it cleanly with 3/3 requests in the ledger")


def check_session_end(port):
    """Logoff/shutdown: `wineboot --end-session` sends WM_QUERYENDSESSION and WM_ENDSESSION to
    every top-level window, as Windows does; the core's event loop gets it, asks the core to quit
    and waits for its clean shutdown before the process ends."""
    token = re.search(r"^(sy-[0-9a-f]+)\s*$", serve_cli("token", "create", "wine-logoff").stdout, re.M).group(1)
    env = env_for(SWITCHYARD_GATEWAY_PORT=str(port), RUST_LOG="info")
    log = tempfile.TemporaryFile(mode="w+")
    core = subprocess.Popen([str(WINE_RUN), str(BIN / "switchyard-tray.exe")], env=env,
                            stdout=subprocess.DEVNULL, stderr=log, text=True)
    try:
        wait_for_pipe(core, log)
        for _ in range(3):
            chat(port, token)
        ended = subprocess.run(["/usr/lib/wine/wine64", "wineboot", "--end-session"], env=env_for(),
                               capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        code = core.wait(timeout=60)
    finally:
        if core.poll() is None:
            core.kill()
    log.seek(0)
    said = log.read()
    assert code == 0, f"the core exited {code} at the session's end (wineboot: {ended.returncode}): {said[-3000:]}"
    assert "core shut down; exiting" in said, f"no clean shutdown at the session's end: {said[-3000:]}"
    # Not a console event (the core has loaded user32, so Windows would not send it one): the
    # quit came from the event loop's window message.
    assert "asked to quit" not in said, f"the quit came from a console event: {said[-3000:]}"
    rows = json.loads(serve_cli("requests", "--json", "--limit", "50").stdout or "[]")
    done = [r for r in rows if r.get("tokenName") == "wine-logoff" and r.get("status") == 200]
    assert len(done) == 3, f"every answered request is in the ledger: {rows}"
    print("  session end (WM_ENDSESSION via wineboot --end-session): the core quit cleanly, "
          "3/3 requests in the ledger")


def main():
    for exe in ("switchyard-serve.exe", "switchyard-tray.exe", "switchyard.exe", "core_call.exe",
                "squat_pipe.exe", "hold_file.exe", "bcryptprimitives.dll"):
        if not (BIN / exe).is_file():
            sys.exit(f"{BIN / exe} is missing: ./dev platforms builds it")
    start_wine()
    mock, origin = start([MOCK, "--key", CANARY], os.environ.copy(), r"listening (http://127\.0\.0\.1:\d+)")
    try:
        with tempfile.TemporaryDirectory() as trap:
            check_keys_and_data_folders(origin)
            check_usage_import()
            with gateway():
                files.check_connect(pathlib.Path(trap))
                files.check_copilot_env()
                files.check_sweep()
                files.check_held_and_read_only()
                files.check_long_path()
            check_start_at_login()
            check_squatted_pipe(free_port())
            check_core_process(free_port())
            check_session_end(free_port())
    finally:
        mock.terminate()
    print("wine: the Windows build passed")


if __name__ == "__main__":
    main()
