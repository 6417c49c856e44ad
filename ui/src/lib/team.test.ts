import { describe, expect, it } from "vitest";
import { budgetTone, budgetUse, dailySpend, sharing } from "./team";

describe("team sharing", () => {
  it("says sharing, degraded or none, with the lost requests when there are some", () => {
    expect(sharing({ redisUp: true, ledgerQueued: 0, ledgerLost: 0, ledgerSetAside: 0 })).toMatchObject({ tone: "ok", title: "Sharing through Redis", redis: "up" });
    const degraded = sharing({ redisUp: false, ledgerQueued: 3, ledgerLost: 0, ledgerSetAside: 0 });
    expect(degraded.tone).toBe("warn");
    expect(degraded.title).toMatch(/^Degraded/);
    expect(degraded.redis).toBe("down");
    expect(sharing({ redisUp: null, ledgerQueued: 0, ledgerLost: 0, ledgerSetAside: 0 }).title).toBe("No shared Redis");
    const lost = sharing({ redisUp: true, ledgerQueued: 0, ledgerLost: 2, ledgerSetAside: 0 });
    expect(lost.tone).toBe("warn");
    expect(lost.detail).toContain("2 requests could not be written");
  });

  it("says how many requests the team database refused and set aside, as a warning", () => {
    const refused = sharing({ redisUp: true, ledgerQueued: 0, ledgerLost: 0, ledgerSetAside: 1 });
    expect(refused.tone).toBe("warn");
    expect(refused.detail).toContain("1 request refused by the team database, set aside on the replica");
    expect(sharing({ redisUp: true, ledgerQueued: 0, ledgerLost: 0, ledgerSetAside: null }).tone).toBe("ok");
  });

  it("turns a budget's spend into a percent and a tone", () => {
    expect(budgetUse(0.01, 0.02)).toBe(50);
    expect(budgetUse(1, 0)).toBe(0);
    expect(budgetTone(79)).toBe("ok");
    expect(budgetTone(80)).toBe("warn");
    expect(budgetTone(100)).toBe("bad");
  });
});

describe("the team's spend per day", () => {
  it("puts every one of the last 30 UTC days on the axis, today last, a day without requests at 0", () => {
    const now = Date.UTC(2026, 10, 26, 15, 30);
    const s = dailySpend(
      [
        { person: "2026-11-26", requests: 3, costUsd: 0.004 },
        { person: "2026-11-20", requests: 1, costUsd: 0.5 },
        { person: "2026-10-01", requests: 9, costUsd: 9 },
      ],
      now,
    );
    expect(s.titles).toHaveLength(30);
    expect(s.titles[0]).toBe("2026-10-28");
    expect(s.titles[29]).toBe("2026-11-26");
    expect(s.labels[29]).toBe("11-26");
    expect(s.datasets[0].data[29]).toBe(0.004);
    expect(s.datasets[0].data[23]).toBe(0.5);
    expect(s.datasets[0].data.filter((v) => v === 0)).toHaveLength(28);
  });
});
