import type { DrillStep, ReportSuite, RunReport } from "../ipc/types";

/** "Running Failover (1 of 5)…", or "Starting…" before the first step. */
export function drillStepText(step: DrillStep | null): string {
  if (!step) return "Starting the drills…";
  if (!step.current) return "Finishing…";
  return `Running ${step.current} (${step.done + 1} of ${step.total})…`;
}

/** Counted criteria of a suite (informational ones left out) and how many failed. */
export function suiteCounts(s: ReportSuite): { counted: number; failed: number } {
  const counted = s.cases.filter((c) => c.importance !== "info");
  return { counted: counted.length, failed: counted.filter((c) => !c.passed).length };
}

/** "4 drills, 1 failed · 6.2 s" */
export function drillRunSummary(run: RunReport): string {
  const failed = run.suites.filter((s) => s.status !== "passed").length;
  const n = run.suites.length;
  const secs = ((run.durationMs ?? 0) / 1000).toFixed(1);
  return `${n} ${n === 1 ? "drill" : "drills"}, ${failed === 0 ? "all passed" : `${failed} failed`} · ${secs} s`;
}

/** A measured number with its unit: "182 ms", "100 %", "3 attempts". */
export function measurementText(value: number, unit: string): string {
  const v = Number.isInteger(value) ? value.toLocaleString("en-US") : value.toLocaleString("en-US", { maximumFractionDigits: 1 });
  return unit === "%" ? `${v} %` : `${v} ${unit}`;
}
