// The gateway's status, its client tokens and its saved settings as reactive resources. The status
// and the tokens follow their events (`gatewayHealthChanged`, `tokensChanged`) at all times: the
// sidebar and several pages show them.
import { api } from "./api";
import { Resource } from "./resource.svelte";
import type { CreatedToken, GatewayExposureChange, GatewaySettingsForm, GatewaySettingsState, GatewayStatus, Token } from "./types";

class GatewayResource extends Resource<GatewayStatus | null> {
  constructor() {
    super(null, { read: () => api.gatewayStatus(), follow: "always" });
  }

  /** `error` says the status could not be read at all; a gateway that failed to start is `status.error`. */
  get status(): GatewayStatus | null {
    return this.value;
  }

  get listening(): boolean {
    return this.status?.address != null;
  }

  /** Pauses (requests get a 503) or resumes the gateway; throws the typed error. */
  async setPaused(paused: boolean): Promise<void> {
    this.assign(await api.setGatewayPaused(paused));
  }
}

class TokensResource extends Resource<Token[]> {
  constructor() {
    super([], { read: () => api.listTokens(), follow: "always" });
  }

  get items(): Token[] {
    return this.value;
  }

  /** Every token's name, revoked ones too (old requests still carry them). */
  get names(): string[] {
    return this.items.map((t) => t.name);
  }

  /** Resolves to the new token with its value. The caller shows the value once and drops it. */
  async create(name: string): Promise<CreatedToken> {
    const created = await api.createToken(name);
    void this.reload();
    return created;
  }

  /** A scrape token: it reads `/metrics` only. Shown once, like any token. */
  async createScrape(name: string): Promise<CreatedToken> {
    const created = await api.createScrapeToken(name);
    void this.reload();
    return created;
  }

  async revoke(id: string): Promise<void> {
    await api.revokeToken(id);
    void this.reload();
  }
}

/** The saved gateway settings (port, LAN access, browser origins); they apply at the next start. */
class GatewaySettingsResource extends Resource<GatewaySettingsState | null> {
  constructor() {
    super(null, { read: () => api.getGatewaySettings() });
  }

  get state(): GatewaySettingsState | null {
    return this.value;
  }

  /** What saving would open (the core validates first; a refusal throws): the user approves it. */
  preview(settings: GatewaySettingsForm): Promise<GatewayExposureChange[]> {
    return api.previewGatewaySettings(settings);
  }

  /**
   * Saves (the core validates; a refusal throws and changes nothing) and resolves to the new
   * state. `approved`: what the user was shown and approved of `preview`; the core refuses a
   * save that opens anything else.
   */
  async save(settings: GatewaySettingsForm, approved: GatewayExposureChange[] = []): Promise<GatewaySettingsState> {
    const state = await api.updateGatewaySettings(settings, approved);
    this.assign(state);
    return state;
  }
}

export const gateway = new GatewayResource();
export const gatewaySettings = new GatewaySettingsResource();
export const tokens = new TokensResource();
