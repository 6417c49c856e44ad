// The Costs page's settings as reactive resources: the display currency (read by every amount on
// screen), the budgets with their spend this period, the price table, and the usage export.
// The currency and the prices follow `costsChanged` (budgets, prices or the currency changed, here
// or elsewhere) once loaded; the budgets follow it while a page shows them, and `requestsRecorded`
// too, as new requests move the spend, throttled so a burst costs one reload per interval.
import { api } from "./api";
import { chooseFile } from "./dialog";
import { IpcFailure } from "./error";
import { Resource } from "./resource.svelte";
import type { Budget, BudgetStatus, ChosenFile, CostRange, CostSettings, ExportDone, ExportFormat, ExportKind, PriceOverride, Prices } from "./types";
import { USD } from "../lib/money";
import { exportFileName } from "../lib/usage-export";

/** Spend-driven budget reloads happen at most this often, however fast requests arrive. */
export const BUDGETS_RELOAD_MS = 2000;

/** The display currency. `settings` is USD until loaded, so amounts always have a currency. */
class CurrencyResource extends Resource<CostSettings> {
  constructor() {
    super({ ...USD }, { read: () => api.getCostSettings(), follow: "loaded" });
  }

  get settings(): CostSettings {
    return this.value;
  }

  load(): Promise<void> {
    return this.reload();
  }

  /** Saves (the core validates; a refusal throws the typed error and changes nothing). */
  async save(settings: CostSettings): Promise<CostSettings> {
    const saved = await api.setCostSettings(settings);
    this.assign(saved);
    return saved;
  }
}

/**
 * Every budget with its spend this period, forecast and hard-stop state. `changed()` is the
 * throttled reload for new requests; `costsChanged` reloads at once (see `events-table.ts`).
 */
class BudgetsResource extends Resource<BudgetStatus[]> {
  constructor() {
    super([], { read: () => api.listBudgets(), throttleMs: BUDGETS_RELOAD_MS });
  }

  get items(): BudgetStatus[] {
    return this.value;
  }

  /** The budgets as saved, for building the list to save. */
  get budgets(): Budget[] {
    return this.items.map((s) => s.budget);
  }

  load(): Promise<void> {
    return this.reload();
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
    this.assign(statuses);
    return statuses;
  }
}

/** The price table in force (`value`): its source, and the user's overrides. */
class PricesResource extends Resource<Prices | null> {
  constructor() {
    super(null, { read: () => api.getPrices(), follow: "loaded" });
  }

  load(): Promise<void> {
    return this.reload();
  }

  private async apply(run: () => Promise<Prices>): Promise<Prices> {
    const p = await run();
    this.assign(p);
    return p;
  }

  /** USD per million tokens; applies to new requests. A refusal throws the typed error. */
  setOverride(price: PriceOverride): Promise<Prices> {
    return this.apply(() => api.setPriceOverride(price));
  }

  removeOverride(model: string): Promise<Prices> {
    return this.apply(() => api.removePriceOverride(model));
  }

  /** Loads a file chosen in the dialog (by its id). A malformed file is refused (`validation` or
   * `file` error) and nothing changes. */
  loadFile(fileId: string): Promise<Prices> {
    return this.apply(() => api.loadPriceFile(fileId));
  }

  /** Back to the bundled prices; overrides stay. */
  reset(): Promise<Prices> {
    return this.apply(() => api.resetPriceFile());
  }

  /** Puts the file the last check fetched in force. */
  applyUpdate(): Promise<Prices> {
    return this.apply(() => api.applyPriceUpdate());
  }

  /** Back to the prices in force before the last applied update. */
  rollback(): Promise<Prices> {
    return this.apply(() => api.rollbackPrices());
  }
}

export const currency = new CurrencyResource();
export const budgets = new BudgetsResource();
export const prices = new PricesResource();

/**
 * Asks the OS where to save an export (a save dialog the window opens), suggesting the core's
 * file name. Resolves to the chosen file, or null when cancelled.
 */
export function pickExportFile(range: CostRange, kind: ExportKind, format: ExportFormat): Promise<ChosenFile | null> {
  return chooseFile("export", exportFileName(range, kind, format));
}

/** Writes the export to the chosen file (by id), or to the data folder's `exports/` when null; says where. */
export function exportUsage(range: CostRange, kind: ExportKind, format: ExportFormat, fileId: string | null): Promise<ExportDone> {
  return api.exportUsage(range, kind, format, fileId);
}
