import { describe, expect, it } from "vitest";
import { drillRunSummary, drillStepText, measurementText, suiteCounts } from "./drills";
import type { ReportSuite, RunReport } from "../ipc/types";

const suite = (status: string, cases: [boolean, string][]): ReportSuite => ({
  id: status,
  name: status,
  status,
  durationMs: 10,
  measurements: [],
  cases: cases.map(([passed, importance], i) => ({ id: `${i}`, name: `c${i}`, passed, importance, detail: "", fix: null })),
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
    const run: RunReport = { id: "r", kind: "drill", startedAt: "", durationMs: 6230, verdict: "failed", score: null, suites: [suite("passed", []), suite("failed", [])] };
    expect(drillRunSummary(run)).toBe("2 drills, 1 failed · 6.2 s");
    expect(drillRunSummary({ ...run, suites: [suite("passed", [])] })).toBe("1 drill, all passed · 6.2 s");
  });

  it("writes numbers with their units", () => {
    expect(measurementText(100, "%")).toBe("100 %");
    expect(measurementText(1234, "ms")).toBe("1,234 ms");
    expect(measurementText(72.35, "%")).toBe("72.4 %");
  });
});
