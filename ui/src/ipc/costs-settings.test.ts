import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Budget, BudgetStatus, CostRange, CostSettings, ExportDone, PriceOverride, Prices } from "./types";

const getCostSettings = vi.fn<() => Promise<CostSettings>>();
const setCostSettings = vi.fn<(s: CostSettings) => Promise<CostSettings>>();
const listBudgets = vi.fn<() => Promise<BudgetStatus[]>>();
const saveBudgets = vi.fn<(b: Budget[]) => Promise<BudgetStatus[]>>();
const getPrices = vi.fn<() => Promise<Prices>>();
const setPriceOverride = vi.fn<(p: PriceOverride) => Promise<Prices>>();
const removePriceOverride = vi.fn<(m: string) => Promise<Prices>>();
const loadPriceFile = vi.fn<(path: string) => Promise<Prices>>();
const resetPriceFile = vi.fn<() => Promise<Prices>>();
const exportUsage = vi.fn<(...a: unknown[]) => Promise<ExportDone>>();
const chooseFile = vi.fn<(purpose: string, fileName: string | null) => Promise<{ id: string; path: string } | null>>();

type Handler = (event: { payload: null }) => void;
const handlers: Record<string, Handler[]> = { costsChanged: [], requestsRecorded: [] };
const listen = (name: string) => async (h: Handler) => {
  handlers[name].push(h);
  return () => {
    handlers[name] = handlers[name].filter((x) => x !== h);
  };
};
const emit = (name: string) => handlers[name].forEach((h) => h({ payload: null }));

vi.mock("../bindings", () => ({
  events: { costsChanged: { listen: listen("costsChanged") }, requestsRecorded: { listen: listen("requestsRecorded") } },
}));
vi.mock("./api", () => ({
  api: {
    getCostSettings: () => getCostSettings(),
    setCostSettings: (s: CostSettings) => setCostSettings(s),
    listBudgets: () => listBudgets(),
    saveBudgets: (b: Budget[]) => saveBudgets(b),
    getPrices: () => getPrices(),
    setPriceOverride: (p: PriceOverride) => setPriceOverride(p),
    removePriceOverride: (m: string) => removePriceOverride(m),
    loadPriceFile: (p: string) => loadPriceFile(p),
    resetPriceFile: () => resetPriceFile(),
    exportUsage: (...a: unknown[]) => exportUsage(...a),
    chooseFile: (purpose: string, fileName: string | null) => chooseFile(purpose, fileName),
  },
}));

const m = await import("./costs-settings.svelte");
const { IpcFailure } = await import("./error");
// The app subscribes the one event table at start; the mocked bindings carry only these two events.
await (await import("./events-table")).listenToCoreEvents();

const refusal = (message: string) => new IpcFailure({ kind: "validation", message, hint: null, issues: [] });

const budget = (id: string, name: string): Budget => ({ id, name, period: "month", scope: { type: "all" }, limitUsd: 100, hardStop: false });
const status = (b: Budget, spentUsd = 10): BudgetStatus => ({
  budget: b,
  scopeName: null,
  periodStartMs: 0,
  periodEndMs: 0,
  spentUsd,
  unpricedRequests: 0,
  percent: spentUsd,
  forecast: { burnUsdPerDay: 1, projectedUsd: 30, crossesAtMs: null },
  stopped: false,
});
const prices = (over: Partial<Prices> = {}): Prices => ({ source: "bundled", snapshotDate: "2025-11-01", models: 300, fileLoadedAt: null, overrides: [], demoPerMtok: [2.5, 10], ...over });

beforeEach(() => {
  for (const f of [getCostSettings, setCostSettings, listBudgets, saveBudgets, getPrices, setPriceOverride, removePriceOverride, loadPriceFile, resetPriceFile, exportUsage, chooseFile]) f.mockReset();
  getCostSettings.mockResolvedValue({ currency: "EUR", perUsd: 0.92 });
  listBudgets.mockResolvedValue([status(budget("a", "Monthly"))]);
  getPrices.mockResolvedValue(prices());
});

describe("display currency", () => {
  it("is US dollars until the saved one is read", async () => {
    expect(m.currency.settings).toEqual({ currency: "USD", perUsd: 1 });
    await m.currency.load();
    expect(m.currency.settings).toEqual({ currency: "EUR", perUsd: 0.92 });
  });

  it("shows a saved currency at once and passes a refusal on, typed, with nothing changed", async () => {
    await m.currency.load();
    setCostSettings.mockResolvedValueOnce({ currency: "GBP", perUsd: 0.79 });
    await expect(m.currency.save({ currency: "GBP", perUsd: 0.79 })).resolves.toEqual({ currency: "GBP", perUsd: 0.79 });
    expect(m.currency.settings.currency).toBe("GBP");
    setCostSettings.mockRejectedValueOnce(refusal("One US dollar is 1 USD."));
    await expect(m.currency.save({ currency: "USD", perUsd: 2 })).rejects.toMatchObject({ error: { kind: "validation", message: "One US dollar is 1 USD." } });
    expect(m.currency.settings.currency).toBe("GBP");
  });

  it("follows a change made elsewhere", async () => {
    await m.currency.load();
    getCostSettings.mockResolvedValueOnce({ currency: "JPY", perUsd: 150 });
    emit("costsChanged");
    await vi.waitFor(() => expect(m.currency.settings.currency).toBe("JPY"));
  });
});

describe("budgets", () => {
  let stop: (() => void) | null = null;
  afterEach(() => {
    stop?.();
    stop = null;
    vi.useRealTimers();
  });

  it("loads when a page shows them and lists what the core sends", async () => {
    stop = m.budgets.watch();
    await vi.waitFor(() => expect(m.budgets.loaded).toBe(true));
    expect(m.budgets.items.map((s) => s.budget.name)).toEqual(["Monthly"]);
    expect(m.budgets.budgets).toEqual([budget("a", "Monthly")]);
  });

  it("saves the whole list and shows the statuses the core answers with", async () => {
    await m.budgets.load();
    const next = [budget("a", "Monthly"), budget("", "Daily")];
    saveBudgets.mockResolvedValueOnce([status(budget("a", "Monthly")), status(budget("b", "Daily"), 0)]);
    await m.budgets.save(next);
    expect(saveBudgets).toHaveBeenCalledWith(next);
    expect(m.budgets.items.map((s) => s.budget.id)).toEqual(["a", "b"]);
  });

  it("keeps the budgets shown when the core refuses the list", async () => {
    await m.budgets.load();
    saveBudgets.mockRejectedValueOnce(refusal("Two budgets are called “Monthly”."));
    await expect(m.budgets.save([budget("a", "Monthly"), budget("", "monthly")])).rejects.toMatchObject({ error: { message: "Two budgets are called “Monthly”." } });
    expect(m.budgets.items).toHaveLength(1);
  });

  it("never builds a list to save from budgets it could not read", async () => {
    await m.budgets.load();
    await expect(m.budgets.current()).resolves.toEqual([budget("a", "Monthly")]);
    listBudgets.mockRejectedValueOnce(new IpcFailure({ kind: "internal", message: "boom", hint: null, issues: [] }));
    await m.budgets.load();
    listBudgets.mockRejectedValueOnce(new IpcFailure({ kind: "internal", message: "still down", hint: null, issues: [] }));
    await expect(m.budgets.current()).rejects.toMatchObject({ error: { message: "still down" } });
    listBudgets.mockResolvedValueOnce([status(budget("a", "Monthly")), status(budget("b", "Daily"))]);
    await expect(m.budgets.current()).resolves.toHaveLength(2);
  });

  it("reloads on changes while shown, folds bursts of new requests, and stops when no page shows them", async () => {
    vi.useFakeTimers();
    stop = m.budgets.watch();
    await vi.advanceTimersByTimeAsync(0);
    listBudgets.mockClear();
    emit("costsChanged");
    expect(listBudgets).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 20; i++) emit("requestsRecorded");
    expect(listBudgets).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(m.BUDGETS_RELOAD_MS);
    expect(listBudgets).toHaveBeenCalledTimes(3);
    stop();
    stop = null;
    emit("costsChanged");
    emit("requestsRecorded");
    await vi.advanceTimersByTimeAsync(m.BUDGETS_RELOAD_MS * 3);
    expect(listBudgets).toHaveBeenCalledTimes(3);
  });

  it("reports a failed load and keeps what it showed", async () => {
    await m.budgets.load();
    listBudgets.mockRejectedValueOnce(new IpcFailure({ kind: "internal", message: "boom", hint: null, issues: [] }));
    await m.budgets.load();
    expect(m.budgets.items).toHaveLength(1);
    expect(m.budgets.error?.message).toBe("boom");
  });
});

describe("prices", () => {
  const o: PriceOverride = { model: "m", inputPerMtok: 1, outputPerMtok: 2, cacheReadPerMtok: null, cacheWritePerMtok: null };

  it("shows each change's answer at once", async () => {
    await m.prices.load();
    setPriceOverride.mockResolvedValueOnce(prices({ overrides: [o] }));
    await m.prices.setOverride(o);
    expect(m.prices.value?.overrides).toEqual([o]);
    loadPriceFile.mockResolvedValueOnce(prices({ source: "file", fileLoadedAt: "2025-11-21T10:00:00Z", overrides: [o] }));
    await m.prices.loadFile("file-1");
    expect(loadPriceFile).toHaveBeenCalledWith("file-1");
    expect(m.prices.value?.source).toBe("file");
    resetPriceFile.mockResolvedValueOnce(prices({ overrides: [o] }));
    await m.prices.reset();
    expect(m.prices.value?.source).toBe("bundled");
    removePriceOverride.mockResolvedValueOnce(prices());
    await m.prices.removeOverride("m");
    expect(removePriceOverride).toHaveBeenCalledWith("m");
    expect(m.prices.value?.overrides).toEqual([]);
  });

  it("keeps the table in force when a price file is refused", async () => {
    await m.prices.load();
    loadPriceFile.mockRejectedValueOnce(refusal("That price file cannot be used: missing header."));
    await expect(m.prices.loadFile("file-2")).rejects.toMatchObject({ error: { kind: "validation" } });
    expect(m.prices.value?.source).toBe("bundled");
  });

  it("follows a change made elsewhere once loaded", async () => {
    await m.prices.load();
    getPrices.mockResolvedValueOnce(prices({ overrides: [o] }));
    emit("costsChanged");
    await vi.waitFor(() => expect(m.prices.value?.overrides).toHaveLength(1));
  });
});

describe("usage export", () => {
  const range: CostRange = { sinceMs: Date.UTC(2025, 10, 1), untilMs: Date.UTC(2025, 10, 8), offsetMinutes: 0 };

  it("asks the window's save dialog where to save, suggesting the core's file name", async () => {
    chooseFile.mockResolvedValueOnce({ id: "file-1", path: "/home/me/usage.csv" });
    await expect(m.pickExportFile(range, "daily", "csv")).resolves.toEqual({ id: "file-1", path: "/home/me/usage.csv" });
    expect(chooseFile).toHaveBeenCalledWith("export", "switchyard-daily-20251101-20251107.csv");
    chooseFile.mockResolvedValueOnce(null);
    await expect(m.pickExportFile(range, "daily", "csv")).resolves.toBeNull();
  });

  it("writes to the chosen file by id", async () => {
    exportUsage.mockResolvedValueOnce({ path: "/home/me/usage.csv", rows: 3, costUsd: 0.5 });
    await m.exportUsage(range, "daily", "csv", "file-1");
    expect(exportUsage).toHaveBeenCalledWith(range, "daily", "csv", "file-1");
  });

  it("writes to the data folder when no file is given", async () => {
    exportUsage.mockResolvedValueOnce({ path: "/data/exports/x.json", rows: 3, costUsd: 0.5 });
    await expect(m.exportUsage(range, "requests", "json", null)).resolves.toEqual({ path: "/data/exports/x.json", rows: 3, costUsd: 0.5 });
    expect(exportUsage).toHaveBeenCalledWith(range, "requests", "json", null);
  });
});
