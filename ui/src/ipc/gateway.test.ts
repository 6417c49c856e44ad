import { beforeEach, describe, expect, it, vi } from "vitest";
import type { GatewayExposureChange, GatewaySettingsForm, GatewaySettingsState } from "./types";

const getGatewaySettings = vi.fn<() => Promise<GatewaySettingsState>>();
const updateGatewaySettings = vi.fn<(s: GatewaySettingsForm, approved: GatewayExposureChange[]) => Promise<GatewaySettingsState>>();
const previewGatewaySettings = vi.fn<(s: GatewaySettingsForm) => Promise<GatewayExposureChange[]>>();

vi.mock("../bindings", () => ({ events: {} }));
vi.mock("./api", () => ({
  api: {
    getGatewaySettings: () => getGatewaySettings(),
    updateGatewaySettings: (s: GatewaySettingsForm, approved: GatewayExposureChange[]) => updateGatewaySettings(s, approved),
    previewGatewaySettings: (s: GatewaySettingsForm) => previewGatewaySettings(s),
  },
}));

const { gatewaySettings } = await import("./gateway.svelte");
const { IpcFailure } = await import("./error");

const settings = (over: Partial<GatewaySettingsForm> = {}): GatewaySettingsForm => ({ port: 4141, allowNonLoopback: false, allowedOrigins: [], allowedNetworks: [], resilience: { breakerFailures: 3, breakerFailureRatePct: 50, breakerOpenSecs: 60, breakerCloseAfter: 3, retriesPerCandidate: 1, firstByteTimeoutSecs: 60 }, metricsOpenOnLoopback: false, servePanel: false, ...over });

describe("gateway settings", () => {
  beforeEach(async () => {
    getGatewaySettings.mockReset();
    updateGatewaySettings.mockReset();
    getGatewaySettings.mockResolvedValueOnce({ settings: settings(), restartNeeded: false, portFixed: false });
    await gatewaySettings.reload();
  });

  it("loads the saved settings", () => {
    expect(gatewaySettings.state).toEqual({ settings: settings(), restartNeeded: false, portFixed: false });
    expect(gatewaySettings.error).toBeNull();
  });

  it("keeps what the core answers after a save, restart notice included", async () => {
    const next = { settings: settings({ allowedOrigins: ["http://localhost:5173"] }), restartNeeded: true, portFixed: false };
    updateGatewaySettings.mockResolvedValueOnce(next);
    await expect(gatewaySettings.save(settings({ allowedOrigins: ["http://localhost:5173/"] }))).resolves.toEqual(next);
    expect(gatewaySettings.state).toEqual(next);
  });

  it("asks the core what a save opens, and sends back only what the user approved", async () => {
    const lan: GatewayExposureChange = { setting: "allowNonLoopback", from: "off", to: "on" };
    previewGatewaySettings.mockResolvedValueOnce([lan]);
    await expect(gatewaySettings.preview(settings({ allowNonLoopback: true }))).resolves.toEqual([lan]);
    const next = { settings: settings({ allowNonLoopback: true }), restartNeeded: true, portFixed: false };
    updateGatewaySettings.mockResolvedValueOnce(next);
    await gatewaySettings.save(settings({ allowNonLoopback: true }), [lan]);
    expect(updateGatewaySettings).toHaveBeenLastCalledWith(settings({ allowNonLoopback: true }), [lan]);
    updateGatewaySettings.mockResolvedValueOnce(next);
    await gatewaySettings.save(settings({ port: 5000 }));
    expect(updateGatewaySettings.mock.lastCall?.[1], "nothing approved unless passed").toEqual([]);
  });

  it("changes nothing when the core refuses", async () => {
    updateGatewaySettings.mockRejectedValueOnce(new IpcFailure({ kind: "validation", message: "“*” would let every web page spend your keys; list each origin.", hint: null, issues: [] }));
    await expect(gatewaySettings.save(settings({ allowedOrigins: ["*"] }))).rejects.toMatchObject({ error: { kind: "validation" } });
    expect(gatewaySettings.state).toEqual({ settings: settings(), restartNeeded: false, portFixed: false });
  });

  it("ignores a load that finishes after a save", async () => {
    let finish!: (s: GatewaySettingsState) => void;
    getGatewaySettings.mockReturnValueOnce(new Promise((r) => (finish = r)));
    const loading = gatewaySettings.reload();
    const next = { settings: settings({ port: 5000 }), restartNeeded: true, portFixed: false };
    updateGatewaySettings.mockResolvedValueOnce(next);
    await gatewaySettings.save(settings({ port: 5000 }));
    finish({ settings: settings(), restartNeeded: false, portFixed: false });
    await loading;
    expect(gatewaySettings.state).toEqual(next);
  });
});
