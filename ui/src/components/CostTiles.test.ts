// The Costs page's tiles, rendered on the server (no DOM here): the plan tile (issue 74).
import { describe, expect, it } from "vitest";
import { render } from "svelte/server";
import CostTiles from "./CostTiles.svelte";
import { costsOverview } from "../ipc/test-fixtures";
import type { PlanSpend } from "../ipc/types";
import { formatMoney } from "../lib/money";

const EUR = { currency: "EUR", perUsd: 0.5 };
const plans = (over: Partial<PlanSpend> = {}): PlanSpend => ({ planRequests: 0, planTokens: 0, overflowRequests: 0, overflowCostUsd: 0, overflowUnpriced: 0, ...over });
const tiles = (p: PlanSpend) => render(CostTiles, { props: { overview: costsOverview(0, 3_600_000, { plans: p }), currency: EUR, rangeLong: "the last hour" } }).body;

describe("costs tiles: what the plans served", () => {
  it("shows the plan's requests and tokens, and the overflow's cost in the display currency", () => {
    const html = tiles(plans({ planRequests: 40, planTokens: 1_200_000, overflowRequests: 3, overflowCostUsd: 0.84 }));
    expect(html).toContain('data-testid="costs-plans"');
    expect(html).toMatch(/data-testid="costs-plan-requests"[^>]*>40</);
    expect(html).toContain("requests paid by your plan · 1.2M tokens");
    expect(html).toContain("Overflow 3 requests");
    const cost = /data-testid="costs-plan-overflow-cost" data-usd="0.84"[^>]*>([^<]*)</.exec(html)?.[1];
    expect(cost, "the overflow is priced in the user's currency, as the Spend tile").toBe(formatMoney(0.84, EUR));
    expect(cost).toContain("0.42");
    expect(html).not.toContain("costs-plan-unpriced");
  });

  it("says how many overflow requests had no price", () => {
    const html = tiles(plans({ overflowRequests: 2, overflowUnpriced: 1 }));
    expect(html).toContain('data-testid="costs-plan-unpriced"');
    expect(html).toContain("1 request without a price is not included");
  });

  it("has no plan tile without plan traffic in the range", () => {
    expect(tiles(plans()), "a range without plan requests or overflow shows no tile").not.toContain("costs-plans");
    expect(tiles(plans({ planTokens: 10, overflowCostUsd: null, planRequests: null }))).not.toContain("costs-plans");
  });
});
