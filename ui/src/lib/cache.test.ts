import { describe, expect, it } from "vitest";
import type { CacheRouteStats } from "../ipc/types";
import {
  CACHE_RANGES,
  DEFAULT_SORT,
  answers,
  ariaSort,
  draftUnchanged,
  exactUsd,
  formatBytes,
  formatHitRate,
  formatLifetime,
  formatUsd,
  ledgerCacheBadge,
  lifetimeParts,
  localDateInput,
  localMidnight,
  nextSort,
  parseRouteTtl,
  parseSettings,
  removedText,
  routeCacheBadge,
  savedText,
  settingsDraft,
  sinceFor,
  sortRoutes,
  startOfLocalDay,
  type SettingsDraft,
} from "./cache";

const NOW = Date.parse("2025-11-21T12:00:00Z");

const row = (route: string, over: Partial<CacheRouteStats> = {}): CacheRouteStats => ({
  route,
  entries: 0,
  bytes: 0,
  lookups: 0,
  hits: 0,
  shared: 0,
  hitRate: null,
  savedUsd: 0,
  ...over,
});

const draft = (over: Partial<SettingsDraft> = {}): SettingsDraft => ({ enabled: true, shareBetweenTools: true, ttl: "10", ttlUnit: "min", memoryEntries: "2000", diskMb: "256", ...over });

describe("ranges", () => {
  it("starts each range that long before now", () => {
    expect(CACHE_RANGES.map((r) => r.label)).toEqual(["24 h", "7 d", "30 d"]);
    expect(sinceFor("day", NOW)).toBe("2025-11-20T12:00:00.000Z");
    expect(sinceFor("week", NOW)).toBe("2025-11-14T12:00:00.000Z");
    expect(sinceFor("month", NOW)).toBe("2025-10-22T12:00:00.000Z");
  });

  it("counts today from local midnight", () => {
    const midnight = new Date(NOW);
    midnight.setHours(0, 0, 0, 0);
    expect(startOfLocalDay(NOW)).toBe(midnight.toISOString());
    expect(Date.parse(startOfLocalDay(NOW))).toBeLessThanOrEqual(NOW);
    expect(NOW - Date.parse(startOfLocalDay(NOW))).toBeLessThan(24 * 3_600_000);
  });

  it("turns a date input into local midnight, and refuses what is not a date", () => {
    expect(localMidnight("2025-03-09")).toBe(new Date(2025, 2, 9).toISOString());
    expect(localMidnight(" 2024-02-29 ")).toBe(new Date(2024, 1, 29).toISOString());
    expect(localMidnight("2025-02-30")).toBeNull();
    expect(localMidnight("")).toBeNull();
    expect(localMidnight("9 March")).toBeNull();
    expect(localDateInput(new Date(2025, 0, 5, 23, 59).getTime())).toBe("2025-01-05");
  });
});

describe("numbers in words", () => {
  it("shows money with 2 to 4 decimals below a dollar, 2 above", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(null)).toBe("$0.00");
    expect(formatUsd(0.0012)).toBe("$0.0012");
    expect(formatUsd(0.012)).toBe("$0.012");
    expect(formatUsd(0.5)).toBe("$0.50");
    expect(formatUsd(0.00004)).toBe("<$0.0001");
    expect(formatUsd(1234.5)).toBe("$1,234.50");
  });

  it("gives the exact amount for tooltips", () => {
    expect(exactUsd(0.0000123)).toBe("$0.0000123");
    expect(exactUsd(0)).toBe("$0.00");
    expect(exactUsd(2)).toBe("$2.00");
    expect(exactUsd(0.5)).toBe("$0.50");
  });

  it("shows sizes in binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(256 * 1024 * 1024)).toBe("256 MiB");
    expect(formatBytes(1.25 * 1024 ** 3)).toBe("1.3 GiB");
  });

  it("shows a hit rate as a percentage, or a dash before any lookup", () => {
    expect(formatHitRate(0.5)).toBe("50 %");
    expect(formatHitRate(1 / 3)).toBe("33.3 %");
    expect(formatHitRate(0)).toBe("0 %");
    expect(formatHitRate(null)).toBe("—");
  });

  it("says how many answers were removed", () => {
    expect(answers(1)).toBe("1 answer");
    expect(removedText(3)).toBe("Removed 3 answers.");
    expect(removedText(1)).toBe("Removed 1 answer.");
    expect(removedText(0)).toMatch(/^Removed 0 answers: /);
  });

  it("shows a lifetime in its two largest units", () => {
    expect(formatLifetime(600)).toBe("10 min");
    expect(formatLifetime(5400)).toBe("1 h 30 min");
    expect(formatLifetime(2_592_000)).toBe("30 d");
    expect(formatLifetime(45)).toBe("45 s");
    expect(formatLifetime(0)).toBe("—");
  });
});

describe("sorting the per-route table", () => {
  const rows = [
    row("b", { lookups: 4, hitRate: 0.5, savedUsd: 0.2 }),
    row("a", { lookups: 10, hitRate: 0.1, savedUsd: 0.1 }),
    row("c", { lookups: 0, hitRate: null, entries: 3 }),
  ];

  it("starts with the busiest routes first", () => {
    expect(sortRoutes(rows, DEFAULT_SORT).map((r) => r.route)).toEqual(["a", "b", "c"]);
  });

  it("flips a column on a second click; a new column starts A→Z for names, biggest first for numbers", () => {
    expect(nextSort({ key: "lookups", dir: "desc" }, "lookups")).toEqual({ key: "lookups", dir: "asc" });
    expect(nextSort({ key: "lookups", dir: "desc" }, "route")).toEqual({ key: "route", dir: "asc" });
    expect(nextSort({ key: "route", dir: "asc" }, "hitRate")).toEqual({ key: "hitRate", dir: "desc" });
  });

  it("sorts by any column, with routes that have no hit rate yet last either way", () => {
    expect(sortRoutes(rows, { key: "route", dir: "desc" }).map((r) => r.route)).toEqual(["c", "b", "a"]);
    expect(sortRoutes(rows, { key: "hitRate", dir: "desc" }).map((r) => r.route)).toEqual(["b", "a", "c"]);
    expect(sortRoutes(rows, { key: "hitRate", dir: "asc" }).map((r) => r.route)).toEqual(["a", "b", "c"]);
    expect(sortRoutes(rows, { key: "entries", dir: "desc" }).map((r) => r.route)).toEqual(["c", "a", "b"]);
    expect(rows.map((r) => r.route)).toEqual(["b", "a", "c"]);
  });

  it("tells assistive technology which column sorts and how", () => {
    expect(ariaSort({ key: "bytes", dir: "asc" }, "bytes")).toBe("ascending");
    expect(ariaSort({ key: "bytes", dir: "desc" }, "bytes")).toBe("descending");
    expect(ariaSort({ key: "bytes", dir: "desc" }, "route")).toBe("none");
  });
});

describe("the settings form", () => {
  it("shows the lifetime in the largest unit that fits", () => {
    expect(lifetimeParts(600)).toEqual({ value: "10", unit: "min" });
    expect(lifetimeParts(7200)).toEqual({ value: "2", unit: "h" });
    expect(lifetimeParts(86_400 * 3)).toEqual({ value: "3", unit: "d" });
    expect(lifetimeParts(90)).toEqual({ value: "90", unit: "s" });
    expect(settingsDraft({ enabled: false, shareBetweenTools: true, ttlSecs: 600, memoryEntries: 2000, diskMb: 256 })).toEqual(draft({ enabled: false }));
  });

  it("converts what was typed into what the core takes", () => {
    expect(parseSettings(draft())).toEqual({ ok: true, settings: { enabled: true, shareBetweenTools: true, ttlSecs: 600, memoryEntries: 2000, diskMb: 256 } });
    expect(parseSettings(draft({ ttl: "1", ttlUnit: "s", memoryEntries: "0", diskMb: "10,240" }))).toEqual({
      ok: true,
      settings: { enabled: true, shareBetweenTools: true, ttlSecs: 1, memoryEntries: 0, diskMb: 10_240 },
    });
    expect(parseSettings(draft({ ttl: "30", ttlUnit: "d", memoryEntries: "100000", diskMb: "1" })).ok).toBe(true);
    expect(parseSettings(draft({ shareBetweenTools: false }))).toMatchObject({ ok: true, settings: { shareBetweenTools: false } });
  });

  it("refuses what the core would refuse, with a message at each field", () => {
    const r = parseSettings(draft({ ttl: "0", memoryEntries: "100001", diskMb: "0" }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(["diskMb", "memoryEntries", "ttl"]);
    expect(r.errors.ttl).toMatch(/1 second to 30 days/);
    expect(parseSettings(draft({ ttl: "31", ttlUnit: "d" }))).toMatchObject({ ok: false, errors: { ttl: expect.any(String) } });
    expect(parseSettings(draft({ ttl: "1.5", ttlUnit: "h" }))).toMatchObject({ ok: false, errors: { ttl: expect.any(String) } });
    expect(parseSettings(draft({ ttl: "" }))).toMatchObject({ ok: false, errors: { ttl: expect.any(String) } });
    expect(parseSettings(draft({ memoryEntries: "" }))).toMatchObject({ ok: false, errors: { memoryEntries: expect.any(String) } });
    expect(parseSettings(draft({ diskMb: "10241" }))).toMatchObject({ ok: false, errors: { diskMb: expect.any(String) } });
  });

  it("knows when saving would change nothing, whatever unit the lifetime is in", () => {
    const saved = { enabled: true, shareBetweenTools: true, ttlSecs: 600, memoryEntries: 2000, diskMb: 256 };
    expect(draftUnchanged(draft(), saved)).toBe(true);
    expect(draftUnchanged(draft({ ttl: "600", ttlUnit: "s" }), saved)).toBe(true);
    expect(draftUnchanged(draft({ enabled: false }), saved)).toBe(true);
    expect(draftUnchanged(draft({ shareBetweenTools: false }), saved)).toBe(true);
    expect(draftUnchanged(draft({ ttl: "11" }), saved)).toBe(false);
    expect(draftUnchanged(draft({ ttl: "0" }), saved)).toBe(false);
  });
});

describe("a route's cache policy", () => {
  it("reads an empty lifetime as the default and refuses one outside 1 s to 30 days", () => {
    expect(parseRouteTtl("")).toEqual({ ok: true, ttlSecs: null });
    expect(parseRouteTtl(" 120 ")).toEqual({ ok: true, ttlSecs: 120 });
    expect(parseRouteTtl("0").ok).toBe(false);
    expect(parseRouteTtl("2592001").ok).toBe(false);
  });

  it("badges only routes that differ from the default", () => {
    expect(routeCacheBadge({ mode: "auto", ttlSecs: 60 })).toBeNull();
    expect(routeCacheBadge({ mode: "always", ttlSecs: null })?.label).toBe("cache: every request");
    expect(routeCacheBadge({ mode: "always", ttlSecs: 3600 })?.label).toBe("cache: every request · 1 h");
    expect(routeCacheBadge({ mode: "off", ttlSecs: null })).toMatchObject({ label: "cache off", tone: "muted" });
  });
});

describe("the Requests page", () => {
  it("badges answers the cache gave, and nothing else", () => {
    expect(ledgerCacheBadge({ cache: "hit" })?.label).toBe("cached");
    expect(ledgerCacheBadge({ cache: "shared" })?.title).toMatch(/identical request/);
    for (const cache of ["miss", "skip", "bypass", "refresh", null]) expect(ledgerCacheBadge({ cache })).toBeNull();
  });

  it("says what a cached answer saved, when it saved something", () => {
    expect(savedText({ cache: "hit", savedUsd: 0.0012 })).toBe("saved $0.0012");
    expect(savedText({ cache: "hit", savedUsd: 0 })).toBeNull();
    expect(savedText({ cache: "hit", savedUsd: null })).toBeNull();
    expect(savedText({ cache: "miss", savedUsd: 0.5 })).toBeNull();
  });
});
