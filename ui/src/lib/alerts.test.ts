import { describe, expect, it } from "vitest";
import type { AlertSettings, FieldIssue } from "../ipc/types";
import {
  alertDuration,
  alertState,
  alertText,
  draftFromSettings,
  draftUnchanged,
  durationFromSecs,
  fieldsOf,
  inputId,
  minutesToTime,
  notNotifiedText,
  parseDecimal,
  parseDraft,
  parseDuration,
  parseTime,
  quietSummary,
  ruleLabel,
  sameSettings,
  draftIssue,
  issueTarget,
  phraseIssue,
  spanText,
  type AlertsDraft,
} from "./alerts";

/** What the core sends for the defaults (fields a kind does not use are absent). */
function defaults(over: Partial<AlertSettings> = {}): AlertSettings {
  return {
    rules: [
      { id: "backendDown", enabled: true, kind: "backendDown", failures: 3 },
      { id: "circuitOpened", enabled: true, kind: "circuitOpened" },
      { id: "errorRate", enabled: true, kind: "errorRate", percent: 20, windowSecs: 300, minSamples: 20, source: "requests" },
      { id: "latencyP95", enabled: true, kind: "latencyP95", thresholdMs: 2000, windowSecs: 300, minSamples: 5, source: "probes" },
      { id: "keyInvalid", enabled: true, kind: "keyInvalid" },
      { id: "rateLimitedFor", enabled: true, kind: "rateLimitedFor", minutes: 5 },
    ],
    cooldownSecs: 300,
    quietHours: null,
    ...over,
  };
}

function edit(d: AlertsDraft, id: string, patch: Partial<AlertsDraft["rules"][number]>): AlertsDraft {
  return { ...d, rules: d.rules.map((r) => (r.id === id ? { ...r, ...patch } : r)) };
}

describe("quiet hours as HH:MM", () => {
  it("turns minutes after midnight into a time and back", () => {
    expect(minutesToTime(0)).toBe("00:00");
    expect(minutesToTime(420)).toBe("07:00");
    expect(minutesToTime(1320)).toBe("22:00");
    expect(minutesToTime(1439)).toBe("23:59");
    for (const m of [0, 1, 59, 60, 420, 725, 1320, 1439]) expect(parseTime(minutesToTime(m))).toBe(m);
  });

  it("reads the ways a time gets typed, and refuses what is not one", () => {
    expect(parseTime("22:00")).toBe(1320);
    expect(parseTime(" 7:30 ")).toBe(450);
    expect(parseTime("0730")).toBe(450);
    expect(parseTime("7")).toBe(420);
    expect(parseTime("07")).toBe(420);
    expect(parseTime("22:00:00")).toBe(1320);
    for (const bad of ["", "24:00", "12:60", "7pm", "-1", "12:5", "noon"]) expect(parseTime(bad)).toBeNaN();
  });

  it("summarises a window, saying when it spans midnight", () => {
    expect(quietSummary(1320, 420)).toBe("22:00–07:00 (over midnight)");
    expect(quietSummary(720, 840)).toBe("12:00–14:00");
  });
});

describe("durations", () => {
  it("shows whole minutes as minutes, anything else as seconds", () => {
    expect(durationFromSecs(300)).toEqual({ value: "5", unit: "min" });
    expect(durationFromSecs(90)).toEqual({ value: "90", unit: "s" });
    expect(durationFromSecs(0)).toEqual({ value: "0", unit: "s" });
    expect(parseDuration({ value: "5", unit: "min" })).toBe(300);
    expect(parseDuration({ value: " 90 ", unit: "s" })).toBe(90);
    expect(parseDuration({ value: "1.5", unit: "min" })).toBeNaN();
    expect(parseDuration({ value: "", unit: "s" })).toBeNaN();
    expect(parseDuration({ value: "99999999", unit: "min" })).toBeNaN();
  });

  it("reads a percentage with a point or a comma", () => {
    expect(parseDecimal("20")).toBe(20);
    expect(parseDecimal("12.5")).toBe(12.5);
    expect(parseDecimal("12,5 %")).toBe(12.5);
    expect(parseDecimal("-3")).toBeNaN();
    expect(parseDecimal("lots")).toBeNaN();
  });
});

describe("rules form ↔ settings", () => {
  it("fills the form from the settings and sends back exactly what came, unchanged", () => {
    const saved = defaults({ quietHours: { start: 1320, end: 420 }, cooldownSecs: 90 });
    const d = draftFromSettings(saved);
    expect(d.cooldown).toEqual({ value: "90", unit: "s" });
    expect(d).toMatchObject({ quiet: true, quietStart: "22:00", quietEnd: "07:00" });
    expect(d.rules.map((r) => r.id)).toEqual(saved.rules.map((r) => r.id));
    expect(d.rules[2]).toMatchObject({ percent: "20", window: { value: "5", unit: "min" }, minSamples: "20", source: "requests" });
    const parsed = parseDraft(d);
    expect(parsed).toEqual({ ok: true, settings: saved });
    expect(draftUnchanged(d, saved)).toBe(true);
  });

  it("sends only the fields each kind uses", () => {
    let d = draftFromSettings(defaults());
    d = edit(d, "backendDown", { failures: "5", percent: "junk" });
    d = edit(d, "latencyP95", { threshold: "1500", window: { value: "10", unit: "min" }, source: "requests" });
    d = edit(d, "rateLimitedFor", { enabled: false, minutes: "15" });
    const parsed = parseDraft(d);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const rules = parsed.settings.rules;
    expect(rules[0]).toEqual({ id: "backendDown", enabled: true, kind: "backendDown", failures: 5 });
    expect(rules[1]).toEqual({ id: "circuitOpened", enabled: true, kind: "circuitOpened" });
    expect(rules[3]).toEqual({ id: "latencyP95", enabled: true, kind: "latencyP95", thresholdMs: 1500, windowSecs: 600, minSamples: 5, source: "requests" });
    expect(rules[5]).toEqual({ id: "rateLimitedFor", enabled: false, kind: "rateLimitedFor", minutes: 15 });
  });

  it("turns quiet hours into minutes, or none when off (keeping the times typed)", () => {
    let d = draftFromSettings(defaults());
    expect(d).toMatchObject({ quiet: false, quietStart: "22:00", quietEnd: "07:00" });
    expect(parseDraft(d)).toMatchObject({ ok: true, settings: { quietHours: null } });
    d = { ...d, quiet: true, quietStart: "23:30", quietEnd: "6:45" };
    expect(parseDraft(d)).toMatchObject({ ok: true, settings: { quietHours: { start: 1410, end: 405 } } });
    expect(parseDraft({ ...d, quiet: false, quietStart: "garbage" })).toMatchObject({ ok: true, settings: { quietHours: null } });
  });

  it("refuses text that is not a number before sending, naming the rule and the input", () => {
    const d = draftFromSettings(defaults());
    expect(parseDraft(edit(d, "backendDown", { failures: "three" }))).toEqual({
      ok: false,
      error: { ruleId: "backendDown", field: "failures", message: "Backend down: failures in a row must be a whole number, like 3." },
    });
    expect(parseDraft(edit(d, "errorRate", { percent: "" }))).toMatchObject({ ok: false, error: { ruleId: "errorRate", field: "percent" } });
    expect(parseDraft(edit(d, "errorRate", { window: { value: "2.5", unit: "min" } }))).toMatchObject({ ok: false, error: { field: "window" } });
    expect(parseDraft(edit(d, "latencyP95", { threshold: "2 s" }))).toMatchObject({ ok: false, error: { ruleId: "latencyP95", field: "threshold" } });
    expect(parseDraft(edit(d, "latencyP95", { source: "vibes" }))).toMatchObject({ ok: false, error: { field: "source" } });
    expect(parseDraft(edit(d, "rateLimitedFor", { minutes: "-1" }))).toMatchObject({ ok: false, error: { field: "minutes" } });
    expect(parseDraft({ ...d, cooldown: { value: "soon", unit: "min" } })).toMatchObject({ ok: false, error: { ruleId: null, field: "cooldown" } });
  });

  it("leaves ranges to the core: 0 failures goes out as typed", () => {
    const d = edit(draftFromSettings(defaults()), "backendDown", { failures: "0" });
    const parsed = parseDraft(d);
    expect(parsed.ok && parsed.settings.rules[0]).toEqual({ id: "backendDown", enabled: true, kind: "backendDown", failures: 0 });
  });

  it("refuses quiet hours that are not times, or start when they end", () => {
    const d = { ...draftFromSettings(defaults()), quiet: true };
    expect(parseDraft({ ...d, quietStart: "25:00" })).toMatchObject({ ok: false, error: { field: "quietStart" } });
    expect(parseDraft({ ...d, quietEnd: "" })).toMatchObject({ ok: false, error: { field: "quietEnd" } });
    const same = parseDraft({ ...d, quietStart: "22:00", quietEnd: "22:00" });
    expect(same).toMatchObject({ ok: false, error: { field: "quietEnd" } });
    if (!same.ok) expect(same.error.message).toMatch(/same time/);
  });

  it("sends a rule of a kind it does not know back exactly as it came, with its toggle", () => {
    const odd = { id: "spend", enabled: true, kind: "forecast", windowSecs: 3600 };
    const saved = defaults({ rules: [odd] });
    const d = draftFromSettings(saved);
    expect(fieldsOf("forecast")).toEqual([]);
    expect(parseDraft(d)).toEqual({ ok: true, settings: saved });
    d.rules[0].enabled = false;
    expect(parseDraft(d)).toMatchObject({ ok: true, settings: { rules: [{ ...odd, enabled: false }] } });
  });

  it("fills a missing threshold with the core's default", () => {
    const d = draftFromSettings(defaults({ rules: [{ id: "latencyP95", enabled: true, kind: "latencyP95" }] }));
    expect(d.rules[0]).toMatchObject({ threshold: "2000", window: { value: "5", unit: "min" }, minSamples: "5", source: "probes" });
  });

  it("tells a change from a reformatting", () => {
    const saved = defaults();
    const d = draftFromSettings(saved);
    expect(draftUnchanged({ ...d, cooldown: { value: "300", unit: "s" } }, saved)).toBe(true);
    expect(draftUnchanged(edit(d, "errorRate", { percent: "20.0" }), saved)).toBe(true);
    expect(draftUnchanged({ ...d, cooldown: { value: "6", unit: "min" } }, saved)).toBe(false);
    expect(draftUnchanged(edit(d, "keyInvalid", { enabled: false }), saved)).toBe(false);
    expect(draftUnchanged({ ...d, quiet: true }, saved)).toBe(false);
    expect(draftUnchanged(edit(d, "backendDown", { failures: "x" }), saved)).toBe(false);
    expect(sameSettings(saved, { ...saved, quietHours: { start: 1, end: 2 } })).toBe(false);
    expect(sameSettings({ ...saved, quietHours: undefined }, saved)).toBe(true);
  });
});

describe("refusals from the core", () => {
  const rules = defaults().rules;
  const issue = (field: FieldIssue["field"], index: number | null, message: string): FieldIssue => ({ field, index, code: "outOfRange", severity: "error", message, fix: null });

  it("names the rule in words and points at the input, by the rule's place in the list", () => {
    const first = issue("failures", 0, "Failures must be at least 1.");
    expect(phraseIssue(first, rules).message).toBe("Backend down: failures must be at least 1.");
    expect(issueTarget(first, rules)).toEqual({ ruleId: "backendDown", field: "failures" });
    expect(issueTarget(issue("percent", 2, "Percent must be below 100."), rules)).toEqual({ ruleId: "errorRate", field: "percent" });
    expect(issueTarget(issue("rule", 1, "Two alert rules are called “x”."), rules)).toEqual({ ruleId: "circuitOpened", field: null });
  });

  it("leaves the general settings' issues as they came", () => {
    const quiet = issue("quietEnd", null, "Quiet hours must be times of day.");
    expect(phraseIssue(quiet, rules)).toBe(quiet);
    expect(issueTarget(quiet, rules)).toEqual({ ruleId: null, field: "quietEnd" });
  });

  it("puts a problem found here on its rule's place", () => {
    expect(draftIssue({ ruleId: "errorRate", field: "percent", message: "Error rate: the error rate must be a percentage." }, rules)).toMatchObject({ field: "percent", index: 2 });
    expect(draftIssue({ ruleId: null, field: "cooldown", message: "x" }, rules)).toMatchObject({ field: "cooldown", index: null });
  });
});

describe("input ids", () => {
  it("names a rule's threshold and a general setting apart", () => {
    expect(inputId("backendDown", "failures")).toBe("rule-backendDown-failures");
    expect(inputId(null, "quietStart")).toBe("alerts-quietStart");
    expect(inputId(null, "cooldown")).toBe("alerts-cooldown");
  });
});

describe("stored alerts", () => {
  const open = { openedAt: "2025-11-21T12:00:00Z", resolvedAt: null, notified: true };

  it("names rules by id, kind or as they are", () => {
    expect(ruleLabel("backendDown")).toBe("Backend down");
    expect(ruleLabel("slow-openai", [{ id: "slow-openai", kind: "latencyP95" }])).toBe("Slow responses (p95)");
    expect(ruleLabel("spend")).toBe("spend");
  });

  it("says open or resolved, and how long", () => {
    const now = Date.parse("2025-11-21T12:12:30Z");
    expect(alertState(open)).toBe("open");
    expect(alertDuration(open, now)).toBe("open for 12 min");
    const resolved = { ...open, resolvedAt: "2025-11-21T15:05:00Z" };
    expect(alertState(resolved)).toBe("resolved");
    expect(alertDuration(resolved, now)).toBe("lasted 3 h 5 min");
    expect(alertDuration({ openedAt: "?", resolvedAt: null }, now)).toBe("");
    expect(spanText(45_000)).toBe("45 s");
    expect(spanText(50 * 3_600_000)).toBe("2 d 2 h");
  });

  it("names the backend and key where the core wrote their ids", () => {
    const a = { backendId: "c5b7", backendName: "Closed Ollama", keyId: "k9" };
    expect(alertText("c5b7 is down", a)).toBe("Closed Ollama is down");
    expect(alertText("c5b7 key “k9” refused", a, "work")).toBe("Closed Ollama key “work” refused");
    expect(alertText("c5b7 is down", { ...a, backendName: null })).toBe("c5b7 is down");
  });

  it("explains a missing notification", () => {
    expect(notNotifiedText(open)).toBeNull();
    expect(notNotifiedText({ ...open, notified: false })?.label).toBe("not notified: quiet hours");
    expect(notNotifiedText({ ...open, resolvedAt: "2025-11-21T13:00:00Z", notified: false })?.label).toBe("not notified");
  });
});
