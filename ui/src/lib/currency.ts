// The display currency form: a three-letter code and how many units of it one US dollar buys. The
// app has no network for rates: the user types the rate, and US dollars are always 1.
import type { CostSettings } from "../ipc/types";
import { parseAmount } from "./budgets";

/** Offered in the code field's suggestions; any other three-letter code works too. */
export const COMMON_CURRENCIES: ReadonlyArray<{ code: string; name: string }> = [
  { code: "USD", name: "US dollar" },
  { code: "EUR", name: "Euro" },
  { code: "GBP", name: "British pound" },
  { code: "JPY", name: "Japanese yen" },
  { code: "CHF", name: "Swiss franc" },
  { code: "CAD", name: "Canadian dollar" },
  { code: "AUD", name: "Australian dollar" },
  { code: "INR", name: "Indian rupee" },
];

/** The core refuses a rate above this. */
export const MAX_PER_USD = 1_000_000;

export type CurrencyDraft = { currency: string; rate: string };
export type CurrencyField = "currency" | "rate";
/** The fields, as the core names them in a refusal. */
export const CURRENCY_FIELDS: readonly CurrencyField[] = ["currency", "rate"];
export type CurrencyErrors = Partial<Record<CurrencyField, string>>;

export function currencyDraft(s: CostSettings): CurrencyDraft {
  return { currency: s.currency, rate: String(s.perUsd ?? 1) };
}

/** The code as it will be saved: trimmed, upper case. */
export function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

export function isUsd(code: string): boolean {
  return normaliseCode(code) === "USD";
}

export type CurrencyParse = { ok: true; settings: CostSettings } | { ok: false; errors: CurrencyErrors };

/** Checks the form as the core does; USD always has the rate 1, whatever was typed. */
export function parseCurrencyDraft(d: CurrencyDraft): CurrencyParse {
  const errors: CurrencyErrors = {};
  const currency = normaliseCode(d.currency);
  if (!/^[A-Z]{3}$/.test(currency)) errors.currency = "The currency is a three-letter code such as USD or EUR.";
  let perUsd = 1;
  if (currency !== "USD") {
    const rate = parseAmount(d.rate);
    if (rate === null || rate <= 0 || rate > MAX_PER_USD) errors.rate = "The rate must be more than 0: how many units of your currency one US dollar buys.";
    else perUsd = rate;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, settings: { currency, perUsd } };
}

/** Whether the form says what is saved already. */
export function currencyUnchanged(d: CurrencyDraft, s: CostSettings): boolean {
  const parsed = parseCurrencyDraft(d);
  return parsed.ok && parsed.settings.currency === s.currency && parsed.settings.perUsd === (s.perUsd ?? 1);
}

/** "1 USD = 0.92 EUR", or null for US dollars. */
export function rateText(s: CostSettings): string | null {
  if (s.currency === "USD") return null;
  return `1 USD = ${(s.perUsd ?? 1).toLocaleString("en-US", { maximumFractionDigits: 6 })} ${s.currency}`;
}
