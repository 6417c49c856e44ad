// Amounts are USD in the core; the user picks a display currency and its rate per US dollar.
// Formatting is local (Intl), no network.
import type { CostSettings } from "../ipc/types";

export const USD: CostSettings = { currency: "USD", perUsd: 1 };

/** Converts a USD amount into the display currency. */
export function convert(usd: number, c: CostSettings = USD): number {
  return usd * (c.perUsd ?? 1);
}

/**
 * `usd` in the display currency: cents for ordinary amounts, more digits for tiny ones
 * (a single request often costs a fraction of a cent), "—" for a missing amount.
 */
export function formatMoney(usd: number | null | undefined, c: CostSettings = USD): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return "—";
  const v = convert(usd, c);
  const abs = Math.abs(v);
  const digits = abs === 0 || abs >= 1 ? 2 : abs >= 0.01 ? 3 : abs >= 0.0001 ? 5 : 7;
  try {
    return new Intl.NumberFormat(undefined, {
      style: "currency",
      currency: c.currency,
      minimumFractionDigits: Math.min(digits, 2),
      maximumFractionDigits: digits,
    }).format(v);
  } catch {
    return `${v.toFixed(digits)} ${c.currency}`;
  }
}
