import { describe, expect, it } from "vitest";
import type { LiveHeadroom, UsageSourceRow, UsageWindowView } from "../ipc/types";
import { compact, headroomText, headroomTone, resetsIn, sourceShares, windowBurn, windowTone, windowUsed } from "./usage";

const NOW = 1_795_606_200_000;

function win(over: Partial<UsageWindowView> = {}): UsageWindowView {
  return {
    tool: "Codex", name: "5-hour", source: "provider", usedPercent: null, usedTokens: null, usedUsd: null,
    startedAtMs: null, resetsAtMs: null, burnUsdPerHour: null, projectedUsd: null, seenAtMs: null, how: "", ...over,
  };
}

function room(over: Partial<LiveHeadroom> = {}): LiveHeadroom {
  return { requests: null, tokens: null, inputTokens: null, outputTokens: null, windows: [], planStatus: null, seenAt: NOW / 1000, ...over };
}

describe("usage windows", () => {
  it("says when a window resets, as a user reads it", () => {
    expect(resetsIn(NOW + (2 * 60 + 13) * 60_000, NOW)).toBe("resets in 2 h 13 m");
    expect(resetsIn(NOW + 30_000, NOW)).toBe("resets in 1 m");
    expect(resetsIn(NOW + 3 * 86_400_000 + 4 * 3_600_000, NOW)).toBe("resets in 3 d 4 h");
    expect(resetsIn(NOW - 1, NOW)).toBe("resetting");
  });

  it("shows the provider's percentage, or an estimate's tokens, spend and burn", () => {
    expect(windowUsed(win({ usedPercent: 41.6 }))).toBe("42 % used");
    expect(windowTone(win({ usedPercent: 80 }))).toBe("warn");
    expect(windowTone(win({ usedPercent: 95 }))).toBe("bad");
    expect(windowTone(win({ usedPercent: 10 }))).toBe("ok");
    const est = win({ source: "estimate", usedTokens: 12_345, usedUsd: 3.4, burnUsdPerHour: 1.2, projectedUsd: 6 });
    expect(windowTone(est)).toBe("neutral");
    expect(windowUsed(est)).toBe("12.3k tokens · $3.40 so far");
    expect(windowBurn(est)).toBe("$1.20/h → $6.00 by the reset");
    expect(windowBurn(win())).toBe("");
    expect(compact(2_500_000)).toBe("2.5M");
  });

  it("splits the known spend by source and counts unknown prices apart", () => {
    const row = (source: string, costUsd: number, unpriced = 0): UsageSourceRow => ({
      source, label: source, requests: 1, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd, unpriced, viaGateway: 0,
    });
    expect(sourceShares([row("gateway", 3), row("codex", 1, 2)])).toEqual({ total: 4, unpriced: 2, shares: [0.75, 0.25] });
    expect(sourceShares([row("gateway", 0)]).shares).toEqual([0]);
  });
});

describe("a key's headroom", () => {
  it("names the tightest count and the plan windows", () => {
    const h = room({
      requests: { limit: 60, remaining: 12, resetsAt: NOW / 1000 + 40 },
      tokens: { limit: 150_000, remaining: 140_000, resetsAt: null },
      windows: [{ name: "5h", utilization: 0.82, resetsAt: null }],
    });
    expect(headroomText(h, NOW)).toBe("12 of 60 requests left · full in 1 m · 5h plan 82 % used");
    expect(headroomTone(h)).toBe("warn");
    expect(headroomTone(room({ requests: { limit: 60, remaining: 0, resetsAt: null } }))).toBe("bad");
    expect(headroomTone(room({ planStatus: "rejected" }))).toBe("bad");
    expect(headroomTone(room({ requests: { limit: 60, remaining: 59, resetsAt: null } }))).toBe("ok");
    expect(headroomText(room(), NOW)).toBeNull();
  });
});
