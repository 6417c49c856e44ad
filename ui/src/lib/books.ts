// Pure text for the providers' own books (issue 75): the Costs page's Reconcile card (the ledger
// beside each provider's figures by day, how far apart they are, how old the books are, the
// usage on the user's keys nothing Switchyard saw) and the Backends page's admin keys.
import type { BookTokens, BooksProvider, Kind, KeyMatch, Reconciliation, Side } from "../ipc/types";
import type { Tone } from "./format";
import { relativeTime } from "./requests-format";
import { compact } from "./usage";

/** The spans the card offers, in whole UTC days up to today. */
export const BOOKS_SPANS = [
  { id: "7", label: "7 days", days: 7 },
  { id: "30", label: "30 days", days: 30 },
] as const;
export type BooksSpanId = (typeof BOOKS_SPANS)[number]["id"];

/** What to do about usage on a key that never went through Switchyard. */
export const UNROUTED_ADVICE = "Connect the tool that uses this key, or rotate it.";

/** "OpenAI", "Anthropic", "OpenRouter". */
export function providerLabel(p: BooksProvider): string {
  return p === "openAi" ? "OpenAI" : p === "anthropic" ? "Anthropic" : "OpenRouter";
}

/** Every token of a side, whatever its category. */
export function totalTokens(t: BookTokens): number {
  return (t.input ?? 0) + (t.cachedInput ?? 0) + (t.cacheWrite ?? 0) + (t.output ?? 0);
}

/** How far the ledger is from the provider: `provider − ledger`, and that as a % of the provider's figure. */
export type Difference = { delta: number; percent: number | null };

/** As the core's `percent_off`: no percentage when the provider's figure is 0. */
export function difference(ledger: number, provider: number): Difference {
  return { delta: provider - ledger, percent: provider === 0 ? null : ((provider - ledger) / provider) * 100 };
}

/** The tokens of one day's two sides. */
export function tokenDifference(ledger: Side, provider: Side): Difference {
  return difference(totalTokens(ledger.tokens), totalTokens(provider.tokens));
}

/** "+12.5 %", "−3 %", "+250 %", "0 %", "—" (no percentage): one decimal below 100 %, none from there. */
export function percentText(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return "—";
  const abs = Math.abs(p);
  const shown = abs >= 100 ? abs.toFixed(0) : abs.toFixed(1).replace(/\.0$/, "");
  if (Number(shown) === 0) return "0 %";
  return `${p > 0 ? "+" : "−"}${shown} %`;
}

/** "+1.2k (+12.5 %)", "0", "−300 (−3 %)": the provider's figure less the ledger's, in tokens. */
export function differenceText(d: Difference): string {
  if (d.delta === 0) return "0";
  const n = `${d.delta > 0 ? "+" : "−"}${compact(Math.abs(d.delta))}`;
  return d.percent === null ? n : `${n} (${percentText(d.percent)})`;
}

/** Close enough (within 2 %), worth a look (within 10 %), or far apart. */
export function differenceTone(d: Difference): Tone {
  if (d.delta === 0) return "ok";
  if (d.percent === null) return "warn";
  const abs = Math.abs(d.percent);
  return abs <= 2 ? "ok" : abs <= 10 ? "warn" : "bad";
}

/** "read 3 h ago", or "never read". */
export function readLabel(r: Pick<Reconciliation, "readAtMs">, now: number): string {
  if (r.readAtMs === null) return "never read";
  return `read ${relativeTime(new Date(r.readAtMs).toISOString(), now)}`;
}

/** "stale: <why the last read failed>", or null when the books shown are the last read's. */
export function staleLabel(r: Pick<Reconciliation, "stale">): string | null {
  const why = r.stale?.trim();
  return why ? `stale: ${why}` : null;
}

/** "42 %" of a 0–1 share. */
export function shareText(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return "—";
  const p = share * 100;
  return `${p > 0 && p < 1 ? "<1" : Math.round(p)} %`;
}

/** Whether anything of the provider's books is shown yet (read at least once with lines or days). */
export function hasBooks(r: Reconciliation): boolean {
  return r.readAtMs !== null || r.days.length > 0;
}

/** The provider keys the user is asked about: several of their keys fit, or they chose one before. */
export function keysToChoose(r: Reconciliation): KeyMatch[] {
  return r.keys.filter((k) => k.candidates.length > 1 || k.chosen);
}

/** The provider's key as shown: its name and redacted value. */
export function providerKeyText(k: Pick<KeyMatch, "name" | "redacted">): string {
  return k.name ? `${k.name} (${k.redacted})` : k.redacted;
}

/** What an admin key is called for a backend kind, and where it comes from; null: no books to read. */
export function adminKeyKind(kind: Kind): { name: string; prefix: string; where: string } | null {
  switch (kind) {
    case "openAi":
      return { name: "OpenAI organization admin key", prefix: "sk-admin-", where: "OpenAI: Organization settings → Admin keys" };
    case "anthropic":
      return { name: "Anthropic Admin API key", prefix: "sk-ant-admin", where: "Anthropic Console: Settings → Admin keys" };
    case "openRouter":
      return { name: "OpenRouter management key", prefix: "sk-or-", where: "OpenRouter: Settings → Management keys" };
    default:
      return null;
  }
}
