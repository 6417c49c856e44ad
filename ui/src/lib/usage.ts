// Pure helpers for what the coding tools spent by their own records: the Costs page's "By source"
// card, the Overview's "Your limits" card, and a key's rate-limit headroom on the live state.
import type { CostSettings, LiveHeadroom, UsageSourceRow, UsageWindowView } from "../ipc/types";
import type { Tone } from "./format";
import { formatMoney } from "./money";

/** "resets in 2 h 13 m", "resets in 40 m", "resets in 3 d 4 h"; "resetting" once it is due. */
export function resetsIn(atMs: number, now: number): string {
  if (atMs <= now) return "resetting";
  const mins = Math.ceil((atMs - now) / 60_000);
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  if (d > 0) return `resets in ${d} d ${h} h`;
  if (h > 0) return `resets in ${h} h ${m} m`;
  return `resets in ${m} m`;
}

/** 80 % used is a warning, 95 % and over bad; an estimate (no percentage) is neutral. */
export function windowTone(w: Pick<UsageWindowView, "usedPercent">): Tone {
  const p = w.usedPercent;
  if (p === null || p === undefined) return "neutral";
  if (p >= 95) return "bad";
  if (p >= 80) return "warn";
  return "ok";
}

/** "42 % used" (the provider's), or "1.2k tokens · $3.40 so far" (an estimate). */
export function windowUsed(w: UsageWindowView, c?: CostSettings): string {
  if (w.usedPercent !== null && w.usedPercent !== undefined) return `${Math.round(w.usedPercent)} % used`;
  const parts: string[] = [];
  if (w.usedTokens !== null && w.usedTokens !== undefined) parts.push(`${compact(w.usedTokens)} tokens`);
  if (w.usedUsd !== null && w.usedUsd !== undefined) parts.push(`${formatMoney(w.usedUsd, c)} so far`);
  return parts.join(" · ") || "—";
}

/** "$1.20/h → $6.00 by the reset" for an estimate with a burn rate; "" otherwise. */
export function windowBurn(w: UsageWindowView, c?: CostSettings): string {
  if (w.burnUsdPerHour === null || w.burnUsdPerHour === undefined) return "";
  const rate = `${formatMoney(w.burnUsdPerHour, c)}/h`;
  return w.projectedUsd === null || w.projectedUsd === undefined ? rate : `${rate} → ${formatMoney(w.projectedUsd, c)} by the reset`;
}

/** 12345 → "12.3k", 2500000 → "2.5M". */
export function compact(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(1)}k`;
  return String(Math.round(n));
}

/** Each source's share of the known spend, 0–1, and the total; an unknown price never counts as $0. */
export function sourceShares(rows: UsageSourceRow[]): { total: number; unpriced: number; shares: number[] } {
  const total = rows.reduce((s, r) => s + (r.costUsd ?? 0), 0);
  const unpriced = rows.reduce((s, r) => s + (r.unpriced ?? 0), 0);
  return { total, unpriced, shares: rows.map((r) => (total > 0 ? (r.costUsd ?? 0) / total : 0)) };
}

/** The tightest of a key's counts, in words: "12 of 60 requests left · resets in 40 s". */
export function headroomText(h: LiveHeadroom, now: number): string | null {
  const counts: Array<[string, LiveHeadroom["requests"]]> = [
    ["requests", h.requests],
    ["tokens", h.tokens],
    ["input tokens", h.inputTokens],
    ["output tokens", h.outputTokens],
  ];
  let best: { text: string; share: number } | null = null;
  for (const [what, q] of counts) {
    if (!q || q.remaining === null || q.limit === null || q.limit <= 0) continue;
    const share = q.remaining / q.limit;
    if (best && best.share <= share) continue;
    const reset = q.resetsAt ? ` · ${resetsIn(q.resetsAt * 1000, now).replace("resets in", "full in")}` : "";
    best = { text: `${compact(q.remaining)} of ${compact(q.limit)} ${what} left${reset}`, share };
  }
  const plan = h.windows.filter((w) => w.utilization !== null).map((w) => `${w.name} plan ${Math.round((w.utilization as number) * 100)} % used`);
  const parts = [...(best ? [best.text] : []), ...plan];
  return parts.length ? parts.join(" · ") : null;
}

/** Warn under 20 % left (or a plan window at 80 %), bad when nothing is left or the plan refused. */
export function headroomTone(h: LiveHeadroom): Tone {
  if (h.planStatus === "rejected") return "bad";
  const shares = [h.requests, h.tokens, h.inputTokens, h.outputTokens]
    .filter((q) => q && q.remaining !== null && q.limit !== null && q.limit > 0)
    .map((q) => (q!.remaining as number) / (q!.limit as number));
  const used = h.windows.map((w) => w.utilization ?? 0);
  if (shares.some((s) => s <= 0) || used.some((u) => u >= 1)) return "bad";
  if (shares.some((s) => s < 0.2) || used.some((u) => u >= 0.8) || h.planStatus === "allowed_warning") return "warn";
  return "ok";
}
