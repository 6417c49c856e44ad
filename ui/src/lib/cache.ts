// Pure helpers for the response cache: ranges and the times they start, numbers in words, the
// per-route table's sorting, the settings form as typed, a route's lifetime, and the labels the
// Requests page and the route list show.
import type { CacheRouteStats, CacheSettings, LedgerRow, RouteCacheMode, RouteCachePolicy } from "../ipc/types";
import { parseCount } from "./limits";

// ---- Ranges ----

export type CacheRange = "day" | "week" | "month";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const CACHE_RANGES: ReadonlyArray<{ id: CacheRange; label: string; long: string; ms: number }> = [
  { id: "day", label: "24 h", long: "the last 24 hours", ms: DAY_MS },
  { id: "week", label: "7 d", long: "the last 7 days", ms: 7 * DAY_MS },
  { id: "month", label: "30 d", long: "the last 30 days", ms: 30 * DAY_MS },
];

export function cacheRangeInfo(range: CacheRange): (typeof CACHE_RANGES)[number] {
  return CACHE_RANGES.find((r) => r.id === range) ?? CACHE_RANGES[0];
}

/** Where a range starts (RFC 3339, UTC) when it ends at `now`. */
export function sinceFor(range: CacheRange, now: number): string {
  return new Date(now - cacheRangeInfo(range).ms).toISOString();
}

/** The last local midnight at or before `now` (RFC 3339, UTC): "today" on the Overview. */
export function startOfLocalDay(now: number): string {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

/** A date input's `YYYY-MM-DD` as local midnight (RFC 3339, UTC); null when it is not a date. */
export function localMidnight(date: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const at = new Date(y, mo, d);
  if (at.getFullYear() !== y || at.getMonth() !== mo || at.getDate() !== d) return null;
  return at.toISOString();
}

/** Today as a date input's `YYYY-MM-DD`, in local time. */
export function localDateInput(now: number): string {
  const d = new Date(now);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// ---- Numbers in words ----

const num = (n: number | null | undefined): number => (typeof n === "number" && Number.isFinite(n) ? n : 0);

/** The exact amount, for a tooltip: "$0.0000123". */
export function exactUsd(usd: number | null | undefined): string {
  const [whole, fraction = ""] = num(usd).toFixed(8).replace(/0+$/, "").split(".");
  return `$${whole}.${fraction.padEnd(2, "0")}`;
}

/** "$0.00" for nothing, "$0.0012" below a dollar (2 to 4 decimals), "$1,234.50" above. */
export function formatUsd(usd: number | null | undefined): string {
  const v = num(usd);
  if (v <= 0) return "$0.00";
  if (v < 0.0001) return "<$0.0001";
  if (v >= 1) return `$${v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const text = v.toFixed(4).replace(/0{1,2}$/, "");
  return `$${text}`;
}

/** "0 B", "512 B", "1.5 KiB", "12 MiB", "1.2 GiB" (binary units, like the size setting). */
export function formatBytes(bytes: number | null | undefined): string {
  let v = num(bytes);
  if (v < 1024) return `${Math.round(v)} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = v >= 100 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, "");
  return `${text} ${units[i]}`;
}

/** "50 %", "33.3 %", "—" before any lookup. */
export function formatHitRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return "—";
  const pct = Math.round(Math.min(1, Math.max(0, rate)) * 1000) / 10;
  return `${pct} %`;
}

export function formatNumber(n: number | null | undefined): string {
  return Math.round(num(n)).toLocaleString("en-US");
}

/** "1 answer", "12 answers". */
export function answers(n: number | null | undefined): string {
  const v = Math.round(num(n));
  return `${v.toLocaleString("en-US")} ${v === 1 ? "answer" : "answers"}`;
}

/** The feedback after a clear: "Removed 3 answers.", or that nothing matched. */
export function removedText(n: number | null | undefined): string {
  const v = Math.round(num(n));
  return v === 0 ? "Removed 0 answers: nothing stored matched." : `Removed ${answers(v)}.`;
}

/** "10 min", "1 h 30 min", "2 d", "45 s". */
export function formatLifetime(secs: number | null | undefined): string {
  const s = Math.round(num(secs));
  if (s <= 0) return "—";
  const parts: Array<[number, string]> = [
    [Math.floor(s / 86_400), "d"],
    [Math.floor((s % 86_400) / 3600), "h"],
    [Math.floor((s % 3600) / 60), "min"],
    [s % 60, "s"],
  ];
  return parts
    .filter(([n]) => n > 0)
    .slice(0, 2)
    .map(([n, u]) => `${n} ${u}`)
    .join(" ");
}

// ---- The per-route table ----

export type SortKey = "route" | "entries" | "bytes" | "lookups" | "hitRate" | "savedUsd";
export type SortDir = "asc" | "desc";
export type Sort = { key: SortKey; dir: SortDir };

export const DEFAULT_SORT: Sort = { key: "lookups", dir: "desc" };

/** Clicking a header: the same column flips direction; another starts A→Z for names, biggest first for numbers. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === "asc" ? "desc" : "asc" };
  return { key, dir: key === "route" ? "asc" : "desc" };
}

/** Sorted copy; a route without a hit rate yet comes last either way; ties go by name. */
export function sortRoutes(rows: readonly CacheRouteStats[], sort: Sort): CacheRouteStats[] {
  const sign = sort.dir === "asc" ? 1 : -1;
  const byName = (a: CacheRouteStats, b: CacheRouteStats) => a.route.localeCompare(b.route);
  return [...rows].sort((a, b) => {
    if (sort.key === "route") return sign * byName(a, b);
    const x = a[sort.key];
    const y = b[sort.key];
    const xMissing = x === null || x === undefined;
    const yMissing = y === null || y === undefined;
    if (xMissing || yMissing) return xMissing === yMissing ? byName(a, b) : xMissing ? 1 : -1;
    return sign * (x - y) || byName(a, b);
  });
}

export { ariaSort } from "./sort";

// ---- Settings as typed ----

export const MAX_TTL_SECS = 30 * 86_400;
export const MAX_MEMORY_ENTRIES = 100_000;
export const MAX_DISK_MB = 10_240;
export const DEFAULT_TTL_SECS = 600;

export type TtlUnit = "s" | "min" | "h" | "d";
export const TTL_UNITS: ReadonlyArray<{ id: TtlUnit; label: string; secs: number }> = [
  { id: "s", label: "seconds", secs: 1 },
  { id: "min", label: "minutes", secs: 60 },
  { id: "h", label: "hours", secs: 3600 },
  { id: "d", label: "days", secs: 86_400 },
];

export type SettingsDraft = { enabled: boolean; shareBetweenTools: boolean; ttl: string; ttlUnit: TtlUnit; memoryEntries: string; diskMb: string };
export type SettingsField = "ttl" | "memoryEntries" | "diskMb";
/** The fields, as the core names them in a refusal. */
export const SETTINGS_FIELDS: readonly SettingsField[] = ["ttl", "memoryEntries", "diskMb"];
export type FieldErrors = Partial<Record<SettingsField, string>>;
export type SettingsParse = { ok: true; settings: CacheSettingsInput } | { ok: false; errors: FieldErrors };
/** What `setCacheSettings` is sent: every number present. */
export type CacheSettingsInput = { enabled: boolean; shareBetweenTools: boolean; ttlSecs: number; memoryEntries: number; diskMb: number };

/** A lifetime in the largest unit that divides it: 600 s → 10 min, 7200 s → 2 h. */
export function lifetimeParts(secs: number): { value: string; unit: TtlUnit } {
  for (const u of [...TTL_UNITS].reverse()) {
    if (secs > 0 && secs % u.secs === 0) return { value: String(secs / u.secs), unit: u.id };
  }
  return { value: String(secs), unit: "s" };
}

export function settingsDraft(s: CacheSettings): SettingsDraft {
  const ttl = lifetimeParts(num(s.ttlSecs) || DEFAULT_TTL_SECS);
  return { enabled: s.enabled, shareBetweenTools: s.shareBetweenTools, ttl: ttl.value, ttlUnit: ttl.unit, memoryEntries: String(num(s.memoryEntries)), diskMb: String(num(s.diskMb)) };
}

const TTL_MESSAGE = "Enter a lifetime from 1 second to 30 days.";

/** Seconds from a lifetime as typed; a message when it is not a whole number of seconds from 1 s to 30 days. */
export function parseLifetime(value: string, unit: TtlUnit): { ok: true; secs: number } | { ok: false; message: string } {
  const n = parseCount(value);
  const secs = n === null || Number.isNaN(n) ? Number.NaN : n * (TTL_UNITS.find((u) => u.id === unit)?.secs ?? 1);
  if (!Number.isFinite(secs) || secs < 1 || secs > MAX_TTL_SECS) return { ok: false, message: TTL_MESSAGE };
  return { ok: true, secs };
}

/** The settings to send, or a message per field (the same ranges the core enforces). */
export function parseSettings(d: SettingsDraft): SettingsParse {
  const errors: FieldErrors = {};
  const ttl = parseLifetime(d.ttl, d.ttlUnit);
  if (!ttl.ok) errors.ttl = ttl.message;
  const memory = parseCount(d.memoryEntries);
  if (memory === null || Number.isNaN(memory) || memory > MAX_MEMORY_ENTRIES) errors.memoryEntries = "Enter a whole number from 0 to 100,000.";
  const disk = parseCount(d.diskMb);
  if (disk === null || Number.isNaN(disk) || disk < 1 || disk > MAX_DISK_MB) errors.diskMb = "Enter a size from 1 to 10,240 MiB.";
  if (!ttl.ok || errors.memoryEntries || errors.diskMb) return { ok: false, errors };
  return { ok: true, settings: { enabled: d.enabled, shareBetweenTools: d.shareBetweenTools, ttlSecs: ttl.secs, memoryEntries: memory as number, diskMb: disk as number } };
}

/** Whether saving the draft's numbers would change nothing (the switches save on their own). */
export function draftUnchanged(d: SettingsDraft, saved: CacheSettings): boolean {
  const p = parseSettings(d);
  return p.ok && p.settings.ttlSecs === saved.ttlSecs && p.settings.memoryEntries === saved.memoryEntries && p.settings.diskMb === saved.diskMb;
}

// ---- A route's cache policy ----

export const CACHE_MODES: ReadonlyArray<{ mode: RouteCacheMode; label: string; help: string }> = [
  { mode: "auto", label: "Deterministic only (temperature 0)", help: "Answers requests sent with temperature 0 from the cache; others always go to the provider." },
  { mode: "always", label: "Every request", help: "Answers any repeated request from the cache, whatever its temperature." },
  { mode: "off", label: "Off", help: "Never uses the cache for this route." },
];

export function cacheModeHelp(mode: RouteCacheMode): string {
  return CACHE_MODES.find((m) => m.mode === mode)?.help ?? "";
}

/** A route's lifetime as typed in seconds: empty = the default (null); else 1 s to 30 days. */
export function parseRouteTtl(text: string): { ok: true; ttlSecs: number | null } | { ok: false; message: string } {
  if (text.trim() === "") return { ok: true, ttlSecs: null };
  const r = parseLifetime(text, "s");
  return r.ok ? { ok: true, ttlSecs: r.secs } : { ok: false, message: "The cache lifetime must be a whole number of seconds from 1 to 2,592,000 (30 days), or empty for the default." };
}

export type Badge = { label: string; title: string; tone: "accent" | "muted" };

/** The route list's badge: only when a route differs from the default (deterministic requests). */
export function routeCacheBadge(policy: RouteCachePolicy | null | undefined): Badge | null {
  if (!policy) return null;
  if (policy.mode === "off") return { label: "cache off", title: "This route never uses the response cache.", tone: "muted" };
  if (policy.mode !== "always") return null;
  const life = policy.ttlSecs ? formatLifetime(policy.ttlSecs) : null;
  return {
    label: life ? `cache: every request · ${life}` : "cache: every request",
    title: `Every repeated request to this route is answered from the cache, kept for ${life ?? "the default lifetime"}.`,
    tone: "accent",
  };
}

// ---- The Requests page ----

/** A "cached" badge for answers the cache gave (a hit, or shared with an identical request in flight). */
export function ledgerCacheBadge(row: Pick<LedgerRow, "cache">): { label: string; title: string } | null {
  if (row.cache === "hit") return { label: "cached", title: "Answered from the response cache: no call to the provider, nothing spent." };
  if (row.cache === "shared") return { label: "cached", title: "Shared the answer of an identical request that was in flight at the same moment: one call to the provider for both." };
  return null;
}

/** "saved $0.0012" for a cached answer that would have cost something; null otherwise. */
export function savedText(row: Pick<LedgerRow, "cache" | "savedUsd">): string | null {
  if (!ledgerCacheBadge(row) || !row.savedUsd || row.savedUsd <= 0) return null;
  return `saved ${formatUsd(row.savedUsd)}`;
}
