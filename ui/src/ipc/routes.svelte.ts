// Routes and the gateway's live health (breakers, cool-downs, latency) as reactive resources.
// Both reload only while a page shows them; core events and a slow poll keep them fresh.
import { events } from "../bindings";
import { api } from "./api";
import { toIpcError } from "./error";
import type { BackendHealth, IpcError, Route, RouteForm } from "./types";
import { throttle } from "../lib/throttle";

/** Event-driven health reloads happen at most this often, however fast requests arrive. */
export const HEALTH_RELOAD_MS = 1000;
/** While the page is visible the health is also polled, so cool-down countdowns move on. */
export const HEALTH_POLL_MS = 5000;

const pageVisible = () => typeof document === "undefined" || document.visibilityState !== "hidden";

class RoutesResource {
  items = $state<Route[]>([]);
  loaded = $state(false);
  error = $state<IpcError | null>(null);
  private watchers = 0;
  private seq = 0;

  async reload(): Promise<void> {
    const seq = ++this.seq;
    try {
      const list = await api.listRoutes();
      if (seq !== this.seq) return;
      this.items = list;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    } finally {
      if (seq === this.seq) this.loaded = true;
    }
  }

  /** Creates (`id` = null) or replaces a route; throws the typed error, nothing saved on error. */
  async save(id: string | null, form: RouteForm): Promise<Route> {
    const saved = await api.saveRoute(id, form);
    void this.reload();
    return saved;
  }

  async remove(id: string): Promise<void> {
    await api.deleteRoute(id);
    void this.reload();
  }

  /** Routes or the backends they name changed in the core. */
  changed(): void {
    if (this.watchers > 0) void this.reload();
  }

  /** A page showing the routes mounted: load now, then follow changes until the returned stop. */
  watch(): () => void {
    this.watchers++;
    void this.reload();
    return () => {
      this.watchers = Math.max(0, this.watchers - 1);
    };
  }
}

class HealthResource {
  items = $state<BackendHealth[]>([]);
  loaded = $state(false);
  error = $state<IpcError | null>(null);
  /** When `items` was read (ms since the epoch): cool-downs count down from here. */
  at = $state(0);
  private watchers = 0;
  private seq = 0;
  private poll: ReturnType<typeof setInterval> | undefined;

  async reload(): Promise<void> {
    const seq = ++this.seq;
    try {
      const list = await api.gatewayHealth();
      if (seq !== this.seq) return;
      this.items = list;
      this.at = Date.now();
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    } finally {
      if (seq === this.seq) this.loaded = true;
    }
  }

  private live = throttle(() => void this.reload(), HEALTH_RELOAD_MS);

  /** Breakers changed, requests finished or backends changed. */
  changed(): void {
    if (this.watchers > 0) this.live();
  }

  private onVisibility = () => {
    if (pageVisible()) this.live();
  };

  /** A page showing the live state mounted: load now, follow events and poll until the returned stop. */
  watch(): () => void {
    this.watchers++;
    void this.reload();
    if (this.watchers === 1) {
      this.poll = setInterval(() => {
        if (pageVisible()) void this.reload();
      }, HEALTH_POLL_MS);
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

export const routes = new RoutesResource();
export const health = new HealthResource();

/** Subscribes to the core events routes and live health follow; resolves to an unsubscribe function. Safe outside Tauri. */
export async function listenToRouteEvents(): Promise<() => void> {
  const offs: Array<() => void> = [];
  try {
    offs.push(await events.routesChanged.listen(() => routes.changed()));
    offs.push(
      await events.backendsChanged.listen(() => {
        // Candidates show their backend's name and whether it is enabled; health lists enabled backends.
        routes.changed();
        health.changed();
      }),
    );
    offs.push(await events.gatewayHealthChanged.listen(() => health.changed()));
    offs.push(await events.requestsRecorded.listen(() => health.changed()));
  } catch {
    // Not running inside Tauri (e.g. a plain browser preview): no events to follow.
  }
  return () => offs.forEach((off) => off());
}
