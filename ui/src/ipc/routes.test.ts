import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BackendHealth, Route, RouteForm } from "./types";

const gatewayHealth = vi.fn<() => Promise<BackendHealth[]>>();
const listRoutes = vi.fn<() => Promise<Route[]>>();
const saveRoute = vi.fn<(id: string | null, form: RouteForm) => Promise<Route>>();

vi.mock("../bindings", () => ({ events: {} }));
vi.mock("./api", () => ({
  api: {
    gatewayHealth: () => gatewayHealth(),
    listRoutes: () => listRoutes(),
    saveRoute: (id: string | null, form: RouteForm) => saveRoute(id, form),
  },
}));

const { health, routes, HEALTH_POLL_MS, HEALTH_RELOAD_MS } = await import("./routes.svelte");
const { IpcFailure } = await import("./error");

const demo: BackendHealth = {
  backendId: "demo",
  state: { breaker: "closed", coolingDownSecs: null, invalid: false, latencyMs: 12, availability: 1, headroom: null },
  keys: [],
};

const route: Route = { id: "r1", name: "fast", strategy: { type: "priority" }, candidates: [], cache: { mode: "auto", ttlSecs: null }, updatedAt: "2025-11-21T12:00:00Z" };

describe("live health", () => {
  let stop: (() => void) | null = null;

  beforeEach(() => {
    gatewayHealth.mockReset();
    gatewayHealth.mockResolvedValue([demo]);
    vi.useFakeTimers();
  });
  afterEach(() => {
    stop?.();
    stop = null;
    vi.useRealTimers();
  });

  it("loads when a page watches, then polls every few seconds until it stops", async () => {
    stop = health.watch();
    await vi.advanceTimersByTimeAsync(0);
    expect(gatewayHealth).toHaveBeenCalledTimes(1);
    expect(health.items).toEqual([demo]);
    await vi.advanceTimersByTimeAsync(3 * HEALTH_POLL_MS);
    expect(gatewayHealth).toHaveBeenCalledTimes(4);
    stop();
    stop = null;
    await vi.advanceTimersByTimeAsync(3 * HEALTH_POLL_MS);
    expect(gatewayHealth).toHaveBeenCalledTimes(4);
  });

  it("folds a burst of events into at most one reload per interval", async () => {
    stop = health.watch();
    await vi.advanceTimersByTimeAsync(0);
    gatewayHealth.mockClear();
    for (let i = 0; i < 20; i++) health.changed();
    expect(gatewayHealth).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(HEALTH_RELOAD_MS);
    expect(gatewayHealth).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(HEALTH_RELOAD_MS);
    expect(gatewayHealth).toHaveBeenCalledTimes(2);
  });

  it("ignores events while no page shows the live state", async () => {
    health.changed();
    await vi.advanceTimersByTimeAsync(HEALTH_POLL_MS);
    expect(gatewayHealth).not.toHaveBeenCalled();
  });

  it("keeps the last state and reports the error when a reload fails", async () => {
    stop = health.watch();
    await vi.advanceTimersByTimeAsync(0);
    gatewayHealth.mockRejectedValueOnce(new IpcFailure({ kind: "internal", message: "boom", hint: null, issues: [] }));
    await health.reload();
    expect(health.items).toEqual([demo]);
    expect(health.error?.message).toBe("boom");
    await health.reload();
    expect(health.error).toBeNull();
  });
});

describe("routes", () => {
  beforeEach(() => {
    listRoutes.mockReset();
    saveRoute.mockReset();
    listRoutes.mockResolvedValue([]);
  });

  it("reloads on changes only while a page shows them", async () => {
    routes.changed();
    expect(listRoutes).not.toHaveBeenCalled();
    const stop = routes.watch();
    expect(listRoutes).toHaveBeenCalledTimes(1);
    routes.changed();
    expect(listRoutes).toHaveBeenCalledTimes(2);
    stop();
    routes.changed();
    expect(listRoutes).toHaveBeenCalledTimes(2);
  });

  it("reloads after saving and passes the core's refusal on, typed", async () => {
    saveRoute.mockResolvedValueOnce(route);
    listRoutes.mockResolvedValueOnce([route]);
    const form: RouteForm = { name: "fast", strategy: { type: "priority" }, candidates: [], cache: { mode: "always", ttlSecs: 3600 } };
    await expect(routes.save(null, form)).resolves.toEqual(route);
    expect(saveRoute).toHaveBeenCalledWith(null, form);
    await vi.waitFor(() => expect(routes.items).toEqual([route]));

    const refusal = { kind: "validation" as const, message: "A route name may use letters…", hint: null, issues: [] };
    saveRoute.mockRejectedValueOnce(new IpcFailure(refusal));
    await expect(routes.save("r1", form)).rejects.toMatchObject({ error: refusal });
  });
});
