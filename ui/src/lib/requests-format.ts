// Pure formatting for the Gateway and Requests pages: times, costs, token counts, statuses.
import type { ErrorClassName, InboundApi, LedgerRow, Token } from "../ipc/types";
import type { Tone } from "./format";

/** "just now", "42s ago", "5 min ago", "3 h ago", "2 d ago"; older ones as a date. */
export function relativeTime(iso: string, now: number, locale?: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.floor((now - t) / 1000);
  if (s < 5) return "just now";
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.floor(h / 24);
  if (d < 30) return `${d} d ago`;
  return new Date(t).toLocaleDateString(locale, { dateStyle: "medium" });
}

/** The full local date and time, for tooltips. */
export function absoluteTime(iso: string, locale?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale, { dateStyle: "medium", timeStyle: "medium" });
}

export type CostText = { text: string; tone: Tone; title: string };

/**
 * `$0.0012`, `$1.25`; zero is "$0.00" (free); an unknown price is "unknown" (a warning), never $0.
 */
/** The key label the gateway records a request served with a tool's own plan sign-in under. */
export const PLAN_SIGN_IN = "sign-in";

/** A request's cost in words; one a tool's plan served (`keyLabel` the plan's sign-in) says "plan". */
export function formatCost(usd: number | null | undefined, keyLabel?: string | null): CostText {
  if (keyLabel === PLAN_SIGN_IN && usd === 0) {
    return { text: "plan", tone: "muted", title: "Served with the tool's own plan sign-in: paid by the plan" };
  }
  if (usd === null || usd === undefined || !Number.isFinite(usd)) {
    return { text: "unknown", tone: "warn", title: "Price unknown: this model has no known price, so the cost could not be worked out." };
  }
  if (usd === 0) return { text: "$0.00", tone: "muted", title: "Free" };
  const exact = `$${usd.toFixed(6).replace(/0+$/, "").replace(/\.$/, "")}`;
  if (usd < 0.0001) return { text: "<$0.0001", tone: "neutral", title: exact };
  const text = usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
  return { text, tone: "neutral", title: exact };
}

/** Colour of an HTTP status: success, rate limit / client gone, or failure. */
export function httpTone(status: number): Tone {
  if (status > 0 && status < 400) return "ok";
  if (status === 429 || status === 499) return "warn";
  return "bad";
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? "—" : Math.round(n).toLocaleString("en-US");
}

export function formatMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "—" : `${Math.round(ms).toLocaleString("en-US")} ms`;
}

/** "120 in · 48 out (30 reasoning)", plus "cache 900 read · 40 write (30 for 1 h)" when the
 * cache was used: the parts priced apart are named. */
export function tokenUsage(
  row: Pick<LedgerRow, "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens"> &
    Partial<Pick<LedgerRow, "cacheWrite1hTokens" | "reasoningTokens">>,
): { main: string; cache: string | null } {
  const reasoning = row.reasoningTokens ? ` (${formatCount(row.reasoningTokens)} reasoning)` : "";
  const main = `${formatCount(row.inputTokens)} in · ${formatCount(row.outputTokens)} out${reasoning}`;
  const parts: string[] = [];
  if (row.cacheReadTokens) parts.push(`${formatCount(row.cacheReadTokens)} read`);
  const hour = row.cacheWrite1hTokens ? ` (${formatCount(row.cacheWrite1hTokens)} for 1 h)` : "";
  if (row.cacheWriteTokens) parts.push(`${formatCount(row.cacheWriteTokens)} write${hour}`);
  return { main, cache: parts.length ? `cache ${parts.join(" · ")}` : null };
}

/** Where a request went: "Backend/model", or a dash when it never reached one. */
export function servedBy(row: Pick<LedgerRow, "backend" | "model">): string {
  if (!row.backend) return "—";
  return row.model ? `${row.backend}/${row.model}` : row.backend;
}

export type TokenState = "active" | "revoked";

export function tokenState(t: Pick<Token, "revokedAt">): TokenState {
  return t.revokedAt ? "revoked" : "active";
}

/** `sy-3f9a12…`: the prefix, marked as incomplete. */
export function tokenPrefix(prefix: string): string {
  return `${prefix}…`;
}

export function lastUsed(iso: string | null, now: number, locale?: string): string {
  return iso ? relativeTime(iso, now, locale) : "never";
}

/** The APIs a caller can use, in the order the Requests page's filter lists them. */
export const INBOUND_APIS: ReadonlyArray<{ value: InboundApi; label: string }> = [
  { value: "openai", label: "OpenAI Chat" },
  { value: "responses", label: "OpenAI Responses" },
  { value: "anthropic", label: "Anthropic Messages" },
  { value: "gemini", label: "Gemini" },
  { value: "embeddings", label: "Embeddings" },
  { value: "count_tokens", label: "Token counts" },
];

/** Why a request failed, in words: the ledger's closed set of classes, each named once. */
export const ERROR_CLASS_LABELS: Readonly<Record<ErrorClassName, string>> = {
  timeout: "Provider timed out",
  connect: "Could not connect",
  key_invalid: "Key refused",
  rate_limited: "Rate-limited by the provider",
  upstream_5xx: "Provider error (5xx)",
  client_error: "Refused by the provider (4xx)",
  unknown_model: "Unknown model",
  untranslatable: "Not expressible for the backend",
  budget_exceeded: "Budget hard stop",
  limit_reached: "At a backend's rate limit",
  timeout_total: "Request timed out",
  no_candidate: "No backend could answer",
  bad_request: "Bad request",
  client_disconnected: "Caller went away",
  upstream_read: "Answer could not be read",
  upstream_invalid: "Invalid answer",
  upstream_broken: "Stream broke off",
  upstream_idle_timeout: "Stream went quiet",
  upstream_too_large: "Answer too large",
  upstream_error: "Stream ended in an error",
  upstream_incomplete: "Stream ended early",
  translation: "Answer could not be translated",
  other: "Other",
};

/** The classes for the Requests page's filter, in a stable order. */
export const ERROR_CLASSES: ReadonlyArray<{ value: ErrorClassName; label: string }> = (
  Object.keys(ERROR_CLASS_LABELS) as ErrorClassName[]
).map((value) => ({ value, label: ERROR_CLASS_LABELS[value] }));

/** The API a request used, in words (one request: "Token count"); an unknown value as it is. */
export function inboundLabel(inbound: string): string {
  switch (inbound) {
    case "openai":
    case "openAi":
      return "OpenAI Chat";
    case "count_tokens":
      return "Token count";
    default:
      return INBOUND_APIS.find((a) => a.value === inbound)?.label ?? inbound;
  }
}
