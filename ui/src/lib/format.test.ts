import { describe, expect, it } from "vitest";
import type { Check } from "../ipc/types";
import { checkText, checkTitle, checkTone, findingSource, importHeadline, latestCheck, problemText, statusLabel, statusTone } from "./format";

const check = (over: Partial<Check> = {}): Check => ({
  outcome: "valid",
  latencyMs: 180,
  httpStatus: 200,
  message: "valid, 180 ms",
  checkedAt: "2025-11-21T10:00:00Z",
  ...over,
});

describe("check formatting", () => {
  it("shows the check message, or testing while a test runs", () => {
    expect(checkText(check(), false)).toBe("valid, 180 ms");
    expect(checkText(check(), true)).toBe("testing…");
    expect(checkText(null, false)).toBe("Not tested yet");
  });

  it("colours by outcome", () => {
    expect(checkTone(check(), false)).toBe("ok");
    expect(checkTone(check({ outcome: "invalid" }), false)).toBe("bad");
    expect(checkTone(check({ outcome: "rateLimited" }), false)).toBe("warn");
    expect(checkTone(check({ outcome: "unreachable" }), false)).toBe("bad");
    expect(checkTone(check({ outcome: "unexpected", httpStatus: 500 }), false)).toBe("bad");
    expect(checkTone(check({ outcome: "timeout", httpStatus: null }), false)).toBe("bad");
    expect(checkTone(check({ outcome: "invalid" }), true)).toBe("neutral");
    expect(checkTone(undefined, false)).toBe("neutral");
  });

  it("puts the HTTP status in the tooltip", () => {
    expect(checkTitle(check({ checkedAt: null }))).toBe("HTTP 200");
    expect(checkTitle(check())).toMatch(/^Checked .* · HTTP 200$/);
    expect(checkTitle(null)).toBeUndefined();
  });

  it("picks the newest check, a just-produced one first", () => {
    const old = check({ message: "old", checkedAt: "2025-11-20T10:00:00Z" });
    const recent = check({ message: "recent", checkedAt: "2025-11-21T10:00:00Z" });
    const fresh = check({ message: "fresh", checkedAt: null });
    expect(latestCheck([old, null, recent])?.message).toBe("recent");
    expect(latestCheck([recent, fresh, old])?.message).toBe("fresh");
    expect(latestCheck([null, undefined])).toBeNull();
  });
});

describe("status words", () => {
  it("uses human words and the agreed colours", () => {
    expect(statusLabel("noKey")).toBe("No key");
    expect(statusLabel("rateLimited")).toBe("Rate-limited");
    expect(statusLabel("keyInvalid")).toBe("Key invalid");
    expect(statusTone("healthy")).toBe("ok");
    expect(statusTone("untested")).toBe("neutral");
    expect(statusTone("noKey")).toBe("warn");
    expect(statusTone("unreachable")).toBe("bad");
    expect(statusLabel("unreachable")).toBe("Unreachable");
    expect(statusLabel("failing")).toBe("Provider error");
    expect(statusTone("failing")).toBe("bad");
    expect(statusTone("disabled")).toBe("muted");
  });
});

describe("import formatting", () => {
  it("summarises an import", () => {
    expect(importHeadline({ imported: 3, skipped: [], backends: ["OpenAI", "Anthropic", "Groq"] })).toBe("Imported 3 keys into OpenAI, Anthropic, Groq");
    expect(importHeadline({ imported: 1, skipped: [], backends: ["OpenAI"] })).toBe("Imported 1 key into OpenAI");
    expect(importHeadline({ imported: 0, skipped: ["X: already imported"], backends: [] })).toBe("Nothing was imported");
  });

  it("counts keys only; an Ollama host alone reads as an update", () => {
    expect(importHeadline({ imported: 0, skipped: [], backends: ["Ollama"] })).toBe("Updated Ollama");
    expect(importHeadline({ imported: 2, skipped: [], backends: ["OpenAI", "Ollama"] })).toBe("Imported 2 keys into OpenAI, Ollama");
  });

  it("names where a finding came from", () => {
    expect(findingSource(null)).toBe("environment");
    expect(findingSource(4)).toBe(".env line 4");
    expect(problemText({ line: 7, message: "missing =" })).toBe("Line 7: missing =");
  });
});
