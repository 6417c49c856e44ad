// Pure helpers for the Costs page: the ranges it asks for (presets ending now, or whole local
// days picked in date inputs), the buckets a range is cut into and their labels, numbers in
// words, and the breakdown table's rows and sorting. Chart datasets are in `cost-charts.ts`.
//
// Times are Unix ms. Local time is "UTC shifted by the range's `offsetMinutes`" — the same rule
// the core groups days by — so labels and bins agree with the core's buckets and are testable
// without depending on the machine's time zone.
import type { CostRange, UsageTotals } from "../ipc/types";
import { inboundLabel } from "./requests-format";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** The longest range the core accepts. */
export const MAX_RANGE_DAYS = 400;

/** The core's words for a reversed range, repeated by the client-side check. */
export const REVERSED_MESSAGE = "The range ends before it starts: pick an end after the start.";

export const num = (n: number | null | undefined): number => (typeof n === "number" && Number.isFinite(n) ? n : 0);

// ---- Ranges ----

export type CostPreset = "24h" | "7d" | "30d";
export type CostRangeId = CostPreset | "custom";

export const COST_RANGES: ReadonlyArray<{ id: CostRangeId; label: string; long: string; ms: number }> = [
  { id: "24h", label: "24 h", long: "the last 24 hours", ms: DAY_MS },
  { id: "7d", label: "7 d", long: "the last 7 days", ms: 7 * DAY_MS },
  { id: "30d", label: "30 d", long: "the last 30 days", ms: 30 * DAY_MS },
  { id: "custom", label: "Custom", long: "the picked days", ms: 0 },
];

/** The machine's offset from UTC at `now`, in minutes east (UTC+02:00 is 120). */
export function localOffsetMinutes(now: number): number {
  // `|| 0` turns the -0 of UTC into 0.
  return -new Date(now).getTimezoneOffset() || 0;
}

/** A preset range ending at `now`. */
export function presetRange(id: CostPreset, now: number, offsetMinutes: number): CostRange {
  const ms = COST_RANGES.find((r) => r.id === id)?.ms ?? DAY_MS;
  return { sinceMs: now - ms, untilMs: now, offsetMinutes };
}

/** A date input's `YYYY-MM-DD` as the Unix ms of that local midnight; null when it is not a date. */
export function dayStartMs(date: string, offsetMinutes: number): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const utc = Date.UTC(y, mo, d);
  const back = new Date(utc);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo || back.getUTCDate() !== d) return null;
  return utc - offsetMinutes * 60_000;
}

/** The local day of `ms` as a date input's `YYYY-MM-DD`. */
export function dateInput(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

export type CustomField = "from" | "to";
/** The fields, as the core names them in a refusal. */
export const CUSTOM_FIELDS: readonly CustomField[] = ["from", "to"];
export type CustomCheck = { ok: true; range: CostRange } | { ok: false; field: CustomField; message: string };

/** Whole local days from `from` through `to` (both included), checked as the core checks them. */
export function customRange(from: string, to: string, offsetMinutes: number): CustomCheck {
  const since = dayStartMs(from, offsetMinutes);
  if (since === null) return { ok: false, field: "from", message: "Pick the first day of the range." };
  const last = dayStartMs(to, offsetMinutes);
  if (last === null) return { ok: false, field: "to", message: "Pick the last day of the range." };
  const until = last + DAY_MS;
  if (until <= since) return { ok: false, field: "to", message: REVERSED_MESSAGE };
  if (until - since > MAX_RANGE_DAYS * DAY_MS) return { ok: false, field: "to", message: `Pick a range of at most ${MAX_RANGE_DAYS} days.` };
  return { ok: true, range: { sinceMs: since, untilMs: until, offsetMinutes } };
}

// ---- Buckets and their labels ----

/** The bucket starts covering `[sinceMs, untilMs)`, aligned to local days/hours as the core aligns them. */
export function bucketStarts(range: CostRange, bucketMs: number, extra: readonly number[] = []): number[] {
  const since = num(range.sinceMs);
  const until = num(range.untilMs);
  const off = num(range.offsetMinutes) * 60_000;
  const size = bucketMs > 0 ? bucketMs : HOUR_MS;
  const starts = new Set<number>(extra);
  // A range longer than the core allows would be refused; the cap only guards the loop.
  const cap = (MAX_RANGE_DAYS + 2) * (DAY_MS / HOUR_MS);
  for (let t = Math.floor((since + off) / size) * size - off, i = 0; t < until && i < cap; t += size, i++) starts.add(t);
  return [...starts].sort((a, b) => a - b);
}

type DateOpts = Intl.DateTimeFormatOptions;

/** Formats the local time of `ms` (UTC shifted by the offset, so the machine's zone plays no part). */
export function localTime(ms: number, offsetMinutes: number, opts: DateOpts, locale?: string): string {
  return new Date(ms + offsetMinutes * 60_000).toLocaleString(locale, { ...opts, timeZone: "UTC" });
}

const HOUR: DateOpts = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const DAY: DateOpts = { weekday: "short", day: "numeric", month: "short" };

/** An axis label: "14:00" within a day, "21 Nov, 14:00" over several, "Fri 21 Nov" for a day bucket. */
export function bucketLabel(startMs: number, bucketMs: number, offsetMinutes: number, spanMs: number, locale?: string): string {
  if (bucketMs >= DAY_MS) return localTime(startMs, offsetMinutes, DAY, locale);
  if (spanMs <= DAY_MS + HOUR_MS) return localTime(startMs, offsetMinutes, HOUR, locale);
  return localTime(startMs, offsetMinutes, { day: "numeric", month: "short", ...HOUR }, locale);
}

/** A tooltip title: "Fri 21 Nov, 14:00–15:00", or "Fri 21 Nov" for a day bucket. */
export function bucketTitle(startMs: number, bucketMs: number, offsetMinutes: number, locale?: string): string {
  const day = localTime(startMs, offsetMinutes, DAY, locale);
  if (bucketMs >= DAY_MS) return day;
  const end = localTime(startMs + bucketMs, offsetMinutes, HOUR, locale).replace(/^00:00$/, "24:00");
  return `${day}, ${localTime(startMs, offsetMinutes, HOUR, locale)}–${end}`;
}

// ---- Numbers in words ----

export function formatCount(n: number | null | undefined): string {
  return Math.round(num(n)).toLocaleString("en-US");
}

/** "950", "12.3k", "4.5M": for axes and tiles. */
export function formatTokens(n: number | null | undefined): string {
  const v = num(n);
  if (Math.abs(v) < 1000) return String(Math.round(v));
  return new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(v);
}

/** "850 ms", "1.5 s", "12 s"; "—" without data. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Number(s.toFixed(1))} s`;
}

/** Errors over requests; null before any request. */
export function errorRate(t: Pick<UsageTotals, "requests" | "errors">): number | null {
  const r = num(t.requests);
  return r > 0 ? num(t.errors) / r : null;
}

/** "0 %", "2.5 %", "100 %"; "—" without requests. */
export function formatRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return "—";
  const pct = Math.round(Math.min(1, Math.max(0, rate)) * 1000) / 10;
  return `${pct} %`;
}

/** Mean latency of a group's requests (errors included, as the sums are); null without requests. */
export function avgLatency(t: Pick<UsageTotals, "requests" | "latencyMsSum">): number | null {
  const r = num(t.requests);
  return r > 0 ? num(t.latencyMsSum) / r : null;
}

/** "1 request", "12 requests". */
export function requestsText(n: number | null | undefined): string {
  const v = Math.round(num(n));
  return `${v.toLocaleString("en-US")} ${v === 1 ? "request" : "requests"}`;
}

/** The unpriced warning: "3 requests without a price are not included". */
export function unpricedText(n: number | null | undefined): string {
  const v = Math.round(num(n));
  return `${requestsText(v)} without a price ${v === 1 ? "is" : "are"} not included`;
}

/** A breakdown key in words: the empty key (no route, no token, no backend) is "(none)". */
export function keyLabel(key: string): string {
  return key === "" ? "(none)" : key;
}

// ---- The breakdown table ----

export type BreakdownTab = "backend" | "model" | "route" | "token" | "api";
export type BreakdownField = "byBackend" | "byModel" | "byRoute" | "byToken" | "byInbound";
/** The breakdown's tabs: which overview field each shows, and how its keys read. */
export const BREAKDOWN_TABS: ReadonlyArray<{ id: BreakdownTab; label: string; field: BreakdownField; name: (key: string) => string }> = [
  { id: "backend", label: "Backend", field: "byBackend", name: keyLabel },
  { id: "model", label: "Model", field: "byModel", name: keyLabel },
  { id: "route", label: "Route", field: "byRoute", name: keyLabel },
  { id: "token", label: "Tool", field: "byToken", name: keyLabel },
  { id: "api", label: "API", field: "byInbound", name: (key) => (key === "" ? keyLabel(key) : inboundLabel(key)) },
];

export type BreakdownRow = { key: string; totals: UsageTotals };
export type BreakdownKey =
  | "name"
  | "requests"
  | "errors"
  | "inputTokens"
  | "outputTokens"
  | "cacheReadTokens"
  | "costUsd"
  | "savedUsd"
  | "avgLatency";
export type BreakdownSort = { key: BreakdownKey; dir: "asc" | "desc" };
export const DEFAULT_BREAKDOWN_SORT: BreakdownSort = { key: "costUsd", dir: "desc" };

/** The `[key, totals]` tuples the core sends, as rows. */
export function breakdownRows(tuples: ReadonlyArray<readonly [string, UsageTotals]> | null | undefined): BreakdownRow[] {
  return (tuples ?? []).map(([key, totals]) => ({ key, totals }));
}

function sortValue(r: BreakdownRow, key: Exclude<BreakdownKey, "name">): number | null {
  if (key === "avgLatency") return avgLatency(r.totals);
  return num(r.totals[key]);
}

/**
 * Sorted copy; rows without a value (no requests for the mean) come last either way; ties go by
 * name, as `name` shows it.
 */
export function sortBreakdown(rows: readonly BreakdownRow[], sort: BreakdownSort, name: (key: string) => string = keyLabel): BreakdownRow[] {
  const sign = sort.dir === "asc" ? 1 : -1;
  const byName = (a: BreakdownRow, b: BreakdownRow) => name(a.key).localeCompare(name(b.key));
  return [...rows].sort((a, b) => {
    if (sort.key === "name") return sign * byName(a, b);
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    return sign * (x - y) || byName(a, b);
  });
}

/** Clicking a header: the same column flips; another starts A→Z for names, biggest first for numbers. */
export function nextBreakdownSort(current: BreakdownSort, key: BreakdownKey): BreakdownSort {
  if (current.key === key) return { key, dir: current.dir === "asc" ? "desc" : "asc" };
  return { key, dir: key === "name" ? "asc" : "desc" };
}

export { ariaSort } from "./sort";

/** ←/→ (and ↑/↓) in a one-tab-stop radio group or tab list: the index to move to, or null. */
export function stepIndex(key: string, at: number, count: number): number | null {
  const next =
    key === "ArrowRight" || key === "ArrowDown" ? at + 1 : key === "ArrowLeft" || key === "ArrowUp" ? at - 1 : key === "Home" ? 0 : key === "End" ? count - 1 : null;
  return next === null || next < 0 || next >= count ? null : next;
}

/** The Demo backend's share of a range: its cost and requests (summed over every backend of
 *  kind `demo`, by name as the breakdown lists them), or `null` when it spent nothing. */
export function demoSpend(
  byBackend: ReadonlyArray<readonly [string, { costUsd: number | null; requests: number | null }]>,
  backends: ReadonlyArray<{ name: string; kind: string }>,
): { usd: number; requests: number } | null {
  const demo = new Set(backends.filter((b) => b.kind === "demo").map((b) => b.name));
  let usd = 0;
  let requests = 0;
  for (const [name, t] of byBackend) {
    if (!demo.has(name)) continue;
    usd += num(t.costUsd);
    requests += num(t.requests);
  }
  return usd > 0 ? { usd, requests } : null;
}
