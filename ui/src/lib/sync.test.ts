import { describe, expect, it } from "vitest";
import type { SyncPass, SyncStatus } from "../ipc/types";
import { passSummary, syncTone } from "./sync";

const pass = (p: Partial<SyncPass> = {}): SyncPass => ({ atMs: 0, error: null, pushed: [], pulled: [], conflicts: [], problems: [], ...p });
const status = (enabled: boolean, last: SyncPass | null): SyncStatus => ({
  settings: { enabled, space: "ana", backends: true, routes: true, budgets: true, tokens: true },
  hasDatabase: true,
  hasSpaceKey: true,
  newSpaceKey: null,
  machine: "laptop",
  last,
});
const conflict = { kind: "backend" as const, name: "openai", mine: "{}", theirs: null, theirMachine: "desk" };

describe("a sync pass in words", () => {
  it("says what moved, what is left to settle, and when nothing did", () => {
    expect(passSummary(null)).toBe("No pass yet.");
    expect(passSummary(pass())).toBe("Up to date.");
    expect(passSummary(pass({ pushed: ["a", "b"], pulled: ["c"] }))).toBe("Sent 2 records, took 1 record.");
    expect(passSummary(pass({ conflicts: [conflict], problems: ["x"] }))).toBe("1 conflict to settle, 1 record not taken.");
    expect(passSummary(pass({ error: "the team database cannot be reached" }))).toBe(
      "The last pass did not run: the team database cannot be reached",
    );
  });

  it("is neutral while off, bad when the pass failed, a warning while something is left", () => {
    expect(syncTone(status(false, pass()))).toBe("neutral");
    expect(syncTone(status(true, pass({ error: "down" })))).toBe("bad");
    expect(syncTone(status(true, pass({ conflicts: [conflict] })))).toBe("warn");
    expect(syncTone(status(true, pass({ pulled: ["a"] })))).toBe("ok");
  });
});
