// The Tools page, its pure side: a tool's state and usage in words, what an action did, the
// model picker's options, and the key sweep's rows.
import type { FoundKey, MovedKey, ToolInfo } from "../ipc/types";
import type { ToolAction, ToolOutcome } from "../ipc/tools.svelte";
import { plural, type Tone } from "./format";
import { planText } from "./plans";

/** The model picker's value for "let Switchyard pick". */
export const AUTOMATIC = "";

export type ToolState = "connected" | "needsReconnect" | "notConnected";

export function toolState(t: Pick<ToolInfo, "connected" | "needsReconnect">): ToolState {
  if (!t.connected) return "notConnected";
  return t.needsReconnect ? "needsReconnect" : "connected";
}

export const TOOL_STATES: Record<ToolState, { label: string; tone: Tone }> = {
  connected: { label: "Connected", tone: "ok" },
  needsReconnect: { label: "Needs reconnect", tone: "warn" },
  notConnected: { label: "Not connected", tone: "muted" },
};

/** "Installed · 2.1.197", "Installed" (no version answered) or "Not installed". */
export function installedText(t: Pick<ToolInfo, "installed" | "version">): string {
  if (!t.installed) return "Not installed";
  return t.version ? `Installed · ${t.version}` : "Installed";
}

/** Why a connected tool needs a reconnect, in words. */
export function reconnectReason(t: Pick<ToolInfo, "pointsAt">, gatewayRoot: string | null): string {
  if (t.pointsAt && gatewayRoot && !t.pointsAt.startsWith(gatewayRoot)) {
    return `Its files point at ${t.pointsAt}, not at this gateway. Reconnect to fix them.`;
  }
  return "Its files or its token changed since it was connected (the gateway's port, an edit, a revoked token). Reconnect to fix them.";
}

/** "3 requests today". */
export function requestsText(n: number): string {
  return `${plural(n, "request")} today`;
}

/**
 * The model picker's options: Automatic, then the choices, plus the tool's current model when it
 * is no longer among them (so the picker still shows what the tool uses).
 */
export function modelOptions(choices: readonly string[], current: string | null): ModelOption[] {
  const opts: ModelOption[] = [{ value: AUTOMATIC, label: "Automatic", group: "" }];
  for (const c of choices) {
    const slash = c.indexOf("/");
    opts.push(slash < 0 ? { value: c, label: c, group: "Routes" } : { value: c, label: c.slice(slash + 1), group: c.slice(0, slash) });
  }
  if (current && !choices.includes(current)) opts.push({ value: current, label: `${current} (not available now)`, group: "" });
  return opts;
}

/** A model picker's choice: `group` is the route list or the backend it is on ("" for none). */
export type ModelOption = { value: string; label: string; group: string };

/** Options in groups, in the order each group first appears (a `<select>`'s optgroups). */
export function groupedOptions(opts: readonly ModelOption[]): Array<{ label: string; options: ModelOption[] }> {
  const groups: Array<{ label: string; options: ModelOption[] }> = [];
  for (const o of opts) {
    const last = groups.at(-1);
    const g = last?.label === o.group ? last : groups.find((x) => x.label === o.group && o.group !== "");
    if (g) g.options.push(o);
    else groups.push({ label: o.group, options: [o] });
  }
  return groups;
}

const ACTION_DONE: Record<ToolAction, string> = {
  connect: "Connected",
  disconnect: "Disconnected",
  installStatusline: "Status line installed",
  removeStatusline: "Status line removed",
};

/** What an action did, as lines for the card: the headline, files changed, keys kept, backups. */
export function outcomeLines(o: ToolOutcome): { headline: string; details: string[] } {
  let headline = ACTION_DONE[o.action];
  if (o.tokenName) headline += o.action === "disconnect" ? ` · token “${o.tokenName}” revoked` : ` with token “${o.tokenName}”`;
  if (o.action === "connect") headline += o.model ? ` · model ${o.model}` : " · the tool picks its models";
  if (o.action === "connect" && o.plan) headline += ` · ${planText(o.plan)}`;
  const details: string[] = [];
  if (o.files.changed.length === 0) details.push("No file needed a change.");
  else details.push(`Changed ${o.files.changed.join(", ")}`);
  if (o.files.kept.length > 0) details.push(`Kept as you changed them: ${o.files.kept.join(", ")}`);
  if (o.files.backups.length > 0) details.push(`${plural(o.files.backups.length, "backup")} in the data folder`);
  return { headline, details };
}

/** `~/.bashrc:12`; a variable of the user's environment store (line 0) by the store's name. */
export function whereText(k: Pick<FoundKey | MovedKey, "path" | "line">): string {
  return k.line === 0 ? k.path : `${k.path}:${k.line}`;
}

/** "Moved OPENAI_API_KEY to OpenAI/bashrc (test: valid)". */
export function movedText(m: MovedKey): string {
  const test = m.tested ? ` (key test: ${m.tested})` : "";
  const left = m.line === 0 ? `It was removed from ${m.path}; “Put back” sets it again.` : "The line is commented out; “Put back” restores it.";
  return `Moved ${m.variable} from ${whereText(m)} to ${m.backend}/${m.keyLabel}${test}. ${left}`;
}

