// Pure helpers for the Readiness page: verdicts and statuses in words and colours, scores, the
// comparison with the previous run, and the live progress of a run folded from its events.
import type { ComponentState, PreviousReadiness, ProgressStep, Readiness, ReadinessCheck, Verdict } from "../ipc/types";
import type { Tone } from "./format";
import { relativeTime } from "./requests-format";

const VERDICTS: Record<Verdict, { label: string; tone: Tone; rank: number; help: string }> = {
  ready: { label: "READY", tone: "ok", rank: 2, help: "Everything Switchyard needs works." },
  degraded: { label: "DEGRADED", tone: "warn", rank: 1, help: "Switchyard works, but something optional or non-critical needs attention." },
  blocked: { label: "BLOCKED", tone: "bad", rank: 0, help: "Something Switchyard needs is down. Fix the blockers below." },
};

/** READY, DEGRADED or BLOCKED. */
export function verdictLabel(v: Verdict): string {
  return VERDICTS[v]?.label ?? String(v).toUpperCase();
}

export function verdictTone(v: Verdict): Tone {
  return VERDICTS[v]?.tone ?? "neutral";
}

/** One sentence on what the verdict means. */
export function verdictHelp(v: Verdict): string {
  return VERDICTS[v]?.help ?? "";
}

const STATES: Record<ComponentState, { label: string; tone: Tone }> = {
  operational: { label: "Operational", tone: "ok" },
  degraded: { label: "Degraded", tone: "warn" },
  down: { label: "Down", tone: "bad" },
};

function isState(s: string | null | undefined): s is ComponentState {
  return s === "operational" || s === "degraded" || s === "down";
}

/** A component's status in words; progress events carry it as plain text, so anything else passes through. */
export function componentLabel(status: string | null | undefined): string {
  return isState(status) ? STATES[status].label : (status ?? "Checking…");
}

export function componentTone(status: string | null | undefined): Tone {
  return isState(status) ? STATES[status].tone : "neutral";
}

/** "8.7": always one decimal; a missing score (the core sends none for NaN) is a dash. */
export function formatScore(score: number | null | undefined): string {
  return typeof score === "number" && Number.isFinite(score) ? score.toFixed(1) : "—";
}

/** "850 ms", "2.4 s", "1 min 5 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

export type Trend = "up" | "down" | "same";

export type Comparison = {
  trend: Trend;
  /** "+0.8", "−1.2" or "±0.0". */
  delta: string;
  /** "was DEGRADED 7.9, 3 min ago". */
  text: string;
};

/**
 * How this run compares with the one before it. Better means a higher score, or at an equal score a
 * better verdict. The score difference is taken at one decimal, as both are shown.
 */
export function compareWithPrevious(current: Pick<Readiness, "verdict" | "score">, previous: PreviousReadiness | null | undefined, now: number, locale?: string): Comparison | null {
  if (!previous) return null;
  const tenths = (n: number | null | undefined) => (typeof n === "number" && Number.isFinite(n) ? Math.round(n * 10) : null);
  const a = tenths(current.score);
  const b = tenths(previous.score);
  const diff = a !== null && b !== null ? a - b : 0;
  const rank = (VERDICTS[current.verdict]?.rank ?? 0) - (VERDICTS[previous.verdict]?.rank ?? 0);
  const trend: Trend = diff > 0 || (diff === 0 && rank > 0) ? "up" : diff < 0 || (diff === 0 && rank < 0) ? "down" : "same";
  const delta = diff > 0 ? `+${(diff / 10).toFixed(1)}` : diff < 0 ? `−${(-diff / 10).toFixed(1)}` : "±0.0";
  const when = relativeTime(previous.startedAt, now, locale);
  return { trend, delta, text: `was ${verdictLabel(previous.verdict)} ${formatScore(previous.score)}, ${when}` };
}

export type CheckState = "passed" | "failed" | "info";

/** Info checks do not count towards the score and are shown muted, passed or not. */
export function checkState(c: Pick<ReadinessCheck, "passed" | "importance">): CheckState {
  if (c.importance === "info") return "info";
  return c.passed ? "passed" : "failed";
}

/** Counts for a component's summary line, e.g. { passed: 4, failed: 1 } (info checks left out). */
export function checkCounts(checks: ReadonlyArray<Pick<ReadinessCheck, "passed" | "importance">>): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const c of checks) {
    const s = checkState(c);
    if (s === "passed") passed++;
    else if (s === "failed") failed++;
  }
  return { passed, failed };
}

// ---- Live progress ----

/** A finished component: `n` is its place in the run (1 = finished first). */
export type ProgressItem = { n: number; name: string; status: string | null };

/** A run's progress as its events arrive. `runId` is null until the first event names the run. */
export type Progress = { runId: string | null; done: number; total: number; items: ProgressItem[] };

/** The state when the user starts a run, before the core said anything. */
export function startProgress(): Progress {
  return { runId: null, done: 0, total: 0, items: [] };
}

/**
 * Folds one `readiness-progress` event into the state. A run's start event (`done` = 0) adopts
 * the run; events of another run are ignored (also those of a run already under way when this one
 * started); `done` never goes back, so a late or repeated event changes nothing. Each finished
 * component appears once, in the order the core finished them.
 */
export function reduceProgress(state: Progress, step: ProgressStep): Progress {
  if (state.runId === null ? step.done !== 0 : step.runId !== state.runId) return state;
  let items = state.items;
  // `done` numbers the components of a run: the n-th one finished comes with done = n.
  if (step.component !== null && step.done > 0 && !items.some((x) => x.n === step.done)) {
    items = [...items, { n: step.done, name: step.component, status: step.status }].sort((a, b) => a.n - b.n);
  }
  return { runId: step.runId, done: Math.max(state.done, step.done), total: Math.max(state.total, step.total), items };
}

/** 0–100 for the progress bar; 0 until the core says how many components there are. */
export function progressPercent(p: Pick<Progress, "done" | "total">): number {
  if (p.total <= 0) return 0;
  return Math.min(100, Math.round((p.done / p.total) * 100));
}

/** "Checked 3 of 8 components…" while running, or "Starting…" before the first event. */
export function progressText(p: Pick<Progress, "done" | "total">, running: boolean): string {
  if (p.total <= 0) return running ? "Starting…" : "";
  const of = `${p.done} of ${p.total} component${p.total === 1 ? "" : "s"}`;
  return running && p.done < p.total ? `Checked ${of}…` : `Checked ${of}`;
}
