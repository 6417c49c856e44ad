// Pure chart data for the Costs page, built from one `CostsOverview`: the cost per bucket stacked
// by backend or model, tokens per bucket, requests and errors per hour, latency percentiles, and
// the weekday × hour-of-day heatmap. Series are sparse in the core (only buckets with requests);
// here every bucket of the range gets a value so bars line up with their labels.
//
// Colours are CSS custom property names (`--series-1`…), resolved by the chart component, so the
// data stays theme-free and the charts follow light and dark mode.
import type { CostsOverview, SeriesPoint } from "../ipc/types";
import { HOUR_MS, bucketLabel, bucketStarts, bucketTitle, keyLabel, localTime, num } from "./costs";

export type ChartDataset = { label: string; data: Array<number | null>; color: string };
/** `titles[i]` is the tooltip title of bucket `i`, `labels[i]` its axis label. */
export type ChartSeries = { labels: string[]; titles: string[]; datasets: ChartDataset[] };

/** Stacked keys beyond this many are summed as "Other". */
export const MAX_STACKED_KEYS = 7;
const SERIES_COLORS = Array.from({ length: MAX_STACKED_KEYS }, (_, i) => `--series-${i + 1}`);
const OTHER_COLOR = "--muted";

type Axis = { starts: number[]; labels: string[]; titles: string[]; index: Map<number, number> };

function axis(o: CostsOverview, bucketMs: number, points: ReadonlyArray<{ startMs: number | null }>, locale?: string): Axis {
  const range = o.range;
  const off = num(range.offsetMinutes);
  const span = num(range.untilMs) - num(range.sinceMs);
  const starts = bucketStarts(range, bucketMs, points.map((p) => num(p.startMs)));
  return {
    starts,
    labels: starts.map((s) => bucketLabel(s, bucketMs, off, span, locale)),
    titles: starts.map((s) => bucketTitle(s, bucketMs, off, locale)),
    index: new Map(starts.map((s, i) => [s, i])),
  };
}

const bucketOf = (o: CostsOverview) => num(o.bucketMs) || HOUR_MS;

/** Sums `pick` of the points per bucket of `a`. */
function perBucket(a: Axis, points: readonly SeriesPoint[], pick: (p: SeriesPoint) => number): number[] {
  const out = a.starts.map(() => 0);
  for (const p of points) {
    const i = a.index.get(num(p.startMs));
    if (i !== undefined) out[i] += pick(p);
  }
  return out;
}

/** (a) Cost per bucket, one stacked dataset per backend or model, costliest first; the rest as "Other". */
export function costSeries(o: CostsOverview, locale?: string, limit = MAX_STACKED_KEYS): ChartSeries {
  const a = axis(o, bucketOf(o), o.series, locale);
  const totals = new Map<string, { cost: number; requests: number }>();
  for (const p of o.series) {
    const t = totals.get(p.key) ?? { cost: 0, requests: 0 };
    t.cost += num(p.totals.costUsd);
    t.requests += num(p.totals.requests);
    totals.set(p.key, t);
  }
  const keys = [...totals.entries()]
    .sort(([ka, x], [kb, y]) => y.cost - x.cost || y.requests - x.requests || ka.localeCompare(kb))
    .map(([k]) => k);
  const shown = keys.length > limit ? keys.slice(0, limit - 1) : keys;
  const rest = new Set(keys.slice(shown.length));
  const cost = (p: SeriesPoint) => num(p.totals.costUsd);
  const datasets: ChartDataset[] = shown.map((k, i) => ({
    label: keyLabel(k),
    data: perBucket(a, o.series.filter((p) => p.key === k), cost),
    color: SERIES_COLORS[i % SERIES_COLORS.length],
  }));
  if (rest.size) {
    datasets.push({ label: `Other (${rest.size})`, data: perBucket(a, o.series.filter((p) => rest.has(p.key)), cost), color: OTHER_COLOR });
  }
  return { labels: a.labels, titles: a.titles, datasets };
}

/** (b) Tokens per bucket, stacked: input, output, cache read, cache write. */
export function tokenSeries(o: CostsOverview, locale?: string): ChartSeries {
  const a = axis(o, bucketOf(o), o.series, locale);
  const kinds: Array<[string, (p: SeriesPoint) => number, string]> = [
    ["Input", (p) => num(p.totals.inputTokens), "--series-1"],
    ["Output", (p) => num(p.totals.outputTokens), "--series-2"],
    ["Cache read", (p) => num(p.totals.cacheReadTokens), "--series-4"],
    ["Cache write", (p) => num(p.totals.cacheWriteTokens), "--series-5"],
  ];
  return { labels: a.labels, titles: a.titles, datasets: kinds.map(([label, pick, color]) => ({ label, data: perBucket(a, o.series, pick), color })) };
}

/** (c) Requests per hour (not split), stacked as succeeded and errors so a bar is all requests. */
export function requestSeries(o: CostsOverview, locale?: string): ChartSeries {
  const a = axis(o, HOUR_MS, o.hourly, locale);
  const errors = perBucket(a, o.hourly, (p) => num(p.totals.errors));
  const requests = perBucket(a, o.hourly, (p) => num(p.totals.requests));
  return {
    labels: a.labels,
    titles: a.titles,
    datasets: [
      { label: "Succeeded", data: requests.map((r, i) => Math.max(0, r - errors[i])), color: "--series-1" },
      { label: "Errors", data: errors, color: "--bad" },
    ],
  };
}

/** (d) Latency percentiles per bucket; a bucket without answered requests is a gap, not 0 ms. */
export function latencySeries(o: CostsOverview, locale?: string): ChartSeries {
  const points = o.latency.filter((p) => num(p.count) > 0);
  const a = axis(o, bucketOf(o), points, locale);
  const pick = (f: "p50" | "p95" | "p99") => {
    const out: Array<number | null> = a.starts.map(() => null);
    for (const p of points) {
      const i = a.index.get(num(p.startMs));
      const v = p[f];
      if (i !== undefined && typeof v === "number" && Number.isFinite(v)) out[i] = v;
    }
    return out;
  };
  return {
    labels: a.labels,
    titles: a.titles,
    datasets: [
      { label: "p50", data: pick("p50"), color: "--series-1" },
      { label: "p95", data: pick("p95"), color: "--series-2" },
      { label: "p99", data: pick("p99"), color: "--series-3" },
    ],
  };
}

/** Whether a series has anything to draw (a value other than 0 or a gap). */
export function hasValues(s: ChartSeries): boolean {
  return s.datasets.some((d) => d.data.some((v) => typeof v === "number" && Number.isFinite(v) && v !== 0));
}

/** The sum of the stacked datasets per bucket (gaps count as 0). */
export function stackTotals(s: ChartSeries): number[] {
  return s.labels.map((_, i) => s.datasets.reduce((sum, d) => sum + num(d.data[i]), 0));
}

/**
 * A sentence for screen readers: the total over the range and the biggest bucket, e.g.
 * "Cost per day: $1.20 in total; highest Fri 21 Nov at $0.50." `total: false` for values that do
 * not add up (latency), which names the highest only.
 */
export function chartSummary(name: string, s: ChartSeries, format: (v: number) => string, total = true): string {
  if (!hasValues(s)) return `${name}: no data in this range.`;
  const sums = total ? stackTotals(s) : s.labels.map((_, i) => Math.max(...s.datasets.map((d) => num(d.data[i]))));
  let best = 0;
  sums.forEach((v, i) => {
    if (v > sums[best]) best = i;
  });
  const all = sums.reduce((a, b) => a + b, 0);
  const head = total ? `${name}: ${format(all)} in total; highest` : `${name}: highest`;
  return `${head} ${s.titles[best]} at ${format(sums[best])}.`;
}

// ---- The weekday × hour heatmap ----

export type HeatMetric = "requests" | "cost";
/** `cells[day][hour]`, day 0 = Monday, hours in local time. */
export type Heatmap = { cells: number[][]; max: number; total: number };

/** Bins hourly points by local weekday and hour of day (UTC shifted by `offsetMinutes`). */
export function heatmap(hourly: readonly SeriesPoint[], offsetMinutes: number, metric: HeatMetric): Heatmap {
  const cells = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  let total = 0;
  for (const p of hourly) {
    const local = new Date(num(p.startMs) + offsetMinutes * 60_000);
    const day = (local.getUTCDay() + 6) % 7;
    const v = metric === "cost" ? num(p.totals.costUsd) : num(p.totals.requests);
    cells[day][local.getUTCHours()] += v;
    total += v;
  }
  return { cells, max: Math.max(0, ...cells.flat()), total };
}

/** Shade 0 (nothing) to 4 (the busiest cell); any non-zero value is at least 1. */
export function heatLevel(v: number, max: number): 0 | 1 | 2 | 3 | 4 {
  if (!(v > 0) || !(max > 0)) return 0;
  return Math.min(4, Math.max(1, Math.ceil((v / max) * 4))) as 1 | 2 | 3 | 4;
}

/** Short weekday names, Monday first, in `locale` ("Mon" … "Sun"). */
export function weekdayNames(locale?: string): string[] {
  // 1 January 2024 was a Monday.
  return Array.from({ length: 7 }, (_, i) => localTime(Date.UTC(2024, 0, 1 + i), 0, { weekday: "short" }, locale));
}

/** The busiest cell, or null when everything is 0. */
export function busiestCell(h: Heatmap): { day: number; hour: number; value: number } | null {
  let best: { day: number; hour: number; value: number } | null = null;
  h.cells.forEach((row, day) =>
    row.forEach((value, hour) => {
      if (value > 0 && (!best || value > best.value)) best = { day, hour, value };
    }),
  );
  return best;
}

/** "14:00–15:00". */
export function hourSpan(hour: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(hour)}:00–${pad(hour + 1)}:00`;
}
