import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deferred } from "../test-support";
import { costsOverview as overviewOf, usageTotals } from "./test-fixtures";
import type { CostRange, CostSplit_, CostsOverview, UnpricedModel } from "./types";

const costsOverview = vi.fn<(range: CostRange, split: CostSplit_) => Promise<CostsOverview>>();
const unpricedModels = vi.fn<(range: CostRange) => Promise<UnpricedModel[]>>();

vi.mock("../bindings", () => ({ events: {} }));
vi.mock("./api", () => ({
  api: {
    costsOverview: (range: CostRange, split: CostSplit_) => costsOverview(range, split),
    unpricedModels: (range: CostRange) => unpricedModels(range),
  },
}));

const m = await import("./costs.svelte");
const { IpcFailure } = await import("./error");
const { DAY_MS, REVERSED_MESSAGE } = await import("../lib/costs");

const NOW = Date.parse("2025-11-21T12:00:00Z");
const offset = () => -new Date(NOW).getTimezoneOffset() || 0;
const answer = async (range: CostRange) => overviewOf(range.sinceMs ?? 0, range.untilMs ?? 0, { totals: usageTotals({ requests: 3 }) });
const refusal = (message: string, kind: "validation" | "internal" = "validation") => new IpcFailure({ kind, message, hint: null, issues: [] });


beforeEach(() => {
  costsOverview.mockReset();
  costsOverview.mockImplementation(answer);
  unpricedModels.mockReset();
  unpricedModels.mockResolvedValue([{ model: "mystery", requests: 2 }]);
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the Costs page's numbers", () => {
  let stop: (() => void) | null = null;
  afterEach(async () => {
    stop?.();
    stop = null;
    // Back to the defaults for the next test.
    m.costs.selectPreset("24h");
    m.costs.setSplit("backend");
    await vi.advanceTimersByTimeAsync(0);
  });

  it("reads the last 24 hours ending now, by backend, in local time, with the unpriced models of the same range", async () => {
    stop = m.costs.watch();
    await vi.advanceTimersByTimeAsync(0);
    const range = { sinceMs: NOW - DAY_MS, untilMs: NOW, offsetMinutes: offset() };
    expect(costsOverview).toHaveBeenLastCalledWith(range, "backend");
    expect(unpricedModels).toHaveBeenLastCalledWith(range);
    expect(m.costs.overview?.totals.requests).toBe(3);
    expect(m.costs.unpriced).toEqual([{ model: "mystery", requests: 2 }]);
    expect(m.costs.range, "the range the export card exports").toEqual(range);
  });

  it("asks for another preset or split when picked, and never shows an answer meant for the one before", async () => {
    const slow = deferred<CostsOverview>();
    costsOverview.mockReturnValueOnce(slow.promise);
    m.costs.selectPreset("30d");
    m.costs.selectPreset("7d");
    await vi.advanceTimersByTimeAsync(0);
    slow.resolve(overviewOf(0, 1));
    await vi.advanceTimersByTimeAsync(0);
    expect(m.costs.overview?.range.sinceMs).toBe(NOW - 7 * DAY_MS);
    m.costs.setSplit("model");
    await vi.advanceTimersByTimeAsync(0);
    expect(costsOverview).toHaveBeenLastCalledWith(expect.objectContaining({ sinceMs: NOW - 7 * DAY_MS }), "model");
  });

  it("starts a custom range as the last 7 whole days, today included", async () => {
    m.costs.selectCustom(NOW);
    await vi.advanceTimersByTimeAsync(0);
    const [range] = costsOverview.mock.lastCall ?? [];
    expect((range?.untilMs ?? 0) - (range?.sinceMs ?? 0)).toBe(7 * DAY_MS);
    expect(range?.untilMs, "the range ends at the end of today").toBeGreaterThan(NOW);
    expect(m.costs.rangeError).toBeNull();
  });

  it("refuses reversed days at the end field with the core's words, without asking the core", async () => {
    m.costs.selectCustom(NOW);
    await vi.advanceTimersByTimeAsync(0);
    costsOverview.mockClear();
    m.costs.setDays("2025-11-20", "2025-11-10");
    await vi.advanceTimersByTimeAsync(0);
    expect(costsOverview).not.toHaveBeenCalled();
    expect(m.costs.rangeError).toEqual({ field: "to", message: REVERSED_MESSAGE });
    expect(m.costs.overview, "the numbers read before stay").not.toBeNull();
    m.costs.setDays("2025-11-10", "2025-11-20");
    await vi.advanceTimersByTimeAsync(0);
    expect(m.costs.rangeError).toBeNull();
  });

  it("shows a refusal of the core about custom days at the field, other failures as errors", async () => {
    costsOverview.mockRejectedValueOnce(refusal("Pick a range of at most 400 days."));
    m.costs.selectCustom(NOW);
    await vi.advanceTimersByTimeAsync(0);
    expect(m.costs.rangeError).toEqual({ field: "to", message: "Pick a range of at most 400 days." });
    expect(m.costs.error).toBeNull();

    costsOverview.mockRejectedValueOnce(refusal("disk I/O error", "internal"));
    m.costs.selectPreset("7d");
    await vi.advanceTimersByTimeAsync(0);
    expect(m.costs.error?.message).toBe("disk I/O error");
    expect(m.costs.rangeError).toBeNull();
    await m.costs.reload();
    expect(m.costs.error, "a good reload clears the error").toBeNull();
  });

  it("folds a burst of events into at most one reload per interval, and ignores them unwatched", async () => {
    m.costs.changed();
    expect(costsOverview).not.toHaveBeenCalled();
    stop = m.costs.watch();
    await vi.advanceTimersByTimeAsync(0);
    costsOverview.mockClear();
    for (let i = 0; i < 25; i++) m.costs.changed();
    expect(costsOverview).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(m.COSTS_RELOAD_MS);
    expect(costsOverview).toHaveBeenCalledTimes(2);
    stop();
    stop = null;
    m.costs.changed();
    await vi.advanceTimersByTimeAsync(m.COSTS_RELOAD_MS * 3);
    expect(costsOverview).toHaveBeenCalledTimes(2);
  });

  it("moves a preset's end to the time of each reload", async () => {
    stop = m.costs.watch();
    await vi.advanceTimersByTimeAsync(0);
    vi.setSystemTime(NOW + 60_000);
    m.costs.changed();
    await vi.advanceTimersByTimeAsync(0);
    expect(costsOverview.mock.lastCall?.[0].untilMs).toBe(NOW + 60_000);
  });
});

describe("spend today", () => {
  it("counts from local midnight to now", async () => {
    const stop = m.spendToday.watch();
    await vi.advanceTimersByTimeAsync(0);
    const midnight = new Date(NOW);
    midnight.setHours(0, 0, 0, 0);
    expect(costsOverview).toHaveBeenLastCalledWith({ sinceMs: midnight.getTime(), untilMs: NOW, offsetMinutes: offset() }, "backend");
    expect(m.spendToday.totals?.requests).toBe(3);
    stop();
  });

  it("never asks for an empty range, even at midnight itself", () => {
    const midnight = new Date(NOW);
    midnight.setHours(0, 0, 0, 0);
    const r = m.todayRange(midnight.getTime());
    expect(r.untilMs ?? 0).toBeGreaterThan(r.sinceMs ?? 0);
  });
});
