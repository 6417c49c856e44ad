import { describe, expect, it } from "vitest";
import type { ProgressStep } from "../ipc/types";
import {
  checkCounts,
  checkState,
  compareWithPrevious,
  componentLabel,
  componentTone,
  formatDuration,
  formatScore,
  progressPercent,
  progressText,
  reduceProgress,
  startProgress,
  verdictLabel,
  verdictTone,
} from "./readiness";

const NOW = Date.parse("2025-11-21T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe("verdicts and statuses", () => {
  it("shows the verdict in capitals, coloured ok / warning / danger", () => {
    expect(verdictLabel("ready")).toBe("READY");
    expect(verdictLabel("degraded")).toBe("DEGRADED");
    expect(verdictLabel("blocked")).toBe("BLOCKED");
    expect(verdictTone("ready")).toBe("ok");
    expect(verdictTone("degraded")).toBe("warn");
    expect(verdictTone("blocked")).toBe("bad");
  });

  it("words and colours a component's status, also from a progress event's plain text", () => {
    expect(componentLabel("operational")).toBe("Operational");
    expect(componentTone("operational")).toBe("ok");
    expect(componentTone("degraded")).toBe("warn");
    expect(componentTone("down")).toBe("bad");
    expect(componentLabel("someday")).toBe("someday");
    expect(componentTone("someday")).toBe("neutral");
    expect(componentLabel(null)).toBe("Checking…");
  });
});

describe("scores and durations", () => {
  it("always shows one decimal, and a dash for no score", () => {
    expect(formatScore(10)).toBe("10.0");
    expect(formatScore(8.7)).toBe("8.7");
    expect(formatScore(8.66)).toBe("8.7");
    expect(formatScore(0)).toBe("0.0");
    expect(formatScore(null)).toBe("—");
    expect(formatScore(Number.NaN)).toBe("—");
  });

  it("says how long a run took", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(2400)).toBe("2.4 s");
    expect(formatDuration(65_000)).toBe("1 min 5 s");
    expect(formatDuration(-1)).toBe("—");
  });
});

describe("comparison with the previous run", () => {
  const prev = (verdict: "ready" | "degraded" | "blocked", score: number | null, ms = 3 * 60_000) => ({ id: "p", startedAt: ago(ms), verdict, score });

  it("is better with a higher score", () => {
    expect(compareWithPrevious({ verdict: "ready", score: 8.7 }, prev("degraded", 7.9), NOW)).toEqual({
      trend: "up",
      delta: "+0.8",
      text: "was DEGRADED 7.9, 3 min ago",
    });
  });

  it("is worse with a lower score", () => {
    expect(compareWithPrevious({ verdict: "blocked", score: 4 }, prev("ready", 10), NOW)).toMatchObject({ trend: "down", delta: "−6.0", text: "was READY 10.0, 3 min ago" });
  });

  it("uses the verdict when the score is the same, and takes the shown (rounded) scores", () => {
    expect(compareWithPrevious({ verdict: "ready", score: 9 }, prev("degraded", 9), NOW)?.trend).toBe("up");
    expect(compareWithPrevious({ verdict: "degraded", score: 9 }, prev("ready", 9), NOW)?.trend).toBe("down");
    expect(compareWithPrevious({ verdict: "ready", score: 9.04 }, prev("ready", 8.96), NOW)).toMatchObject({ trend: "same", delta: "±0.0" });
  });

  it("has nothing to compare on the first run", () => {
    expect(compareWithPrevious({ verdict: "ready", score: 10 }, null, NOW)).toBeNull();
  });

  it("copes with a missing score", () => {
    expect(compareWithPrevious({ verdict: "ready", score: null }, prev("blocked", 2), NOW)).toMatchObject({ trend: "up", text: "was BLOCKED 2.0, 3 min ago" });
  });
});

describe("checks", () => {
  it("mutes info checks, passed or not", () => {
    expect(checkState({ passed: true, importance: "critical" })).toBe("passed");
    expect(checkState({ passed: false, importance: "normal" })).toBe("failed");
    expect(checkState({ passed: false, importance: "info" })).toBe("info");
    expect(checkState({ passed: true, importance: "info" })).toBe("info");
  });

  it("counts passed and failed checks, leaving info out", () => {
    expect(
      checkCounts([
        { passed: true, importance: "critical" },
        { passed: true, importance: "normal" },
        { passed: false, importance: "normal" },
        { passed: false, importance: "info" },
      ]),
    ).toEqual({ passed: 2, failed: 1 });
  });
});

describe("live progress", () => {
  const step = (done: number, total: number, component: string | null = null, status: string | null = null, runId = "run-1"): ProgressStep => ({ runId, done, total, component, status });

  it("adopts the run of the first event and lists components as they finish", () => {
    let p = reduceProgress(startProgress(), step(0, 3));
    expect(p).toEqual({ runId: "run-1", done: 0, total: 3, items: [] });
    expect(progressText(p, true)).toBe("Checked 0 of 3 components…");
    p = reduceProgress(p, step(1, 3, "Keychain", "operational"));
    p = reduceProgress(p, step(2, 3, "Database", "degraded"));
    expect(p.items.map((x) => x.name)).toEqual(["Keychain", "Database"]);
    expect(progressPercent(p)).toBe(67);
    p = reduceProgress(p, step(3, 3, "Demo", "operational"));
    expect(p.done).toBe(3);
    expect(progressPercent(p)).toBe(100);
    expect(progressText(p, false)).toBe("Checked 3 of 3 components");
  });

  it("ignores another run's events, repeats, and events that arrive late", () => {
    let p = reduceProgress(startProgress(), step(0, 2));
    p = reduceProgress(p, step(1, 5, "Elsewhere", "down", "run-2"));
    expect(p).toEqual({ runId: "run-1", done: 0, total: 2, items: [] });
    p = reduceProgress(p, step(2, 2, "Gateway", "operational"));
    p = reduceProgress(p, step(1, 2, "Keychain", "operational"));
    p = reduceProgress(p, step(1, 2, "Keychain", "operational"));
    expect(p.done).toBe(2);
    expect(p.items.map((x) => [x.n, x.name])).toEqual([
      [1, "Keychain"],
      [2, "Gateway"],
    ]);
  });

  it("waits for its run's start: a run already under way (say, from the tray) is not adopted", () => {
    let p = reduceProgress(startProgress(), step(3, 6, "Gateway", "operational", "tray-run"));
    expect(p).toEqual(startProgress());
    p = reduceProgress(p, step(0, 6));
    p = reduceProgress(p, step(4, 6, "Configuration", "operational", "tray-run"));
    expect(p).toEqual({ runId: "run-1", done: 0, total: 6, items: [] });
  });

  it("has no percentage before the core says how many components there are", () => {
    expect(progressPercent(startProgress())).toBe(0);
    expect(progressText(startProgress(), true)).toBe("Starting…");
    expect(progressText({ done: 1, total: 1 }, false)).toBe("Checked 1 of 1 component");
  });
});
