// Costs as reactive resources: the Costs page's overview and unpriced models for the picked range
// and split, and today's spend for the Overview tile. Both reload only while a page shows them,
// following `costsChanged` (prices, budgets or the currency changed) and `requestsRecorded` (new
// requests reach the ledger in batches), throttled so a burst costs one reload per interval.
// A preset range ends "now" at every reload; a custom range is whole local days.
import { events } from "../bindings";
import { api } from "./api";
import { toIpcError } from "./error";
import type { CostRange, CostSplit_, CostsOverview, IpcError, UnpricedModel, UsageTotals } from "./types";
import { DAY_MS, customRange, dateInput, dayStartMs, localOffsetMinutes, presetRange, rangeFieldOf, type CostPreset, type CostRangeId, type CustomField } from "../lib/costs";
import { throttle } from "../lib/throttle";

/** Event-driven reloads happen at most this often, however fast requests arrive. */
export const COSTS_RELOAD_MS = 1000;

export type RangeError = { field: CustomField; message: string };

/** Counts watchers and folds bursts of change events into throttled reloads while watched. */
abstract class Watched {
  private watchers = 0;
  private live = throttle(() => void this.reload(), COSTS_RELOAD_MS);

  abstract reload(): Promise<void>;

  /** Costs, prices or the ledger changed in the core. */
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
}

class CostsResource extends Watched {
  rangeId = $state<CostRangeId>("24h");
  /** The custom range's first and last day as typed (`YYYY-MM-DD`). */
  from = $state("");
  to = $state("");
  split = $state<CostSplit_>("backend");
  /** The range last asked for (what the export card exports). */
  range = $state<CostRange>(presetRange("24h", Date.now(), localOffsetMinutes(Date.now())));
  overview = $state<CostsOverview | null>(null);
  unpriced = $state<UnpricedModel[]>([]);
  loaded = $state(false);
  loading = $state(false);
  /** A failure to read (not about the range): the page shows it with a retry. */
  error = $state<IpcError | null>(null);
  /** The picked days are refused (here or by the core): shown at the field, nothing is asked. */
  rangeError = $state<RangeError | null>(null);
  private seq = 0;

  /** The range to ask for now, or null (with `rangeError` set) when the custom days do not make one. */
  private pick(now: number): CostRange | null {
    const offset = localOffsetMinutes(now);
    if (this.rangeId !== "custom") return presetRange(this.rangeId, now, offset);
    const checked = customRange(this.from, this.to, offset);
    if (checked.ok) return checked.range;
    this.rangeError = { field: checked.field, message: checked.message };
    return null;
  }

  async reload(): Promise<void> {
    const seq = ++this.seq;
    const range = this.pick(Date.now());
    if (!range) {
      this.loading = false;
      return;
    }
    const split = this.split;
    this.range = range;
    this.loading = true;
    try {
      const [overview, unpriced] = await Promise.all([api.costsOverview(range, split), api.unpricedModels(range)]);
      if (seq !== this.seq) return;
      this.overview = overview;
      this.unpriced = unpriced;
      this.error = null;
      this.rangeError = null;
    } catch (e) {
      if (seq !== this.seq) return;
      const err = toIpcError(e);
      if (err.kind === "validation" && this.rangeId === "custom") this.rangeError = { field: rangeFieldOf(err.message) ?? "to", message: err.message };
      else this.error = err;
    } finally {
      if (seq === this.seq) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }

  /** 24 h, 7 d or 30 d ending now. An answer for the range picked before is dropped. */
  selectPreset(id: CostPreset): void {
    if (id === this.rangeId) return;
    this.rangeId = id;
    this.rangeError = null;
    void this.reload();
  }

  /** Custom days: the last 7 days until others are typed. */
  selectCustom(now = Date.now()): void {
    if (this.rangeId === "custom") return;
    const offset = localOffsetMinutes(now);
    if (!this.from) this.from = dateInput(now - 6 * DAY_MS, offset);
    if (!this.to) this.to = dateInput(now, offset);
    this.rangeId = "custom";
    void this.reload();
  }

  /** New custom days as typed: checked here first, then by the core. */
  setDays(from: string, to: string): void {
    this.from = from;
    this.to = to;
    this.rangeError = null;
    if (this.rangeId === "custom") void this.reload();
  }

  /** Stack the cost chart by backend or by model. */
  setSplit(split: CostSplit_): void {
    if (split === this.split) return;
    this.split = split;
    void this.reload();
  }
}

/** Since local midnight, for the Overview's tile. */
export function todayRange(now: number): CostRange {
  const offset = localOffsetMinutes(now);
  const since = dayStartMs(dateInput(now, offset), offset) ?? now - DAY_MS;
  return { sinceMs: since, untilMs: Math.max(now, since + 1), offsetMinutes: offset };
}

class SpendTodayResource extends Watched {
  totals = $state<UsageTotals | null>(null);
  error = $state<IpcError | null>(null);
  private seq = 0;

  async reload(): Promise<void> {
    const seq = ++this.seq;
    try {
      const overview = await api.costsOverview(todayRange(Date.now()), "backend");
      if (seq !== this.seq) return;
      this.totals = overview.totals;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    }
  }
}

/** The Costs page: the last 24 hours, stacked by backend, until something else is picked. */
export const costs = new CostsResource();
/** The Overview's "Spend today" tile. */
export const spendToday = new SpendTodayResource();

const changed = () => {
  costs.changed();
  spendToday.changed();
};

/** Subscribes to the core events the cost numbers follow; resolves to an unsubscribe function. Safe outside Tauri. */
export async function listenToCostsEvents(): Promise<() => void> {
  const offs: Array<() => void> = [];
  try {
    offs.push(await events.costsChanged.listen(changed));
    offs.push(await events.requestsRecorded.listen(changed));
  } catch {
    // Not running inside Tauri (e.g. a plain browser preview): no events to follow.
  }
  return () => offs.forEach((off) => off());
}
