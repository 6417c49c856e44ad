// The gateway's status and its client tokens as reactive resources.
import { api } from "./api";
import { toIpcError } from "./error";
import type { CreatedToken, GatewaySettingsForm, GatewaySettingsState, GatewayStatus, IpcError, Token } from "./types";

class GatewayResource {
  status = $state<GatewayStatus | null>(null);
  /** The status could not be read at all (not: the gateway failed to start, see `status.error`). */
  error = $state<IpcError | null>(null);
  private seq = 0;

  get listening(): boolean {
    return this.status?.address != null;
  }

  async reload(): Promise<void> {
    const seq = ++this.seq;
    try {
      const status = await api.gatewayStatus();
      if (seq !== this.seq) return;
      this.status = status;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    }
  }

  /** Pauses (requests get a 503) or resumes the gateway; throws the typed error. */
  async setPaused(paused: boolean): Promise<void> {
    const status = await api.setGatewayPaused(paused);
    ++this.seq;
    this.status = status;
    this.error = null;
  }
}

class TokensResource {
  items = $state<Token[]>([]);
  loaded = $state(false);
  error = $state<IpcError | null>(null);
  private seq = 0;

  /** Every token's name, revoked ones too (old requests still carry them). */
  get names(): string[] {
    return this.items.map((t) => t.name);
  }

  async reload(): Promise<void> {
    const seq = ++this.seq;
    try {
      const list = await api.listTokens();
      if (seq !== this.seq) return;
      this.items = list;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    } finally {
      if (seq === this.seq) this.loaded = true;
    }
  }

  /** Resolves to the new token with its value. The caller shows the value once and drops it. */
  async create(name: string): Promise<CreatedToken> {
    const created = await api.createToken(name);
    void this.reload();
    return created;
  }

  async revoke(id: string): Promise<void> {
    await api.revokeToken(id);
    void this.reload();
  }
}

/** The saved gateway settings (port, LAN access, browser origins); they apply at the next start. */
class GatewaySettingsResource {
  state = $state<GatewaySettingsState | null>(null);
  error = $state<IpcError | null>(null);
  private seq = 0;

  async reload(): Promise<void> {
    const seq = ++this.seq;
    try {
      const state = await api.getGatewaySettings();
      if (seq !== this.seq) return;
      this.state = state;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    }
  }

  /** Saves (the core validates; a refusal throws and changes nothing) and resolves to the new state. */
  async save(settings: GatewaySettingsForm): Promise<GatewaySettingsState> {
    const state = await api.updateGatewaySettings(settings);
    this.seq++;
    this.state = state;
    this.error = null;
    return state;
  }
}

export const gateway = new GatewayResource();
export const gatewaySettings = new GatewaySettingsResource();
export const tokens = new TokensResource();
