// A coding tool's own vendor plan (issue 74), its pure side: how the user chooses to connect a
// tool signed in to its plan (the plan first, then their keys, a route or nothing; or API keys),
// the `ConnectWay` that choice sends, the way in force in words, and the Costs page's plan numbers.
// The plan's sign-in itself never reaches the UI: the core passes it to the vendor's host only.
import type { ConnectWay, CostSettings, Overflow, PlanSpend, Subscription, ToolInfo, Vendor } from "../ipc/types";
import { formatCount, formatTokens, num, requestsText, unpricedText } from "./costs";
import { formatMoney } from "./money";

/** How to connect a tool signed in to its plan; "plan" overflows to the user's keys. */
export type PlanChoice = "plan" | "planRoute" | "planOnly" | "keys";

/** What the user reads for a vendor: its plan's name and the company its sign-in goes to. */
export const VENDORS: Record<Vendor, { plan: string; name: string }> = {
  anthropic: { plan: "Claude plan", name: "Anthropic" },
  chatGpt: { plan: "ChatGPT plan", name: "OpenAI" },
};

/** The vendor whose plan a card names: the plan in force, else the one the core says the tool signs in to. */
export function vendorOf(t: Pick<ToolInfo, "plan" | "planVendor">): Vendor {
  return t.plan?.vendor ?? t.planVendor ?? "anthropic";
}

const CHOICE_LABELS: Record<PlanChoice, string> = {
  plan: "Plan, then your keys",
  planRoute: "Plan, then a route",
  planOnly: "Plan only",
  keys: "API keys",
};

/** The choices in order; "Plan, then a route" only when the user has a route. */
export function planChoices(routes: readonly string[]): Array<{ id: PlanChoice; label: string }> {
  const ids: PlanChoice[] = routes.length > 0 ? ["plan", "planRoute", "planOnly", "keys"] : ["plan", "planOnly", "keys"];
  return ids.map((id) => ({ id, label: CHOICE_LABELS[id] }));
}

/** The line under the choice: what it means, and where the sign-in goes. */
export function planHelp(choice: PlanChoice, vendor: Vendor = "anthropic", tool = "The tool"): string {
  const v = VENDORS[vendor];
  const only = `Your sign-in goes only to ${v.name}.`;
  switch (choice) {
    case "plan":
      return `Your plan serves first; when its window is used up, your API keys carry on until it resets. ${only}`;
    case "planRoute":
      return `Your plan serves first; when its window is used up, the route you pick carries on until it resets. ${only}`;
    case "planOnly":
      return `Only your plan serves; when its window is used up, ${tool} waits for the reset, as it would without Switchyard. ${only}`;
    case "keys":
      return `${tool} uses your API keys through the gateway with its own token; your plan's sign-in is not used.`;
  }
}

/** The route names among a tool's model choices (the rest are `Backend/model`). */
export function routeNames(choices: readonly string[]): string[] {
  return choices.filter((c) => !c.includes("/"));
}

/** Whether a card offers the plan: the tool is signed in to it here, or connected with it. */
export function offersPlan(t: Pick<ToolInfo, "planFound" | "plan">): boolean {
  return t.planFound || t.plan !== null;
}

/**
 * The choice a card starts with: the way in force when connected (Reconnect keeps it), else the
 * plan with overflow to the keys. `route`: the route in force, or the first one offered.
 */
export function initialChoice(t: Pick<ToolInfo, "connected" | "plan">, routes: readonly string[]): { choice: PlanChoice; route: string | null } {
  const first = routes[0] ?? null;
  if (t.plan) {
    const o = t.plan.overflow;
    if (o.to === "route") return { choice: "planRoute", route: o.route };
    return { choice: o.to === "off" ? "planOnly" : "plan", route: first };
  }
  return { choice: t.connected ? "keys" : "plan", route: first };
}

/** The `way` Connect sends for a choice; "then a route" without a route: null (the core chooses). */
export function connectWay(choice: PlanChoice, route: string | null): ConnectWay | null {
  switch (choice) {
    case "plan":
      return { way: "plan", overflow: { to: "keys" } };
    case "planRoute":
      return route ? { way: "plan", overflow: { to: "route", route } } : null;
    case "planOnly":
      return { way: "plan", overflow: { to: "off" } };
    case "keys":
      return { way: "keys" };
  }
}

/** What serves after the plan, in words: "then your keys", "then route fast", "plan only". */
export function overflowText(o: Overflow): string {
  if (o.to === "keys") return "then your keys";
  if (o.to === "route") return `then route ${o.route}`;
  return "plan only";
}

/** The way in force on a card: "Claude plan · then your keys". */
export function planText(p: Subscription): string {
  return `${VENDORS[p.vendor].plan} · ${overflowText(p.overflow)}`;
}

/** The card's plan line: the way in force, or that the tool is signed in but not using it. */
export function planStatus(t: Pick<ToolInfo, "connected" | "planFound" | "plan">, vendor: Vendor = "anthropic"): string {
  if (t.plan) return planText(t.plan);
  const signedIn = `Signed in to a ${VENDORS[vendor].plan}`;
  return t.connected ? `${signedIn} · connected with your API keys` : signedIn;
}

/** Whether a range had plan traffic worth a tile. */
export function hasPlanTraffic(p: PlanSpend | null | undefined): boolean {
  return !!p && num(p.planRequests) + num(p.overflowRequests) > 0;
}

/** The Costs page's plan numbers in words; the overflow's cost in the display currency. */
export function planSpendLines(p: PlanSpend, currency: CostSettings): { served: string; paid: string; overflow: string; overflowCost: string; unpriced: string | null } {
  const served = num(p.planRequests);
  const unpriced = num(p.overflowUnpriced);
  return {
    served: formatCount(served),
    paid: `${served === 1 ? "request" : "requests"} paid by your plan · ${formatTokens(p.planTokens)} tokens`,
    overflow: `Overflow ${requestsText(p.overflowRequests)}`,
    overflowCost: formatMoney(num(p.overflowCostUsd), currency),
    unpriced: unpriced > 0 ? unpricedText(unpriced) : null,
  };
}
