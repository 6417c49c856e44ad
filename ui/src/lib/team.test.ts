import { describe, expect, it } from "vitest";
import { budgetTone, budgetUse, sharing } from "./team";

describe("team sharing", () => {
  it("says sharing, degraded or none, with the lost requests when there are some", () => {
    expect(sharing({ redisUp: true, ledgerQueued: 0, ledgerLost: 0 })).toMatchObject({ tone: "ok", title: "Sharing through Redis", redis: "up" });
    const degraded = sharing({ redisUp: false, ledgerQueued: 3, ledgerLost: 0 });
    expect(degraded.tone).toBe("warn");
    expect(degraded.title).toMatch(/^Degraded/);
    expect(degraded.redis).toBe("down");
    expect(sharing({ redisUp: null, ledgerQueued: 0, ledgerLost: 0 }).title).toBe("No shared Redis");
    const lost = sharing({ redisUp: true, ledgerQueued: 0, ledgerLost: 2 });
    expect(lost.tone).toBe("warn");
    expect(lost.detail).toContain("2 requests could not be written");
  });

  it("turns a budget's spend into a percent and a tone", () => {
    expect(budgetUse(0.01, 0.02)).toBe(50);
    expect(budgetUse(1, 0)).toBe(0);
    expect(budgetTone(79)).toBe("ok");
    expect(budgetTone(80)).toBe("warn");
    expect(budgetTone(100)).toBe("bad");
  });
});
