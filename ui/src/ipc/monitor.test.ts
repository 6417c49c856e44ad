import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deferred } from "../test-support";
import type { AlertItem, AlertSettings, AlertSettingsInput, BackendHealthCard, HealthPoint, HealthRange, HealthStatus } from "./types";

const healthOverview = vi.fn<() => Promise<BackendHealthCard[]>>();
const healthHistory = vi.fn<(id: string, range: HealthRange) => Promise<HealthPoint[]>>();
const probeAllNow = vi.fn<() => Promise<null>>();
const listAlerts = vi.fn<(limit: number) => Promise<AlertItem[]>>();
const getAlertSettings = vi.fn<() => Promise<AlertSettings>>();
const setAlertSettings = vi.fn<(s: AlertSettingsInput) => Promise<AlertSettings>>();

vi.mock("../bindings", () => ({ events: {} }));
vi.mock("./api", () => ({
  api: {
    healthOverview: () => healthOverview(),
    healthHistory: (id: string, range: HealthRange) => healthHistory(id, range),
    probeAllNow: () => probeAllNow(),
    listAlerts: (limit: number) => listAlerts(limit),
    getAlertSettings: () => getAlertSettings(),
    setAlertSettings: (s: AlertSettingsInput) => setAlertSettings(s),
  },
}));

const m = await import("./monitor.svelte");
const { IpcFailure } = await import("./error");

const card = (name: string, status: HealthStatus = "healthy"): BackendHealthCard => ({
  backendId: name.toLowerCase(),
  name,
  status,
  reasons: [],
  uptime24h: 100,
  uptime7d: 100,
  uptime30d: 100,
  p50Ms: 3,
  p95Ms: 5,
  p99Ms: 9,
  slaTarget: 99.9,
  slaBreached: false,
  requestsToday: 0,
  errorsToday: 0,
});

const point = (startMs: number): HealthPoint => ({ startMs, probes: 10, failures: 0, uptime: 100, p50Ms: 3, p95Ms: 5, p99Ms: 9 });


describe("health overview", () => {
  let stop: (() => void) | null = null;

  beforeEach(() => {
    healthOverview.mockReset();
    healthOverview.mockResolvedValue([card("Demo")]);
    vi.useFakeTimers();
  });
  afterEach(() => {
    stop?.();
    stop = null;
    vi.useRealTimers();
  });

  it("loads when a page watches, polls slowly, and stops with the page", async () => {
    stop = m.healthOverview.watch();
    await vi.advanceTimersByTimeAsync(0);
    expect(m.healthOverview.cards.map((c) => c.name)).toEqual(["Demo"]);
    expect(m.healthOverview.loaded).toBe(true);
    await vi.advanceTimersByTimeAsync(2 * m.MONITOR_POLL_MS);
    expect(healthOverview).toHaveBeenCalledTimes(3);
    stop();
    stop = null;
    await vi.advanceTimersByTimeAsync(2 * m.MONITOR_POLL_MS);
    expect(healthOverview).toHaveBeenCalledTimes(3);
  });

  it("folds a burst of events into at most one reload per interval, and ignores them unwatched", async () => {
    m.healthOverview.changed();
    expect(healthOverview).not.toHaveBeenCalled();
    stop = m.healthOverview.watch();
    await vi.advanceTimersByTimeAsync(0);
    healthOverview.mockClear();
    for (let i = 0; i < 30; i++) m.healthOverview.changed();
    expect(healthOverview).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(m.MONITOR_RELOAD_MS);
    expect(healthOverview).toHaveBeenCalledTimes(2);
  });

  it("keeps the newer answer when an older reload answers last", async () => {
    const slow = deferred<BackendHealthCard[]>();
    healthOverview.mockReturnValueOnce(slow.promise).mockResolvedValueOnce([card("Demo", "down")]);
    const first = m.healthOverview.reload();
    await m.healthOverview.reload();
    slow.resolve([card("Demo", "healthy")]);
    await first;
    expect(m.healthOverview.cards[0].status).toBe("down");
  });

  it("keeps the cards and reports the error when a reload fails", async () => {
    await m.healthOverview.reload();
    healthOverview.mockRejectedValueOnce(new IpcFailure({ kind: "internal", message: "boom", hint: null, issues: [] }));
    await m.healthOverview.reload();
    expect(m.healthOverview.cards).toHaveLength(1);
    expect(m.healthOverview.error?.message).toBe("boom");
  });
});

describe("probe all now", () => {
  beforeEach(() => {
    healthOverview.mockReset();
    healthOverview.mockResolvedValue([card("Demo")]);
    probeAllNow.mockReset();
  });

  it("shows it is probing, runs once however often it is clicked, then reloads the watched cards", async () => {
    const stop = m.healthOverview.watch();
    await vi.waitFor(() => expect(healthOverview).toHaveBeenCalledTimes(1));
    const probe = deferred<null>();
    probeAllNow.mockReturnValueOnce(probe.promise);
    const run = m.probeAllNow();
    expect(m.healthOverview.probing).toBe(true);
    await m.probeAllNow();
    expect(probeAllNow).toHaveBeenCalledTimes(1);
    probe.resolve(null);
    await run;
    expect(m.healthOverview.probing).toBe(false);
    await vi.waitFor(() => expect(healthOverview).toHaveBeenCalledTimes(2));
    stop();
  });

  it("passes a failure on, typed, and is usable again", async () => {
    probeAllNow.mockRejectedValueOnce(new IpcFailure({ kind: "unavailable", message: "The health monitor is off.", hint: null, issues: [] }));
    await expect(m.probeAllNow()).rejects.toMatchObject({ error: { kind: "unavailable" } });
    expect(m.healthOverview.probing).toBe(false);
  });
});

describe("health history", () => {
  beforeEach(() => {
    healthHistory.mockReset();
    healthHistory.mockImplementation(async (id, range) => [point(range === "day" ? 1 : 2), point(id === "demo" ? 10 : 20)]);
  });

  it("reads the picked backend and range, and shows a pair seen before at once", async () => {
    m.healthHistory.select("demo", "day");
    await vi.waitFor(() => expect(m.healthHistory.fresh).toBe(true));
    expect(healthHistory).toHaveBeenLastCalledWith("demo", "day");
    const dayPoints = m.healthHistory.points;
    m.healthHistory.select("demo", "week");
    expect(m.healthHistory.points).toEqual([]);
    expect(m.healthHistory.fresh).toBe(false);
    await vi.waitFor(() => expect(m.healthHistory.fresh).toBe(true));
    m.healthHistory.select("demo", "day");
    expect(m.healthHistory.points).toEqual(dayPoints);
    expect(m.healthHistory.fresh).toBe(false);
    await vi.waitFor(() => expect(m.healthHistory.fresh).toBe(true));
  });

  it("never shows an answer meant for the backend picked before", async () => {
    const slow = deferred<HealthPoint[]>();
    healthHistory.mockReturnValueOnce(slow.promise);
    m.healthHistory.select("openai", "month");
    m.healthHistory.select("other", "month");
    slow.resolve([point(999)]);
    await vi.waitFor(() => expect(m.healthHistory.fresh).toBe(true));
    expect(m.healthHistory.backendId).toBe("other");
    expect(m.healthHistory.points.map((p) => p.startMs)).toEqual([2, 20]);
  });
});

describe("alerts", () => {
  const open: AlertItem = {
    id: "backendDown:x:1",
    rule: "backendDown",
    backendId: "x",
    backendName: "X",
    keyId: null,
    openedAt: "2025-11-21T12:00:00Z",
    resolvedAt: null,
    summary: "X is down",
    detail: "3 probes in a row failed",
    notified: true,
  };
  const resolved: AlertItem = { ...open, id: "backendDown:x:0", resolvedAt: "2025-11-21T11:00:00Z" };

  beforeEach(() => {
    listAlerts.mockReset();
    listAlerts.mockResolvedValue([open, resolved]);
  });

  it("reads a page of alerts and splits open from resolved; reloads on events while watched", async () => {
    vi.useFakeTimers();
    const stop = m.alerts.watch();
    await vi.advanceTimersByTimeAsync(0);
    expect(m.alerts.loaded).toBe(true);
    expect(listAlerts).toHaveBeenCalledWith(m.ALERTS_LIMIT);
    expect(m.alerts.open.map((a) => a.id)).toEqual([open.id]);
    expect(m.alerts.resolved.map((a) => a.id)).toEqual([resolved.id]);
    m.alerts.changed();
    expect(listAlerts).toHaveBeenCalledTimes(2);
    stop();
    m.alerts.changed();
    await vi.advanceTimersByTimeAsync(m.MONITOR_RELOAD_MS * 2);
    expect(listAlerts).toHaveBeenCalledTimes(2);
    vi.useRealTimers();
  });
});

describe("alert settings", () => {
  const saved: AlertSettings = { rules: [{ id: "backendDown", enabled: true, kind: "backendDown", failures: 3 }], cooldownSecs: 300, quietHours: null };

  beforeEach(() => {
    getAlertSettings.mockReset();
    setAlertSettings.mockReset();
    getAlertSettings.mockResolvedValue(saved);
  });

  it("saves, keeping what the core answered, and passes a refusal on typed with nothing changed", async () => {
    await m.alertSettings.reload();
    expect(m.alertSettings.value).toEqual(saved);
    const next = { ...saved, quietHours: { start: 1320, end: 420 } };
    setAlertSettings.mockResolvedValueOnce(next);
    await expect(m.alertSettings.save(next)).resolves.toEqual(next);
    expect(m.alertSettings.value).toEqual(next);

    const refusal = { kind: "validation" as const, message: "alert rule “backendDown”: failures must be at least 1", hint: null, issues: [] };
    setAlertSettings.mockRejectedValueOnce(new IpcFailure(refusal));
    await expect(m.alertSettings.save({ ...next, rules: [{ ...saved.rules[0], failures: 0 }] })).rejects.toMatchObject({ error: refusal });
    expect(m.alertSettings.value).toEqual(next);
  });
});
