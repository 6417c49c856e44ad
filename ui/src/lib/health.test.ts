import { describe, expect, it } from "vitest";
import type { BackendHealthCard, HealthPoint, HealthStatus } from "../ipc/types";
import {
  DEFAULT_SLA,
  bucketAt,
  bucketLabel,
  bucketSummary,
  bucketTitle,
  cardUptime,
  errorsTone,
  formatAxisMs,
  formatLatency,
  formatPercent,
  healthStatusLabel,
  healthStatusTone,
  labelledBuckets,
  linePath,
  niceMax,
  rangeInfo,
  rangeTotals,
  reasonsTitle,
  scale,
  stepBucket,
  ticks,
  totals,
  uptimeFloor,
  uptimeTone,
} from "./health";

const utc = { timeZone: "UTC" };
const HOUR = 3_600_000;
// Friday 21 November 2025, 00:00 UTC.
const FRI = Date.UTC(2025, 10, 21);

function point(startMs: number, over: Partial<HealthPoint> = {}): HealthPoint {
  return { startMs, probes: 120, failures: 0, uptime: 100, p50Ms: 20, p95Ms: 40, p99Ms: 60, ...over };
}

function card(over: Partial<BackendHealthCard> = {}): BackendHealthCard {
  return {
    backendId: "demo",
    name: "Demo",
    status: "healthy",
    reasons: [],
    uptime24h: 100,
    uptime7d: 99.5,
    uptime30d: 99.95,
    p50Ms: 3,
    p95Ms: 8,
    p99Ms: 12,
    slaTarget: 99.9,
    slaBreached: false,
    requestsToday: 0,
    errorsToday: 0,
    ...over,
  };
}

describe("statuses", () => {
  it("names and colours the four monitored states, and keeps an unknown one as sent", () => {
    expect(["healthy", "degraded", "down", "unknown"].map(healthStatusLabel)).toEqual(["Healthy", "Degraded", "Down", "Unknown"]);
    expect(["healthy", "degraded", "down", "unknown"].map(healthStatusTone)).toEqual(["ok", "warn", "bad", "neutral"]);
    expect(healthStatusLabel("maintenance")).toBe("maintenance");
    expect(healthStatusTone("maintenance")).toBe("neutral");
  });

  it("puts every reason in the tooltip, or what the status means without any", () => {
    expect(reasonsTitle("down", ["3 probes in a row failed", "key “work” refused"])).toBe("3 probes in a row failed\nkey “work” refused");
    expect(reasonsTitle("unknown", [])).toBe("Not probed yet.");
  });
});

describe("uptime", () => {
  it("is ok at 100 % or the target, warn below the target, bad below 90 %, muted without data", () => {
    expect(uptimeTone(100, 99.9)).toBe("ok");
    expect(uptimeTone(99.95, 99.9)).toBe("ok");
    expect(uptimeTone(99.9, 99.9)).toBe("ok");
    expect(uptimeTone(99.89, 99.9)).toBe("warn");
    expect(uptimeTone(90, 99.9)).toBe("warn");
    expect(uptimeTone(89.99, 99.9)).toBe("bad");
    expect(uptimeTone(0, 99.9)).toBe("bad");
    expect(uptimeTone(null, 99.9)).toBe("muted");
    expect(uptimeTone(undefined)).toBe("muted");
    expect(uptimeTone(Number.NaN)).toBe("muted");
  });

  it("falls back to the default target when the card has none", () => {
    expect(DEFAULT_SLA).toBe(99.9);
    expect(uptimeTone(99.85, null)).toBe("warn");
    expect(uptimeTone(99.95, null)).toBe("ok");
  });

  it("formats a percentage with at most two decimals, never rounding a failure up to 100 %", () => {
    expect(formatPercent(100)).toBe("100 %");
    expect(formatPercent(99.95)).toBe("99.95 %");
    expect(formatPercent(99.9)).toBe("99.9 %");
    expect(formatPercent(87.5)).toBe("87.5 %");
    expect(formatPercent(87.123)).toBe("87.12 %");
    expect(formatPercent(99.999)).toBe("99.99 %");
    expect(formatPercent(0)).toBe("0 %");
    expect(formatPercent(null)).toBe("—");
    expect(formatPercent(undefined)).toBe("—");
  });

  it("picks the card's uptime for a range", () => {
    const c = card();
    expect(cardUptime(c, "day")).toBe(100);
    expect(cardUptime(c, "week")).toBe(99.5);
    expect(cardUptime(c, "month")).toBe(99.95);
  });

  it("sums a range's probes into one uptime", () => {
    expect(rangeTotals([point(0, { probes: 100, failures: 1 }), point(HOUR, { probes: 100, failures: 0 })])).toEqual({ probes: 200, failures: 1, uptime: 99.5 });
    expect(rangeTotals([point(0, { probes: 0, failures: 0, uptime: null })])).toEqual({ probes: 0, failures: 0, uptime: null });
  });
});

describe("latency", () => {
  it("formats milliseconds for cards and axes", () => {
    expect(formatLatency(12.4)).toBe("12 ms");
    expect(formatLatency(1234)).toBe("1,234 ms");
    expect(formatLatency(null)).toBe("—");
    expect(formatAxisMs(0)).toBe("0");
    expect(formatAxisMs(250)).toBe("250 ms");
    expect(formatAxisMs(1000)).toBe("1 s");
    expect(formatAxisMs(1500)).toBe("1.5 s");
    expect(formatAxisMs(12_000)).toBe("12 s");
  });
});

describe("ranges and buckets", () => {
  it("describes the three ranges", () => {
    expect(rangeInfo("day")).toMatchObject({ label: "24 h", bucket: "hour" });
    expect(rangeInfo("week")).toMatchObject({ label: "7 d", bucket: "hour" });
    expect(rangeInfo("month")).toMatchObject({ label: "30 d", bucket: "day" });
  });

  it("labels a bucket by its hour, weekday or date", () => {
    const at = FRI + 14 * HOUR;
    expect(bucketLabel(at, "day", utc)).toBe("14:00");
    expect(bucketLabel(at, "week", utc)).toBe("Fri 21");
    expect(bucketLabel(at, "month", utc)).toBe("21 Nov");
  });

  it("names a month's day buckets by their UTC date, as the core cuts them", () => {
    expect(bucketLabel(FRI, "month")).toBe("21 Nov");
    expect(bucketTitle(FRI, "month")).toBe("Fri 21 Nov");
  });

  it("titles a bucket with its whole period", () => {
    expect(bucketTitle(FRI + 14 * HOUR, "day", utc)).toBe("Fri 21 Nov, 14:00–15:00");
    expect(bucketTitle(FRI + 23 * HOUR, "week", utc)).toBe("Fri 21 Nov, 23:00–00:00");
    expect(bucketTitle(FRI, "month", utc)).toBe("Fri 21 Nov");
  });

  it("labels every third hour of a day, each midnight of a week, every fifth day back from today", () => {
    const day = Array.from({ length: 24 }, (_, i) => point(FRI + (i + 1) * HOUR));
    expect(labelledBuckets(day, "day", utc).map((i) => bucketLabel(day[i].startMs!, "day", utc))).toEqual(["03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "00:00"]);
    const week = Array.from({ length: 168 }, (_, i) => point(FRI + (i + 5) * HOUR));
    expect(labelledBuckets(week, "week", utc)).toHaveLength(7);
    expect(labelledBuckets(week, "week", utc).every((i) => bucketTitle(week[i].startMs!, "week", utc).endsWith("00:00–01:00"))).toBe(true);
    const month = Array.from({ length: 30 }, (_, i) => point(FRI + i * 24 * HOUR));
    expect(labelledBuckets(month, "month", utc)).toEqual([4, 9, 14, 19, 24, 29]);
  });

  it("summarises a bucket for its tooltip", () => {
    expect(bucketSummary(point(0), 99.9)).toEqual(["100 % up · 0 of 120 probes failed", "p50 20 ms · p95 40 ms · p99 60 ms"]);
    expect(bucketSummary(point(0, { probes: 100, failures: 2, uptime: 98 }), 99.9)).toEqual([
      "98 % up · 2 of 100 probes failed",
      "Below the 99.9 % target",
      "p50 20 ms · p95 40 ms · p99 60 ms",
    ]);
    expect(bucketSummary(point(0, { probes: 1, failures: 1, uptime: 0, p50Ms: null, p95Ms: null, p99Ms: null }), 99.9)).toEqual([
      "0 % up · 1 of 1 probe failed",
      "Below 90 %",
    ]);
    expect(bucketSummary(point(0, { probes: 0, failures: 0, uptime: null }), 99.9)).toEqual(["No probes in this period."]);
  });

  it("finds the bucket under the pointer", () => {
    expect(bucketAt(0, 240, 24)).toBe(0);
    expect(bucketAt(15, 240, 24)).toBe(1);
    expect(bucketAt(240, 240, 24)).toBe(23);
    expect(bucketAt(-1, 240, 24)).toBeNull();
    expect(bucketAt(10, 240, 0)).toBeNull();
  });
});

describe("today's totals", () => {
  it("sums requests and errors over the cards and counts states", () => {
    const t = totals([
      card({ requestsToday: 120, errorsToday: 3 }),
      card({ backendId: "b", status: "down", requestsToday: 30, errorsToday: 30 }),
      // A status a newer core may send that this UI does not know yet.
      card({ backendId: "c", status: "weird" as HealthStatus, requestsToday: 0, errorsToday: 0 }),
    ]);
    expect(t).toEqual({ requests: 150, errors: 33, errorRate: 22, backends: 3, healthy: 1, degraded: 0, down: 1, unknown: 1 });
    expect(errorsTone(t)).toBe("bad");
  });

  it("has no error rate without requests", () => {
    const t = totals([]);
    expect(t.errorRate).toBeNull();
    expect(errorsTone(t)).toBe("muted");
    expect(errorsTone(totals([card({ requestsToday: 10 })]))).toBe("ok");
    expect(errorsTone(totals([card({ requestsToday: 100, errorsToday: 2 })]))).toBe("warn");
  });
});

describe("chart arithmetic", () => {
  it("rounds an axis top up to 1, 2 or 5 × 10ⁿ", () => {
    expect(niceMax(0)).toBe(10);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(11)).toBe(20);
    expect(niceMax(260)).toBe(500);
    expect(niceMax(1000)).toBe(1000);
    expect(niceMax(1001)).toBe(2000);
    expect(ticks(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticks(20)).toEqual([0, 5, 10, 15, 20]);
    expect(ticks(500)).toEqual([0, 100, 200, 300, 400, 500]);
    expect(ticks(2000)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(ticks(0)).toEqual([0]);
  });

  it("scales linearly, a flat domain to the range's start", () => {
    const y = scale(0, 100, 200, 0);
    expect(y(0)).toBe(200);
    expect(y(50)).toBe(100);
    expect(scale(5, 5, 10, 20)(5)).toBe(10);
  });

  it("draws a line with gaps where a value is missing", () => {
    const x = (i: number) => i * 10;
    const y = (v: number) => 100 - v;
    expect(linePath([10, 20, null, 30, 40], x, y)).toBe("M0.0,90.0 L10.0,80.0 M30.0,70.0 L40.0,60.0");
    expect(linePath([null, 50, null], x, y)).toBe("M10.0,50.0 L10.0,50.0");
    expect(linePath([null, null], x, y)).toBe("");
  });

  it("starts the uptime axis at 90 %, lower when a bucket dipped below", () => {
    expect(uptimeFloor([point(0), point(HOUR, { uptime: 95 })])).toBe(90);
    expect(uptimeFloor([point(0, { uptime: 84.2 })])).toBe(80);
    expect(uptimeFloor([point(0, { uptime: 0 }), point(HOUR, { uptime: null })])).toBe(0);
  });
});

describe("reading a chart with the keyboard", () => {
  it("starts at the newest bucket and moves by one, a page or to the ends", () => {
    expect(stepBucket("ArrowLeft", null, 24)).toBe(23);
    expect(stepBucket("ArrowLeft", 10, 24)).toBe(9);
    expect(stepBucket("ArrowRight", 23, 24)).toBe(23);
    expect(stepBucket("ArrowLeft", 0, 24)).toBe(0);
    expect(stepBucket("PageUp", 23, 24)).toBe(19);
    expect(stepBucket("PageDown", 2, 168)).toBe(30);
    expect(stepBucket("Home", 12, 24)).toBe(0);
    expect(stepBucket("End", 0, 30)).toBe(29);
    expect(stepBucket("Enter", 3, 24)).toBeNull();
    expect(stepBucket("ArrowLeft", null, 0)).toBeNull();
  });
});
