import { describe, expect, it } from "vitest";
import { costsOverview, seriesPoint } from "../ipc/test-fixtures";
import {
  busiestCell,
  chartSummary,
  costSeries,
  hasValues,
  heatLevel,
  heatmap,
  hourSpan,
  latencySeries,
  requestSeries,
  stackTotals,
  tokenSeries,
  weekdayNames,
} from "./cost-charts";
import { DAY_MS, HOUR_MS } from "./costs";

const T0 = Date.parse("2025-11-21T00:00:00Z");
const h = (n: number) => T0 + n * HOUR_MS;

describe("cost per bucket", () => {
  it("gives every bucket of the range a value, in order, with empty buckets at 0", () => {
    const o = costsOverview(h(0), h(4), { series: [seriesPoint(h(2), "openai", { costUsd: 0.5, requests: 1 })] });
    const s = costSeries(o, "en-GB");
    expect(s.labels).toEqual(["00:00", "01:00", "02:00", "03:00"]);
    expect(s.datasets).toHaveLength(1);
    expect(s.datasets[0]).toMatchObject({ label: "openai", data: [0, 0, 0.5, 0], color: "--series-1" });
    expect(s.titles[2]).toBe("Fri 21 Nov, 02:00–03:00");
  });

  it("stacks one dataset per key, costliest first, and names the empty key (none)", () => {
    const o = costsOverview(h(0), h(2), {
      series: [seriesPoint(h(0), "cheap", { costUsd: 0.1 }), seriesPoint(h(0), "dear", { costUsd: 1 }), seriesPoint(h(1), "", { costUsd: 0.5 })],
    });
    const s = costSeries(o);
    expect(s.datasets.map((d) => d.label)).toEqual(["dear", "(none)", "cheap"]);
    expect(stackTotals(s)).toEqual([1.1, 0.5]);
  });

  it("sums the keys beyond the limit as Other, in the muted colour", () => {
    const series = ["a", "b", "c", "d"].map((k, i) => seriesPoint(h(0), k, { costUsd: 4 - i }));
    const s = costSeries(costsOverview(h(0), h(1), { series }), undefined, 3);
    expect(s.datasets.map((d) => d.label)).toEqual(["a", "b", "Other (2)"]);
    expect(s.datasets[2]).toMatchObject({ data: [3], color: "--muted" });
  });

  it("uses local days as buckets for longer ranges", () => {
    const o = costsOverview(T0, T0 + 3 * DAY_MS, { bucketMs: DAY_MS, series: [seriesPoint(T0 + DAY_MS, "x", { costUsd: 2 })] });
    const s = costSeries(o, "en-GB");
    expect(s.labels).toEqual(["Fri 21 Nov", "Sat 22 Nov", "Sun 23 Nov"]);
    expect(s.datasets[0].data).toEqual([0, 2, 0]);
  });

  it("treats a missing (NaN) amount as nothing, never as NaN on the chart", () => {
    const o = costsOverview(h(0), h(1), { series: [seriesPoint(h(0), "x", { costUsd: null, requests: 2 })] });
    expect(costSeries(o).datasets[0].data).toEqual([0]);
    expect(hasValues(costSeries(o))).toBe(false);
  });
});

describe("tokens, requests and latency", () => {
  it("stacks input, output, cache read and cache write tokens, summed over the split keys", () => {
    const o = costsOverview(h(0), h(1), {
      series: [seriesPoint(h(0), "a", { inputTokens: 10, outputTokens: 5, cacheReadTokens: 100 }), seriesPoint(h(0), "b", { inputTokens: 1, cacheWriteTokens: 7 })],
    });
    const s = tokenSeries(o);
    expect(s.datasets.map((d) => [d.label, d.data[0]])).toEqual([
      ["Input", 11],
      ["Output", 5],
      ["Cache read", 100],
      ["Cache write", 7],
    ]);
  });

  it("shows requests per hour as succeeded plus errors, so a bar is all requests", () => {
    const o = costsOverview(T0, T0 + 3 * DAY_MS, { bucketMs: DAY_MS, hourly: [seriesPoint(h(5), "", { requests: 10, errors: 3 })] });
    const s = requestSeries(o);
    expect(s.labels, "hours over the whole range, not the day buckets").toHaveLength(72);
    expect(s.datasets[0]).toMatchObject({ label: "Succeeded" });
    expect(s.datasets[0].data[5]).toBe(7);
    expect(s.datasets[1]).toMatchObject({ label: "Errors", color: "--bad" });
    expect(s.datasets[1].data[5]).toBe(3);
    expect(stackTotals(s)[5]).toBe(10);
  });

  it("draws latency percentiles with gaps where no request was answered, not 0 ms", () => {
    const o = costsOverview(h(0), h(3), {
      latency: [
        { startMs: h(0), count: 4, p50: 100, p90: 180, p95: 200, p99: 300 },
        { startMs: h(2), count: 0, p50: 0, p90: 0, p95: 0, p99: 0 },
      ],
    });
    const s = latencySeries(o);
    expect(s.datasets.map((d) => d.label)).toEqual(["p50", "p95", "p99"]);
    expect(s.datasets[0].data).toEqual([100, null, null]);
    expect(s.datasets[2].data).toEqual([300, null, null]);
  });
});

describe("summaries", () => {
  it("sums stacked values and names the highest bucket for screen readers", () => {
    const o = costsOverview(h(0), h(2), { series: [seriesPoint(h(1), "a", { costUsd: 2 }), seriesPoint(h(0), "b", { costUsd: 1 })] });
    const text = chartSummary("Cost per hour", costSeries(o, "en-GB"), (v) => `$${v.toFixed(2)}`);
    expect(text).toBe("Cost per hour: $3.00 in total; highest Fri 21 Nov, 01:00–02:00 at $2.00.");
  });

  it("names only the highest value for percentiles, which do not add up", () => {
    const o = costsOverview(h(0), h(1), { latency: [{ startMs: h(0), count: 1, p50: 10, p90: 20, p95: 30, p99: 40 }] });
    expect(chartSummary("Latency", latencySeries(o, "en-GB"), (v) => `${v} ms`, false)).toBe("Latency: highest Fri 21 Nov, 00:00–01:00 at 40 ms.");
  });

  it("says so when there is nothing to draw", () => {
    expect(chartSummary("Cost", costSeries(costsOverview(h(0), h(2))), String)).toBe("Cost: no data in this range.");
  });
});

describe("the weekday × hour heatmap", () => {
  // 2025-11-21 was a Friday (day 4 with Monday as 0).
  it("bins hours by local weekday and hour of day", () => {
    const m = heatmap([seriesPoint(h(13), "", { requests: 5 }), seriesPoint(h(13) + 7 * DAY_MS, "", { requests: 2 })], 0, "requests");
    expect(m.cells[4][13], "the same hour a week apart adds up").toBe(7);
    expect(m.max).toBe(7);
    expect(m.total).toBe(7);
  });

  it("shifts by the offset, across midnight into the next weekday", () => {
    const m = heatmap([seriesPoint(h(23), "", { requests: 1 })], 120, "requests");
    expect(m.cells[4][23]).toBe(0);
    expect(m.cells[5][1], "23:00 UTC on Friday is 01:00 on Saturday in UTC+2").toBe(1);
    const west = heatmap([seriesPoint(h(2), "", { requests: 1 })], -300, "requests");
    expect(west.cells[3][21], "02:00 UTC on Friday is 21:00 on Thursday in UTC-5").toBe(1);
  });

  it("puts a half-hour offset's hour in the hour it starts in", () => {
    const m = heatmap([seriesPoint(h(10), "", { requests: 1 })], 330, "requests");
    expect(m.cells[4][15], "10:00 UTC is 15:30 in UTC+5:30").toBe(1);
  });

  it("shades by cost when asked, treating NaN as nothing", () => {
    const m = heatmap([seriesPoint(h(1), "", { requests: 9, costUsd: 0.25 }), seriesPoint(h(2), "", { requests: 1, costUsd: null })], 0, "cost");
    expect(m.cells[4][1]).toBe(0.25);
    expect(m.cells[4][2]).toBe(0);
    expect(m.max).toBe(0.25);
  });

  it("shades from 0 for nothing to 4 for the busiest, any activity at least 1", () => {
    expect(heatLevel(0, 10)).toBe(0);
    expect(heatLevel(0.01, 10)).toBe(1);
    expect(heatLevel(5, 10)).toBe(2);
    expect(heatLevel(10, 10)).toBe(4);
    expect(heatLevel(3, 0)).toBe(0);
  });

  it("finds the busiest cell, or none in an empty range", () => {
    const m = heatmap([seriesPoint(h(9), "", { requests: 2 }), seriesPoint(h(14), "", { requests: 8 })], 0, "requests");
    expect(busiestCell(m)).toEqual({ day: 4, hour: 14, value: 8 });
    expect(busiestCell(heatmap([], 0, "requests"))).toBeNull();
  });

  it("names the weekdays Monday first and hours as spans", () => {
    expect(weekdayNames("en-GB")).toEqual(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
    expect(hourSpan(9)).toBe("09:00–10:00");
    expect(hourSpan(23)).toBe("23:00–24:00");
  });
});
