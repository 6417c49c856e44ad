// Routes and the gateway's live health (breakers, cool-downs, latency) as reactive resources.
// Both reload only while a page shows them; core events and a slow poll keep them fresh.
import { api } from "./api";
import { Resource } from "./resource.svelte";
import type { BackendHealth, Route, RouteForm } from "./types";

/** Event-driven health reloads happen at most this often, however fast requests arrive. */
export const HEALTH_RELOAD_MS = 1000;
/** While the page is visible the health is also polled, so cool-down countdowns move on. */
export const HEALTH_POLL_MS = 5000;

class RoutesResource extends Resource<Route[]> {
  constructor() {
    super([], { read: () => api.listRoutes() });
  }

  get items(): Route[] {
    return this.value;
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
}

class HealthResource extends Resource<BackendHealth[]> {
  /** When `items` was read (ms since the epoch): cool-downs count down from here. */
  at = $state(0);

  constructor() {
    super([], { read: () => api.gatewayHealth(), throttleMs: HEALTH_RELOAD_MS, pollMs: HEALTH_POLL_MS });
  }

  get items(): BackendHealth[] {
    return this.value;
  }

  protected accept(list: BackendHealth[]): void {
    this.value = list;
    this.at = Date.now();
  }
}

export const routes = new RoutesResource();
export const health = new HealthResource();
