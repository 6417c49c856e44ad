"""Switchyard's MCP server driven by the official MCP Python SDK (PyPI `mcp`).

Over stdio (`switchyard-serve mcp`, as `claude mcp add switchyard -- switchyard mcp` runs it) and
over Streamable HTTP at /mcp on a running `switchyard-serve` (with a gateway token; none gets
401): initialize, list the tools and resources, call every tool. `ask` goes through the gateway
to the Demo backend and lands in the ledger under the calling tool's name; bad input is a tool
error with the reason; no answer carries a secret. Run by ./dev test in the test session."""

import asyncio
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import uuid

from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
if not TARGET.is_absolute():
    TARGET = ROOT / TARGET
# SWITCHYARD_SERVE overrides it: `./dev platforms` runs this check on the Windows build under Wine.
SERVE = pathlib.Path(os.environ.get("SWITCHYARD_SERVE", TARGET / "debug" / "switchyard-serve"))
TOOLS = {"ask", "status", "costs", "readiness", "list_backends", "list_routes"}
KEY = "sk-mcp-test-key-0000000000000000000042"


def env_for(data, service):
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(SWITCHYARD_DATA_DIR=str(data), SWITCHYARD_KEYRING_SERVICE=service, RUST_LOG="warn",
               NO_PROXY="127.0.0.1,localhost")
    return env


def run(env, *args, stdin=None):
    return subprocess.run([str(SERVE), *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)


def text_of(result):
    return "".join(c.text for c in result.content if getattr(c, "type", "") == "text")


def ledger(env):
    p = run(env, "requests", "--limit", "100", "--json")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


async def ledger_until(env, pred, seconds=10.0):
    """The ledger's rows once `pred(rows)` holds: the writer batches (up to 100 ms) and another
    process reads only what it has committed. After `seconds`, the last rows read."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        rows = ledger(env)
        if pred(rows) or asyncio.get_running_loop().time() > deadline:
            return rows
        await asyncio.sleep(0.05)


async def exercise(session, env, tool_name):
    init = await session.initialize()
    assert init.server_info.name == "switchyard", init.server_info
    tools = {t.name: t for t in (await session.list_tools()).tools}
    assert set(tools) == TOOLS, sorted(tools)
    assert tools["ask"].input_schema["required"] == ["prompt"], tools["ask"].input_schema

    r = await session.call_tool("ask", {"prompt": "Say hello over MCP", "model": "demo-chat"})
    assert not r.is_error, text_of(r)
    answer = json.loads(text_of(r))
    assert answer["answer"] and answer["backend"] == "Demo" and answer["outputTokens"] > 0, answer
    def recorded(rows):
        return any(row["tokenName"] == tool_name and row["backend"] == "Demo" for row in rows)
    rows = await ledger_until(env, recorded)
    assert recorded(rows), rows[:3]

    bad = await session.call_tool("ask", {"prompt": 5})
    assert bad.is_error and "expected a string" in text_of(bad), text_of(bad)
    bad = await session.call_tool("ask", {"prompt": "x", "max_tokens": 0})
    assert bad.is_error and "from 1 to 32768" in text_of(bad), text_of(bad)
    bad = await session.call_tool("costs", {"period": "year"})
    assert bad.is_error and "Unknown period" in text_of(bad), text_of(bad)

    status = json.loads(text_of(await session.call_tool("status", {})))
    assert [b["name"] for b in status["backends"]][:1] == ["Demo"], status
    costs = json.loads(text_of(await session.call_tool("costs", {"period": "week"})))
    assert costs["totals"]["requests"] >= 1, costs
    assert any(t["name"] == tool_name for t in costs["byTool"]), costs["byTool"]
    # Spend by source: the gateway's first (the same requests), then each tool's own records.
    assert costs["bySource"][0]["group"] == "gateway", costs["bySource"]
    assert costs["bySource"][0]["requests"] == costs["totals"]["requests"], costs["bySource"]
    assert isinstance(costs["limits"], list), costs
    report = json.loads(text_of(await session.call_tool("readiness", {})))
    assert report["schema"] == "switchyard-report/1" and report["verdict"] in ("ready", "degraded"), report["verdict"]
    backends = await session.call_tool("list_backends", {})
    listed = json.loads(text_of(backends))["backends"]
    keyed = next(b for b in listed if b["name"] == "Keyed")
    assert keyed["keys"] == 1, keyed
    routes = json.loads(text_of(await session.call_tool("list_routes", {})))
    assert routes == {"routes": []}, routes

    resources = {str(x.uri) for x in (await session.list_resources()).resources}
    assert resources == {"switchyard://health", "switchyard://costs/today"}, resources
    health = await session.read_resource("switchyard://health")
    assert "Demo" in health.contents[0].text

    everything = "\n".join(text_of(x) for x in (backends,))
    assert KEY not in everything and KEY[:12] not in everything, "no key in any answer"


async def over_stdio(env):
    params = StdioServerParameters(command=str(SERVE), args=["mcp"], env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await exercise(session, env, "mcp")
    print("  stdio: every tool answered; ask recorded as the tool \"mcp\"")


async def over_http(env, origin, token):
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with http:
        async with streamable_http_client(f"{origin}/mcp", http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                await exercise(session, env, "mcp-http-client")
    # Without a token the gateway's guard answers first.
    req = urllib.request.Request(f"{origin}/mcp", data=b"{}", method="POST",
                                 headers={"content-type": "application/json", "accept": "application/json, text/event-stream"})
    try:
        urllib.request.urlopen(req, timeout=10)
        raise AssertionError("POST /mcp without a token was answered")
    except urllib.error.HTTPError as e:
        assert e.code == 401, e.code
    print("  Streamable HTTP at /mcp: every tool answered; ask recorded under the caller's token; no token → 401")


def main():
    if not SERVE.exists():
        sys.exit(f"{SERVE} is missing: build it first (cargo build -p switchyard-cli)")
    service = f"switchyard-mcp-{uuid.uuid4().hex}"
    try:
        with tempfile.TemporaryDirectory() as data:
            env = env_for(data, service)
            added = run(env, "backend", "add", "Keyed", "--kind", "openai-compatible", "--base-url",
                        "http://127.0.0.1:9/v1", "--model", "m", "--key-stdin", stdin=KEY + "\n")
            assert added.returncode == 0, added.stderr
            asyncio.run(over_stdio(env))
            made = run(env, "token", "create", "mcp-http-client")
            token = re.search(r"^(sy-[0-9a-f]+)\s*$", made.stdout, re.M).group(1)
            serve_env = dict(env, SWITCHYARD_GATEWAY_PORT="0")
            proc = subprocess.Popen([str(SERVE)], env=serve_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                origin = None
                for line in proc.stdout:
                    m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
                    if m:
                        origin = m.group(1)
                        break
                assert origin, "switchyard-serve did not start"
                asyncio.run(over_http(env, origin, token))
            finally:
                proc.terminate()
                proc.wait(timeout=20)
    finally:
        subprocess.run(["secret-tool", "clear", "service", service], check=False)
    print("mcp: the official MCP Python SDK passed over stdio and Streamable HTTP")


if __name__ == "__main__":
    main()
