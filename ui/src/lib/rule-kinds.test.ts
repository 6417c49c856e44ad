import { describe, expect, it } from "vitest";
import type { AlertRuleForm, AlertSettings, FieldIssue } from "../ipc/types";
import { draftFromSettings, draftIssue, draftUnchanged, issueTarget, parseDraft, phraseIssue, type AlertsDraft } from "./alerts";
import { METRIC_RULES } from "./metric-rules.fixtures";
import { fieldInfo, parseThreshold, ruleFields, ruleHelp, ruleLabel } from "./rule-kinds";

const settings = (rules: AlertRuleForm[] = METRIC_RULES): AlertSettings => ({ rules, cooldownSecs: 300, quietHours: null });

function edit(d: AlertsDraft, id: string, patch: Partial<AlertsDraft["rules"][number]>): AlertsDraft {
  return { ...d, rules: d.rules.map((r) => (r.id === id ? { ...r, ...patch } : r)) };
}

describe("metric rules", () => {
  it("are named and explained in the core's words, never by their id", () => {
    expect(METRIC_RULES.map((r) => ruleLabel(r.id, METRIC_RULES))).toEqual(["Unrouted usage", "Team Redis unreachable", "Budget 80 % spent"]);
    expect(ruleHelp(METRIC_RULES[0])).toMatch(/^Opens when a provider bills/);
    // An alert whose rule is gone, or a core that sends no words, still gets the id.
    expect(ruleLabel("unroutedUsage")).toBe("unroutedUsage");
    const bare = { ...METRIC_RULES[0], text: undefined };
    expect(ruleLabel("unroutedUsage", [bare])).toBe("unroutedUsage");
    expect(ruleFields(bare)).toEqual(["threshold"]);
    expect(fieldInfo(bare, "threshold").label).toBe("Threshold");
  });

  it("edit their threshold, labelled by the core, unless it is fixed", () => {
    const d = draftFromSettings(settings());
    const [unrouted, team] = d.rules;
    expect(ruleFields(unrouted)).toEqual(["threshold"]);
    expect(fieldInfo(unrouted, "threshold")).toMatchObject({ label: "Unrouted at least", unit: "tokens" });
    expect(unrouted.threshold).toBe("1000");
    expect(ruleFields(team)).toEqual([]);
    // The latency rule's threshold keeps its own words.
    expect(fieldInfo({ id: "latencyP95", kind: "latencyP95" }, "threshold")).toMatchObject({ label: "p95 above", unit: "ms" });
  });

  it("save the threshold typed, keeping the metric, comparison and window as they came", () => {
    const saved = settings();
    const d = draftFromSettings(saved);
    expect(draftUnchanged(d, saved)).toBe(true);
    const typed = edit(edit(d, "unroutedUsage", { threshold: "5,000" }), "teamRedisDown", { enabled: false });
    const parsed = parseDraft(typed);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const [unrouted, team, budget] = parsed.settings.rules;
    const { text: _u, ...unroutedAsSent } = METRIC_RULES[0];
    expect(unrouted).toEqual({ ...unroutedAsSent, threshold: 5000 });
    expect(team).toMatchObject({ enabled: false, threshold: 1, metric: "teamRedisUp", compare: "below" });
    expect(budget).toMatchObject({ threshold: 80 });
    // The core's words never go back.
    expect(parsed.settings.rules.some((r) => "text" in r)).toBe(false);
    expect(draftUnchanged(typed, saved)).toBe(false);
    expect(draftUnchanged(edit(d, "budget80", { threshold: "80.0" }), saved)).toBe(true);
  });

  it("refuse a threshold that is not a number on that input, naming the rule", () => {
    const d = edit(draftFromSettings(settings()), "unroutedUsage", { threshold: "lots" });
    const parsed = parseDraft(d);
    expect(parsed).toEqual({
      ok: false,
      error: { ruleId: "unroutedUsage", field: "threshold", message: "Unrouted usage: the threshold must be a number, like 80 or 12.5." },
    });
    if (parsed.ok) return;
    expect(draftIssue(parsed.error, d.rules)).toMatchObject({ field: "threshold", index: 0 });
  });

  it("show the core's range refusal on the threshold input, after the rule's name", () => {
    const rules = draftFromSettings(settings()).rules;
    const issue: FieldIssue = {
      field: "threshold",
      index: 2,
      code: "outOfRange",
      severity: "error",
      message: "The percentage must be above 0 and at most 1000.",
      fix: null,
    };
    expect(issueTarget(issue, rules)).toEqual({ ruleId: "budget80", field: "threshold" });
    expect(phraseIssue(issue, rules).message).toBe("Budget 80 % spent: the percentage must be above 0 and at most 1000.");
  });
});

describe("a metric threshold as typed", () => {
  it("reads decimals, percentages, dollars and thousands separators", () => {
    expect(parseThreshold("80")).toBe(80);
    expect(parseThreshold(" 12.5 % ")).toBe(12.5);
    expect(parseThreshold("0,5")).toBe(0.5);
    expect(parseThreshold("$1.50")).toBe(1.5);
    expect(parseThreshold("1,000")).toBe(1000);
    expect(parseThreshold("1 000 000")).toBe(1_000_000);
    expect(parseThreshold("2,500.75")).toBe(2500.75);
  });

  it("refuses what is not a non-negative number", () => {
    for (const t of ["", "x", "-1", "1e3", "1.2.3", "12,5,0"]) expect(parseThreshold(t), t).toBeNaN();
  });
});
