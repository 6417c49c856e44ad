// The request ledger as a live resource: filters, paging, and throttled reloads on new requests
// (`requestsRecorded`) while a page shows the rows.
import { api } from "./api";
import { NO_FILTERS, PAGE_SIZE, appendOlder, mergeNewest, sameFilters, toQuery, type RequestFilters } from "./requests-query";
import { Resource } from "./resource.svelte";
import type { LedgerRow } from "./types";

/** Live reloads happen at most this often, however fast requests arrive. */
export const RELOAD_INTERVAL_MS = 500;

class RequestsResource extends Resource<LedgerRow[]> {
  filters = $state<RequestFilters>({ ...NO_FILTERS });
  loadingOlder = $state(false);
  /** The last page at the tail was full: older rows may exist. */
  hasMore = $state(false);

  constructor() {
    super([], { throttleMs: RELOAD_INTERVAL_MS });
  }

  get rows(): LedgerRow[] {
    return this.value;
  }

  /** The first page with the current filters. */
  protected read(): Promise<LedgerRow[]> {
    return api.recentRequests(toQuery({ ...this.filters }));
  }

  /** Keeps the older pages already shown under the fresh first page. */
  protected accept(fresh: LedgerRow[]): void {
    const merged = mergeNewest(fresh, this.value, PAGE_SIZE);
    if (merged.length === fresh.length) this.hasMore = fresh.length === PAGE_SIZE;
    this.value = merged;
  }

  /** Changes filters and starts over from the newest rows. */
  setFilters(patch: Partial<RequestFilters>): Promise<void> {
    const next = { ...this.filters, ...patch };
    if (sameFilters(next, this.filters)) return Promise.resolve();
    this.filters = next;
    this.value = [];
    this.hasMore = false;
    return this.reload();
  }

  /** The page before the oldest row shown. A reload meanwhile makes its answer irrelevant. */
  async loadOlder(): Promise<void> {
    const last = this.rows[this.rows.length - 1];
    if (!last || this.loadingOlder) return;
    const current = this.latest.current();
    this.loadingOlder = true;
    try {
      const older = await api.recentRequests(toQuery(this.filters, last.startedAt));
      if (!current()) return;
      this.value = appendOlder(this.rows, older);
      this.hasMore = older.length === PAGE_SIZE;
    } finally {
      this.loadingOlder = false;
    }
  }
}

export const requests = new RequestsResource();
