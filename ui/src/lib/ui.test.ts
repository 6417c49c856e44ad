import { describe, expect, it } from "vitest";
import { PAGES, ariaKeyShortcut, documentTitle, headingId, pageForShortcut, pageLabel } from "./ui.svelte";

/** The pages on the digit row, in sidebar order: 1…9, then 0 for Settings. */
const DIGIT_PAGES = ["overview", "health", "alerts", "backends", "gateway", "routes", "cache", "readiness", "requests", "settings"];

describe("navigation", () => {
  it("puts Tools after Gateway and Costs after Requests, with Ctrl+1…9, 0 numbered in sidebar order around them", () => {
    expect(PAGES.map((p) => p.id)).toEqual(["overview", "health", "alerts", "backends", "gateway", "tools", "routes", "cache", "readiness", "requests", "costs", "team", "settings"]);
    const digits = PAGES.filter((p) => !p.shift);
    expect(digits.map((p) => p.id), "the digit shortcuts stay on the pages they always opened").toEqual(DIGIT_PAGES);
    digits.forEach((p, i) => expect(p.shortcut).toBe(`Ctrl+${(i + 1) % 10}`));
    expect(PAGES.find((p) => p.id === "costs")?.shortcut).toBe("Ctrl+Shift+S");
    expect(PAGES.find((p) => p.id === "tools")?.shortcut).toBe("Ctrl+Shift+T");
    expect(PAGES.find((p) => p.id === "team")?.shortcut).toBe("Ctrl+Shift+M");
  });

  it("gives every page its own shortcut", () => {
    const combos = PAGES.map((p) => `${p.shift}-${p.key}`);
    expect(new Set(combos).size, "two pages on one shortcut").toBe(PAGES.length);
  });

  it("maps the digit of a shortcut to its page, 0 to Settings", () => {
    expect(pageForShortcut("1")).toBe("overview");
    expect(pageForShortcut("2")).toBe("health");
    expect(pageForShortcut("3")).toBe("alerts");
    expect(pageForShortcut("4")).toBe("backends");
    expect(pageForShortcut("6")).toBe("routes");
    expect(pageForShortcut("7")).toBe("cache");
    expect(pageForShortcut("8")).toBe("readiness");
    expect(pageForShortcut("9")).toBe("requests");
    expect(pageForShortcut("0")).toBe("settings");
    expect(pageForShortcut("a")).toBeNull();
    expect(pageForShortcut("12")).toBeNull();
    expect(pageForShortcut("")).toBeNull();
  });

  it("opens Costs with Ctrl+Shift+S only, whatever the letter's case", () => {
    expect(pageForShortcut("S", true)).toBe("costs");
    expect(pageForShortcut("s", true)).toBe("costs");
    expect(pageForShortcut("s"), "Ctrl+S without Shift is not a page").toBeNull();
    expect(pageForShortcut("1", true), "Shift changes the digit shortcuts into nothing").toBeNull();
  });

  it("opens Tools with Ctrl+Shift+T only", () => {
    expect(pageForShortcut("T", true)).toBe("tools");
    expect(pageForShortcut("t", true)).toBe("tools");
    expect(pageForShortcut("t"), "Ctrl+T without Shift is not a page").toBeNull();
  });
});

describe("what assistive technology is told", () => {
  it("titles the document after the page shown, and plain Switchyard before one is", () => {
    expect(documentTitle(pageLabel("backends"))).toBe("Backends — Switchyard");
    expect(documentTitle(pageLabel("overview"))).toBe("Overview — Switchyard");
    expect(documentTitle("Sign in")).toBe("Sign in — Switchyard");
    expect(documentTitle()).toBe("Switchyard");
    for (const p of PAGES) expect(pageLabel(p.id)).toBe(p.label);
  });

  it("spells every shortcut for aria-keyshortcuts as the key values a screen reader announces", () => {
    const spelled = Object.fromEntries(PAGES.map((p) => [p.id, ariaKeyShortcut(p)]));
    expect(spelled.overview).toBe("Control+1");
    expect(spelled.settings).toBe("Control+0");
    expect(spelled.costs).toBe("Control+Shift+S");
    expect(spelled.tools).toBe("Control+Shift+T");
    expect(spelled.team).toBe("Control+Shift+M");
    // The same keys as the shortcut shown, Ctrl spelled out.
    for (const p of PAGES) expect(ariaKeyShortcut(p)).toBe(p.shortcut.replace("Ctrl", "Control"));
  });

  it("names each page's heading <page>-title", () => {
    expect(headingId("overview")).toBe("overview-title");
    expect(headingId("team")).toBe("team-title");
  });
});
