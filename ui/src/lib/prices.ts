// Model prices as the Costs page shows and edits them: the source line, per-million-token amounts,
// and the set-price form as text fields checked the way the core checks them (USD per million
// tokens, 0 or more, at most $5,000; the core has the last word).
import type { CostSettings, PriceOverride, Prices } from "../ipc/types";
import { USD, formatMoney } from "./money";
import { parseAmount } from "./budgets";

/** The core refuses a price above this, USD per million tokens. */
export const MAX_PER_MTOK = 5_000;
export const MAX_MODEL_CHARS = 200;

export type PriceField = "model" | "input" | "output" | "cacheRead" | "cacheWrite";
/** The fields, as the core names them in a refusal. */
export const PRICE_FORM_FIELDS: readonly PriceField[] = ["model", "input", "output", "cacheRead", "cacheWrite"];
export type PriceErrors = Partial<Record<PriceField, string>>;

/** The set-price form as typed. */
export type PriceDraft = Record<PriceField, string>;

export const PRICE_FIELDS: ReadonlyArray<{ id: Exclude<PriceField, "model">; label: string; required: boolean }> = [
  { id: "input", label: "Input", required: true },
  { id: "output", label: "Output", required: true },
  { id: "cacheRead", label: "Cache read", required: false },
  { id: "cacheWrite", label: "Cache write", required: false },
];

export function emptyPriceDraft(model = ""): PriceDraft {
  return { model, input: "", output: "", cacheRead: "", cacheWrite: "" };
}

const text = (v: number | null | undefined) => (v === null || v === undefined ? "" : String(v));

export function draftFromOverride(o: PriceOverride): PriceDraft {
  return {
    model: o.model,
    input: text(o.inputPerMtok),
    output: text(o.outputPerMtok),
    cacheRead: text(o.cacheReadPerMtok),
    cacheWrite: text(o.cacheWritePerMtok),
  };
}

export type PriceParse = { ok: true; price: PriceOverride } | { ok: false; errors: PriceErrors };

function checkPrice(value: string, label: string, required: boolean): { value: number | null; error?: string } {
  if (value.trim() === "") return required ? { value: null, error: `Enter the ${label} price (0 for free).` } : { value: null };
  const v = parseAmount(value);
  if (v === null) return { value: null, error: `The ${label} price must be a number of dollars, 0 or more.` };
  if (v > MAX_PER_MTOK) return { value: null, error: `At most $${MAX_PER_MTOK.toLocaleString("en-US")} per million tokens.` };
  return { value: v };
}

/** Checks the form and builds the override (cache prices null when left empty). */
export function parsePriceDraft(d: PriceDraft): PriceParse {
  const errors: PriceErrors = {};
  const model = d.model.trim();
  if (model === "" || [...model].length > MAX_MODEL_CHARS) errors.model = `Name the model (1 to ${MAX_MODEL_CHARS} characters).`;
  const values: Partial<Record<PriceField, number | null>> = {};
  for (const f of PRICE_FIELDS) {
    const r = checkPrice(d[f.id], f.label.toLowerCase(), f.required);
    if (r.error) errors[f.id] = r.error;
    values[f.id] = r.value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    price: {
      model,
      inputPerMtok: values.input ?? 0,
      outputPerMtok: values.output ?? 0,
      cacheReadPerMtok: values.cacheRead ?? null,
      cacheWritePerMtok: values.cacheWrite ?? null,
    },
  };
}

/** "$2.50" per million tokens (always US dollars, as prices are kept); "—" when not set. */
export function formatPerMtok(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const digits = v === 0 || v >= 0.1 ? 2 : v >= 0.001 ? 4 : 6;
  return `$${v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: digits })}`;
}

function day(iso: string | null | undefined, locale?: string): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(locale, { day: "numeric", month: "short", year: "numeric" });
}

/** "Bundled prices, snapshot 2025-11-01 · 312 models" or "Loaded from a file on 21 Nov 2025 · 40 models". */
export function sourceText(p: Prices, locale?: string): string {
  const n = p.models ?? 0;
  const models = `${n.toLocaleString("en-US")} ${n === 1 ? "model" : "models"}`;
  if (p.source === "file") {
    const on = day(p.fileLoadedAt, locale);
    return `Loaded from a file${on ? ` on ${on}` : ""} · ${models}`;
  }
  return `Bundled prices${p.snapshotDate ? `, snapshot ${p.snapshotDate}` : ""} · ${models}`;
}

/** Overrides sorted by model name, for a stable table. */
export function sortedOverrides(p: Prices | null): PriceOverride[] {
  return [...(p?.overrides ?? [])].sort((a, b) => a.model.localeCompare(b.model));
}

/** "12 of 40 requests in the last 30 days repriced: +$1.23." (or that nothing changed), in the
 * display currency. */
export function repricedText(
  r: { days: number; requests: number | null; changed: number | null; deltaUsd: number | null },
  c: CostSettings = USD,
): string {
  const period = `in the last ${r.days} ${r.days === 1 ? "day" : "days"}`;
  const [requests, changed, delta] = [r.requests ?? 0, r.changed ?? 0, r.deltaUsd ?? 0];
  if (requests === 0) return `No requests recorded ${period}.`;
  if (changed === 0) return `All ${requests.toLocaleString("en-US")} requests ${period} already cost what the prices in force say.`;
  const sign = delta < 0 ? "-" : "+";
  return `${changed.toLocaleString("en-US")} of ${requests.toLocaleString("en-US")} requests ${period} repriced: ${sign}${formatMoney(Math.abs(delta), c)}.`;
}
