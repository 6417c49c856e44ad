import { describe, expect, it } from "vitest";
import { compareRuns, comparisonText, drillRunSummary, drillStepText, liveRoutes, measurementText, suiteCounts, timelineSegments, timelineSeconds, usdText } from "./drills";
import type { ReportSuite, Route, RunReport } from "../ipc/types";

const suite = (status: string, cases: [boolean, string][]): ReportSuite => ({
  id: status,
  name: status,
  kind: "failover",
  required: true,
  score: null,
  status,
  durationMs: 10,
  measurements: [],
  timelines: [],
  cases: cases.map(([passed, importance], i) => ({ id: `${i}`, name: `c${i}`, passed, importance, detail: "", fix: null, durationMs: null })),
});

/** A drill run's report with nothing but what the test names. */
const report = (over: Partial<RunReport>): RunReport => ({
  schema: "switchyard-report/1", kind: "drill", id: "r", startedAt: "", durationMs: 0, verdict: "passed", score: null,
  exitCode: 0, appVersion: "0.0.0", machine: { os: "linux", arch: "x86_64", hostname: "h" }, suites: [], blockers: [], previous: null,
  ...over,
});

describe("drills", () => {
  it("says which drill runs", () => {
    expect(drillStepText(null)).toBe("Starting the drills…");
    expect(drillStepText({ runId: "r", done: 0, total: 5, current: "Failover" })).toBe("Running Failover (1 of 5)…");
    expect(drillStepText({ runId: "r", done: 5, total: 5, current: null })).toBe("Finishing…");
  });

  it("counts criteria without the informational ones", () => {
    expect(suiteCounts(suite("failed", [[true, "critical"], [false, "critical"], [false, "info"]]))).toEqual({ counted: 2, failed: 1 });
  });

  it("sums a run up", () => {
    const run = report({ durationMs: 6230, verdict: "failed", suites: [suite("passed", []), suite("failed", [])] });
    expect(drillRunSummary(run)).toBe("2 drills, 1 failed · 6.2 s");
    expect(drillRunSummary({ ...run, suites: [suite("passed", [])] })).toBe("1 drill, all passed · 6.2 s");
  });

  it("writes numbers with their units", () => {
    expect(measurementText(100, "%")).toBe("100 %");
    expect(measurementText(1234, "ms")).toBe("1,234 ms");
    expect(measurementText(72.35, "%")).toBe("72.4 %");
  });

  it("splits a timeline by duration, keeping a brief state visible", () => {
    const t = { name: "Alpha: breaker", endMs: 63000, events: [
      { atMs: 0, state: "closed", tone: "ok" }, { atMs: 3, state: "open", tone: "bad" },
      { atMs: 60003, state: "half-open", tone: "warn" }, { atMs: 60003, state: "closed", tone: "ok" },
    ] };
    const seg = timelineSegments(t);
    expect(seg.map((s) => s.state)).toEqual(["closed", "open", "half-open", "closed"]);
    expect(seg.reduce((a, s) => a + s.share, 0)).toBeCloseTo(1);
    expect(seg[1].share).toBeGreaterThan(0.7);
    expect(Math.min(...seg.map((s) => s.share))).toBeGreaterThan(0.03);
    expect(seg[2].from).toBe("60.0 s");
    expect(timelineSeconds(1250)).toBe("1.25 s");
    expect(timelineSeconds(0)).toBe("0 s");
  });

  it("compares a run with the one before it", () => {
    const run = (verdict: string, statuses: [string, string][]): RunReport => report({
      id: verdict, durationMs: 1, verdict,
      suites: statuses.map(([id, status]) => ({ ...suite(status, []), id, name: id })),
    });
    const now = run("failed", [["Failover", "passed"], ["Breaker", "failed"], ["New", "failed"]]);
    const before = run("passed", [["Failover", "passed"], ["Breaker", "passed"]]);
    expect(compareRuns(now, null)).toBeNull();
    const c = compareRuns(now, before)!;
    expect(c.changes).toEqual([{ name: "Breaker", from: "passed", to: "failed" }]);
    expect(comparisonText(c)).toBe("Run before: passed. Changed: Breaker passed → failed.");
    expect(comparisonText(compareRuns(before, before)!)).toBe("Same as the run before (passed).");
  });

  it("offers the live drill only on routes with two enabled backends, and writes its maximum", () => {
    const c = (backendId: string, backendEnabled = true) => ({ backendId, backendName: backendId, backendEnabled, model: "m", weight: 1 });
    const route = (name: string, candidates: ReturnType<typeof c>[]): Route =>
      ({ id: name, name, strategy: { kind: "priority" }, candidates, cache: { mode: "auto", ttlSecs: null }, updatedAt: "" }) as unknown as Route;
    const routes = [route("pair", [c("a"), c("b")]), route("same", [c("a"), c("a")]), route("off", [c("a"), c("b", false)])];
    expect(liveRoutes(routes).map((r) => r.name)).toEqual(["pair"]);
    expect(usdText(0.00048)).toBe("$0.000480");
    expect(usdText(null)).toBe("unknown (a model has no price)");
  });
});
