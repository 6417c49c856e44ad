import { describe, expect, it } from "vitest";
import type { Budget, BudgetStatus } from "../ipc/types";
import {
  barWidth,
  budgetLevel,
  convertedLimit,
  draftFromBudget,
  emptyBudgetDraft,
  forecastText,
  fromScopeKey,
  levelTone,
  parseAmount,
  parseBudgetDraft,
  percentText,
  scopeKey,
  scopeLabel,
  spentText,
  unpricedText,
  withBudget,
  withoutBudget,
} from "./budgets";

const EUR = { currency: "EUR", perUsd: 0.5 };

const budget = (over: Partial<Budget> = {}): Budget => ({
  id: "b1",
  name: "Monthly",
  period: "month",
  scope: { type: "all" },
  limitUsd: 100,
  hardStop: false,
  ...over,
});

const status = (over: Partial<BudgetStatus> = {}, b: Partial<Budget> = {}): BudgetStatus => ({
  budget: budget(b),
  scopeName: null,
  periodStartMs: 0,
  periodEndMs: 0,
  spentUsd: 60,
  unpricedRequests: 0,
  percent: 60,
  forecast: { burnUsdPerDay: 3, projectedUsd: 90, crossesAtMs: null },
  stopped: false,
  ...over,
});

describe("budget levels", () => {
  it("changes colour at the 50, 80 and 100 % notification marks", () => {
    expect([0, 49.9, 50, 79.9, 80, 99.9, 100, 250].map(budgetLevel)).toEqual(["low", "low", "half", "half", "high", "high", "over", "over"]);
    expect(budgetLevel(null)).toBe("low");
    expect(levelTone("over")).toBe("bad");
    expect(levelTone("high")).toBe("warn");
    expect(levelTone("half")).toBe("ok");
  });

  it("keeps the bar inside its track whatever the spend", () => {
    expect(barWidth(250)).toBe(100);
    expect(barWidth(-3)).toBe(0);
    expect(barWidth(null)).toBe(0);
    expect(barWidth(42.5)).toBe(42.5);
  });

  it("never rounds a small spend down to 0 % or a near miss up to 100 %", () => {
    expect(percentText(0.2)).toBe("<1 %");
    expect(percentText(99.9)).toBe("99 %");
    expect(percentText(0)).toBe("0 %");
  });
});

describe("budget words", () => {
  it("names the scope, and says when its backend or route was deleted", () => {
    expect(scopeLabel(status())).toBe("All requests");
    expect(scopeLabel(status({ scopeName: "OpenAI" }, { scope: { type: "backend", id: "x" } }))).toBe("Backend OpenAI");
    expect(scopeLabel(status({ scopeName: null }, { scope: { type: "route", id: "x" } }))).toBe("Route (deleted)");
  });

  it("shows spent and limit in the display currency", () => {
    expect(spentText(status())).toBe("$60.00 of $100.00");
    expect(spentText(status(), EUR)).toBe("€30.00 of €50.00");
  });

  it("warns about requests left out of the spend for want of a price", () => {
    expect(unpricedText(0)).toBeNull();
    expect(unpricedText(null)).toBeNull();
    expect(unpricedText(1)).toBe("1 request without a known price is not counted.");
    expect(unpricedText(3)).toBe("3 requests without a known price are not counted.");
  });

  it("projects the period's end at the current rate", () => {
    expect(forecastText(status())).toBe("At this rate: $90.00 by the end of the month");
    expect(forecastText(status({}, { period: "day" }), EUR)).toBe("At this rate: €45.00 by the end of the day");
  });

  it("says when the limit will be reached, or that it was", () => {
    const crosses = Date.UTC(2025, 10, 26, 15, 30);
    const s = status({ forecast: { burnUsdPerDay: 5, projectedUsd: 150, crossesAtMs: crosses } });
    expect(forecastText(s, undefined, "en-GB")).toBe(`Reaches the limit on ${new Date(crosses).toLocaleDateString("en-GB", { day: "numeric", month: "short" })}`);
    expect(forecastText({ ...s, budget: budget({ period: "day" }) }, undefined, "en-GB")).toMatch(/^Reaches the limit at \d\d:\d\d$/);
    expect(forecastText(status({ percent: 100, spentUsd: 100 }))).toBe("Limit reached");
  });

  it("has nothing to forecast before anything is spent", () => {
    expect(forecastText(status({ spentUsd: 0, percent: 0, forecast: { burnUsdPerDay: 0, projectedUsd: 0, crossesAtMs: null } }))).toBeNull();
  });
});

describe("budget form", () => {
  it("round-trips a budget through the form", () => {
    const b = budget({ scope: { type: "route", id: "r1" }, limitUsd: 12.5, hardStop: true, period: "day" });
    const parsed = parseBudgetDraft(draftFromBudget(b));
    expect(parsed).toEqual({ ok: true, budget: b });
  });

  it("reads amounts as people type them", () => {
    expect(parseAmount("50")).toBe(50);
    expect(parseAmount(" $1,250.50 ")).toBe(1250.5);
    expect(parseAmount("12,5")).toBe(12.5);
    expect(parseAmount(".5")).toBe(0.5);
    expect(parseAmount("")).toBeNull();
    expect(parseAmount("-5")).toBeNull();
    expect(parseAmount("abc")).toBeNull();
    expect(parseAmount("1e3")).toBeNull();
  });

  it("refuses what the core would refuse, field by field", () => {
    const empty = parseBudgetDraft(emptyBudgetDraft());
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(Object.keys(empty.errors).sort()).toEqual(["limit", "name"]);
    const zero = parseBudgetDraft({ ...emptyBudgetDraft(), name: "x", limit: "0" });
    expect(!zero.ok && zero.errors.limit).toBe("The limit must be more than $0.");
    const huge = parseBudgetDraft({ ...emptyBudgetDraft(), name: "x", limit: "10000001" });
    expect(!huge.ok && huge.errors.limit).toMatch(/at most/);
    const noScope = parseBudgetDraft({ ...emptyBudgetDraft(), name: "x", limit: "5", scopeType: "backend" });
    expect(!noScope.ok && noScope.errors.scope).toBe("Pick a backend.");
  });

  it("refuses a second budget of the same name, whatever its case, but not the one being edited", () => {
    const others = [budget({ id: "a", name: "Daily" })];
    const dup = parseBudgetDraft({ ...emptyBudgetDraft(), name: " daily ", limit: "5" }, others);
    expect(!dup.ok && dup.errors.name).toMatch(/Another budget/);
    expect(parseBudgetDraft({ ...emptyBudgetDraft(), id: "a", name: "Daily", limit: "5" }, others).ok).toBe(true);
  });

  it("trims the name and sends the limit as a number", () => {
    const parsed = parseBudgetDraft({ ...emptyBudgetDraft(), name: "  Team  ", limit: "$20" });
    expect(parsed.ok && parsed.budget).toEqual({ id: "", name: "Team", period: "month", scope: { type: "all" }, limitUsd: 20, hardStop: false });
  });

  it("encodes the scope picker's choice", () => {
    expect(scopeKey({ scopeType: "all", scopeId: "zzz" })).toBe("all");
    expect(scopeKey({ scopeType: "backend", scopeId: "b:1" })).toBe("backend:b:1");
    expect(fromScopeKey("backend:b:1")).toEqual({ scopeType: "backend", scopeId: "b:1" });
    expect(fromScopeKey("route:r")).toEqual({ scopeType: "route", scopeId: "r" });
    expect(fromScopeKey("all")).toEqual({ scopeType: "all", scopeId: "" });
  });

  it("shows a USD limit in the display currency only when that is not USD", () => {
    expect(convertedLimit("100", { currency: "USD", perUsd: 1 })).toBeNull();
    expect(convertedLimit("100", EUR)).toBe("≈ €50.00");
    expect(convertedLimit("x", EUR)).toBeNull();
  });
});

describe("budget list", () => {
  it("replaces an edited budget in place and appends a new one", () => {
    const list = [budget({ id: "a", name: "A" }), budget({ id: "b", name: "B" })];
    expect(withBudget(list, budget({ id: "a", name: "A2" })).map((b) => b.name)).toEqual(["A2", "B"]);
    expect(withBudget(list, budget({ id: "", name: "C" })).map((b) => b.name)).toEqual(["A", "B", "C"]);
    expect(withoutBudget(list, "a").map((b) => b.name)).toEqual(["B"]);
    expect(list.map((b) => b.name)).toEqual(["A", "B"]);
  });
});
