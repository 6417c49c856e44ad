// The health monitor as reactive resources: the Overview's health cards, one backend's history
// for the Health page, stored alerts and the alert settings. All of it is local data, so a page
// shows what is stored at once; core events (throttled) and a slow poll keep it fresh while a page
// shows it. New probe samples reach the database in batches (the core flushes them every 15 s)
// and without an event of their own (`healthChanged` only says a status changed), hence the poll.
import { api } from "./api";
import { Resource } from "./resource.svelte";
import type { AlertItem, AlertSettings, AlertSettingsInput, BackendHealthCard, HealthPoint, HealthRange } from "./types";

/** Event-driven reloads happen at most this often, however fast requests arrive. */
export const MONITOR_RELOAD_MS = 1000;
/**
 * While a page shows monitor data it is also re-read this often: the core stores probe samples
 * every 15 s without telling, so uptime and latency move between events.
 */
export const MONITOR_POLL_MS = 15_000;
/** How many alerts the Overview and the Alerts page read (open ones come first). */
export const ALERTS_LIMIT = 100;

class OverviewResource extends Resource<BackendHealthCard[]> {
  /** "Refresh" is probing every backend. */
  probing = $state(false);

  constructor() {
    super([], { read: () => api.healthOverview(), throttleMs: MONITOR_RELOAD_MS, pollMs: MONITOR_POLL_MS });
  }

  /** Every enabled backend, in the Backends page's order. */
  get cards(): BackendHealthCard[] {
    return this.value;
  }

  card(backendId: string | null): BackendHealthCard | null {
    return this.cards.find((c) => c.backendId === backendId) ?? null;
  }
}

/** Probe buckets of one backend over one range; switching back to a pair seen before is instant. */
class HistoryResource extends Resource<HealthPoint[]> {
  backendId = $state<string | null>(null);
  range = $state<HealthRange>("day");
  /** `points` were read for the current backend and range (not just remembered from before). */
  fresh = $state(false);
  private cache = new Map<string, HealthPoint[]>();
  /** The pair the latest read asked for. */
  private asked = "";

  constructor() {
    super([], { throttleMs: MONITOR_RELOAD_MS, pollMs: MONITOR_POLL_MS });
  }

  /** The buckets of `backendId` over `range`, oldest first (stale ones until the reload answers). */
  get points(): HealthPoint[] {
    return this.value;
  }

  private key(backendId: string, range: HealthRange): string {
    return `${range}:${backendId}`;
  }

  protected read(): Promise<HealthPoint[]> | null {
    if (this.backendId === null) return null;
    this.asked = this.key(this.backendId, this.range);
    return api.healthHistory(this.backendId, this.range);
  }

  protected accept(points: HealthPoint[]): void {
    this.cache.set(this.asked, points);
    this.value = points;
    this.fresh = true;
  }

  /** Shows another backend and/or range: what was read before at once, then a fresh read. */
  select(backendId: string | null, range: HealthRange = this.range): void {
    if (backendId === this.backendId && range === this.range) return;
    this.backendId = backendId;
    this.range = range;
    this.value = backendId === null ? [] : (this.cache.get(this.key(backendId, range)) ?? []);
    this.fresh = false;
    this.error = null;
    // An answer for the previous pair must not land on this one.
    this.invalidate();
    if (backendId !== null) void this.reload();
  }
}

class AlertsResource extends Resource<AlertItem[]> {
  constructor() {
    // Alerts open and resolve with an event of their own: no poll needed.
    super([], { read: () => api.listAlerts(ALERTS_LIMIT), throttleMs: MONITOR_RELOAD_MS });
  }

  /** Open alerts first, then the newest resolved ones. */
  get items(): AlertItem[] {
    return this.value;
  }

  get open(): AlertItem[] {
    return this.items.filter((a) => a.resolvedAt === null);
  }

  get resolved(): AlertItem[] {
    return this.items.filter((a) => a.resolvedAt !== null);
  }
}

/** The saved alert rules, cooldown and quiet hours; `alertsChanged` also says they may have changed (elsewhere). */
class AlertSettingsResource extends Resource<AlertSettings | null> {
  constructor() {
    super(null, { read: () => api.getAlertSettings(), throttleMs: MONITOR_RELOAD_MS });
  }

  /** Saves (the core validates; a refusal throws the typed error and changes nothing) and resolves to what was saved. */
  async save(settings: AlertSettingsInput): Promise<AlertSettings> {
    const saved = await api.setAlertSettings(settings);
    this.assign(saved);
    return saved;
  }
}

export const healthOverview = new OverviewResource();
export const healthHistory = new HistoryResource();
export const alerts = new AlertsResource();
export const alertSettings = new AlertSettingsResource();

/**
 * Probes every backend now ("Refresh", a few seconds), then reloads what the pages show; the
 * typed error is thrown. A second call while one runs resolves at once.
 */
export async function probeAllNow(): Promise<void> {
  if (healthOverview.probing) return;
  healthOverview.probing = true;
  try {
    await api.probeAllNow();
  } finally {
    healthOverview.probing = false;
  }
  // Statuses are up to date now; uptime and latency follow once the core has stored the samples
  // (within its 15 s batch), which the poll picks up.
  healthOverview.changed();
  healthHistory.changed();
}
