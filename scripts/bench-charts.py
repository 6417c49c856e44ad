#!/usr/bin/python3
"""How long the Costs page's charts take to draw in the WebKitGTK the app runs on, with
JavaScriptCore as it is configured (pass JSC_* variables to compare, e.g. JSC_useJIT=false).

Loads a page with the UI's own Chart.js (ui/node_modules) into a WebKit2 4.1 web view (Debian's
gir1.2-webkit2-4.1 through python3-gi), then draws the shapes the Costs page draws, without
animation as the app does: a stacked bar chart of 30 days × 6 series and a line chart of 96
points × 3 series, each created, drawn and destroyed ROUNDS times, plus 200 tooltip redraws.
Prints the median and p95 of one draw of each, in milliseconds.

Usage: xvfb-run -a scripts/bench-charts.py [rounds]
Needs Debian's python3-gi and gir1.2-webkit2-4.1 (/usr/bin/python3, not a virtualenv).
"""

import json
import pathlib
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHART = ROOT / "ui" / "node_modules" / "chart.js" / "dist" / "chart.umd.js"
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 60

PAGE = """<!doctype html><html><body style="margin:0">
<div style="width:900px;height:320px"><canvas id="c"></canvas></div>
<script>%s</script>
<script>
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
function series(n, k, f) {
  return Array.from({length: k}, (_, j) => ({label: "s" + j, data: Array.from({length: n}, (_, i) => f(i, j)),
    backgroundColor: "hsl(" + j * 50 + ",60%%,50%%)", borderColor: "hsl(" + j * 50 + ",60%%,40%%)"}));
}
function config(kind, n, k) {
  return {type: kind, data: {labels: Array.from({length: n}, (_, i) => "d" + i),
      datasets: series(n, k, (i, j) => ((i * 7 + j * 13) %% 17) / 3 + j)},
    options: {animation: false, responsive: false, maintainAspectRatio: false,
      scales: {x: {stacked: kind === "bar"}, y: {stacked: kind === "bar"}},
      plugins: {legend: {position: "bottom"}}}};
}
function draws(kind, n, k, rounds) {
  const el = document.getElementById("c"), out = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    const chart = new Chart(el, config(kind, n, k));
    chart.draw();
    out.push(performance.now() - t);
    chart.destroy();
  }
  return out;
}
function tooltips(rounds) {
  const el = document.getElementById("c"), chart = new Chart(el, config("bar", 30, 6)), out = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    chart.tooltip.setActiveElements([{datasetIndex: r %% 6, index: r %% 30}], {x: 10 + r, y: 100});
    chart.update("none");
    out.push(performance.now() - t);
  }
  chart.destroy();
  return out;
}
window.result = (() => {
  const bar = draws("bar", 30, 6, ROUNDS), line = draws("line", 96, 3, ROUNDS), tip = tooltips(200);
  const r = (xs) => ({median: pct(xs, 0.5), p95: pct(xs, 0.95)});
  return JSON.stringify({bar: r(bar), line: r(line), tooltip: r(tip)});
})();
</script></body></html>"""


def main():
    page = PAGE.replace("ROUNDS", str(ROUNDS)) % CHART.read_text()
    view = WebKit2.WebView()
    window = Gtk.OffscreenWindow()
    window.add(view)
    window.show_all()
    loop = GLib.MainLoop()
    out = {}

    def got(v, res):
        value = v.run_javascript_finish(res).get_js_value()
        out.update(json.loads(value.to_string()))
        loop.quit()

    def loaded(v, event):
        if event == WebKit2.LoadEvent.FINISHED:
            v.run_javascript("window.result", None, got)

    view.connect("load-changed", loaded)
    view.load_html(page, "file:///")
    GLib.timeout_add_seconds(120, loop.quit)
    loop.run()
    if not out:
        sys.exit("the page did not report")
    for name, v in out.items():
        print(f"{name:8} median {v['median']:7.2f} ms   p95 {v['p95']:7.2f} ms")


if __name__ == "__main__":
    main()
