// Pure helpers for the Overview and Health pages: monitored statuses in words and colours, uptime
// and latency formatting, ranges and bucket labels, totals over the cards, and the arithmetic of
// the hand-drawn charts (scales, ticks, line paths with gaps).
import type { BackendHealthCard, HealthPoint, HealthRange, HealthStatus } from "../ipc/types";
import type { Tone } from "./format";
import { DEFAULT_MONITOR } from "./monitor";

/** The uptime target a backend has unless its settings say otherwise, in percent. */
export const DEFAULT_SLA = DEFAULT_MONITOR.slaTargetBp / 100;
/** Below this a bucket is bad whatever the target. */
export const BAD_UPTIME = 90;

const STATUS: Record<HealthStatus, { label: string; tone: Tone; help: string }> = {
  healthy: { label: "Healthy", tone: "ok", help: "Probes and recent requests succeed." },
  degraded: { label: "Degraded", tone: "warn", help: "It answers, but something is off: see the reasons." },
  down: { label: "Down", tone: "bad", help: "Probes fail in a row, or every key is unusable." },
  unknown: { label: "Unknown", tone: "neutral", help: "Not probed yet." },
};

const known = (s: string): s is HealthStatus => Object.hasOwn(STATUS, s);

/** "Healthy", "Degraded", "Down", "Unknown"; a status this UI does not know yet as sent. */
export function healthStatusLabel(status: string): string {
  return known(status) ? STATUS[status].label : status;
}

export function healthStatusTone(status: string): Tone {
  return known(status) ? STATUS[status].tone : "neutral";
}

/** The pill's tooltip: every reason, one per line, or what the status means without any. */
export function reasonsTitle(status: string, reasons: readonly string[]): string {
  if (reasons.length) return reasons.join("\n");
  return known(status) ? STATUS[status].help : "";
}

/** The colour of an uptime: 100 % or at least the target ok, below it warn, below 90 % bad, none muted. */
export function uptimeTone(uptime: number | null | undefined, sla: number | null | undefined = DEFAULT_SLA): Tone {
  if (uptime === null || uptime === undefined || !Number.isFinite(uptime)) return "muted";
  const target = sla ?? DEFAULT_SLA;
  if (uptime >= 100 || uptime >= target) return "ok";
  if (uptime < BAD_UPTIME) return "bad";
  return "warn";
}

/**
 * "100 %", "99.95 %", "87.5 %", "—" without data. At most two decimals, never rounded up to
 * 100 % when something failed (99.999 shows as 99.99 %).
 */
export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "—";
  if (p >= 100) return "100 %";
  let text = p.toFixed(2);
  if (text === "100.00") text = "99.99";
  return `${text.replace(/\.?0+$/, "")} %`;
}

/** "850 ms", "1,234 ms"; "—" without data. */
export function formatLatency(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? "—" : `${Math.round(ms).toLocaleString("en-US")} ms`;
}

/** Short, for chart axes: "0", "850 ms", "1.5 s", "12 s". */
export function formatAxisMs(ms: number): string {
  if (ms === 0) return "0";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${s >= 10 || Number.isInteger(s) ? Math.round(s) : Number(s.toFixed(1))} s`;
}

export type RangeInfo = { id: HealthRange; label: string; long: string; bucketMs: number; bucket: string };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const RANGES: ReadonlyArray<RangeInfo> = [
  { id: "day", label: "24 h", long: "the last 24 hours", bucketMs: HOUR_MS, bucket: "hour" },
  { id: "week", label: "7 d", long: "the last 7 days", bucketMs: HOUR_MS, bucket: "hour" },
  { id: "month", label: "30 d", long: "the last 30 days", bucketMs: DAY_MS, bucket: "day" },
];

export function rangeInfo(range: HealthRange): RangeInfo {
  return RANGES.find((r) => r.id === range) ?? RANGES[0];
}

/** The card's uptime over a range. */
export function cardUptime(card: Pick<BackendHealthCard, "uptime24h" | "uptime7d" | "uptime30d">, range: HealthRange): number | null {
  return range === "day" ? card.uptime24h : range === "week" ? card.uptime7d : card.uptime30d;
}

/** Formatting options so that tests can pin the time zone; the app uses the local one. */
export type TimeOptions = { locale?: string; timeZone?: string };

function parts(ms: number, o: TimeOptions) {
  const f = new Intl.DateTimeFormat(o.locale ?? "en-GB", {
    timeZone: o.timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const get = (type: Intl.DateTimeFormatPartTypes) => f.formatToParts(new Date(ms)).find((p) => p.type === type)?.value ?? "";
  return { weekday: get("weekday"), day: get("day"), month: get("month"), hour: get("hour"), minute: get("minute") };
}

/**
 * The core cuts a month into UTC days (and the other ranges into hours): a day bucket is named by
 * its UTC date, so that its label is the day it holds whatever the local offset.
 */
function zoned(range: HealthRange, o: TimeOptions): TimeOptions {
  return range === "month" && o.timeZone === undefined ? { ...o, timeZone: "UTC" } : o;
}

/** A bucket's axis label: "14:00" (24 h), "Fri 21" (7 d), "21 Nov" (30 d). */
export function bucketLabel(startMs: number, range: HealthRange, o: TimeOptions = {}): string {
  const p = parts(startMs, zoned(range, o));
  if (range === "day") return `${p.hour}:${p.minute}`;
  if (range === "week") return `${p.weekday} ${p.day}`;
  return `${p.day} ${p.month}`;
}

/** A bucket's tooltip heading: "Fri 21 Nov, 14:00–15:00", or "Fri 21 Nov" for a day. */
export function bucketTitle(startMs: number, range: HealthRange, o: TimeOptions = {}): string {
  const p = parts(startMs, zoned(range, o));
  const date = `${p.weekday} ${p.day} ${p.month}`;
  if (range === "month") return date;
  const end = parts(startMs + HOUR_MS, o);
  return `${date}, ${p.hour}:${p.minute}–${end.hour}:${end.minute}`;
}

/**
 * Which buckets get an axis label: every third hour (24 h), each midnight (7 d), every fifth day
 * counted back from today (30 d).
 */
export function labelledBuckets(points: ReadonlyArray<Pick<HealthPoint, "startMs">>, range: HealthRange, o: TimeOptions = {}): number[] {
  const out: number[] = [];
  points.forEach((p, i) => {
    if (p.startMs === null) return;
    if (range === "month") {
      if ((points.length - 1 - i) % 5 === 0) out.push(i);
      return;
    }
    const hour = Number(parts(p.startMs, o).hour);
    if (range === "day" ? hour % 3 === 0 : hour === 0) out.push(i);
  });
  return out;
}

/** Probes, failures and uptime over a whole range; uptime null without probes. */
export function rangeTotals(points: ReadonlyArray<Pick<HealthPoint, "probes" | "failures">>): { probes: number; failures: number; uptime: number | null } {
  let probes = 0;
  let failures = 0;
  for (const p of points) {
    probes += p.probes;
    failures += p.failures;
  }
  return { probes, failures, uptime: probes > 0 ? ((probes - failures) * 100) / probes : null };
}

/** The lines of a bucket's tooltip after its heading. */
export function bucketSummary(p: HealthPoint, sla: number | null | undefined): string[] {
  if (p.probes === 0) return ["No probes in this period."];
  const lines = [`${formatPercent(p.uptime)} up · ${p.failures} of ${p.probes} ${p.probes === 1 ? "probe" : "probes"} failed`];
  const tone = uptimeTone(p.uptime, sla);
  if (tone === "warn") lines.push(`Below the ${formatPercent(sla ?? DEFAULT_SLA)} target`);
  if (tone === "bad") lines.push(`Below ${BAD_UPTIME} %`);
  if (p.p50Ms !== null || p.p95Ms !== null || p.p99Ms !== null) {
    lines.push(`p50 ${formatLatency(p.p50Ms)} · p95 ${formatLatency(p.p95Ms)} · p99 ${formatLatency(p.p99Ms)}`);
  }
  return lines;
}

export type Totals = {
  requests: number;
  errors: number;
  /** Errors as a percentage of requests; null without requests. */
  errorRate: number | null;
  backends: number;
  healthy: number;
  degraded: number;
  down: number;
  unknown: number;
};

/** Today's traffic summed over the cards, and how many backends are in each state. */
export function totals(cards: ReadonlyArray<Pick<BackendHealthCard, "requestsToday" | "errorsToday" | "status">>): Totals {
  const t: Totals = { requests: 0, errors: 0, errorRate: null, backends: cards.length, healthy: 0, degraded: 0, down: 0, unknown: 0 };
  for (const c of cards) {
    t.requests += c.requestsToday;
    t.errors += c.errorsToday;
    const s = known(c.status) ? c.status : "unknown";
    t[s] += 1;
  }
  t.errorRate = t.requests > 0 ? (t.errors * 100) / t.requests : null;
  return t;
}

/** The colour of today's error count: none ok, under 5 % warn, else bad. */
export function errorsTone(t: Pick<Totals, "errors" | "errorRate">): Tone {
  if (t.errors === 0) return t.errorRate === null ? "muted" : "ok";
  return (t.errorRate ?? 100) < 5 ? "warn" : "bad";
}

// ---- Chart arithmetic ----

/** The smallest 1, 2 or 5 × 10ⁿ at least `v` (and at least `floor`): a round top for an axis. */
export function niceMax(v: number, floor = 10): number {
  const top = Math.max(v, floor);
  const exp = 10 ** Math.floor(Math.log10(top));
  for (const m of [1, 2, 5, 10]) if (m * exp >= top) return m * exp;
  return 10 * exp;
}

/**
 * Round ticks from 0 to a `niceMax` top: steps of 2 under a 10, 5 under a 20, 10 under a 50 (and
 * the same ×10ⁿ), so that every label is a whole number.
 */
export function ticks(max: number): number[] {
  if (!(max > 0)) return [0];
  const lead = max / 10 ** Math.floor(Math.log10(max));
  const parts = Math.abs(lead - 2) < 1e-9 ? 4 : 5;
  return Array.from({ length: parts + 1 }, (_, i) => (max * i) / parts);
}

/** Maps `[d0, d1]` onto `[r0, r1]` linearly (a flat domain maps to `r0`). */
export function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0;
  return (v) => (span === 0 ? r0 : r0 + ((v - d0) / span) * (r1 - r0));
}

/**
 * An SVG path through the values, broken where a value is missing; a lone value between gaps
 * becomes a dot-sized segment so it still shows. "" when nothing is known.
 */
export function linePath(values: ReadonlyArray<number | null>, x: (i: number) => number, y: (v: number) => number): string {
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length === 1) run.push(run[0].replace(/^M/, "L"));
    out.push(...run);
    run = [];
  };
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      flush();
      return;
    }
    run.push(`${run.length ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  flush();
  return out.join(" ");
}

/**
 * The bottom of the uptime bars' axis: 90 %, or lower (a multiple of 10) when a bucket dipped
 * below it, so that small dips show without flattening big ones.
 */
export function uptimeFloor(points: ReadonlyArray<Pick<HealthPoint, "uptime">>): number {
  let min = BAD_UPTIME;
  for (const p of points) if (p.uptime !== null && p.uptime < min) min = p.uptime;
  return Math.max(0, Math.floor(min / 10) * 10);
}

/** The bucket under a pointer at `x` pixels in a plot `width` wide holding `n` equal buckets. */
export function bucketAt(x: number, width: number, n: number): number | null {
  if (n <= 0 || width <= 0 || x < 0 || x > width) return null;
  return Math.min(n - 1, Math.floor((x / width) * n));
}

/** Room left of a plot for the y-axis labels, and right of it; every chart and the timeline share them so their buckets line up. */
export const CHART_LEFT = 52;
export const CHART_RIGHT = 8;

/**
 * The bucket a key moves to in a chart read with the keyboard: ←/→ one, PageUp/PageDown a sixth
 * of the range, Home/End the ends. Starts from the newest bucket. Null for other keys.
 */
export function stepBucket(key: string, at: number | null, n: number): number | null {
  if (n <= 0) return null;
  const from = at ?? n - 1;
  const page = Math.max(1, Math.round(n / 6));
  const clamp = (i: number) => Math.min(n - 1, Math.max(0, i));
  switch (key) {
    case "ArrowLeft":
    case "ArrowDown":
      return at === null ? from : clamp(from - 1);
    case "ArrowRight":
    case "ArrowUp":
      return at === null ? from : clamp(from + 1);
    case "PageUp":
      return clamp(from - page);
    case "PageDown":
      return clamp(from + page);
    case "Home":
      return 0;
    case "End":
      return n - 1;
    default:
      return null;
  }
}
