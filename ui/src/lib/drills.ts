import type { DrillStep, ReportSuite, ReportTimeline, Route, RunReport } from "../ipc/types";

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

/** One band of a timeline: its state, tone, start ("1.25 s") and share of the band's width. */
export type TimelineSegment = { state: string; tone: string; from: string; share: number };

/** Seconds as a timeline shows them: "0 s", "1.25 s", "60.1 s". */
export function timelineSeconds(ms: number): string {
  const s = ms / 1000;
  if (ms % 1000 === 0) return `${s.toFixed(0)} s`;
  return s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`;
}

/** A timeline's segments, each at least `minShare` of the band so a brief state stays visible. */
export function timelineSegments(t: ReportTimeline, minShare = 0.04): TimelineSegment[] {
  const at = t.events.map((e) => e.atMs ?? 0);
  const end = Math.max(t.endMs ?? 0, at.at(-1) ?? 0, 1);
  const raw = at.map((a, i) => Math.max(((at[i + 1] ?? end) - a) / end, minShare));
  const total = raw.reduce((a, b) => a + b, 0) || 1;
  return t.events.map((e, i) => ({ state: e.state, tone: e.tone, from: timelineSeconds(at[i]), share: raw[i] / total }));
}

/** How a run differs from the one before it: the verdicts and every drill whose status changed. */
export type RunComparison = { previousVerdict: string; previousAt: string; changes: { name: string; from: string; to: string }[] };

export function compareRuns(run: RunReport, previous: RunReport | null | undefined): RunComparison | null {
  if (!previous) return null;
  const before = new Map(previous.suites.map((s) => [s.id, s.status]));
  const changes = run.suites
    .filter((s) => before.has(s.id) && before.get(s.id) !== s.status)
    .map((s) => ({ name: s.name, from: before.get(s.id) ?? "", to: s.status }));
  return { previousVerdict: previous.verdict, previousAt: previous.startedAt, changes };
}

/** "Same as the run before (passed)." or "Was passed: Circuit breaker passed → failed." */
export function comparisonText(c: RunComparison): string {
  if (c.changes.length === 0) return `Same as the run before (${c.previousVerdict}).`;
  return `Run before: ${c.previousVerdict}. Changed: ${c.changes.map((x) => `${x.name} ${x.from} → ${x.to}`).join("; ")}.`;
}

/** Routes a live drill can run on: two or more distinct enabled backends. */
export function liveRoutes(routes: Route[]): Route[] {
  return routes.filter((r) => new Set(r.candidates.filter((c) => c.backendEnabled).map((c) => c.backendId)).size >= 2);
}

/** "$0.000480", or what an unknown maximum means. */
export function usdText(v: number | null | undefined): string {
  if (v === null || v === undefined) return "unknown (a model has no price)";
  return `$${v.toFixed(6)}`;
}
