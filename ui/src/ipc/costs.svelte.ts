// Costs as reactive resources: the Costs page's overview and unpriced models for the picked range
// and split, and today's spend for the Overview tile. Both reload only while a page shows them,
// following `costsChanged` (prices, budgets or the currency changed) and `requestsRecorded` (new
// requests reach the ledger in batches), throttled so a burst costs one reload per interval.
// A preset range ends "now" at every reload; a custom range is whole local days.
import { api } from "./api";
import { Resource } from "./resource.svelte";
import type { CostRange, CostSplit_, CostsOverview, IpcError, UnpricedModel, UsageTotals } from "./types";
import { firstField } from "../lib/field-errors";
import { DAY_MS, customRange, dateInput, dayStartMs, localOffsetMinutes, presetRange, CUSTOM_FIELDS, type CostPreset, type CostRangeId, type CustomField } from "../lib/costs";

/** Event-driven reloads happen at most this often, however fast requests arrive. */
export const COSTS_RELOAD_MS = 1000;

export type RangeError = { field: CustomField; message: string };

/** What the Costs page shows for one range and split. */
type CostsView = { overview: CostsOverview; unpriced: UnpricedModel[] };

/** `error`: a failure to read (not about the range); the page shows it with a retry. */
class CostsResource extends Resource<CostsView | null> {
  rangeId = $state<CostRangeId>("24h");
  /** The custom range's first and last day as typed (`YYYY-MM-DD`). */
  from = $state("");
  to = $state("");
  split = $state<CostSplit_>("backend");
  /** The range last asked for (what the export card exports). */
  range = $state<CostRange>(presetRange("24h", Date.now(), localOffsetMinutes(Date.now())));
  /** The picked days are refused (here or by the core): shown at the field, nothing is asked. */
  rangeError = $state<RangeError | null>(null);

  constructor() {
    super(null, { throttleMs: COSTS_RELOAD_MS });
  }

  get overview(): CostsOverview | null {
    return this.value?.overview ?? null;
  }

  get unpriced(): UnpricedModel[] {
    return this.value?.unpriced ?? [];
  }

  /** The range to ask for now, or null (with `rangeError` set) when the custom days do not make one. */
  private pick(now: number): CostRange | null {
    const offset = localOffsetMinutes(now);
    if (this.rangeId !== "custom") return presetRange(this.rangeId, now, offset);
    const checked = customRange(this.from, this.to, offset);
    if (checked.ok) return checked.range;
    this.rangeError = { field: checked.field, message: checked.message };
    return null;
  }

  /** Nothing is asked while the custom days do not make a range. */
  protected read(): Promise<CostsView> | null {
    const range = this.pick(Date.now());
    if (!range) return null;
    const split = this.split;
    this.range = range;
    return Promise.all([api.costsOverview(range, split), api.unpricedModels(range)]).then(([overview, unpriced]) => ({ overview, unpriced }));
  }

  protected accept(view: CostsView): void {
    this.value = view;
    this.rangeError = null;
  }

  /** The core's refusal of custom days shows at the field; anything else is an error. */
  protected fail(err: IpcError): void {
    if (err.kind === "validation" && this.rangeId === "custom") this.rangeError = { field: firstField(err, CUSTOM_FIELDS) ?? "to", message: err.message };
    else this.error = err;
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

class SpendTodayResource extends Resource<UsageTotals | null> {
  constructor() {
    super(null, { read: () => api.costsOverview(todayRange(Date.now()), "backend").then((o) => o.totals), throttleMs: COSTS_RELOAD_MS });
  }

  get totals(): UsageTotals | null {
    return this.value;
  }
}

/** The Costs page: the last 24 hours, stacked by backend, until something else is picked. */
export const costs = new CostsResource();
/** The Overview's "Spend today" tile. */
export const spendToday = new SpendTodayResource();
