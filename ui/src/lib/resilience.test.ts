import { describe, expect, it } from "vitest";
import { draftFromResilience, parseResilience, RESILIENCE_FIELDS, sameResilience } from "./resilience";

const r = { breakerFailures: 3, breakerFailureRatePct: 50, breakerOpenSecs: 60, breakerCloseAfter: 3, retriesPerCandidate: 1, firstByteTimeoutSecs: 60 };
const labels = Object.fromEntries(RESILIENCE_FIELDS.map((f) => [f, f.toUpperCase()])) as Record<(typeof RESILIENCE_FIELDS)[number], string>;

describe("resilience form", () => {
  it("round-trips every field through the draft", () => {
    const d = draftFromResilience(r);
    expect(d.breakerFailures).toBe("3");
    expect(parseResilience({ ...d, breakerOpenSecs: " 15 " }, labels)).toEqual({ ok: true, resilience: { ...r, breakerOpenSecs: 15 } });
  });

  it("names the field that is not a whole number and leaves ranges to the core", () => {
    for (const bad of ["", "1.5", "-2", "ten"]) {
      expect(parseResilience({ ...draftFromResilience(r), retriesPerCandidate: bad }, labels)).toEqual({
        ok: false,
        field: "retriesPerCandidate",
        message: "RETRIESPERCANDIDATE: enter a whole number.",
      });
    }
    expect(parseResilience({ ...draftFromResilience(r), breakerFailures: "1000" }, labels)).toMatchObject({ ok: true });
  });

  it("compares every field", () => {
    expect(sameResilience(r, { ...r })).toBe(true);
    for (const f of RESILIENCE_FIELDS) expect(sameResilience(r, { ...r, [f]: r[f] + 1 })).toBe(false);
  });
});
