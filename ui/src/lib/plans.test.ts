import { describe, expect, it } from "vitest";
import type { Subscription } from "../ipc/types";
import { USD } from "./money";
import { connectWay, hasPlanTraffic, initialChoice, offersPlan, planChoices, planHelp, planSpendLines, planStatus, planText, routeNames } from "./plans";

const plan = (overflow: Subscription["overflow"]): Subscription => ({ vendor: "anthropic", host: "https://api.anthropic.com", overflow });

describe("connecting a tool with its plan", () => {
  it("offers the plan first, a route only when the user has one, then plan only and API keys", () => {
    expect(planChoices([]).map((c) => c.label)).toEqual(["Plan, then your keys", "Plan only", "API keys"]);
    expect(planChoices(["fast"]).map((c) => c.id)).toEqual(["plan", "planRoute", "planOnly", "keys"]);
  });

  it("takes the routes from the model choices: the entries without a backend", () => {
    expect(routeNames(["fast", "OpenAI/gpt-4o", "cheap"])).toEqual(["fast", "cheap"]);
  });

  it("offers the plan when a sign-in is found or the tool is connected with it", () => {
    expect(offersPlan({ planFound: true, plan: null })).toBe(true);
    expect(offersPlan({ planFound: false, plan: plan({ to: "keys" }) }), "the way in force stays visible").toBe(true);
    expect(offersPlan({ planFound: false, plan: null })).toBe(false);
  });

  it("starts on the plan then the keys, and on Reconnect on the way in force", () => {
    expect(initialChoice({ connected: false, plan: null }, ["fast"])).toEqual({ choice: "plan", route: "fast" });
    expect(initialChoice({ connected: true, plan: null }, []), "connected with keys: Reconnect keeps the keys").toEqual({ choice: "keys", route: null });
    expect(initialChoice({ connected: true, plan: plan({ to: "off" }) }, [])).toEqual({ choice: "planOnly", route: null });
    expect(initialChoice({ connected: true, plan: plan({ to: "route", route: "cheap" }) }, ["fast"])).toEqual({ choice: "planRoute", route: "cheap" });
  });

  it("sends each choice as Connect's way", () => {
    expect(connectWay("plan", null)).toEqual({ way: "plan", overflow: { to: "keys" } });
    expect(connectWay("planRoute", "fast")).toEqual({ way: "plan", overflow: { to: "route", route: "fast" } });
    expect(connectWay("planOnly", "fast")).toEqual({ way: "plan", overflow: { to: "off" } });
    expect(connectWay("keys", "fast")).toEqual({ way: "keys" });
  });

  it("says what a choice means, and that the sign-in goes only to the vendor", () => {
    expect(planHelp("plan")).toContain("your API keys carry on until it resets");
    expect(planHelp("planOnly", "anthropic", "Claude Code")).toContain("Claude Code waits for the reset");
    for (const c of ["plan", "planRoute", "planOnly"] as const) expect(planHelp(c)).toContain("Your sign-in goes only to Anthropic.");
  });

  it("names the way in force on the card", () => {
    expect(planText(plan({ to: "keys" }))).toBe("Claude plan · then your keys");
    expect(planText(plan({ to: "route", route: "fast" }))).toBe("Claude plan · then route fast");
    expect(planText(plan({ to: "off" }))).toBe("Claude plan · plan only");
    expect(planStatus({ connected: false, planFound: true, plan: null })).toBe("Signed in to a Claude plan");
    expect(planStatus({ connected: true, planFound: true, plan: null })).toBe("Signed in to a Claude plan · connected with your API keys");
  });
});

describe("plan spend on the Costs page", () => {
  const spend = { planRequests: 1, planTokens: 950, overflowRequests: 2, overflowCostUsd: 1.5, overflowUnpriced: 0 };

  it("shows a tile only with plan requests or overflow", () => {
    expect(hasPlanTraffic(spend)).toBe(true);
    expect(hasPlanTraffic({ ...spend, planRequests: 0, overflowRequests: null })).toBe(false);
    expect(hasPlanTraffic(undefined)).toBe(false);
  });

  it("puts the plan's and the overflow's numbers in words", () => {
    expect(planSpendLines(spend, USD)).toEqual({
      served: "1",
      paid: "request paid by your plan · 950 tokens",
      overflow: "Overflow 2 requests",
      overflowCost: "$1.50",
      unpriced: null,
    });
  });
});
