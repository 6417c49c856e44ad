// The Costs page's settings as reactive resources: the display currency (read by every amount on
// screen), the budgets with their spend this period, the price table, and the usage export.
// They follow `costsChanged` (budgets, prices or the currency changed, here or elsewhere) once
// anything subscribed; the budgets also follow `requestsRecorded` while a page shows them, as new
// requests move the spend, throttled so a burst costs one reload per interval.
import { save as saveDialog } from "@tauri-apps/plugin-dialog";
import { events } from "../bindings";
import { api } from "./api";
import { IpcFailure, toIpcError } from "./error";
import type { Budget, BudgetStatus, CostRange, CostSettings, ExportDone, ExportFormat, ExportKind, IpcError, PriceOverride, Prices } from "./types";
import { USD } from "../lib/money";
import { throttle } from "../lib/throttle";
import { exportFileName, exportFilter } from "../lib/usage-export";

/** Spend-driven budget reloads happen at most this often, however fast requests arrive. */
export const BUDGETS_RELOAD_MS = 2000;

/** The display currency. `settings` is USD until loaded, so amounts always have a currency. */
class CurrencyResource {
  settings = $state<CostSettings>({ ...USD });
  loaded = $state(false);
  error = $state<IpcError | null>(null);
  private seq = 0;

  async load(): Promise<void> {
    follow();
    const seq = ++this.seq;
    try {
      const s = await api.getCostSettings();
      if (seq !== this.seq) return;
      this.settings = s;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    } finally {
      if (seq === this.seq) this.loaded = true;
    }
  }

  /** Saves (the core validates; a refusal throws the typed error and changes nothing). */
  async save(settings: CostSettings): Promise<CostSettings> {
    const saved = await api.setCostSettings(settings);
    this.seq++;
    this.settings = saved;
    this.error = null;
    this.loaded = true;
    return saved;
  }

  changed(): void {
    if (this.loaded) void this.load();
  }
}

/** Every budget with its spend this period, forecast and hard-stop state. */
class BudgetsResource {
  items = $state<BudgetStatus[]>([]);
  loaded = $state(false);
  error = $state<IpcError | null>(null);
  private watchers = 0;
  private seq = 0;
  private live = throttle(() => void this.load(), BUDGETS_RELOAD_MS);

  /** The budgets as saved, for building the list to save. */
  get budgets(): Budget[] {
    return this.items.map((s) => s.budget);
  }

  async load(): Promise<void> {
    follow();
    const seq = ++this.seq;
    try {
      const list = await api.listBudgets();
      if (seq !== this.seq) return;
      this.items = list;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    } finally {
      if (seq === this.seq) this.loaded = true;
    }
  }

  /**
   * The saved budgets to build a new list from: read first unless shown and fresh. Throws the
   * typed error when they cannot be read, as a list saved without them would drop them.
   */
  async current(): Promise<Budget[]> {
    if (!this.loaded || this.error) await this.load();
    if (this.error) throw new IpcFailure(this.error);
    return this.budgets;
  }

  /**
   * Replaces every budget with `list` (the core validates it as a whole: a refusal throws the typed
   * error and saves nothing). Resolves to the new statuses, shown at once.
   */
  async save(list: Budget[]): Promise<BudgetStatus[]> {
    const statuses = await api.saveBudgets(list);
    this.seq++;
    this.items = statuses;
    this.error = null;
    this.loaded = true;
    return statuses;
  }

  /** Budgets, prices or the currency changed in the core. */
  changed(): void {
    if (this.watchers > 0) void this.load();
  }

  /** New requests reached the ledger: the spend moved. */
  spent(): void {
    if (this.watchers > 0) this.live();
  }

  /** A page showing budgets mounted: load now, then follow changes until the returned stop. */
  watch(): () => void {
    this.watchers++;
    void this.load();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      this.watchers = Math.max(0, this.watchers - 1);
      if (this.watchers === 0) this.live.cancel();
    };
  }
}

/** The price table in force: its source, and the user's overrides. */
class PricesResource {
  value = $state<Prices | null>(null);
  loaded = $state(false);
  error = $state<IpcError | null>(null);
  private seq = 0;

  async load(): Promise<void> {
    follow();
    const seq = ++this.seq;
    try {
      const p = await api.getPrices();
      if (seq !== this.seq) return;
      this.value = p;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    } finally {
      if (seq === this.seq) this.loaded = true;
    }
  }

  private async apply(run: () => Promise<Prices>): Promise<Prices> {
    const p = await run();
    this.seq++;
    this.value = p;
    this.error = null;
    this.loaded = true;
    return p;
  }

  /** USD per million tokens; applies to new requests. A refusal throws the typed error. */
  setOverride(price: PriceOverride): Promise<Prices> {
    return this.apply(() => api.setPriceOverride(price));
  }

  removeOverride(model: string): Promise<Prices> {
    return this.apply(() => api.removePriceOverride(model));
  }

  /** A malformed file is refused (`validation` or `file` error) and nothing changes. */
  loadFile(path: string): Promise<Prices> {
    return this.apply(() => api.loadPriceFile(path));
  }

  /** Back to the bundled prices; overrides stay. */
  reset(): Promise<Prices> {
    return this.apply(() => api.resetPriceFile());
  }

  changed(): void {
    if (this.loaded) void this.load();
  }
}

export const currency = new CurrencyResource();
export const budgets = new BudgetsResource();
export const prices = new PricesResource();

/**
 * Asks the OS where to save an export, suggesting the core's file name. Resolves to the path, or
 * null when cancelled.
 */
export async function pickExportPath(range: CostRange, kind: ExportKind, format: ExportFormat): Promise<string | null> {
  try {
    const path = await saveDialog({ title: "Save the export", defaultPath: exportFileName(range, kind, format), filters: [exportFilter(format)] });
    return typeof path === "string" ? path : null;
  } catch (e) {
    throw new IpcFailure(toIpcError(e));
  }
}

/** Writes the export to `path`, or to the data folder's `exports/` when null; says where. */
export function exportUsage(range: CostRange, kind: ExportKind, format: ExportFormat, path: string | null): Promise<ExportDone> {
  return api.exportUsage(range, kind, format, path);
}

// Core events, subscribed once by the first resource used (or `listenToCostSettingsEvents`).
let subscription: Promise<Array<() => void>> | null = null;

function costsChanged(): void {
  currency.changed();
  budgets.changed();
  prices.changed();
}

async function subscribe(): Promise<Array<() => void>> {
  const offs: Array<() => void> = [];
  try {
    offs.push(await events.costsChanged.listen(costsChanged));
    offs.push(await events.requestsRecorded.listen(() => budgets.spent()));
  } catch {
    // Not running inside Tauri (e.g. a plain browser preview): no events to follow.
  }
  return offs;
}

function follow(): Promise<Array<() => void>> {
  subscription ??= subscribe();
  return subscription;
}

/** Subscribes to the core events these resources follow; resolves to an unsubscribe function. Safe outside Tauri. */
export async function listenToCostSettingsEvents(): Promise<() => void> {
  const mine = follow();
  const offs = await mine;
  return () => {
    if (subscription !== mine) return;
    subscription = null;
    offs.forEach((off) => off());
  };
}
