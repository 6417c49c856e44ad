// The gateway settings form as typed, and the pure conversions to and from the IPC shape.
import type { GatewaySettingsForm, ResilienceForm } from "../ipc/types";
import { sameResilience } from "./resilience";

/** Where the gateway listens unless the user picks another port. */
export const DEFAULT_GATEWAY_PORT = 4141;

/** The inputs as typed: the port as text, origins and networks one per line. */
export type GatewayDraft = { port: string; allowNonLoopback: boolean; origins: string; networks: string; metricsOpenOnLoopback: boolean; servePanel: boolean };

export type GatewayParse = { ok: true; settings: GatewaySettingsForm } | { ok: false; message: string };

export function draftFromSettings(s: GatewaySettingsForm): GatewayDraft {
  return {
    port: String(s.port),
    allowNonLoopback: s.allowNonLoopback,
    origins: s.allowedOrigins.join("\n"),
    networks: s.allowedNetworks.join("\n"),
    metricsOpenOnLoopback: s.metricsOpenOnLoopback,
    servePanel: s.servePanel,
  };
}

/** The origins in the textarea: one per line (commas and spaces also separate), blanks dropped. */
export function parseOrigins(text: string): string[] {
  return text.split(/[\s,]+/).filter((o) => o !== "");
}

/**
 * The settings to send, with `resilience` as saved (another card edits it). Only what the core
 * could not even receive is refused here (a port that is not a whole number up to 65535); the core
 * checks the rest and says why.
 */
export function parseDraft(d: GatewayDraft, resilience: ResilienceForm): GatewayParse {
  const port = d.port.trim();
  const n = Number(port);
  if (!/^\d+$/.test(port) || n > 65535) {
    return { ok: false, message: `Enter a port from 1024 to 65535; the default is ${DEFAULT_GATEWAY_PORT}.` };
  }
  return {
    ok: true,
    settings: { port: n, allowNonLoopback: d.allowNonLoopback, allowedOrigins: parseOrigins(d.origins), allowedNetworks: parseOrigins(d.networks), resilience, metricsOpenOnLoopback: d.metricsOpenOnLoopback, servePanel: d.servePanel },
  };
}

export function sameSettings(a: GatewaySettingsForm, b: GatewaySettingsForm): boolean {
  return (
    a.port === b.port &&
    a.allowNonLoopback === b.allowNonLoopback &&
    a.metricsOpenOnLoopback === b.metricsOpenOnLoopback &&
    a.servePanel === b.servePanel &&
    a.allowedOrigins.length === b.allowedOrigins.length &&
    a.allowedOrigins.every((o, i) => o === b.allowedOrigins[i]) &&
    a.allowedNetworks.length === b.allowedNetworks.length &&
    a.allowedNetworks.every((o, i) => o === b.allowedNetworks[i]) &&
    sameResilience(a.resilience, b.resilience)
  );
}

/** Whether saving would change nothing (line breaks and blank lines do not count). */
export function draftUnchanged(d: GatewayDraft, saved: GatewaySettingsForm): boolean {
  const parsed = parseDraft(d, saved.resilience);
  return parsed.ok && sameSettings(parsed.settings, saved);
}
