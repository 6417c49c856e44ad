import { describe, expect, it } from "vitest";
import { usageTotals as totals } from "../ipc/test-fixtures";
import {
  BREAKDOWN_TABS,
  DAY_MS,
  HOUR_MS,
  REVERSED_MESSAGE,
  ariaSort,
  avgLatency,
  breakdownRows,
  bucketLabel,
  bucketStarts,
  demoSpend,
  bucketTitle,
  customRange,
  dateInput,
  dayStartMs,
  errorRate,
  formatLatency,
  formatRate,
  formatTokens,
  keyLabel,
  nextBreakdownSort,
  presetRange,
  sortBreakdown,
  stepIndex,
  unpricedText,
} from "./costs";

const NOW = Date.parse("2025-11-21T12:30:00Z");

describe("ranges", () => {
  it("ends a preset now and starts it 24 hours, 7 or 30 days before, with the offset passed through", () => {
    expect(presetRange("24h", NOW, 60)).toEqual({ sinceMs: NOW - DAY_MS, untilMs: NOW, offsetMinutes: 60 });
    expect(presetRange("7d", NOW, 0).sinceMs).toBe(NOW - 7 * DAY_MS);
    expect(presetRange("30d", NOW, -300).sinceMs).toBe(NOW - 30 * DAY_MS);
  });

  it("reads a date input as that day's local midnight, and refuses what is not a date", () => {
    expect(dayStartMs("2025-11-21", 0)).toBe(Date.parse("2025-11-21T00:00:00Z"));
    expect(dayStartMs("2025-11-21", 120), "midnight in UTC+2 is 22:00 UTC the day before").toBe(Date.parse("2025-11-20T22:00:00Z"));
    expect(dayStartMs("2025-11-21", -300)).toBe(Date.parse("2025-11-21T05:00:00Z"));
    expect(dayStartMs("2025-02-30", 0), "no 30 February").toBeNull();
    expect(dayStartMs("", 0)).toBeNull();
    expect(dayStartMs("21/11/2025", 0)).toBeNull();
  });

  it("writes the local day of a time as a date input reads it", () => {
    expect(dateInput(Date.parse("2025-11-20T23:30:00Z"), 60), "23:30 UTC is already the 21st in UTC+1").toBe("2025-11-21");
    expect(dateInput(Date.parse("2025-11-21T03:00:00Z"), -300)).toBe("2025-11-20");
  });

  it("covers whole local days from the first through the last picked day", () => {
    const r = customRange("2025-11-01", "2025-11-03", 60);
    expect(r).toEqual({ ok: true, range: { sinceMs: Date.parse("2025-10-31T23:00:00Z"), untilMs: Date.parse("2025-11-03T23:00:00Z"), offsetMinutes: 60 } });
    const one = customRange("2025-11-21", "2025-11-21", 0);
    expect(one.ok && (one.range.untilMs ?? 0) - (one.range.sinceMs ?? 0), "one day picked is one whole day").toBe(DAY_MS);
  });

  it("refuses a reversed range at the end field with the core's words, before asking the core", () => {
    expect(customRange("2025-11-21", "2025-11-20", 0)).toEqual({ ok: false, field: "to", message: REVERSED_MESSAGE });
    expect(REVERSED_MESSAGE).toBe("The range ends before it starts: pick an end after the start.");
  });

  it("refuses missing days and ranges longer than the core allows, at the right field", () => {
    expect(customRange("", "2025-11-20", 0)).toMatchObject({ ok: false, field: "from" });
    expect(customRange("2025-11-20", "nope", 0)).toMatchObject({ ok: false, field: "to" });
    expect(customRange("2024-01-01", "2025-11-20", 0)).toMatchObject({ ok: false, field: "to", message: "Pick a range of at most 400 days." });
  });
});

describe("buckets", () => {
  it("cuts a range into local days aligned as the core aligns them", () => {
    const range = { sinceMs: Date.parse("2025-11-18T10:00:00Z"), untilMs: Date.parse("2025-11-21T10:00:00Z"), offsetMinutes: 120 };
    const starts = bucketStarts(range, DAY_MS);
    expect(starts.map((s) => new Date(s).toISOString())).toEqual([
      "2025-11-17T22:00:00.000Z",
      "2025-11-18T22:00:00.000Z",
      "2025-11-19T22:00:00.000Z",
      "2025-11-20T22:00:00.000Z",
    ]);
  });

  it("cuts a range into hours and keeps any start the core sent that the range would not make", () => {
    const since = Date.parse("2025-11-21T00:00:00Z");
    const range = { sinceMs: since, untilMs: since + 3 * HOUR_MS, offsetMinutes: 0 };
    expect(bucketStarts(range, HOUR_MS)).toEqual([since, since + HOUR_MS, since + 2 * HOUR_MS]);
    expect(bucketStarts(range, HOUR_MS, [since + 5 * HOUR_MS])).toHaveLength(4);
  });

  it("labels hours within a day by the time, over several days with the date too, and days by the date", () => {
    const t = Date.parse("2025-11-21T13:00:00Z");
    expect(bucketLabel(t, HOUR_MS, 60, DAY_MS, "en-GB")).toBe("14:00");
    expect(bucketLabel(t, HOUR_MS, 60, 2 * DAY_MS, "en-GB")).toBe("21 Nov, 14:00");
    expect(bucketLabel(Date.parse("2025-11-20T23:00:00Z"), DAY_MS, 60, 7 * DAY_MS, "en-GB")).toBe("Fri 21 Nov");
  });

  it("titles a bucket with its day and hours, the last hour ending at 24:00", () => {
    expect(bucketTitle(Date.parse("2025-11-21T13:00:00Z"), HOUR_MS, 60, "en-GB")).toBe("Fri 21 Nov, 14:00–15:00");
    expect(bucketTitle(Date.parse("2025-11-21T22:00:00Z"), HOUR_MS, 60, "en-GB")).toBe("Fri 21 Nov, 23:00–24:00");
    expect(bucketTitle(Date.parse("2025-11-20T23:00:00Z"), DAY_MS, 60, "en-GB")).toBe("Fri 21 Nov");
  });
});

describe("numbers in words", () => {
  it("shortens token counts and latencies, with a dash for missing values", () => {
    expect(formatTokens(950)).toBe("950");
    expect(formatTokens(12_345)).toBe("12.3K");
    expect(formatTokens(4_500_000)).toBe("4.5M");
    expect(formatTokens(null)).toBe("0");
    expect(formatLatency(850)).toBe("850 ms");
    expect(formatLatency(1500)).toBe("1.5 s");
    expect(formatLatency(12_400)).toBe("12 s");
    expect(formatLatency(null)).toBe("—");
    expect(formatLatency(Number.NaN)).toBe("—");
  });

  it("computes the error rate and mean latency only when there were requests", () => {
    expect(errorRate(totals({ requests: 40, errors: 1 }))).toBe(0.025);
    expect(formatRate(errorRate(totals({ requests: 40, errors: 1 })))).toBe("2.5 %");
    expect(errorRate(totals())).toBeNull();
    expect(formatRate(null)).toBe("—");
    expect(avgLatency(totals({ requests: 4, latencyMsSum: 1000 }))).toBe(250);
    expect(avgLatency(totals({ requests: null, latencyMsSum: 1000 }))).toBeNull();
  });

  it("says how many requests have no price, in the right number", () => {
    expect(unpricedText(1)).toBe("1 request without a price is not included");
    expect(unpricedText(3)).toBe("3 requests without a price are not included");
  });

  it("names the empty key (no route, no tool) as (none)", () => {
    expect(keyLabel("")).toBe("(none)");
    expect(keyLabel("openai")).toBe("openai");
  });
});

describe("the breakdown table", () => {
  const rows = breakdownRows([
    ["b", totals({ requests: 10, costUsd: 0.5, latencyMsSum: 1000 })],
    ["", totals({ requests: 3, costUsd: 0.5, latencyMsSum: 900 })],
    ["a", totals({ requests: 0, costUsd: null })],
    ["c", totals({ requests: 1, costUsd: 2, latencyMsSum: 10 })],
  ]);
  const keys = (r: { key: string }[]) => r.map((x) => x.key);

  it("turns the core's [key, totals] tuples into rows, and nothing into no rows", () => {
    expect(rows[0]).toMatchObject({ key: "b", totals: { requests: 10 } });
    expect(breakdownRows(null)).toEqual([]);
  });

  it("sorts by cost, costliest first, ties by name with (none) among the names", () => {
    expect(keys(sortBreakdown(rows, { key: "costUsd", dir: "desc" }))).toEqual(["c", "", "b", "a"]);
    expect(keys(sortBreakdown(rows, { key: "costUsd", dir: "asc" }))).toEqual(["a", "", "b", "c"]);
  });

  it("sorts by name, and by mean latency with rows without requests last either way", () => {
    expect(keys(sortBreakdown(rows, { key: "name", dir: "asc" }))).toEqual(["", "a", "b", "c"]);
    expect(keys(sortBreakdown(rows, { key: "avgLatency", dir: "desc" }))).toEqual(["", "b", "c", "a"]);
    expect(keys(sortBreakdown(rows, { key: "avgLatency", dir: "asc" }))).toEqual(["c", "b", "", "a"]);
  });

  it("sorts by the prompt-cache reads of each row (the path that kept its cache first)", () => {
    const cached = breakdownRows([
      ["anthropic", totals({ requests: 2, cacheReadTokens: 9000 })],
      ["openai", totals({ requests: 5, cacheReadTokens: 0 })],
      ["responses", totals({ requests: 1, cacheReadTokens: 12000 })],
    ]);
    expect(keys(sortBreakdown(cached, { key: "cacheReadTokens", dir: "desc" }))).toEqual(["responses", "anthropic", "openai"]);
    expect(nextBreakdownSort({ key: "costUsd", dir: "desc" }, "cacheReadTokens")).toEqual({ key: "cacheReadTokens", dir: "desc" });
  });

  it("has an API tab that names each API and sorts by those names", () => {
    const api = BREAKDOWN_TABS.find((t) => t.id === "api");
    expect(api).toMatchObject({ label: "API", field: "byInbound" });
    expect(BREAKDOWN_TABS.map((t) => t.label)).toEqual(["Backend", "Model", "Route", "Tool", "API"]);
    expect(api?.name("responses")).toBe("OpenAI Responses");
    expect(api?.name("count_tokens")).toBe("Token count");
    expect(api?.name("")).toBe("(none)");
    const byApi = breakdownRows([
      ["openai", totals({ requests: 1 })],
      ["anthropic", totals({ requests: 1 })],
      ["gemini", totals({ requests: 1 })],
    ]);
    // "Anthropic Messages" < "Gemini" < "OpenAI Chat", not the raw keys' order.
    expect(keys(sortBreakdown(byApi, { key: "name", dir: "asc" }, api?.name))).toEqual(["anthropic", "gemini", "openai"]);
    expect(BREAKDOWN_TABS.find((t) => t.id === "route")?.name("")).toBe("(none)");
  });

  it("flips the direction on the same column and starts names A→Z, numbers biggest first", () => {
    expect(nextBreakdownSort({ key: "costUsd", dir: "desc" }, "costUsd")).toEqual({ key: "costUsd", dir: "asc" });
    expect(nextBreakdownSort({ key: "costUsd", dir: "desc" }, "name")).toEqual({ key: "name", dir: "asc" });
    expect(nextBreakdownSort({ key: "name", dir: "asc" }, "requests")).toEqual({ key: "requests", dir: "desc" });
    expect(ariaSort({ key: "requests", dir: "desc" }, "requests")).toBe("descending");
    expect(ariaSort({ key: "requests", dir: "asc" }, "requests")).toBe("ascending");
    expect(ariaSort({ key: "requests", dir: "asc" }, "name")).toBe("none");
  });

  it("moves between tabs and radio options with the arrows, Home and End, stopping at the ends", () => {
    expect(stepIndex("ArrowRight", 0, 4)).toBe(1);
    expect(stepIndex("ArrowLeft", 0, 4)).toBeNull();
    expect(stepIndex("ArrowDown", 3, 4)).toBeNull();
    expect(stepIndex("End", 0, 4)).toBe(3);
    expect(stepIndex("Home", 2, 4)).toBe(0);
    expect(stepIndex("a", 2, 4)).toBeNull();
  });
});

describe("demoSpend", () => {
  const totals = (costUsd: number | null, requests: number) => ({ costUsd, requests });
  const backends = [
    { name: "Demo", kind: "demo" },
    { name: "OpenAI", kind: "openai" },
  ];
  it("sums the Demo backends' cost and requests, nothing else", () => {
    expect(demoSpend([["Demo", totals(0.002, 3)], ["OpenAI", totals(1.5, 9)]], backends)).toEqual({ usd: 0.002, requests: 3 });
  });
  it("is null when Demo spent nothing, or only another backend did", () => {
    expect(demoSpend([["OpenAI", totals(1.5, 9)]], backends)).toBeNull();
    expect(demoSpend([["Demo", totals(0, 2)]], backends)).toBeNull();
    expect(demoSpend([["Demo", totals(null, 2)]], backends)).toBeNull();
  });
  it("follows a renamed Demo backend by its kind, not its name", () => {
    expect(demoSpend([["Sandbox", totals(0.01, 1)]], [{ name: "Sandbox", kind: "demo" }])).toEqual({ usd: 0.01, requests: 1 });
    expect(demoSpend([["Demo", totals(0.01, 1)]], [{ name: "Demo", kind: "openai" }])).toBeNull();
  });
});
