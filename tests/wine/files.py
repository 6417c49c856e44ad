"""The Windows checks of the user's files and environment (part of check_wine.py's run):

- `connect claude-code` and `codex` write `%USERPROFILE%\\.claude\\settings.json` and
  `%USERPROFILE%\\.codex\\config.toml` (CRLF files stay CRLF), never `HOME`, and `disconnect`
  restores both files byte for byte;
- `connect copilot-cli` sets Copilot CLI's variables in `HKCU\\Environment` (where a new cmd,
  PowerShell or Git Bash gets them; no file written), and `disconnect` puts each back as it was,
  type included;
- the key sweep reads `HKCU\\Environment` (a canary set there as `REG_EXPAND_SZ`) and the
  PowerShell profile in Documents: moving the variable removes it from the registry, its key
  is in the Credential Manager, and "Put back" sets it again with its type;
- a tool file another program holds open (`hold_file.exe`, as an editor that locks it) and a
  read-only one (`attrib +r`): connect refuses with a clear error and the file is untouched;
- `CLAUDE_CONFIG_DIR` at a path over 260 characters: connect and disconnect work there."""

import json
import re
import subprocess

from harness import BIN, CANARY, PROFILE, WINE_RUN, env_for, reg, serve_cli, wine_tool


def check_connect(home_trap):
    claude = PROFILE / ".claude" / "settings.json"
    codex = PROFILE / ".codex" / "config.toml"
    claude.parent.mkdir(parents=True, exist_ok=True)
    codex.parent.mkdir(parents=True, exist_ok=True)
    before = {
        claude: b'{\r\n  "model": "sonnet",\r\n  "env": { "KEEP": "1" }\r\n}\r\n',
        codex: b'model = "gpt-5-codex"\r\n\r\n[profiles.work]\r\nmodel = "o3"\r\n',
    }
    for path, data in before.items():
        path.write_bytes(data)
    env = env_for(HOME=str(home_trap))
    for tool in ("claude-code", "codex"):
        out = serve_cli("connect", tool, env=env)
        assert "127.0.0.1" in (claude if tool == "claude-code" else codex).read_text(), out.stdout
    for path in before:
        now = path.read_bytes()
        assert now != before[path], f"{path} was not changed"
        assert b"\r\n" in now and b"\n" not in now.replace(b"\r\n", b""), f"{path} lost its CRLF: {now!r}"
    assert not any(home_trap.iterdir()), f"connect wrote under HOME, not %USERPROFILE%: {list(home_trap.iterdir())}"
    for tool in ("claude-code", "codex"):
        serve_cli("disconnect", tool, env=env)
    for path, data in before.items():
        assert path.read_bytes() == data, f"{path} is not restored byte for byte: {path.read_bytes()!r}"
    print("  connect claude-code and codex: %USERPROFILE%\\.claude and \\.codex (CRLF kept), "
          "disconnect restored both byte for byte")




ENV_KEY = "HKCU\\Environment"
COPILOT_VARS = ("COPILOT_PROVIDER_BASE_URL", "COPILOT_PROVIDER_API_KEY", "COPILOT_MODEL")


def check_copilot_env():
    assert reg("add", ENV_KEY, "/v", "COPILOT_MODEL", "/t", "REG_EXPAND_SZ", "/d", "%MY_MODEL%",
               "/f").returncode == 0
    before = {name: env_value(name) for name in COPILOT_VARS}
    out = serve_cli("connect", "copilot-cli").stdout
    assert ENV_KEY in out, out
    base, token, model = (env_value(name) for name in COPILOT_VARS)
    assert base and base[0] == "REG_SZ" and base[1].startswith("http://127.0.0.1:"), base
    assert token and token[1].startswith("sy-"), "the gateway token, not a provider key"
    assert model and model[0] == "REG_EXPAND_SZ" and model[1] != "%MY_MODEL%", model
    assert not (PROFILE / ".copilot").exists() and not (PROFILE / ".bashrc").exists(), \
        "no file is written for Copilot CLI on Windows"
    # A program started now (a new shell) has them in its environment.
    shell = wine_tool("cmd", "/c", "echo", "%COPILOT_PROVIDER_BASE_URL%")
    assert base[1] in shell.stdout, f"a new cmd has the variable: {shell.stdout!r}"
    status = json.loads(serve_cli("tools", "--json").stdout)
    copilot = next(t for t in status if t["id"] == "copilot-cli")
    assert copilot["connected"] and copilot["pointsAt"] == base[1], copilot
    serve_cli("disconnect", "copilot-cli")
    after = {name: env_value(name) for name in COPILOT_VARS}
    assert after == before, f"disconnect puts each variable back as it was: {after} != {before}"
    reg("delete", ENV_KEY, "/v", "COPILOT_MODEL", "/f")
    print("  connect copilot-cli: its variables in HKCU\\Environment (a new cmd has them, no file "
          "written); disconnect put COPILOT_MODEL back as REG_EXPAND_SZ and removed the rest")


def env_value(name):
    """`(type, value)` of `name` in HKCU\\Environment, or None."""
    m = re.search(rf"{name}\s+(REG_\w+)\s+(.*)", reg("query", ENV_KEY, "/v", name).stdout)
    return (m.group(1), m.group(2).strip()) if m else None


def findings():
    out = serve_cli("keys", "find", "--json").stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def check_sweep():
    ps_key = "sk-ant-api03-CANARYwinePs1K3y7Hq2Lm9Rt4Wv8Yz3Bc6Df1Gh5"
    assert not (PROFILE / "Documents").is_symlink(), \
        "Documents links out of the prefix (to the Linux home): ./dev platforms makes it a folder"
    profile = PROFILE / "Documents" / "PowerShell" / "Microsoft.PowerShell_profile.ps1"
    profile.parent.mkdir(parents=True, exist_ok=True)
    profile.write_bytes(f"Import-Module posh-git\r\n$env:ANTHROPIC_API_KEY = '{ps_key}'\r\n".encode())
    assert reg("add", ENV_KEY, "/v", "OPENAI_API_KEY", "/t", "REG_EXPAND_SZ", "/d", CANARY, "/f").returncode == 0
    found = findings()
    assert CANARY not in json.dumps(found) and ps_key not in json.dumps(found), "findings are masked"
    places = {(f["path"], f["line"], f["variable"]) for f in found}
    assert ("~\\Documents\\PowerShell\\Microsoft.PowerShell_profile.ps1", 2, "ANTHROPIC_API_KEY") in places, places
    env = [f for f in found if f["path"] == ENV_KEY]
    assert [(f["line"], f["variable"], f["inKeychain"]) for f in env] == [(0, "OPENAI_API_KEY", True)], found
    backend = next(b["id"] for b in json.loads(serve_cli("backend", "list", "--json").stdout)
                   if b["name"] == "Canary")
    moved = serve_cli("keys", "move", env[0]["id"], "--backend", backend).stdout
    assert CANARY not in moved, moved
    move_id = re.search(r"move id (\S+)", moved).group(1)
    assert env_value("OPENAI_API_KEY") is None, "moved out of HKCU\\Environment"
    assert all(f["path"] != ENV_KEY for f in findings())
    serve_cli("keys", "restore", move_id)
    assert env_value("OPENAI_API_KEY") == ("REG_EXPAND_SZ", CANARY), env_value("OPENAI_API_KEY")
    reg("delete", ENV_KEY, "/v", "OPENAI_API_KEY", "/f")
    profile.unlink()
    print("  key sweep: HKCU\\Environment (moved out, into the Credential Manager, put back as "
          "REG_EXPAND_SZ) and the PowerShell profile in Documents")


def windows_path(path):
    return "C:\\" + str(path.relative_to(PROFILE.parents[1])).replace("/", "\\")


def check_held_and_read_only():
    codex = PROFILE / ".codex" / "config.toml"
    before = codex.read_bytes()
    holder = subprocess.Popen([str(WINE_RUN), str(BIN / "hold_file.exe"), windows_path(codex)],
                              env=env_for(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        line = holder.stdout.readline()
        assert line.strip() == "holding", f"{line!r} {holder.stderr.read() if holder.poll() is not None else ''}"
        refused = serve_cli("connect", "codex", ok=False)
        assert refused.returncode != 0, refused.stdout
        assert "open in another program" in refused.stderr, refused.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert codex.read_bytes() == before, "the held file is untouched"
    assert not list(codex.parent.glob("*.switchyard-tmp*")), "no temp file left"
    assert wine_tool("attrib", "+r", windows_path(codex)).returncode == 0
    refused = serve_cli("connect", "codex", ok=False)
    assert refused.returncode != 0 and "is read-only" in refused.stderr and "attrib -r" in refused.stderr, \
        refused.stderr
    assert codex.read_bytes() == before, "the read-only file is untouched"
    wine_tool("attrib", "-r", windows_path(codex))
    serve_cli("connect", "codex")
    serve_cli("disconnect", "codex")
    assert codex.read_bytes() == before
    print("  a tool file held open by another program, and a read-only one: connect refused "
          "clearly, the file untouched; released, connect and disconnect work")


def check_long_path():
    deep = PROFILE / "Long"
    while len(windows_path(deep)) < 270:
        deep = deep / "a-folder-with-a-long-name-for-the-260-character-limit"
    settings = deep / "settings.json"
    env = env_for(CLAUDE_CONFIG_DIR=windows_path(deep))
    assert len(windows_path(settings)) > 260
    serve_cli("connect", "claude-code", env=env)
    assert "127.0.0.1" in settings.read_text(), settings
    serve_cli("disconnect", "claude-code", env=env)
    assert not settings.exists(), "disconnect removed the file it created"
    print(f"  a path of {len(windows_path(settings))} characters (CLAUDE_CONFIG_DIR): connect and "
          "disconnect work")
