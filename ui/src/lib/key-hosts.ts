// Where keys may go, as the page explains it: a key is sent only to the hosts (origins) the user
// approved for it. The edit dialog says when saving approves a new one; the import dialog lists
// what a file would change and asks once. The core decides; these only word it.
import type { Backend, ConfigApproval, ConfigImport, GatewayExposureChange, KeyHostChange } from "../ipc/types";

/** The origin of `url` as the core writes it (`https://api.openai.com`), or null when it has none. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url.trim());
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    return u.origin;
  } catch {
    return null;
  }
}

/**
 * When saving `baseUrl` for the backend being edited would send its keys to an origin some of them
 * are not approved for: that origin and how many keys. Saving is the user's approval, so the
 * dialog says so before they click.
 */
export function approvalOnSave(editing: Backend | null, baseUrl: string): { origin: string; keys: number } | null {
  if (!editing || editing.kind === "demo" || editing.keys.length === 0) return null;
  const origin = originOf(baseUrl);
  if (origin === null) return null;
  if (editing.keys.every((k) => k.hosts.includes(origin))) return null;
  return { origin, keys: editing.keys.length };
}

/** The keys of `backend` that are never sent now (their host changed without the user's approval). */
export function withheldKeys(backend: Backend): number {
  return backend.keys.filter((k) => !k.approvedHere).length;
}

const EXPOSURE: Record<string, string> = {
  allowNonLoopback: "Other machines may connect",
  metricsOpenOnLoopback: "Programs on this computer read metrics without a token",
  servePanel: "The control panel served to a browser (a panel token signs in)",
  allowedOrigins: "Web pages allowed to call the gateway",
  allowedNetworks: "Networks other machines may connect from",
  "team.database": "Team database this machine serves from (its password goes there)",
  "team.redis": "Team Redis this machine shares limits and cache through",
};

/** A gateway setting's name in words (the file's name for one this UI does not know). */
export function exposureLabel(c: GatewayExposureChange): string {
  return EXPOSURE[c.setting] ?? c.setting;
}

/** `Main: https://api.openai.com → https://evil.example (2 keys)`: old host → new, as the CLI lists it. */
export function keyHostText(c: KeyHostChange): string {
  const keys = c.keys === 1 ? "1 key" : `${c.keys} keys`;
  return `${c.backend}: ${c.from} → ${c.to} (${keys})`;
}

/** `Other machines may connect: off → on`. */
export function exposureText(c: GatewayExposureChange): string {
  return `${exposureLabel(c)}: ${c.from} → ${c.to}`;
}

/** Whether the preview has changes the user must approve before the import can apply. */
export function needsApproval(preview: ConfigImport): boolean {
  return preview.hostChanges.length > 0 || preview.exposureChanges.length > 0;
}

/** The approval of exactly what `preview` listed: the core refuses anything else. */
export function approvalOf(preview: ConfigImport | null): ConfigApproval {
  return { hostChanges: preview?.hostChanges ?? [], exposureChanges: preview?.exposureChanges ?? [] };
}

/** The apply answered without applying although nothing had issues: the file changed after the preview. */
export function changedSincePreview(result: ConfigImport): boolean {
  return !result.applied && result.issues.length === 0 && needsApproval(result);
}
