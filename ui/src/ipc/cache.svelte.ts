// The response cache as reactive resources: the Cache page's numbers over a picked range, and
// today's numbers for the Overview tile. Both reload only while a page shows them, following
// `cacheChanged` (settings saved, answers cleared) and `requestsRecorded` (lookups and hits reach
// the ledger in batches), throttled so a burst of requests costs one reload per interval.
import { api } from "./api";
import { Resource } from "./resource.svelte";
import type { CacheClearScope, CacheSettings, CacheStats } from "./types";
import { sinceFor, startOfLocalDay, type CacheRange } from "../lib/cache";

/** Event-driven reloads happen at most this often, however fast requests arrive. */
export const CACHE_RELOAD_MS = 1000;

/** A range ending now, or "today" (since local midnight). */
type CacheWindow = CacheRange | "today";

function windowSince(w: CacheWindow, now: number): string {
  return w === "today" ? startOfLocalDay(now) : sinceFor(w, now);
}

class CacheStatsResource extends Resource<CacheStats | null> {
  window = $state<CacheWindow>("day");

  constructor(window: CacheWindow) {
    super(null, { throttleMs: CACHE_RELOAD_MS });
    this.window = window;
  }

  get stats(): CacheStats | null {
    return this.value;
  }

  protected read(): Promise<CacheStats> {
    return api.cacheStats(windowSince(this.window, Date.now()));
  }

  /** Counts from another range: reads it now; an answer for the previous range is dropped. */
  select(window: CacheWindow): void {
    if (window === this.window) return;
    this.window = window;
    void this.reload();
  }

  /** Shows saved settings at once, before the reload that follows. */
  noteSettings(settings: CacheSettings): void {
    if (this.value) this.value = { ...this.value, settings };
  }
}

/** The Cache page: the last 24 hours until another range is picked. */
export const cacheStats = new CacheStatsResource("day");
/** The Overview's tile: since local midnight. */
export const cacheToday = new CacheStatsResource("today");

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
  cacheStats.changed();
  cacheToday.changed();
  return removed;
}
