// The request ledger as a live resource: filters, paging, and throttled reloads on new requests.
import { api } from "./api";
import { toIpcError } from "./error";
import { NO_FILTERS, PAGE_SIZE, appendOlder, mergeNewest, sameFilters, toQuery, type RequestFilters } from "./requests-query";
import type { IpcError, LedgerRow } from "./types";
import { throttle } from "../lib/throttle";

/** Live reloads happen at most this often, however fast requests arrive. */
export const RELOAD_INTERVAL_MS = 500;

class RequestsResource {
  rows = $state<LedgerRow[]>([]);
  filters = $state<RequestFilters>({ ...NO_FILTERS });
  loaded = $state(false);
  loading = $state(false);
  loadingOlder = $state(false);
  /** The last page at the tail was full: older rows may exist. */
  hasMore = $state(false);
  error = $state<IpcError | null>(null);
  /** Pages that show the rows; live reloads only run while one is open. */
  private watchers = 0;
  private seq = 0;

  /** Reloads the first page with the current filters, keeping older pages already shown. */
  async reload(): Promise<void> {
    const seq = ++this.seq;
    const filters = { ...this.filters };
    this.loading = true;
    try {
      const fresh = await api.recentRequests(toQuery(filters));
      if (seq !== this.seq) return;
      const merged = mergeNewest(fresh, this.rows, PAGE_SIZE);
      if (merged.length === fresh.length) this.hasMore = fresh.length === PAGE_SIZE;
      this.rows = merged;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    } finally {
      if (seq === this.seq) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }

  /** Changes filters and starts over from the newest rows. */
  setFilters(patch: Partial<RequestFilters>): Promise<void> {
    const next = { ...this.filters, ...patch };
    if (sameFilters(next, this.filters)) return Promise.resolve();
    this.filters = next;
    this.rows = [];
    this.hasMore = false;
    return this.reload();
  }

  /** The page before the oldest row shown. A reload meanwhile makes its answer irrelevant. */
  async loadOlder(): Promise<void> {
    const last = this.rows[this.rows.length - 1];
    if (!last || this.loadingOlder) return;
    const seq = this.seq;
    this.loadingOlder = true;
    try {
      const older = await api.recentRequests(toQuery(this.filters, last.startedAt));
      if (seq !== this.seq) return;
      this.rows = appendOlder(this.rows, older);
      this.hasMore = older.length === PAGE_SIZE;
    } finally {
      this.loadingOlder = false;
    }
  }

  private live = throttle(() => void this.reload(), RELOAD_INTERVAL_MS);

  /** New requests reached the ledger. */
  changed(): void {
    if (this.watchers > 0) this.live();
  }

  /** A page showing the rows mounted: catch up now, then follow changes until the returned stop. */
  watch(): () => void {
    this.watchers++;
    void this.reload();
    return () => {
      this.watchers = Math.max(0, this.watchers - 1);
      if (this.watchers === 0) this.live.cancel();
    };
  }
}

export const requests = new RequestsResource();
