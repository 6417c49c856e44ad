import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ProgressStep, Readiness } from "./types";
import { readinessRun } from "./test-fixtures";

const runReadiness = vi.fn<() => Promise<Readiness>>();
const readinessHistory = vi.fn<(limit: number) => Promise<Readiness[]>>();

vi.mock("../bindings", () => ({ events: {} }));
vi.mock("./api", () => ({
  api: { runReadiness: () => runReadiness(), readinessHistory: (limit: number) => readinessHistory(limit) },
}));

const { readiness, HISTORY_LIMIT } = await import("./readiness.svelte");
const { IpcFailure } = await import("./error");

const older = readinessRun("r1", "2025-11-21T11:00:00Z", { verdict: "degraded", score: 7.9 });
const newest = readinessRun("r2", "2025-11-21T11:30:00Z");
const step = (done: number, total: number, component: string | null = null, runId = "r3"): ProgressStep => ({ runId, done, total, component, status: component ? "operational" : null });

describe("readiness", () => {
  beforeEach(async () => {
    runReadiness.mockReset();
    readinessHistory.mockReset();
    readinessHistory.mockResolvedValue([newest, older]);
    readiness.select(null);
    await readiness.reload();
  });

  it("shows the newest stored run until another one is picked", () => {
    expect(readinessHistory).toHaveBeenCalledWith(HISTORY_LIMIT);
    expect(readiness.selected?.id).toBe("r2");
    readiness.select("r1");
    expect(readiness.selected?.id).toBe("r1");
    readiness.select("gone");
    expect(readiness.selected?.id).toBe("r2");
  });

  it("runs, follows the run's progress events, and shows the new scorecard first", async () => {
    let finish!: (r: Readiness) => void;
    runReadiness.mockReturnValueOnce(new Promise((r) => (finish = r)));
    readiness.select("r1");
    const running = readiness.run();
    expect(readiness.running).toBe(true);
    expect(await readiness.run()).toBeNull();
    expect(runReadiness).toHaveBeenCalledTimes(1);

    readiness.step(step(0, 2));
    readiness.step(step(1, 2, "Keychain"));
    expect(readiness.progress).toMatchObject({ runId: "r3", done: 1, total: 2 });

    const fresh = readinessRun("r3", "2025-11-21T12:00:00Z", { previous: { id: "r2", startedAt: newest.startedAt, verdict: "ready", score: 10 } });
    finish(fresh);
    await expect(running).resolves.toEqual(fresh);
    expect(readiness.running).toBe(false);
    expect(readiness.history.map((r) => r.id)).toEqual(["r3", "r2", "r1"]);
    expect(readiness.selected?.id).toBe("r3");

    // The last event may trail the answer; events of a run that is not followed change nothing.
    readiness.step(step(2, 2, "Demo"));
    readiness.step(step(3, 9, "Gateway", "elsewhere"));
    expect(readiness.progress).toMatchObject({ runId: "r3", done: 2, total: 2 });
    expect(readiness.busy).toBe(false);
  });

  it("follows a run started elsewhere (the tray) and shows it when it is stored", async () => {
    const stop = readiness.watch();
    await vi.waitFor(() => expect(readiness.loaded).toBe(true));
    readiness.step(step(0, 2, null, "tray"));
    expect(readiness.elsewhere).toBe(true);
    expect(readiness.busy).toBe(true);
    readiness.step(step(1, 2, "Keychain", "tray"));
    readiness.step(step(2, 2, "Demo", "tray"));
    expect(readiness.progress).toMatchObject({ runId: "tray", done: 2, total: 2 });
    const fromTray = readinessRun("tray", "2025-11-21T12:10:00Z");
    readinessHistory.mockResolvedValueOnce([fromTray, newest, older]);
    readiness.finished("tray");
    expect(readiness.busy).toBe(false);
    await vi.waitFor(() => expect(readiness.selected?.id).toBe("tray"));
    stop();
  });

  it("passes a failed run on, typed, and keeps what was shown", async () => {
    runReadiness.mockRejectedValueOnce(new IpcFailure({ kind: "internal", message: "boom", hint: null, issues: [] }));
    await expect(readiness.run()).rejects.toMatchObject({ error: { message: "boom" } });
    expect(readiness.running).toBe(false);
    expect(readiness.selected?.id).toBe("r2");
  });

  it("ignores a history load that finishes after a run", async () => {
    let late!: (r: Readiness[]) => void;
    readinessHistory.mockReturnValueOnce(new Promise((r) => (late = r)));
    const loading = readiness.reload();
    const fresh = readinessRun("r4", "2025-11-21T12:05:00Z");
    runReadiness.mockResolvedValueOnce(fresh);
    await readiness.run();
    late([newest, older]);
    await loading;
    expect(readiness.history[0].id).toBe("r4");
  });

  it("reloads on a stored run only while the page shows the history", async () => {
    readinessHistory.mockClear();
    readiness.changed();
    expect(readinessHistory).not.toHaveBeenCalled();
    const stop = readiness.watch();
    expect(readinessHistory).toHaveBeenCalledTimes(1);
    readiness.changed();
    expect(readinessHistory).toHaveBeenCalledTimes(2);
    stop();
    readiness.changed();
    expect(readinessHistory).toHaveBeenCalledTimes(2);
  });

  it("keeps the list and reports the error when the history cannot be read", async () => {
    readinessHistory.mockRejectedValueOnce(new IpcFailure({ kind: "internal", message: "database is locked", hint: null, issues: [] }));
    await readiness.reload();
    expect(readiness.error?.message).toBe("database is locked");
    expect(readiness.history.length).toBeGreaterThan(0);
  });
});
