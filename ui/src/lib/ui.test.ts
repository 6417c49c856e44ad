import { describe, expect, it } from "vitest";
import { PAGES, pageForShortcut } from "./ui.svelte";

/** The digit row: 1…9, then 0 for the tenth. */
const digit = (i: number) => String((i + 1) % 10);

describe("navigation", () => {
  it("puts Health and Alerts after the Overview and Cache after Routes, with Ctrl+1…9, 0 numbered in sidebar order", () => {
    expect(PAGES.map((p) => p.id)).toEqual(["overview", "health", "alerts", "backends", "gateway", "routes", "cache", "readiness", "requests", "settings"]);
    PAGES.forEach((p, i) => expect(p.shortcut).toBe(`Ctrl+${digit(i)}`));
  });

  it("maps the digit of a shortcut to its page, 0 to the tenth", () => {
    expect(pageForShortcut("1")).toBe("overview");
    expect(pageForShortcut("2")).toBe("health");
    expect(pageForShortcut("3")).toBe("alerts");
    expect(pageForShortcut("4")).toBe("backends");
    expect(pageForShortcut("6")).toBe("routes");
    expect(pageForShortcut("7")).toBe("cache");
    expect(pageForShortcut("8")).toBe("readiness");
    expect(pageForShortcut("9")).toBe("requests");
    expect(pageForShortcut("0")).toBe("settings");
    PAGES.forEach((p, i) => expect(pageForShortcut(digit(i))).toBe(p.id));
    expect(pageForShortcut("a")).toBeNull();
    expect(pageForShortcut("12")).toBeNull();
    expect(pageForShortcut("")).toBeNull();
  });
});
