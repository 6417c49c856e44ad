// The response cache as reactive resources: the Cache page's numbers over a picked range, and
// today's numbers for the Overview tile. Both reload only while a page shows them, following
// `cacheChanged` (settings saved, answers cleared) and `requestsRecorded` (lookups and hits reach
// the ledger in batches), throttled so a burst of requests costs one reload per interval.
import { events } from "../bindings";
import { api } from "./api";
import { toIpcError } from "./error";
import type { CacheClearScope, CacheSettings, CacheStats, IpcError } from "./types";
import { sinceFor, startOfLocalDay, type CacheRange } from "../lib/cache";
import { throttle } from "../lib/throttle";

/** Event-driven reloads happen at most this often, however fast requests arrive. */
export const CACHE_RELOAD_MS = 1000;

/** A range ending now, or "today" (since local midnight). */
type CacheWindow = CacheRange | "today";

function windowSince(w: CacheWindow, now: number): string {
  return w === "today" ? startOfLocalDay(now) : sinceFor(w, now);
}

class CacheStatsResource {
  window = $state<CacheWindow>("day");
  stats = $state<CacheStats | null>(null);
  loaded = $state(false);
  error = $state<IpcError | null>(null);
  private watchers = 0;
  private seq = 0;
  private live = throttle(() => void this.reload(), CACHE_RELOAD_MS);

  constructor(window: CacheWindow) {
    this.window = window;
  }

  async reload(): Promise<void> {
    const seq = ++this.seq;
    try {
      const stats = await api.cacheStats(windowSince(this.window, Date.now()));
      if (seq !== this.seq) return;
      this.stats = stats;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    } finally {
      if (seq === this.seq) this.loaded = true;
    }
  }

  /** Counts from another range: reads it now; an answer for the previous range is dropped. */
  select(window: CacheWindow): void {
    if (window === this.window) return;
    this.window = window;
    void this.reload();
  }

  /** The cache or the ledger changed in the core. */
  changed(): void {
    if (this.watchers > 0) this.live();
  }

  /** A page showing the numbers mounted: load now, then follow changes until the returned stop. */
  watch(): () => void {
    this.watchers++;
    void this.reload();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      this.watchers = Math.max(0, this.watchers - 1);
      if (this.watchers === 0) this.live.cancel();
    };
  }

  /** Shows saved settings at once, before the reload that follows. */
  noteSettings(settings: CacheSettings): void {
    if (this.stats) this.stats = { ...this.stats, settings };
  }
}

/** The Cache page: the last 24 hours until another range is picked. */
export const cacheStats = new CacheStatsResource("day");
/** The Overview's tile: since local midnight. */
export const cacheToday = new CacheStatsResource("today");

const changed = () => {
  cacheStats.changed();
  cacheToday.changed();
};

/**
 * Saves the settings (the core validates; a refusal throws the typed error and saves nothing).
 * The switch and the lifetime apply at once, the sizes at the next start.
 */
export async function saveCacheSettings(settings: CacheSettings): Promise<CacheSettings> {
  const saved = await api.setCacheSettings(settings);
  cacheStats.noteSettings(saved);
  cacheToday.noteSettings(saved);
  void cacheStats.reload();
  return saved;
}

/** Removes the stored answers in `scope`; resolves to how many (the typed error is thrown). */
export async function clearCache(scope: CacheClearScope): Promise<number> {
  const removed = await api.clearCache(scope);
  changed();
  return removed;
}

/** Subscribes to the core events the cache numbers follow; resolves to an unsubscribe function. Safe outside Tauri. */
export async function listenToCacheEvents(): Promise<() => void> {
  const offs: Array<() => void> = [];
  try {
    offs.push(await events.cacheChanged.listen(changed));
    offs.push(await events.requestsRecorded.listen(changed));
  } catch {
    // Not running inside Tauri (e.g. a plain browser preview): no events to follow.
  }
  return () => offs.forEach((off) => off());
}
