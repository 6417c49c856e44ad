import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LedgerRow, RequestQuery } from "./types";
import { ledgerRow } from "./test-fixtures";

const recentRequests = vi.fn<(q: RequestQuery) => Promise<LedgerRow[]>>();

vi.mock("./api", () => ({ api: { recentRequests: (q: RequestQuery) => recentRequests(q) } }));

const { requests, RELOAD_INTERVAL_MS } = await import("./requests.svelte");
const { NO_FILTERS, PAGE_SIZE } = await import("./requests-query");

const page = (n: number, from: number): LedgerRow[] =>
  Array.from({ length: n }, (_, i) => ledgerRow(`r${from - i}`, new Date(Date.UTC(2025, 10, 21, 12, 0, 0, from - i)).toISOString()));

describe("requests resource", () => {
  let stop: (() => void) | null = null;

  beforeEach(async () => {
    recentRequests.mockReset();
    recentRequests.mockResolvedValue([]);
    await requests.setFilters(NO_FILTERS);
    recentRequests.mockClear();
  });
  afterEach(() => {
    stop?.();
    stop = null;
    vi.useRealTimers();
  });

  it("reloads with the current filters when new requests arrive, at most twice a second", async () => {
    await requests.setFilters({ backend: "Demo", status: "failed" });
    vi.useFakeTimers();
    stop = requests.watch();
    recentRequests.mockClear();
    for (let i = 0; i < 10; i++) requests.changed();
    expect(recentRequests).toHaveBeenCalledTimes(1);
    expect(recentRequests).toHaveBeenLastCalledWith(expect.objectContaining({ backend: "Demo", failed: true, tokenName: null, before: null }));
    await vi.advanceTimersByTimeAsync(RELOAD_INTERVAL_MS);
    expect(recentRequests).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(5 * RELOAD_INTERVAL_MS);
    expect(recentRequests).toHaveBeenCalledTimes(2);
  });

  it("does not reload while no page shows the requests", () => {
    requests.changed();
    expect(recentRequests).not.toHaveBeenCalled();
  });

  it("loads older rows before the last one shown", async () => {
    const first = page(PAGE_SIZE, 1000);
    recentRequests.mockResolvedValueOnce(first);
    await requests.reload();
    expect(requests.hasMore).toBe(true);
    recentRequests.mockResolvedValueOnce(page(3, 900));
    await requests.loadOlder();
    expect(recentRequests).toHaveBeenLastCalledWith(expect.objectContaining({ before: first[first.length - 1].startedAt }));
    expect(requests.rows).toHaveLength(PAGE_SIZE + 3);
    expect(requests.hasMore).toBe(false);

    // A live reload keeps the older rows.
    recentRequests.mockResolvedValueOnce(page(PAGE_SIZE, 1001));
    await requests.reload();
    expect(requests.rows[0].id).toBe("r1001");
    expect(requests.rows).toHaveLength(PAGE_SIZE + 4);
  });
});
