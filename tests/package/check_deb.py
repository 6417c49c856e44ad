"""The installable package, checked the way a user meets it: the .deb that `./dev package` built is
read with dpkg-deb (what it declares and ships), installed with `apt-get install ./….deb`, its
`.desktop` entry checked with desktop-file-validate, its bash completion and man page read,
`/usr/bin/switchyard --version` run, the
installed app started under Xvfb (its window mapped, its core process `/usr/bin/switchyard-tray`
serving the gateway), quit through the core's SIGTERM (the tray's Quit path), and the package
removed again with nothing of it left on disk. Run by ./dev test in the test session (Xvfb, a
private D-Bus and keychain), as root.

Usage: check_deb.py PATH/TO/switchyard_*.deb"""

import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
VERSION = "0.1.0"
SHIPPED = [
    "/usr/bin/switchyard",
    "/usr/bin/switchyard-tray",
    "/usr/share/applications/Switchyard.desktop",
    "/usr/share/icons/hicolor/128x128/apps/switchyard.png",
    "/usr/share/man/man1/switchyard.1",
    "/usr/share/bash-completion/completions/switchyard",
    "/usr/share/zsh/vendor-completions/_switchyard",
    "/usr/share/fish/vendor_completions.d/switchyard.fish",
]


def sh(*cmd, ok=True, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    if ok:
        assert p.returncode == 0, f"{' '.join(cmd)}: exit {p.returncode}\n{p.stdout}{p.stderr}"
    return p


def as_root(*cmd):
    return cmd if os.geteuid() == 0 else ("sudo", "-n", *cmd)


def field(deb, name):
    return sh("dpkg-deb", "-f", deb, name).stdout.strip()


def check_contents(deb):
    assert field(deb, "Package") == "switchyard", field(deb, "Package")
    assert field(deb, "Version") == VERSION, field(deb, "Version")
    depends = field(deb, "Depends")
    for lib in ("libwebkit2gtk-4.1-0", "libgtk-3-0"):
        assert lib in depends, f"Depends lacks {lib}: {depends}"
    assert "gnome-keyring" in field(deb, "Recommends"), "the Secret Service provider is not recommended"
    listing = sh("dpkg-deb", "-c", deb).stdout
    shipped = {line.split()[-1].lstrip(".").lstrip("/") for line in listing.splitlines()}
    for path in SHIPPED:
        assert path.lstrip("/") in shipped, f"{path} is not in the package:\n{listing}"
    print(f"contents: {len(listing.splitlines())} entries, Depends: {depends}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def window_ids():
    p = sh("xdotool", "search", "--onlyvisible", "--name", "^Switchyard$", ok=False)
    return p.stdout.split()


def wait(what, probe, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = probe()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def exe(pid):
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None


def core_pid():
    p = sh("pgrep", "-x", "switchyard-tray", ok=False)
    pids = [int(x) for x in p.stdout.split()]
    return next((pid for pid in pids if exe(pid) == "/usr/bin/switchyard-tray"), None)


def metrics_status(port, token=None):
    """The status of GET /metrics (None while nothing answers); a token is sent as a bearer."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}/metrics")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=2) as r:
            return r.status if b"switchyard_" in r.read() else None
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def first_paint(data):
    for log in (data / "logs").glob("*"):
        if "first_paint_ms=" in log.read_text(errors="replace"):
            return True
    return False


def run_installed_app():
    version = sh("/usr/bin/switchyard", "--version").stdout.strip()
    assert version == f"switchyard {VERSION}", version
    data = pathlib.Path(tempfile.mkdtemp(prefix="switchyard-deb-"))
    port = free_port()
    env = dict(os.environ, SWITCHYARD_DATA_DIR=str(data), SWITCHYARD_GATEWAY_PORT=str(port),
               SWITCHYARD_KEYRING_SERVICE="switchyard-test-deb")
    env.pop("RUST_LOG", None)  # the default filter logs the first paint this check waits for
    # The installed CLI makes a scrape token first: /metrics is closed without one.
    scrape = sh("/usr/bin/switchyard-tray", "token", "create", "deb-check", "--metrics-only",
                env=env).stdout.strip()
    assert scrape, "token create printed no token"
    window = subprocess.Popen(["/usr/bin/switchyard"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        wait("the installed app's window", window_ids)
        core = wait("the installed core process /usr/bin/switchyard-tray", core_pid)
        wait("the gateway of the installed core", lambda: metrics_status(port, scrape) == 200)
        assert metrics_status(port) == 401, "/metrics answered without a token"
        # The page itself: the UI reports its first paint, which the window logs.
        wait("the installed UI's first paint", lambda: first_paint(data))
        time.sleep(0.5)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "package-window.png"
        sh("import", "-window", "root", str(shot))
        print(f"window mapped, core pid {core} serving on 127.0.0.1:{port}, screenshot {shot}")
        os.kill(core, 15)  # the tray's Quit: the core shuts down cleanly and closes the window
        code = window.wait(timeout=30)
        assert code == 0, f"the window exited {code}: {window.stderr.read()}"
        wait("the core to exit", lambda: core_pid() is None, 30)
    finally:
        if window.poll() is None:
            window.kill()
        pid = core_pid()
        if pid:
            os.kill(pid, 9)
    assert any(data.iterdir()), "the installed app wrote nothing to its data folder"


def check_completions_and_man_page():
    """The installed bash completion completes the CLI's commands, and the man page is roff that
    names them (both generated from the CLI's own definitions when the package is built)."""
    words = sh("bash", "-c", "source /usr/share/bash-completion/completions/switchyard; "
               "COMP_WORDS=(switchyard imp); COMP_CWORD=1; COMP_LINE='switchyard imp'; COMP_POINT=14; "
               "_switchyard switchyard imp switchyard; printf '%s\\n' \"${COMPREPLY[@]}\"").stdout.split()
    assert words == ["import-env"], f"bash completes 'switchyard imp' as {words}"
    man = pathlib.Path("/usr/share/man/man1/switchyard.1").read_text()
    assert man.startswith(".ie") and ".TH switchyard 1" in man and "start\\-at\\-login" in man, man[:400]
    print("completions: bash completes the commands; the man page lists them")


def main():
    deb = os.path.abspath(sys.argv[1])
    check_contents(deb)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    sh(*as_root("apt-get", "install", "-y", "-qq", deb), env=env)
    try:
        assert sh("dpkg-query", "-W", "-f=${Status}", "switchyard").stdout == "install ok installed"
        sh("desktop-file-validate", "/usr/share/applications/Switchyard.desktop")
        check_completions_and_man_page()
        run_installed_app()
    finally:
        sh(*as_root("apt-get", "remove", "-y", "-qq", "switchyard"), env=env)
    for path in SHIPPED:
        assert not os.path.exists(path), f"{path} is still there after apt-get remove"
    print("package: built, installed, started, quit and removed")


if __name__ == "__main__":
    main()
