// Words for Settings → My machines: a pass in one line, and the tone of that line.
import type { SyncPass, SyncStatus } from "../ipc/types";
import { plural } from "./format";

/** What the last pass did, in one sentence (its time is shown beside it). */
export function passSummary(pass: SyncPass | null | undefined): string {
  if (!pass) return "No pass yet.";
  if (pass.error) return `The last pass did not run: ${pass.error}`;
  const parts: string[] = [];
  if (pass.pushed.length) parts.push(`sent ${plural(pass.pushed.length, "record")}`);
  if (pass.pulled.length) parts.push(`took ${plural(pass.pulled.length, "record")}`);
  if (pass.conflicts.length) parts.push(`${plural(pass.conflicts.length, "conflict")} to settle`);
  if (pass.problems.length) parts.push(`${plural(pass.problems.length, "record")} not taken`);
  if (!parts.length) return "Up to date.";
  const text = parts.join(", ");
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

export type SyncTone = "ok" | "warn" | "bad" | "neutral";

/** Off: neutral; a failed pass: bad; conflicts or records not taken: warn; else ok. */
export function syncTone(status: SyncStatus | null): SyncTone {
  const last = status?.last;
  if (!status?.settings.enabled || !last) return "neutral";
  if (last.error) return "bad";
  return last.conflicts.length || last.problems.length ? "warn" : "ok";
}

/** The kinds of record, as the settings name them and as people do. */
export const SYNC_KINDS = [
  { key: "backends", label: "Backends", hint: "without their keys: each machine keeps its own in its keychain" },
  { key: "routes", label: "Routes", hint: "" },
  { key: "budgets", label: "Budgets", hint: "" },
  { key: "tokens", label: "Tool tokens", hint: "a tool connected on one machine works with the others' gateways" },
] as const;
