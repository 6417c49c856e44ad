import { describe, expect, it } from "vitest";
import { PAGES, pageForShortcut } from "./ui.svelte";

describe("navigation", () => {
  it("puts Health and Alerts after the Overview, with Ctrl+1… numbered in sidebar order", () => {
    expect(PAGES.map((p) => p.id)).toEqual(["overview", "health", "alerts", "backends", "gateway", "routes", "readiness", "requests", "settings"]);
    PAGES.forEach((p, i) => expect(p.shortcut).toBe(`Ctrl+${i + 1}`));
  });

  it("maps the digit of a shortcut to its page", () => {
    expect(pageForShortcut("1")).toBe("overview");
    expect(pageForShortcut("2")).toBe("health");
    expect(pageForShortcut("3")).toBe("alerts");
    expect(pageForShortcut("4")).toBe("backends");
    expect(pageForShortcut("6")).toBe("routes");
    expect(pageForShortcut("7")).toBe("readiness");
    expect(pageForShortcut("8")).toBe("requests");
    expect(pageForShortcut("9")).toBe("settings");
    expect(pageForShortcut("0")).toBeNull();
    expect(pageForShortcut("a")).toBeNull();
    expect(pageForShortcut("12")).toBeNull();
  });
});
