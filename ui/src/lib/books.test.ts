// The providers' books as the Reconcile card words them: differences, percentages, ages, shares.
import { describe, expect, it } from "vitest";
import { adminKeyKind, difference, differenceText, differenceTone, keysToChoose, percentText, providerKeyText, readLabel, shareText, staleLabel, tokenDifference, totalTokens } from "./books";
import { reconciliation, side } from "../ipc/test-fixtures";

const NOW = Date.parse("2026-11-30T12:00:00Z");

describe("the ledger beside the provider", () => {
  it("takes the provider's figure as the truth: provider − ledger, as a % of the provider's", () => {
    expect(difference(80, 100)).toEqual({ delta: 20, percent: 20 });
    expect(difference(110, 100)).toEqual({ delta: -10, percent: -10 });
    expect(difference(5, 0), "no percentage of nothing").toEqual({ delta: -5, percent: null });
    expect(tokenDifference(side({ input: 50, output: 25 }), side({ input: 60, cachedInput: 20, cacheWrite: 10, output: 10 }))).toEqual({ delta: 25, percent: 25 });
    expect(totalTokens({ input: 1, cachedInput: 2, cacheWrite: 3, output: 4 })).toBe(10);
  });

  it("words a difference with its sign and percentage", () => {
    expect(percentText(12.54)).toBe("+12.5 %");
    expect(percentText(-3)).toBe("−3 %");
    expect(percentText(42.44)).toBe("+42.4 %");
    expect(percentText(250.4)).toBe("+250 %");
    expect(percentText(0.01), "rounds to nothing").toBe("0 %");
    expect(percentText(null)).toBe("—");
    expect(differenceText({ delta: 1200, percent: 12.5 })).toBe("+1.2k (+12.5 %)");
    expect(differenceText({ delta: -300, percent: -3 })).toBe("−300 (−3 %)");
    expect(differenceText({ delta: -5, percent: null })).toBe("−5");
    expect(differenceText({ delta: 0, percent: 0 })).toBe("0");
  });

  it("tones a difference by how far apart the two are", () => {
    expect(differenceTone({ delta: 0, percent: null })).toBe("ok");
    expect(differenceTone({ delta: 2, percent: 1.5 })).toBe("ok");
    expect(differenceTone({ delta: -8, percent: -8 })).toBe("warn");
    expect(differenceTone({ delta: 50, percent: 50 })).toBe("bad");
    expect(differenceTone({ delta: -5, percent: null }), "ledger tokens the provider does not show").toBe("warn");
  });
});

describe("how old the books are", () => {
  it("says when they were read, or that they never were", () => {
    expect(readLabel({ readAtMs: NOW - 3 * 3_600_000 }, NOW)).toBe("read 3 h ago");
    expect(readLabel({ readAtMs: NOW - 2_000 }, NOW)).toBe("read just now");
    expect(readLabel({ readAtMs: null }, NOW)).toBe("never read");
  });

  it("says why they are stale, only when the last read failed", () => {
    expect(staleLabel({ stale: "OpenAI refused the admin key (401)" })).toBe("stale: OpenAI refused the admin key (401)");
    expect(staleLabel({ stale: null })).toBeNull();
    expect(staleLabel({ stale: "  " })).toBeNull();
  });
});

describe("unrouted usage and key choices", () => {
  it("words a share of the key's tokens", () => {
    expect(shareText(0.5)).toBe("50 %");
    expect(shareText(0.004)).toBe("<1 %");
    expect(shareText(1)).toBe("100 %");
    expect(shareText(Number.NaN)).toBe("—");
  });

  it("asks about a provider key several of the user's keys fit, or one they chose before", () => {
    const r = reconciliation({
      keys: [
        { providerKeyId: "k1", redacted: "sk-abc...wxyz", name: "ci", keyId: null, candidates: ["a", "b"], chosen: false },
        { providerKeyId: "k2", redacted: "sk-def...1234", name: null, keyId: "a", candidates: [], chosen: false },
        { providerKeyId: "k3", redacted: "sk-ghi...5678", name: null, keyId: "b", candidates: [], chosen: true },
        { providerKeyId: "k4", redacted: "sk-jkl...9999", name: null, keyId: null, candidates: [], chosen: false },
      ],
    });
    expect(keysToChoose(r).map((k) => k.providerKeyId)).toEqual(["k1", "k3"]);
    expect(providerKeyText(r.keys[0])).toBe("ci (sk-abc...wxyz)");
    expect(providerKeyText(r.keys[1])).toBe("sk-def...1234");
  });

  it("names the admin key of each provider with books, and none for others", () => {
    expect(adminKeyKind("openAi")?.prefix).toBe("sk-admin-");
    expect(adminKeyKind("anthropic")?.name).toBe("Anthropic Admin API key");
    expect(adminKeyKind("openRouter")?.name).toBe("OpenRouter management key");
    expect(adminKeyKind("gemini")).toBeNull();
    expect(adminKeyKind("demo")).toBeNull();
  });
});
