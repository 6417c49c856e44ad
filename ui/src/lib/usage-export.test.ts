import { describe, expect, it } from "vitest";
import { exportDoneText, exportFileName } from "./usage-export";

describe("usage export", () => {
  it("suggests a file name with the kind and the range's first and last local day", () => {
    const range = { sinceMs: Date.UTC(2025, 10, 1) - 60 * 60_000, untilMs: Date.UTC(2025, 10, 21, 23, 30), offsetMinutes: 60 };
    expect(exportFileName(range, "requests", "csv")).toBe("switchyard-requests-20251101-20251122.csv");
    expect(exportFileName({ ...range, offsetMinutes: 0 }, "daily", "json")).toBe("switchyard-daily-20251031-20251121.json");
  });

  it("ends a range at midnight on the day before", () => {
    const range = { sinceMs: Date.UTC(2025, 10, 1), untilMs: Date.UTC(2025, 10, 8), offsetMinutes: 0 };
    expect(exportFileName(range, "hourly", "csv")).toBe("switchyard-hourly-20251101-20251107.csv");
  });

  it("ends the suggested name with the format's extension (the save dialog filters by it)", () => {
    const range = { sinceMs: Date.UTC(2025, 10, 1), untilMs: Date.UTC(2025, 10, 2), offsetMinutes: 0 };
    expect(exportFileName(range, "requests", "json")).toMatch(/\.json$/);
  });

  it("says how many rows and how much money went into the file", () => {
    expect(exportDoneText({ path: "/x.csv", rows: 123, costUsd: 4.56 })).toBe("Saved 123 rows ($4.56) to");
    expect(exportDoneText({ path: "/x.csv", rows: 1, costUsd: 2 }, { currency: "EUR", perUsd: 0.5 })).toBe("Saved 1 row (€1.00) to");
  });
});
