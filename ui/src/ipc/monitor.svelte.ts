// The health monitor as reactive resources: the Overview's health cards, one backend's history
// for the Health page, stored alerts and the alert settings. All of it is local data, so a page
// shows what is stored at once; core events (throttled) and a slow poll keep it fresh while a page
// shows it. New probe samples reach the database in batches (the core flushes them every 15 s)
// and without an event of their own (`healthChanged` only says a status changed), hence the poll.
import { events } from "../bindings";
import { api } from "./api";
import { toIpcError } from "./error";
import type { AlertItem, AlertSettings, AlertSettingsInput, BackendHealthCard, HealthPoint, HealthRange, IpcError } from "./types";
import { throttle, type Throttled } from "../lib/throttle";

/** Event-driven reloads happen at most this often, however fast requests arrive. */
export const MONITOR_RELOAD_MS = 1000;
/**
 * While a page shows monitor data it is also re-read this often: the core stores probe samples
 * every 15 s without telling, so uptime and latency move between events.
 */
export const MONITOR_POLL_MS = 15_000;
/** How many alerts the Overview and the Alerts page read (open ones come first). */
export const ALERTS_LIMIT = 100;

const pageVisible = () => typeof document === "undefined" || document.visibilityState !== "hidden";

/**
 * Who is watching a resource: while at least one page is, `changed()` reloads (throttled) and a
 * slow poll runs while the window is visible. The first watcher also reloads at once.
 */
class Follower {
  private watchers = 0;
  private poll: ReturnType<typeof setInterval> | undefined;
  private readonly reload: () => void;
  private readonly pollMs: number | null;
  private readonly live: Throttled;

  constructor(reload: () => void, pollMs: number | null) {
    this.reload = reload;
    this.pollMs = pollMs;
    this.live = throttle(reload, MONITOR_RELOAD_MS);
  }

  get watched(): boolean {
    return this.watchers > 0;
  }

  changed(): void {
    if (this.watchers > 0) this.live();
  }

  private onVisibility = () => {
    if (pageVisible()) this.live();
  };

  watch(): () => void {
    this.watchers++;
    this.reload();
    if (this.watchers === 1 && this.pollMs !== null) {
      this.poll = setInterval(() => {
        if (pageVisible()) this.reload();
      }, this.pollMs);
      if (typeof document !== "undefined") document.addEventListener("visibilitychange", this.onVisibility);
    }
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      this.watchers = Math.max(0, this.watchers - 1);
      if (this.watchers > 0) return;
      clearInterval(this.poll);
      this.poll = undefined;
      this.live.cancel();
      if (typeof document !== "undefined") document.removeEventListener("visibilitychange", this.onVisibility);
    };
  }
}

class OverviewResource {
  /** Every enabled backend, in the Backends page's order. */
  cards = $state<BackendHealthCard[]>([]);
  loaded = $state(false);
  error = $state<IpcError | null>(null);
  /** "Refresh" is probing every backend. */
  probing = $state(false);
  private seq = 0;
  private follow = new Follower(() => void this.reload(), MONITOR_POLL_MS);

  async reload(): Promise<void> {
    const seq = ++this.seq;
    try {
      const cards = await api.healthOverview();
      if (seq !== this.seq) return;
      this.cards = cards;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    } finally {
      if (seq === this.seq) this.loaded = true;
    }
  }

  card(backendId: string | null): BackendHealthCard | null {
    return this.cards.find((c) => c.backendId === backendId) ?? null;
  }

  /** Health, traffic or backends changed in the core. */
  changed(): void {
    this.follow.changed();
  }

  /** A page showing the cards mounted: load now, then follow changes until the returned stop. */
  watch(): () => void {
    return this.follow.watch();
  }
}

/** Probe buckets of one backend over one range; switching back to a pair seen before is instant. */
class HistoryResource {
  backendId = $state<string | null>(null);
  range = $state<HealthRange>("day");
  /** The buckets of `backendId` over `range`, oldest first (stale ones until the reload answers). */
  points = $state<HealthPoint[]>([]);
  /** `points` were read for the current backend and range (not just remembered from before). */
  fresh = $state(false);
  loaded = $state(false);
  error = $state<IpcError | null>(null);
  private seq = 0;
  private cache = new Map<string, HealthPoint[]>();
  private follow = new Follower(() => void this.reload(), MONITOR_POLL_MS);

  private key(backendId: string, range: HealthRange): string {
    return `${range}:${backendId}`;
  }

  async reload(): Promise<void> {
    const backendId = this.backendId;
    const range = this.range;
    if (backendId === null) return;
    const seq = ++this.seq;
    try {
      const points = await api.healthHistory(backendId, range);
      if (seq !== this.seq) return;
      this.cache.set(this.key(backendId, range), points);
      this.points = points;
      this.fresh = true;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    } finally {
      if (seq === this.seq) this.loaded = true;
    }
  }

  /** Shows another backend and/or range: what was read before at once, then a fresh read. */
  select(backendId: string | null, range: HealthRange = this.range): void {
    if (backendId === this.backendId && range === this.range) return;
    this.backendId = backendId;
    this.range = range;
    this.points = backendId === null ? [] : (this.cache.get(this.key(backendId, range)) ?? []);
    this.fresh = false;
    this.error = null;
    // An answer for the previous pair must not land on this one.
    this.seq++;
    if (backendId !== null) void this.reload();
  }

  changed(): void {
    this.follow.changed();
  }

  watch(): () => void {
    return this.follow.watch();
  }
}

class AlertsResource {
  /** Open alerts first, then the newest resolved ones. */
  items = $state<AlertItem[]>([]);
  loaded = $state(false);
  error = $state<IpcError | null>(null);
  private seq = 0;
  // Alerts open and resolve with an event of their own: no poll needed.
  private follow = new Follower(() => void this.reload(), null);

  get open(): AlertItem[] {
    return this.items.filter((a) => a.resolvedAt === null);
  }

  get resolved(): AlertItem[] {
    return this.items.filter((a) => a.resolvedAt !== null);
  }

  async reload(): Promise<void> {
    const seq = ++this.seq;
    try {
      const items = await api.listAlerts(ALERTS_LIMIT);
      if (seq !== this.seq) return;
      this.items = items;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    } finally {
      if (seq === this.seq) this.loaded = true;
    }
  }

  changed(): void {
    this.follow.changed();
  }

  watch(): () => void {
    return this.follow.watch();
  }
}

/** The saved alert rules, cooldown and quiet hours. */
class AlertSettingsResource {
  value = $state<AlertSettings | null>(null);
  error = $state<IpcError | null>(null);
  private seq = 0;
  private follow = new Follower(() => void this.reload(), null);

  async reload(): Promise<void> {
    const seq = ++this.seq;
    try {
      const value = await api.getAlertSettings();
      if (seq !== this.seq) return;
      this.value = value;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    }
  }

  /** Saves (the core validates; a refusal throws the typed error and changes nothing) and resolves to what was saved. */
  async save(settings: AlertSettingsInput): Promise<AlertSettings> {
    const saved = await api.setAlertSettings(settings);
    this.seq++;
    this.value = saved;
    this.error = null;
    return saved;
  }

  /** `alertsChanged` also says the settings may have changed (elsewhere). */
  changed(): void {
    this.follow.changed();
  }

  watch(): () => void {
    return this.follow.watch();
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

/** Subscribes to the core events the monitor pages follow; resolves to an unsubscribe function. Safe outside Tauri. */
export async function listenToMonitorEvents(): Promise<() => void> {
  const offs: Array<() => void> = [];
  try {
    offs.push(
      await events.healthChanged.listen(() => {
        healthOverview.changed();
        healthHistory.changed();
      }),
    );
    offs.push(
      await events.alertsChanged.listen(() => {
        alerts.changed();
        alertSettings.changed();
      }),
    );
    offs.push(await events.requestsRecorded.listen(() => healthOverview.changed()));
    offs.push(await events.gatewayHealthChanged.listen(() => healthOverview.changed()));
    offs.push(
      await events.backendsChanged.listen(() => {
        // Names, enabled backends and uptime targets live there.
        healthOverview.changed();
        healthHistory.changed();
        alerts.changed();
      }),
    );
  } catch {
    // Not running inside Tauri (e.g. a plain browser preview): no events to follow.
  }
  return () => offs.forEach((off) => off());
}
