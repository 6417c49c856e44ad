import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deferred } from "../test-support";
import type { CacheClearScope, CacheSettings, CacheStats } from "./types";

const cacheStats = vi.fn<(since: string) => Promise<CacheStats>>();
const setCacheSettings = vi.fn<(s: CacheSettings) => Promise<CacheSettings>>();
const clearCache = vi.fn<(scope: CacheClearScope) => Promise<number>>();

vi.mock("../bindings", () => ({ events: {} }));
vi.mock("./api", () => ({
  api: {
    cacheStats: (since: string) => cacheStats(since),
    setCacheSettings: (s: CacheSettings) => setCacheSettings(s),
    clearCache: (scope: CacheClearScope) => clearCache(scope),
  },
}));

const m = await import("./cache.svelte");
const { IpcFailure } = await import("./error");

const SETTINGS: CacheSettings = { enabled: true, shareBetweenTools: true, ttlSecs: 600, memoryEntries: 2000, diskMb: 256 };

const stats = (since: string, over: Partial<CacheStats> = {}): CacheStats => ({
  settings: SETTINGS,
  available: true,
  restartNeeded: false,
  since,
  overall: { route: "", entries: 1, bytes: 900, lookups: 2, hits: 1, shared: 0, hitRate: 0.5, savedUsd: 0.001 },
  routes: [],
  memoryEntries: 1,
  memoryBytes: 900,
  diskCapBytes: 256 << 20,
  corruptDropped: 0,
  ...over,
});


describe("cache numbers", () => {
  let stop: (() => void) | null = null;

  beforeEach(() => {
    cacheStats.mockReset();
    cacheStats.mockImplementation(async (since) => stats(since));
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse("2025-11-21T12:00:00Z"));
  });
  afterEach(() => {
    stop?.();
    stop = null;
    vi.useRealTimers();
  });

  it("reads the last 24 hours when the page opens, and another range when picked", async () => {
    stop = m.cacheStats.watch();
    await vi.advanceTimersByTimeAsync(0);
    expect(cacheStats).toHaveBeenLastCalledWith("2025-11-20T12:00:00.000Z");
    expect(m.cacheStats.stats?.overall.hitRate).toBe(0.5);
    m.cacheStats.select("week");
    await vi.advanceTimersByTimeAsync(0);
    expect(cacheStats).toHaveBeenLastCalledWith("2025-11-14T12:00:00.000Z");
    expect(m.cacheStats.stats?.since).toBe("2025-11-14T12:00:00.000Z");
    m.cacheStats.select("day");
  });

  it("counts the Overview's numbers from local midnight", async () => {
    stop = m.cacheToday.watch();
    await vi.advanceTimersByTimeAsync(0);
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    expect(cacheStats).toHaveBeenLastCalledWith(midnight.toISOString());
  });

  it("folds a burst of events into at most one reload per interval, and ignores them unwatched", async () => {
    m.cacheStats.changed();
    expect(cacheStats).not.toHaveBeenCalled();
    stop = m.cacheStats.watch();
    await vi.advanceTimersByTimeAsync(0);
    cacheStats.mockClear();
    for (let i = 0; i < 25; i++) m.cacheStats.changed();
    expect(cacheStats).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(m.CACHE_RELOAD_MS);
    expect(cacheStats).toHaveBeenCalledTimes(2);
    stop();
    stop = null;
    m.cacheStats.changed();
    await vi.advanceTimersByTimeAsync(m.CACHE_RELOAD_MS * 3);
    expect(cacheStats).toHaveBeenCalledTimes(2);
  });

  it("never shows an answer meant for the range picked before", async () => {
    const slow = deferred<CacheStats>();
    cacheStats.mockReturnValueOnce(slow.promise);
    m.cacheStats.select("month");
    m.cacheStats.select("week");
    await vi.advanceTimersByTimeAsync(0);
    slow.resolve(stats("old"));
    await vi.advanceTimersByTimeAsync(0);
    expect(m.cacheStats.stats?.since).toBe("2025-11-14T12:00:00.000Z");
    m.cacheStats.select("day");
    await vi.advanceTimersByTimeAsync(0);
  });

  it("keeps the numbers and reports the error when a reload fails", async () => {
    await m.cacheStats.reload();
    cacheStats.mockRejectedValueOnce(new IpcFailure({ kind: "internal", message: "boom", hint: null, issues: [] }));
    await m.cacheStats.reload();
    expect(m.cacheStats.stats).not.toBeNull();
    expect(m.cacheStats.error?.message).toBe("boom");
    await m.cacheStats.reload();
    expect(m.cacheStats.error).toBeNull();
  });
});

describe("cache actions", () => {
  beforeEach(() => {
    cacheStats.mockReset();
    cacheStats.mockImplementation(async (since) => stats(since));
    setCacheSettings.mockReset();
    clearCache.mockReset();
  });

  it("shows saved settings at once and passes the core's refusal on, typed, with nothing changed", async () => {
    await m.cacheStats.reload();
    const next = { ...SETTINGS, enabled: false };
    setCacheSettings.mockResolvedValueOnce(next);
    // The reload that follows a save is still on its way: the saved settings show before it answers.
    const reload = deferred<CacheStats>();
    cacheStats.mockReturnValueOnce(reload.promise);
    await expect(m.saveCacheSettings(next)).resolves.toEqual(next);
    expect(setCacheSettings).toHaveBeenCalledWith(next);
    expect(m.cacheStats.stats?.settings.enabled).toBe(false);
    reload.resolve(stats("now", { settings: next }));

    const refusal = { kind: "validation" as const, message: "The cache lifetime must be between 1 second and 30 days.", hint: null, issues: [] };
    setCacheSettings.mockRejectedValueOnce(new IpcFailure(refusal));
    await expect(m.saveCacheSettings({ ...SETTINGS, ttlSecs: 0 })).rejects.toMatchObject({ error: refusal });
  });

  it("clears a scope, resolves to how many answers went, and reloads what a page shows", async () => {
    const stop = m.cacheStats.watch();
    await vi.waitFor(() => expect(cacheStats).toHaveBeenCalledTimes(1));
    clearCache.mockResolvedValueOnce(3);
    await expect(m.clearCache({ type: "route", value: "fast" })).resolves.toBe(3);
    expect(clearCache).toHaveBeenCalledWith({ type: "route", value: "fast" });
    await vi.waitFor(() => expect(cacheStats).toHaveBeenCalledTimes(2));
    stop();
  });
});
