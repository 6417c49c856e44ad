import { describe, expect, it } from "vitest";
import type { Prices } from "../ipc/types";
import { draftFromOverride, emptyPriceDraft, formatPerMtok, parsePriceDraft, repricedText, sortedOverrides, sourceText } from "./prices";

const prices = (over: Partial<Prices> = {}): Prices => ({
  source: "bundled",
  snapshotDate: "2025-11-01",
  models: 312,
  fileLoadedAt: null,
  overrides: [],
  demoPerMtok: [2.5, 10],
  ...over,
});

describe("price form", () => {
  it("requires input and output prices and leaves unset cache prices null", () => {
    const parsed = parsePriceDraft({ ...emptyPriceDraft("my-model"), input: "2.5", output: "10" });
    expect(parsed).toEqual({ ok: true, price: { model: "my-model", inputPerMtok: 2.5, outputPerMtok: 10, cacheReadPerMtok: null, cacheWritePerMtok: null } });
  });

  it("accepts 0 as a price (a free model)", () => {
    expect(parsePriceDraft({ ...emptyPriceDraft("free"), input: "0", output: "0" }).ok).toBe(true);
  });

  it("refuses a missing model, missing, negative or absurd prices, per field", () => {
    const parsed = parsePriceDraft({ model: " ", input: "", output: "-1", cacheRead: "abc", cacheWrite: "5001" });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.errors).sort()).toEqual(["cacheRead", "cacheWrite", "input", "model", "output"]);
    expect(parsed.errors.input).toMatch(/Enter the input price/);
    expect(parsed.errors.output).toMatch(/0 or more/);
    expect(parsed.errors.cacheWrite).toMatch(/At most \$5,000/);
  });

  it("round-trips an override through the form", () => {
    const o = { model: "m", inputPerMtok: 0.15, outputPerMtok: 0.6, cacheReadPerMtok: 0.075, cacheWritePerMtok: null };
    expect(parsePriceDraft(draftFromOverride(o))).toEqual({ ok: true, price: o });
  });
});

describe("price words", () => {
  it("says where the prices come from and how many models they cover", () => {
    expect(sourceText(prices())).toBe("Bundled prices, snapshot 2025-11-01 · 312 models");
    const file = sourceText(prices({ source: "file", fileLoadedAt: "2025-11-21T10:00:00Z", models: 1 }), "en-GB");
    expect(file).toBe(`Loaded from a file on ${new Date("2025-11-21T10:00:00Z").toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" })} · 1 model`);
  });

  it("shows per-million prices in dollars with enough digits for cheap models", () => {
    expect(formatPerMtok(2.5)).toBe("$2.50");
    expect(formatPerMtok(0)).toBe("$0.00");
    expect(formatPerMtok(0.075)).toBe("$0.075");
    expect(formatPerMtok(1250)).toBe("$1,250.00");
    expect(formatPerMtok(null)).toBe("—");
  });

  it("lists overrides by model name", () => {
    const o = (model: string) => ({ model, inputPerMtok: 1, outputPerMtok: 1, cacheReadPerMtok: null, cacheWritePerMtok: null });
    expect(sortedOverrides(prices({ overrides: [o("b"), o("a")] })).map((x) => x.model)).toEqual(["a", "b"]);
    expect(sortedOverrides(null)).toEqual([]);
  });
});

describe("repricing recorded requests", () => {
  it("says what changed, in money", () => {
    expect(repricedText({ days: 30, requests: 40, changed: 12, deltaUsd: 1.234 })).toBe("12 of 40 requests in the last 30 days repriced: +$1.23.");
    expect(repricedText({ days: 7, requests: 3, changed: 3, deltaUsd: -0.5 })).toBe("3 of 3 requests in the last 7 days repriced: -$0.50.");
    expect(repricedText({ days: 7, requests: 3, changed: 1, deltaUsd: 0.004 }), "a change under a cent is not +$0.00").toBe(
      "1 of 3 requests in the last 7 days repriced: +$0.004.",
    );
    expect(repricedText({ days: 7, requests: 3, changed: 3, deltaUsd: 2 }, { currency: "EUR", perUsd: 0.5 })).toContain("€1.00");
    expect(repricedText({ days: 1, requests: 0, changed: 0, deltaUsd: 0 })).toBe("No requests recorded in the last 1 day.");
    expect(repricedText({ days: 30, requests: 5, changed: 0, deltaUsd: 0 })).toBe("All 5 requests in the last 30 days already cost what the prices in force say.");
  });
});
