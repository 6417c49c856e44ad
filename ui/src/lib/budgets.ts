// Budgets as the Costs page shows and edits them: the level colour of a spend, the forecast
// sentence, the add/edit form as plain text fields, and the client-side checks that mirror the
// core's (the core validates the whole list again and has the last word).
import type { Budget, BudgetScope, BudgetStatus, CostSettings } from "../ipc/types";
import { USD, formatMoney } from "./money";

export type BudgetPeriod = Budget["period"];
export type ScopeType = BudgetScope["type"];

/** The core refuses a budget above this (USD). */
export const MAX_LIMIT_USD = 10_000_000;
export const MAX_NAME_CHARS = 60;
/** The thresholds that send a desktop notification, in percent of the limit. */
export const BUDGET_MARKS = [50, 80, 100] as const;

/** How far a budget is used: below 50 %, 50–80 %, 80–100 %, reached. */
export type BudgetLevel = "low" | "half" | "high" | "over";

export function budgetLevel(percent: number | null | undefined): BudgetLevel {
  const p = percent ?? 0;
  if (p >= 100) return "over";
  if (p >= 80) return "high";
  if (p >= 50) return "half";
  return "low";
}

/** The text colour class (see app.css `.tone-*`) of a level. */
export function levelTone(level: BudgetLevel): "ok" | "warn" | "bad" {
  return level === "over" ? "bad" : level === "high" ? "warn" : "ok";
}

/** Width of the bar's fill in percent: 0 to 100, whatever the spend. */
export function barWidth(percent: number | null | undefined): number {
  const p = percent ?? 0;
  return Number.isFinite(p) ? Math.min(100, Math.max(0, p)) : 0;
}

export function periodLabel(period: BudgetPeriod): string {
  return period === "day" ? "Today" : "This month";
}

/** What a budget counts, for its row: a deleted backend or route says so. */
export function scopeLabel(status: Pick<BudgetStatus, "budget" | "scopeName">): string {
  const scope = status.budget.scope;
  if (scope.type === "all") return "All requests";
  const what = scope.type === "backend" ? "Backend" : "Route";
  return status.scopeName ? `${what} ${status.scopeName}` : `${what} (deleted)`;
}

/** Whether the budget's backend or route no longer exists (it then counts nothing). */
export function scopeDeleted(status: Pick<BudgetStatus, "budget" | "scopeName">): boolean {
  return status.budget.scope.type !== "all" && !status.scopeName;
}

/** "$45.00 of $100.00" in the display currency. */
export function spentText(status: BudgetStatus, c: CostSettings = USD): string {
  return `${formatMoney(status.spentUsd ?? 0, c)} of ${formatMoney(status.budget.limitUsd ?? 0, c)}`;
}

export function percentText(percent: number | null | undefined): string {
  const p = percent ?? 0;
  if (!Number.isFinite(p)) return "—";
  return p > 0 && p < 1 ? "<1 %" : `${Math.floor(p)} %`;
}

/** "3 requests without a known price are not counted." or null when every request had one. */
export function unpricedText(count: number | null | undefined): string | null {
  const n = count ?? 0;
  if (n <= 0) return null;
  return `${n} ${n === 1 ? "request" : "requests"} without a known price ${n === 1 ? "is" : "are"} not counted.`;
}

/**
 * Where the period is heading: "Limit reached", "Reaches the limit on 26 Nov" (or "at 17:40" for a
 * daily budget), or "At this rate: $90.00 by the end of the month". Null when nothing is spent.
 */
export function forecastText(status: BudgetStatus, c: CostSettings = USD, locale?: string): string | null {
  if ((status.percent ?? 0) >= 100) return "Limit reached";
  const period = status.budget.period;
  const crosses = status.forecast.crossesAtMs;
  if (crosses !== null && crosses !== undefined && Number.isFinite(crosses)) {
    const at = new Date(crosses);
    return period === "day"
      ? `Reaches the limit at ${at.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" })}`
      : `Reaches the limit on ${at.toLocaleDateString(locale, { day: "numeric", month: "short" })}`;
  }
  const projected = status.forecast.projectedUsd ?? 0;
  if (projected <= 0 && (status.spentUsd ?? 0) <= 0) return null;
  return `At this rate: ${formatMoney(projected, c)} by the end of the ${period === "day" ? "day" : "month"}`;
}

// The add/edit form.

/** The form as typed: text where the user types, so that odd input is reported, not sent. */
export type BudgetDraft = {
  /** "" for a new budget (the core gives it one). */
  id: string;
  name: string;
  period: BudgetPeriod;
  scopeType: ScopeType;
  /** The backend or route id; ignored for "all". */
  scopeId: string;
  /** USD, as typed. */
  limit: string;
  hardStop: boolean;
};

export type BudgetField = "name" | "limit" | "scope";
/** The fields, as the core names them in a refusal. */
export const BUDGET_FIELDS: readonly BudgetField[] = ["name", "limit", "scope"];
export type BudgetErrors = Partial<Record<BudgetField, string>>;

export function emptyBudgetDraft(): BudgetDraft {
  return { id: "", name: "", period: "month", scopeType: "all", scopeId: "", limit: "", hardStop: false };
}

/** The form for an existing budget. */
export function draftFromBudget(b: Budget): BudgetDraft {
  return {
    id: b.id,
    name: b.name,
    period: b.period,
    scopeType: b.scope.type,
    scopeId: b.scope.type === "all" ? "" : b.scope.id,
    limit: String(b.limitUsd ?? ""),
    hardStop: b.hardStop,
  };
}

/**
 * A typed amount as a number: "$1,250.50", "1250.5" and "12,5" (a decimal comma) all read; null for
 * anything else.
 */
export function parseAmount(text: string): number | null {
  let t = text.trim().replace(/^\$\s*/, "").replace(/\s+/g, "");
  if (t === "") return null;
  if (/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(t)) t = t.replace(/,/g, "");
  else if (/^\d*,\d+$/.test(t)) t = t.replace(",", ".");
  if (!/^(\d+\.?\d*|\.\d+)$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

export type BudgetParse = { ok: true; budget: Budget } | { ok: false; errors: BudgetErrors };

/**
 * Checks the form as the core would, and builds the budget. `others` are the other budgets (not the
 * one being edited), for the unique-name check.
 */
export function parseBudgetDraft(d: BudgetDraft, others: readonly Budget[] = []): BudgetParse {
  const errors: BudgetErrors = {};
  const name = d.name.trim();
  if (name === "" || [...name].length > MAX_NAME_CHARS) errors.name = `Give the budget a name of 1 to ${MAX_NAME_CHARS} characters.`;
  else if (others.some((o) => o.id !== d.id && o.name.trim().toLowerCase() === name.toLowerCase())) errors.name = `Another budget is called “${name}”.`;

  const limit = parseAmount(d.limit);
  if (limit === null) errors.limit = "Enter the limit in US dollars, e.g. 50 or 12.50.";
  else if (limit <= 0) errors.limit = "The limit must be more than $0.";
  else if (limit > MAX_LIMIT_USD) errors.limit = "The limit must be at most $10,000,000.";

  if (d.scopeType !== "all" && d.scopeId === "") errors.scope = d.scopeType === "backend" ? "Pick a backend." : "Pick a route.";

  if (Object.keys(errors).length > 0 || limit === null) return { ok: false, errors };
  const scope: BudgetScope = d.scopeType === "all" ? { type: "all" } : { type: d.scopeType, id: d.scopeId };
  return { ok: true, budget: { id: d.id, name, period: d.period, scope, limitUsd: limit, hardStop: d.hardStop } };
}

/** The list to save: `b` replaces the budget with its id, or is added when new. */
export function withBudget(list: readonly Budget[], b: Budget): Budget[] {
  if (b.id !== "" && list.some((x) => x.id === b.id)) return list.map((x) => (x.id === b.id ? b : x));
  return [...list, b];
}

export function withoutBudget(list: readonly Budget[], id: string): Budget[] {
  return list.filter((x) => x.id !== id);
}

/** "≈ €46.00" for a limit typed in USD when another currency is shown; null otherwise. */
export function convertedLimit(text: string, c: CostSettings): string | null {
  if (c.currency === "USD") return null;
  const v = parseAmount(text);
  return v === null || v <= 0 ? null : `≈ ${formatMoney(v, c)}`;
}

/** The scope picker's option value: "all", "backend:<id>" or "route:<id>". */
export function scopeKey(d: Pick<BudgetDraft, "scopeType" | "scopeId">): string {
  return d.scopeType === "all" ? "all" : `${d.scopeType}:${d.scopeId}`;
}

export function fromScopeKey(key: string): Pick<BudgetDraft, "scopeType" | "scopeId"> {
  const at = key.indexOf(":");
  const type = at < 0 ? key : key.slice(0, at);
  if (type === "backend" || type === "route") return { scopeType: type, scopeId: key.slice(at + 1) };
  return { scopeType: "all", scopeId: "" };
}
