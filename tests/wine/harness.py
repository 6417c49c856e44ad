"""What the Wine checks share: the prefix's paths, running a Windows program under Wine as
the Linux one would run (scripts/cross/wine-run), the wineserver, the registry."""

import contextlib
import os
import pathlib
import re
import subprocess
import threading

ROOT = pathlib.Path(__file__).resolve().parents[2]
WINE_RUN = ROOT / "scripts" / "cross" / "wine-run"
BIN = pathlib.Path(os.environ["WINE_BIN"])
PREFIX = pathlib.Path(os.environ["WINEPREFIX"])
MOCK = os.environ["SWITCHYARD_MOCK"]
CANARY = "sk-wine-canary-7f3a9c2e5b1d4f6a8c0e2b4d"
USER = os.environ.get("USER") or "root"
DATA_WIN = "C:\\users\\Zoë Ångström\\Switchyard"
DATA = PREFIX / "drive_c" / "users" / "Zoë Ångström" / "Switchyard"
PROFILE = PREFIX / "drive_c" / "users" / USER


def env_for(data=DATA_WIN, **extra):
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(SWITCHYARD_KEYRING_SERVICE="switchyard-wine-test", RUST_LOG="warn", NO_COLOR="1",
               WINEDEBUG="-all", NO_PROXY="127.0.0.1,localhost")
    env.update(extra)
    env.pop("SWITCHYARD_DATA_DIR", None)
    if data:
        env["SWITCHYARD_DATA_DIR"] = data
    return env


def run(exe, *args, env=None, stdin=None, ok=True, timeout=120):
    p = subprocess.run([str(WINE_RUN), str(BIN / exe), *args], env=env or env_for(), input=stdin,
                       capture_output=True, text=True, timeout=timeout)
    if ok:
        assert p.returncode == 0, f"{exe} {' '.join(args)}: exit {p.returncode}\n{p.stdout}{p.stderr}"
    return p


def serve_cli(*args, **kw):
    return run("switchyard-serve.exe", *args, **kw)


def start(cmd, env, pattern):
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        m = re.search(pattern, line)
        if m:
            # Keep reading: a closed pipe would end the program at its next line.
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return proc, m.group(1)
    raise AssertionError(f"{cmd[0]} did not start")


@contextlib.contextmanager
def gateway():
    """`switchyard-serve.exe` serving the test data folder on a free port, as the app would be
    while the user connects tools: connect points a tool only at a gateway that proves it is this
    data folder's (gateway.json and its identity answer), never at a saved port nobody serves."""
    proc, origin = start([str(WINE_RUN), str(BIN / "switchyard-serve.exe")],
                         env_for(SWITCHYARD_GATEWAY_PORT="0"), r"listening on (http://127\.0\.0\.1:\d+)")
    try:
        yield origin
    finally:
        proc.terminate()  # wine-run passes it on as the console's Ctrl+C
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def wineserver(*args):
    """Wine's server for the prefix. It runs persistently (`-p`) during the suite: two Wine
    programs started at the same moment with none running can race to start it, and one hangs."""
    # Its own standard streams: a server that inherited a pipe would keep the pipe open.
    subprocess.run(["/usr/lib/wine/wineserver", *args], env=env_for(), timeout=60, check=False,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_wine():
    """The wineserver, and the system programs the first Wine program starts (services,
    explorer), started with no standard streams of ours: started by a program whose output is
    captured, they would hold its pipe open after it exits."""
    wineserver("-p")
    subprocess.run(["/usr/lib/wine/wine64", str(BIN / "switchyard-serve.exe"), "--version"],
                   env=env_for(), timeout=120, check=False, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def files_holding(secret):
    """Every file under the Wine prefix holding `secret` as UTF-8 or UTF-16LE."""
    needles = (secret.encode(), secret.encode("utf-16-le"))
    found = []
    for path in PREFIX.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if any(n in data for n in needles):
                found.append(str(path))
    return found


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]




def wine_tool(name, *args):
    """One of Wine's own programs (`reg`, `attrib`, …) with `args`, in the prefix; its completed
    process."""
    return subprocess.run(["/usr/lib/wine/wine64", name, *args], env=env_for(), capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def reg(*args):
    return wine_tool("reg", *args)
