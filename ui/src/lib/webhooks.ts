// The Alerts page's webhooks card, its pure side: one row per alert rule (named as the rules form
// names it) with the masked URL the core keeps, what may be sent, and errors in words.
import type { IpcError } from "../ipc/types";
import { ruleLabel, type RuleRef } from "./rule-kinds";

export type WebhookRow = {
  ruleId: string;
  /** The rule in words, as the core names it ("Backend down", "Unrouted usage"). */
  label: string;
  /** `https://hooks.slack.com/…`, or null when the rule has no webhook. */
  masked: string | null;
};

/**
 * A row for every rule, in the rules form's order, then one for any webhook whose rule is no
 * longer listed (so it can still be removed).
 */
export function webhookRows(rules: readonly RuleRef[], masked: Readonly<Record<string, string>>): WebhookRow[] {
  const rows: WebhookRow[] = rules.map((r) => ({ ruleId: r.id, label: ruleLabel(r.id, rules), masked: masked[r.id] ?? null }));
  for (const [ruleId, url] of Object.entries(masked)) {
    if (!rules.some((r) => r.id === ruleId)) rows.push({ ruleId, label: ruleLabel(ruleId, rules), masked: url });
  }
  return rows;
}

/** The URL to send from what was typed: trimmed, or null when there is nothing to save. */
export function webhookInput(text: string): string | null {
  const t = text.trim();
  return t === "" ? null : t;
}

/** Ends with a full stop (unless it already ends a sentence, or with a masked URL's "…"). */
function stop(text: string): string {
  const t = text.trim();
  return t === "" || /[.!?…]$/.test(t) ? t : `${t}.`;
}

/** "invalid webhook URL: …" → "Invalid webhook URL: …": a sentence. */
function sentence(text: string): string {
  const t = stop(text);
  return t === "" ? t : t[0].toUpperCase() + t.slice(1);
}

/**
 * Why saving or testing a webhook failed, in words. The core's messages never hold the URL (only
 * its masked form), so they are shown as they come, with the hint when there is one.
 */
export function webhookErrorText(e: Pick<IpcError, "kind" | "message" | "hint">, action: "save" | "remove" | "test"): string {
  const hint = e.hint ? ` ${sentence(e.hint)}` : "";
  switch (e.kind) {
    case "validation":
      return `${sentence(e.message)}${hint}`;
    case "notificationsUnavailable":
      return `Not sent: ${stop(e.message)}${hint}`;
    case "notFound":
      return action === "test" ? "No webhook is set for this rule any more: set one, then send a test." : `${sentence(e.message)}${hint}`;
    case "keychainUnavailable":
      return `The OS keychain is unavailable, so the webhook could not be ${action === "test" ? "read" : action === "remove" ? "removed" : "saved"}.${hint}`;
    default:
      return `${sentence(e.message)}${hint}`;
  }
}
