"""Switchyard's run reports read by real consumers.

`switchyard-serve check --json F --junit F --html F` on a fresh data folder (the Demo backend)
and again with a backend that cannot be reached, and `switchyard-serve drill` with the same
flags on the Demo configuration: the JSON validates against
docs/report-schema.json (jsonschema), the JUnit file is read by junitparser and its counts match
the JSON, and the HTML page names the verdict, draws one bar per suite and loads nothing.
Run by ./dev test in the test session (real keychain, notification daemon)."""

import json
import os
import pathlib
import subprocess
import sys
import tempfile
import uuid
from html.parser import HTMLParser

import jsonschema
from junitparser import Failure, JUnitXml, Skipped

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
if not TARGET.is_absolute():
    TARGET = ROOT / TARGET
# SWITCHYARD_SERVE overrides it: `./dev platforms` runs this check on the Windows build under Wine.
SERVE = pathlib.Path(os.environ.get("SWITCHYARD_SERVE", TARGET / "debug" / "switchyard-serve"))
SCHEMA = json.loads((ROOT / "docs" / "report-schema.json").read_text())


def run(data, service, *args, stdin=None):
    env = dict(os.environ, SWITCHYARD_DATA_DIR=str(data), SWITCHYARD_KEYRING_SERVICE=service, RUST_LOG="warn")
    return subprocess.run([str(SERVE), *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bars = 0
        self.verdict = None
        self.loads = []
        self._in_verdict = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "rect" and a.get("class") == "bar":
            self.bars += 1
        if tag == "span" and (a.get("class") or "").startswith("verdict "):
            self._in_verdict = True
        for name in ("src", "href"):
            if name in a:
                self.loads.append(a[name])
        if tag in ("script", "link", "img", "iframe"):
            self.loads.append(tag)

    def handle_data(self, data):
        if self._in_verdict:
            self.verdict = data.strip()
            self._in_verdict = False


def check_run(data, service, expect_codes, label, command=("check",)):
    out = pathlib.Path(data) / "reports"
    out.mkdir(exist_ok=True)
    files = {k: out / f"report.{k}" for k in ("json", "xml", "html")}
    p = run(data, service, *command, "--json", str(files["json"]), "--junit", str(files["xml"]), "--html", str(files["html"]))
    assert p.returncode in expect_codes, f"{label}: exit {p.returncode}: {p.stderr}"
    report = json.loads(files["json"].read_text())
    jsonschema.validate(report, SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert report["exitCode"] == p.returncode, label

    xml = JUnitXml.fromfile(str(files["xml"]))
    suites = list(xml)
    assert [s.name for s in suites] == [s["name"] for s in report["suites"]], label
    cases = [c for s in report["suites"] for c in s["cases"]]
    failed = [c for c in cases if not c["passed"] and c["importance"] != "info"]
    skipped = [c for c in cases if not c["passed"] and c["importance"] == "info"]
    parsed = [case for s in suites for case in s]
    assert len(parsed) == len(cases), f"{label}: {len(parsed)} test cases, {len(cases)} in the JSON"
    got_failed = [c for c in parsed if any(isinstance(r, Failure) for r in c.result)]
    got_skipped = [c for c in parsed if any(isinstance(r, Skipped) for r in c.result)]
    assert len(got_failed) == len(failed), f"{label}: {len(got_failed)} failures, {len(failed)} in the JSON"
    assert len(got_skipped) == len(skipped), label
    xml.update_statistics()
    assert xml.tests == len(cases) and xml.failures == len(failed), label

    page = Page()
    page.feed(files["html"].read_text())
    assert page.verdict == report["verdict"].upper(), f"{label}: verdict {page.verdict!r}"
    assert page.bars == len(report["suites"]), f"{label}: {page.bars} bars"
    assert page.loads == [], f"{label}: the page loads {page.loads}"
    print(f"  {label}: {report['verdict']} (exit {p.returncode}), {len(suites)} suites, "
          f"{len(cases)} cases, {len(failed)} failures, {len(skipped)} informational")
    return report, got_failed


def main():
    if not SERVE.exists():
        sys.exit(f"{SERVE} is missing: build it first (cargo build -p switchyard-cli)")
    service = f"switchyard-reports-{uuid.uuid4().hex}"
    try:
        with tempfile.TemporaryDirectory() as data:
            report, _ = check_run(data, service, (0, 1), "fresh install (Demo)")
            assert any(s["name"] == "Demo" for s in report["suites"])
            added = run(data, service, "backend", "add", "Gone", "--kind", "openai-compatible",
                        "--base-url", "http://127.0.0.1:9/v1", "--model", "m")
            assert added.returncode == 0, added.stderr
            report, failures = check_run(data, service, (1, 2), "a backend that cannot be reached")
            gone = next(s for s in report["suites"] if s["name"] == "Gone")
            assert gone["status"] != "operational", gone
            assert failures, "the unreachable backend is a JUnit failure"
            assert report["previous"] is not None, "the second run compares with the first"
        with tempfile.TemporaryDirectory() as data:
            report, _ = check_run(data, service, (0,), "drills on the Demo configuration", ("drill",))
            assert report["kind"] == "drill" and report["verdict"] == "passed", report
            assert [s["name"] for s in report["suites"]] == ["Failover", "Circuit breaker", "Rate limits", "Recovery", "Load distribution", "Cache stampede", "Configuration"]
            breaker = next(s for s in report["suites"] if s["name"] == "Circuit breaker")
            states = [e["state"] for e in breaker["timelines"][0]["events"]]
            assert states == ["closed", "open", "half-open", "closed"], breaker["timelines"]
            config = report["configuration"]
            assert [b["name"] for b in config["backends"]] == ["Demo"], config
            assert {"name": "Failures to open a breaker", "value": "3"} in config["settings"], config
    finally:
        subprocess.run(["secret-tool", "clear", "service", service], check=False)
    print("reports: JSON schema, JUnit (junitparser) and HTML checks passed")


if __name__ == "__main__":
    main()
