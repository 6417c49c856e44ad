#!/usr/bin/env python3
"""The Python parts of `scripts/bench-proxy.sh`: the stream mode's answer and the report's tables.

Usage: bench-proxy-report.py COMMAND ARGS...
  stream-file PATH MARKER MODEL  write the upstream's streamed answer (64 content chunks, a finish
                                 chunk, a usage chunk, `data: [DONE]`) to PATH; print its number
                                 of SSE events
  ledger DB                      switchyard's ledger (its SQLite file) by backend and status
  ledger-kinds DB                the same by streamed/buffered, cache label and status
  buffered RESULTS CONNS         the buffered table and the switchyard/nginx ratios
  stream RESULTS CONNS TTFB EVENTS TTFB_N TTFB_OK BUFFERED_RESULTS
                                 the stream tables (wrk's full answers, bench-proxy-ttfb.py's
                                 JSON lines in TTFB); BUFFERED_RESULTS may be "" (buffered not run)
  cache RESULTS                  the cache-hit table
  soak SOAK CLK_TCK INTERVAL     the soak table and its verdict
RESULTS are the tab-separated rows bench-proxy.sh writes (run, connections, target, p50, p99,
p99.9, req/s, requests, CPU µs/req, VmHWM KiB, VmRSS KiB, non-2xx, socket errors[, cache hits,
bad bodies]). The table commands exit 1 when a row is flagged (non-2xx answers, socket errors,
bad stream bodies, cache misses), otherwise 0.
"""
import json
import sqlite3
import sys
from statistics import median


def stream_file(argv):
    path, marker, model = argv[1:4]
    base = {"id": marker, "object": "chat.completion.chunk", "created": 1700000000, "model": model,
            "system_fingerprint": None}
    events = []
    def chunk(choices, **extra):
        events.append("data: " + json.dumps(dict(base, choices=choices, **extra),
                                            separators=(",", ":")) + "\n\n")
    for i in range(64):
        delta = {"content": f" word{i}"} if i else {"role": "assistant", "content": "word0"}
        chunk([{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}])
    chunk([{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}])
    chunk([], usage={"prompt_tokens": 20, "completion_tokens": 64, "total_tokens": 84})
    events.append("data: [DONE]\n\n")
    open(path, "w").write("".join(events))
    print(len(events))


def ledger(argv):
    db = sqlite3.connect(argv[1])
    rows = db.execute("select coalesce(backend, 'no backend'), status, count(*), sum(input_tokens),"
                      " sum(output_tokens) from requests group by 1, 2").fetchall()
    print("; ".join(f"{b} {s}: {n} requests, {i} input + {o} output tokens" for b, s, n, i, o in rows)
          or "no rows")


def ledger_kinds(argv):
    db = sqlite3.connect(argv[1])
    rows = db.execute("select streamed, coalesce(cache, 'no label'), status, count(*) from requests"
                      " group by 1, 2, 3").fetchall()
    print("; ".join(f"{'streamed' if s else 'buffered'} cache {c} {st}: {n}" for s, c, st, n in rows)
          or "no rows")


TARGETS = ["upstream", "nginx", "hop", "switchyard", "switchyard-b"]
LABEL = {"upstream": "upstream (direct)", "nginx": "nginx proxy", "hop": "bare hop (gw stack)",
         "switchyard": "switchyard-serve", "switchyard-b": "switchyard-serve B"}


def split(med, c, added_keys):
    """What switchyard adds over nginx, split at the bare hop: the stack's and the features'."""
    parts = []
    for name, key, added in added_keys:
        n, h, s = (med(c, t, key, added) for t in ("nginx", "hop", "switchyard"))
        parts.append(f"{name} {s - n:+.0f} = stack {h - n:+.0f} + features {s - h:+.0f}")
    return ", ".join(parts)


def present(rows, column=2):
    """The targets measured (switchyard-b only in an A/B run), in TARGETS' order."""
    seen = {r[column] for r in rows}
    return [n for n in TARGETS if n in seen]


def b_over_a(med, keys, c=None):
    """The A/B run's line: switchyard-b's medians over switchyard's, per key (name, key, added)."""
    parts = []
    for name, key, added in keys:
        args = (c,) if c is not None else ()
        a, b = med(*args, "switchyard", key, added), med(*args, "switchyard-b", key, added)
        parts.append(f"{name} {b / a:.2f}×" if a > 0 else f"{name} n/a")
    return ", ".join(parts)


def ttfb_ratio(ttfb, up):
    """switchyard-b's added TTFB p50 over switchyard's, or n/a when switchyard's is ≤ 0."""
    a = ttfb["switchyard"]["ttfb"][0] - up["ttfb"][0]
    b = ttfb["switchyard-b"]["ttfb"][0] - up["ttfb"][0]
    return f"{b / a:.2f}×" if a > 0 else "n/a (switchyard's is ≤ 0)"


def buffered(argv):
    rows = [l.rstrip("\n").split("\t") for l in open(argv[1]) if l.strip()]
    conns = [int(c) for c in argv[2].split()]
    names = present(rows)
    label = LABEL
    R = {}
    for run, c, name, p50, p99, p999, rps, n, cpu, hwm, rss, bad, err, *_ in rows:
        R[(int(run), int(c), name)] = dict(p50=float(p50), p99=float(p99), p999=float(p999),
            rps=float(rps), cpu=float(cpu), hwm=int(hwm) / 1024, rss=int(rss) / 1024,
            bad=int(bad) + int(err))
    runs = sorted({k[0] for k in R})
    def med(c, name, key, added=False):
        vals = [R[(r, c, name)][key] - (R[(r, c, "upstream")][key] if added else 0) for r in runs]
        return median(vals)
    us = lambda v: f"{v:.0f}"
    head = ("target", "in flight", "p50 µs", "p99 µs", "p99.9 µs", "+p50 µs", "+p99 µs", "+p99.9 µs",
            "req/s", "CPU µs/req", "peak RSS MiB", "RSS after MiB", "non-2xx")
    out = [head]
    flagged = False
    for c in conns:
        for name in names:
            bad = sum(R[(r, c, name)]["bad"] for r in runs)
            flagged |= bad > 0
            pcts = ("p50", "p99", "p999")
            add = ["–"] * 3 if name == "upstream" else [us(med(c, name, k, True)) for k in pcts]
            out.append((label[name], str(c), *(us(med(c, name, k)) for k in pcts), *add,
                        f"{med(c, name, 'rps'):.0f}", f"{med(c, name, 'cpu'):.1f}",
                        f"{med(c, name, 'hwm'):.1f}", f"{med(c, name, 'rss'):.1f}",
                        str(bad) + (" FLAGGED" if bad else "")))
    w = [max(len(r[i]) for r in out) for i in range(len(head))]
    for i, r in enumerate(out):
        print("  ".join(v.ljust(w[j]) if j == 0 else v.rjust(w[j]) for j, v in enumerate(r)))
        if i and i % len(names) == 0 and i < len(out) - 1:
            print()
    print("+p50, +p99, +p99.9: the target's percentile minus the upstream's in the same round, median"
          " over the runs (below 0: within the noise).\nCPU µs/req and RSS: the target's own processes;"
          " the upstream's row is the upstream nginx. non-2xx: non-2xx answers and socket errors, all runs.")
    def ratio(c, key, added=False, digits=1):
        a, b = med(c, "switchyard", key, added), med(c, "nginx", key, added)
        return f"{a / b:.{digits}f}×" if b > 0 else "n/a (nginx's is ≤ 0)"
    print("\nswitchyard-serve / nginx proxy (ratios of the medians):")
    for c in conns:
        parts = [f"added p50 {ratio(c, 'p50', True)}", f"added p99 {ratio(c, 'p99', True)}"]
        if c > 1:
            parts.append(f"added p99.9 {ratio(c, 'p999', True)}")
        parts += [f"CPU/req {ratio(c, 'cpu')}", f"req/s {ratio(c, 'rps', digits=2)}",
                  f"peak RSS {ratio(c, 'hwm')}"]
        print(f"  {c:>2} in flight: " + ", ".join(parts))
    if "hop" in names:
        print("\nswitchyard-serve over nginx, split at the bare hop (µs; stack = bare hop − nginx,"
              " features = switchyard − bare hop):")
        for c in conns:
            keys = [("added p50", "p50", True), ("added p99", "p99", True), ("CPU/req", "cpu", False)]
            print(f"  {c:>2} in flight: " + split(lambda *a: med(*a[:-1], added=a[-1]), c, keys))
    if "switchyard-b" in names:
        print("\nA/B: switchyard-serve B / switchyard-serve (ratios of the medians; below 1: B is"
              " lower):")
        for c in conns:
            keys = [("added p50", "p50", True), ("added p99", "p99", True),
                    ("added p99.9", "p999", True), ("CPU/req", "cpu", False),
                    ("req/s", "rps", False), ("peak RSS", "hwm", False)]
            print(f"  {c:>2} in flight: " + b_over_a(lambda *a: med(*a[:-1], added=a[-1]), keys, c))
    if flagged:
        print("\nFLAGGED: runs with non-2xx answers or socket errors (column non-2xx)")
    return 1 if flagged else 0


def stream(argv):
    rows = [l.rstrip("\n").split("\t") for l in open(argv[1]) if l.strip()]
    conns = [int(c) for c in argv[2].split()]
    ttfb = {d["name"]: d for d in map(json.loads, open(argv[3]))}
    events, ttfb_n, ttfb_ok = int(argv[4]), int(argv[5]), argv[6] == "1"
    buffered = {}  # (connections, target) -> CPU µs/req of each buffered run, when buffered ran too
    for l in (open(argv[7]) if argv[7] else []):
        f = l.rstrip("\n").split("\t")
        buffered.setdefault((int(f[1]), f[2]), []).append(float(f[8]))
    names = present(rows)
    label = LABEL
    R = {}
    for run, c, name, p50, p99, p999, rps, n, cpu, hwm, rss, bad, err, hits, badbody in rows:
        R[(int(run), int(c), name)] = dict(p50=float(p50), p99=float(p99), p999=float(p999),
            rps=float(rps), cpu=float(cpu), hwm=int(hwm) / 1024, bad=int(bad) + int(err) + int(badbody))
    runs = sorted({k[0] for k in R})
    def med(c, name, key, added=False):
        return median(R[(r, c, name)][key] - (R[(r, c, "upstream")][key] if added else 0) for r in runs)
    def table(head, out):
        w = [max(len(r[i]) for r in [head] + out) for i in range(len(head))]
        for r in [head] + out:
            print("  ".join(v.ljust(w[j]) if j == 0 else v.rjust(w[j]) for j, v in enumerate(r)))
    us = lambda v: f"{v:.0f}"
    flagged = False
    out = []
    for c in conns:
        for name in names:
            bad = sum(R[(r, c, name)]["bad"] for r in runs)
            flagged |= bad > 0
            add = ["–"] * 2 if name == "upstream" else [us(med(c, name, k, True)) for k in ("p50", "p99")]
            out.append((label[name], str(c), us(med(c, name, "p50")), us(med(c, name, "p99")), *add,
                        f"{med(c, name, 'rps'):.0f}", f"{med(c, name, 'cpu'):.1f}",
                        f"{med(c, name, 'hwm'):.1f}", str(bad) + (" FLAGGED" if bad else "")))
    table(("full answer (wrk)", "in flight", "p50 µs", "p99 µs", "+p50 µs", "+p99 µs", "req/s",
           "CPU µs/req", "peak RSS MiB", "bad"), out)
    print("bad: non-2xx answers, socket errors and answers not ending with `data: [DONE]`, all runs.")
    def ratio(c, key, added=False):
        a, b = med(c, "switchyard", key, added), med(c, "nginx", key, added)
        return f"{a / b:.1f}×" if b > 0 else "n/a (nginx's is ≤ 0)"
    print("switchyard-serve / nginx proxy: " + "; ".join(
        f"{c} in flight: added p50 {ratio(c, 'p50', True)}, added p99 {ratio(c, 'p99', True)},"
        f" CPU/req {ratio(c, 'cpu')}" for c in conns))
    print(f"\ntime to first byte at 1 in flight (scripts/bench-proxy-ttfb.py: {ttfb_n} requests per"
          " target on keep-alive connections, alternated; until the first body byte, the header block,"
          " the whole answer):")
    up = ttfb["upstream"]
    out = []
    for name in names:
        t = ttfb[name]
        flagged |= t["errors"] > 0
        add = (["–"] * 2 if name == "upstream"
               else [us(t["ttfb"][i] - up["ttfb"][i]) for i in (0, 1)])
        out.append((label[name], us(t["ttfb"][0]), us(t["ttfb"][1]), *add, us(t["head"][0]),
                    us(t["full"][0]), us(t["full"][1]),
                    str(t["errors"]) + (" FLAGGED" if t["errors"] else "")))
    table(("target", "TTFB p50 µs", "TTFB p99 µs", "+TTFB p50", "+TTFB p99", "headers p50 µs",
           "full p50 µs", "full p99 µs", "errors"), out)
    print(f"per SSE event ({events} in the answer) = (added full-answer p50 − added TTFB p50) / {events}:")
    for name in names[1:]:
        t = ttfb[name]
        add_ttfb = t["ttfb"][0] - up["ttfb"][0]
        parts = []
        if 1 in conns:
            add_full = med(1, name, "p50", True)
            parts.append(f"with wrk's added p50 at 1 in flight ({add_full:.0f} µs):"
                         f" {(add_full - add_ttfb) / events:.2f} µs")
        add_full2 = t["full"][0] - up["full"][0]
        parts.append(f"with the TTFB client's own full answers ({add_full2:.0f} µs):"
                     f" {(add_full2 - add_ttfb) / events:.2f} µs")
        print(f"  {label[name]}: added TTFB p50 {add_ttfb:.0f} µs; per event " + "; ".join(parts))
    print("  (the upstream sends the whole answer at once, so a proxy reads most or all events before"
          " its first byte goes out: TTFB includes their work and full − TTFB tends to 0)")
    for name in names[1:]:
        parts = [f"{c} in flight {(med(c, name, 'cpu') - median(buffered[(c, name)])) / events:.2f} µs"
                 for c in conns if (c, name) in buffered]
        if parts:
            print(f"  {label[name]}: CPU per event, (stream CPU/req − buffered CPU/req in this run)"
                  f" / {events}: " + ", ".join(parts))
    if "switchyard-b" in names:
        print("A/B: switchyard-serve B / switchyard-serve: " + "; ".join(
            f"{c} in flight: " + b_over_a(lambda *a: med(*a[:-1], added=a[-1]),
                                          [("added full p50", "p50", True), ("CPU/req", "cpu", False)], c)
            for c in conns) + "; added TTFB p50 " + ttfb_ratio(ttfb, up))
    print("issue #19 targets for switchyard: added TTFB ≤ 60 µs, ≤ 2 µs per chunk, no buffering.")
    if not ttfb_ok or flagged:
        print("\nFLAGGED: stream runs with bad answers or socket errors (columns bad, errors)")
    return 1 if flagged or not ttfb_ok else 0


def cache(argv):
    rows = [l.rstrip("\n").split("\t") for l in open(argv[1]) if l.strip()]
    names = present(rows)
    label = dict(LABEL, switchyard="switchyard-serve (hits)", **{"switchyard-b": "switchyard-serve B (hits)"})
    R = {}
    for run, c, name, p50, p99, p999, rps, n, cpu, hwm, rss, bad, err, hits, badbody in rows:
        R[(int(run), name)] = dict(p50=float(p50), p99=float(p99), p999=float(p999), rps=float(rps),
            cpu=float(cpu), hwm=int(hwm) / 1024, n=int(n), hits=int(hits), bad=int(bad) + int(err))
    runs = sorted({k[0] for k in R})
    med = lambda name, key: median(R[(r, name)][key] for r in runs)
    flagged = False
    head = ("target", "p50 µs", "p99 µs", "p99.9 µs", "× direct p50", "× direct p99", "req/s",
            "CPU µs/req", "peak RSS MiB", "non-2xx")
    out = []
    for name in names:
        bad = sum(R[(r, name)]["bad"] for r in runs)
        flagged |= bad > 0
        x = lambda k: "–" if name == "upstream" else f"{med(name, k) / med('upstream', k):.2f}×"
        out.append((label[name], *(f"{med(name, k):.0f}" for k in ("p50", "p99", "p999")), x("p50"),
                    x("p99"), f"{med(name, 'rps'):.0f}", f"{med(name, 'cpu'):.1f}",
                    f"{med(name, 'hwm'):.1f}", str(bad) + (" FLAGGED" if bad else "")))
    w = [max(len(r[i]) for r in [head] + out) for i in range(len(head))]
    for r in [head] + out:
        print("  ".join(v.ljust(w[j]) if j == 0 else v.rjust(w[j]) for j, v in enumerate(r)))
    missed = []
    for name in [n for n in names if n.startswith("switchyard")]:
        n = sum(R[(r, name)]["n"] for r in runs)
        hits = sum(R[(r, name)]["hits"] for r in runs)
        print(f"{label[name]} answers with x-switchyard-cache: hit: {hits} of {n} (counted by wrk).")
        if hits < n:
            missed.append(label[name])
    print(f"cache hit / direct call to the mock, p50: {med('switchyard', 'p50') / med('upstream', 'p50'):.2f}×"
          " (issue #19 target ≤ 1.3×); CPU per hit"
          f" {med('switchyard', 'cpu'):.1f} µs (the mock's own per request: {med('upstream', 'cpu'):.1f} µs)")
    if "switchyard-b" in names:
        print("A/B: switchyard-serve B / switchyard-serve: " + b_over_a(
            lambda name, key, _added: med(name, key),
            [("p50", "p50", False), ("p99", "p99", False), ("CPU per hit", "cpu", False)]))
    if missed:
        flagged = True
        print("FLAGGED: not every answer was a cache hit: " + ", ".join(missed))
    if flagged:
        print("\nFLAGGED: cache runs with non-2xx answers, socket errors or misses")
    return 1 if flagged else 0


def soak(argv):
    rows = [l.rstrip("\n").split("\t") for l in open(argv[1]) if l.strip()]
    clk, interval = int(argv[2]), int(argv[3])
    S = [dict(t=int(t), n=int(n), s=float(s), p50=int(p50), p99=int(p99), ticks=int(ticks),
              rss=int(rss) / 1024, data=int(data) / 1024, bad=int(bad) + int(err), up=int(up),
              steal=int(steal))
         for t, n, s, p50, p99, ticks, rss, data, bad, err, up, steal in rows]
    per = lambda ticks, n: ticks * 1e6 / clk / n
    head = ("t s", "requests", "req/s", "p50 µs", "p99 µs", "CPU µs/req", "upstream µs/req",
            "÷ upstream", "steal", "RSS MiB", "data MiB", "non-2xx")
    out = [(str(x["t"]), str(x["n"]), f"{x['n'] / x['s']:.0f}", str(x["p50"]), str(x["p99"]),
            f"{per(x['ticks'], x['n']):.1f}", f"{per(x['up'], x['n']):.1f}",
            f"{x['ticks'] / x['up']:.2f}" if x["up"] else "–", str(x["steal"]),
            f"{x['rss']:.1f}", f"{x['data']:.1f}",
            str(x["bad"]) + (" FLAGGED" if x["bad"] else "")) for x in S]
    w = [max(len(r[i]) for r in [head] + out) for i in range(len(head))]
    for r in [head] + out:
        print("  ".join(v.rjust(w[j]) for j, v in enumerate(r)))
    print("CPU µs/req: switchyard-serve's utime+stime from the end of the previous run to the end of"
          " this one, over the requests wrk completed; upstream µs/req: the upstream nginx's over the"
          " same requests (the same work per request all along: the control for the host's speed in"
          " that interval); ÷ upstream: the two divided; steal: the host's steal time in the interval"
          " (/proc/stat, clock ticks over all CPUs); RSS: VmRSS at the end of the run; data: its data"
          " folder (SQLite ledger and WAL, cache).")
    k = max(1, min(60 // interval, len(S) // 2))
    first, last = S[:k], S[-k:]
    cpu = lambda xs: per(sum(x["ticks"] for x in xs), sum(x["n"] for x in xs))
    up = lambda xs: per(sum(x["up"] for x in xs), sum(x["n"] for x in xs))
    rps = lambda xs: sum(x["n"] for x in xs) / sum(x["s"] for x in xs)
    rss = lambda xs: sum(x["rss"] for x in xs) / len(xs)
    span = f"{k * interval} s"
    raw_ratio = cpu(last) / cpu(first)
    up_ratio = up(last) / up(first) if up(first) else 1.0
    c_ratio = raw_ratio / up_ratio
    growth = rss(last) - rss(first)
    flat_cpu = abs(c_ratio - 1) <= 0.10
    flat_rss = growth <= 5.0
    print(f"last {span} against the first {span}: CPU/req {cpu(first):.1f} → {cpu(last):.1f} µs"
          f" ({raw_ratio:.2f}×), the upstream's {up(first):.1f} → {up(last):.1f} µs"
          f" ({up_ratio:.2f}×), so {c_ratio:.2f}× at the host's speed; RSS {rss(first):.1f} →"
          f" {rss(last):.1f} MiB ({growth:+.1f} MiB), req/s {rps(first):.0f} → {rps(last):.0f}"
          f" ({rps(last) / rps(first):.2f}×)")
    print("rule: flat when CPU/req of the last minute, over the upstream's in the same runs, is within"
          " ±10 % of the first minute's, and the mean RSS grew by at most 5 MiB (shorter soaks: the"
          " first and last halves, at most a minute)")
    verdict = ("flat" if flat_cpu and flat_rss else "NOT flat: " + ", ".join(
        p for p, bad in (("CPU per request changed by more than 10 %", not flat_cpu),
                         ("RSS grew by more than 5 MiB", not flat_rss)) if bad))
    print(f"verdict: {verdict}")
    bad = sum(x["bad"] for x in S)
    if bad:
        print("\nFLAGGED: soak runs with non-2xx answers or socket errors (column non-2xx)")
    return 1 if bad else 0

COMMANDS = {  # name: (function, number of arguments)
    "stream-file": (stream_file, 3),
    "ledger": (ledger, 1),
    "ledger-kinds": (ledger_kinds, 1),
    "buffered": (buffered, 2),
    "stream": (stream, 7),
    "cache": (cache, 1),
    "soak": (soak, 3),
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS \
            or len(sys.argv) - 2 != COMMANDS[sys.argv[1]][1]:
        sys.exit(__doc__.split("\n\n", 1)[1].split("\nRESULTS", 1)[0])
    function, _ = COMMANDS[sys.argv[1]]
    # argv[0] is the command, argv[1:] its arguments (the heredocs' sys.argv numbering)
    sys.exit(function(sys.argv[1:]))
