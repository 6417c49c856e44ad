import { describe, expect, it } from "vitest";
import { draftFromSettings, draftUnchanged, parseDraft, parseOrigins, sameSettings } from "./gateway-settings";

const resilience = { breakerFailures: 3, breakerFailureRatePct: 50, breakerOpenSecs: 60, breakerCloseAfter: 3, retriesPerCandidate: 1, firstByteTimeoutSecs: 60 };
const saved = { port: 4141, allowNonLoopback: false, allowedOrigins: ["http://localhost:5173", "https://tool.example"], allowedNetworks: ["192.168.1.0/24"], resilience, metricsOpenOnLoopback: false, servePanel: false };

describe("gateway settings form", () => {
  it("shows origins one per line", () => {
    expect(draftFromSettings(saved)).toEqual({ port: "4141", allowNonLoopback: false, origins: "http://localhost:5173\nhttps://tool.example", networks: "192.168.1.0/24", metricsOpenOnLoopback: false, servePanel: false });
    expect(draftFromSettings({ ...saved, allowedOrigins: [] }).origins).toBe("");
  });

  it("reads origins from lines, trimming and dropping blanks", () => {
    expect(parseOrigins("  http://a.test \n\n\thttps://b.test:8443\r\n")).toEqual(["http://a.test", "https://b.test:8443"]);
    expect(parseOrigins("http://a.test, http://b.test")).toEqual(["http://a.test", "http://b.test"]);
    expect(parseOrigins("   \n ")).toEqual([]);
    expect(parseOrigins("*")).toEqual(["*"]);
  });

  it("converts the draft to what the core expects", () => {
    expect(parseDraft({ port: " 5000 ", allowNonLoopback: true, origins: "http://localhost:5173\n", networks: "10.0.0.0/8\n\n192.168.1.7", metricsOpenOnLoopback: true, servePanel: false }, resilience)).toEqual({
      ok: true,
      settings: { port: 5000, allowNonLoopback: true, allowedOrigins: ["http://localhost:5173"], allowedNetworks: ["10.0.0.0/8", "192.168.1.7"], resilience, metricsOpenOnLoopback: true, servePanel: false },
    });
  });

  it("refuses a port the core could not receive, and leaves the rest to it", () => {
    for (const port of ["", "41.5", "-1", "abc", "70000"]) {
      expect(parseDraft({ port, allowNonLoopback: false, origins: "", networks: "", metricsOpenOnLoopback: false, servePanel: false }, resilience), port).toMatchObject({ ok: false, message: expect.stringMatching(/1024 to 65535/) });
    }
    expect(parseDraft({ port: "80", allowNonLoopback: false, origins: "*", networks: "", metricsOpenOnLoopback: false, servePanel: false }, resilience)).toMatchObject({ ok: true, settings: { port: 80, allowedOrigins: ["*"] } });
  });

  it("knows when saving would change nothing", () => {
    expect(draftUnchanged(draftFromSettings(saved), saved)).toBe(true);
    expect(draftUnchanged({ port: "4141 ", allowNonLoopback: false, origins: "\nhttp://localhost:5173\n\nhttps://tool.example  ", networks: "192.168.1.0/24\n", metricsOpenOnLoopback: false, servePanel: false }, saved)).toBe(true);
    expect(draftUnchanged({ ...draftFromSettings(saved), port: "4142" }, saved)).toBe(false);
    expect(draftUnchanged({ ...draftFromSettings(saved), port: "" }, saved)).toBe(false);
    expect(draftUnchanged({ ...draftFromSettings(saved), allowNonLoopback: true }, saved)).toBe(false);
    expect(draftUnchanged({ ...draftFromSettings(saved), metricsOpenOnLoopback: true }, saved)).toBe(false);
    expect(draftUnchanged({ ...draftFromSettings(saved), servePanel: true }, saved)).toBe(false);
    expect(draftUnchanged({ ...draftFromSettings(saved), origins: "https://tool.example\nhttp://localhost:5173" }, saved)).toBe(false);
    expect(sameSettings(saved, { ...saved, allowedOrigins: [...saved.allowedOrigins] })).toBe(true);
    expect(sameSettings(saved, { ...saved, allowedNetworks: [] })).toBe(false);
    expect(sameSettings(saved, { ...saved, resilience: { ...resilience, breakerOpenSecs: 30 } })).toBe(false);
  });
});
