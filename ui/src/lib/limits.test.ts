import { describe, expect, it } from "vitest";
import {
  DEFAULT_LIMITS,
  compactCount,
  isDefaultLimits,
  limitsChanged,
  limitsForm,
  limitsSummary,
  parseCount,
  parseLimits,
  sameLimits,
} from "./limits";

describe("limits form", () => {
  it("shows no limit as an empty field", () => {
    expect(limitsForm(DEFAULT_LIMITS)).toEqual({ maxInFlight: "50", rpm: "", tpm: "" });
    expect(limitsForm({ maxInFlight: 5, rpm: 60, tpm: 20000 })).toEqual({ maxInFlight: "5", rpm: "60", tpm: "20000" });
  });

  it("turns empty per-minute fields into no limit, and trims", () => {
    expect(parseLimits({ maxInFlight: " 8 ", rpm: "  ", tpm: "" })).toEqual({ ok: true, limits: { maxInFlight: 8, rpm: null, tpm: null } });
    expect(parseLimits({ maxInFlight: "50", rpm: " 60", tpm: "100000 " })).toEqual({ ok: true, limits: { maxInFlight: 50, rpm: 60, tpm: 100000 } });
  });

  it("falls back to the default for an empty requests-at-once field", () => {
    expect(parseLimits({ maxInFlight: "", rpm: "", tpm: "" })).toEqual({ ok: true, limits: DEFAULT_LIMITS });
  });

  it("accepts thousands groups but nothing that is not a whole number", () => {
    expect(parseCount("100,000")).toBe(100000);
    expect(parseCount("1 000 000")).toBe(1000000);
    expect(parseCount("1_000")).toBe(1000);
    expect(parseCount("")).toBeNull();
    for (const bad of ["1.5", "1,5", "-3", "ten", "1e3", "12,34", "99999999999"]) expect(parseCount(bad), bad).toBeNaN();
  });

  it("says which field is not a number", () => {
    expect(parseLimits({ maxInFlight: "x", rpm: "", tpm: "" })).toMatchObject({ ok: false, field: "maxInFlight" });
    expect(parseLimits({ maxInFlight: "5", rpm: "1.5", tpm: "" })).toMatchObject({ ok: false, field: "rpm", message: expect.stringMatching(/whole number/) });
    expect(parseLimits({ maxInFlight: "5", rpm: "", tpm: "lots" })).toMatchObject({ ok: false, field: "tpm" });
  });

  it("leaves ranges to the core", () => {
    expect(parseLimits({ maxInFlight: "0", rpm: "0", tpm: "5" })).toEqual({ ok: true, limits: { maxInFlight: 0, rpm: 0, tpm: 5 } });
  });

  it("knows when nothing changed", () => {
    const saved = { maxInFlight: 50, rpm: 60, tpm: null };
    expect(limitsChanged({ maxInFlight: "50", rpm: " 60 ", tpm: "" }, saved)).toBe(false);
    expect(limitsChanged({ maxInFlight: "50", rpm: "61", tpm: "" }, saved)).toBe(true);
    expect(limitsChanged({ maxInFlight: "50", rpm: "", tpm: "" }, saved)).toBe(true);
    expect(limitsChanged({ maxInFlight: "fifty", rpm: "60", tpm: "" }, saved)).toBe(true);
    expect(sameLimits(saved, { ...saved })).toBe(true);
    expect(isDefaultLimits({ maxInFlight: 50, rpm: null, tpm: null })).toBe(true);
    expect(isDefaultLimits(saved)).toBe(false);
  });

});

describe("limits on the backend row", () => {
  it("shows only what differs from the defaults", () => {
    expect(limitsSummary(DEFAULT_LIMITS)).toEqual([]);
    expect(limitsSummary({ maxInFlight: 50, rpm: 60, tpm: null })).toEqual(["≤ 60 req/min"]);
    expect(limitsSummary({ maxInFlight: 4, rpm: 1, tpm: 200000 })).toEqual(["≤ 4 at once", "≤ 1 req/min", "≤ 200k tokens/min"]);
  });

  it("keeps big numbers short", () => {
    expect(compactCount(1)).toBe("1");
    expect(compactCount(1200)).toBe("1,200");
    expect(compactCount(15000)).toBe("15k");
    expect(compactCount(12500)).toBe("12.5k");
    expect(compactCount(100000)).toBe("100k");
    expect(compactCount(2_000_000)).toBe("2M");
    expect(compactCount(1_250_000)).toBe("1.3M");
    expect(compactCount(100_000_000)).toBe("100M");
  });
});
