// The rules form's row, rendered (server-side: the tests run without a DOM).
import { describe, expect, it } from "vitest";
import { render } from "svelte/server";
import RuleRow from "./RuleRow.svelte";
import { draftFromSettings } from "../lib/alerts";
import { METRIC_RULES } from "../lib/metric-rules.fixtures";

const drafts = draftFromSettings({
  rules: [...METRIC_RULES, { id: "spend", enabled: true, kind: "forecast" }],
  cooldownSecs: 300,
  quietHours: null,
}).rules;
const row = (id: string, invalidField: "threshold" | null = null) => {
  const rule = drafts.find((r) => r.id === id);
  if (!rule) throw new Error(id);
  return render(RuleRow, { props: { rule, invalidField, errorId: invalidField ? "alerts-error" : undefined } }).body;
};

describe("a metric rule's row", () => {
  it("shows its name, help and threshold input, not its id or 'cannot edit'", () => {
    const html = row("unroutedUsage");
    expect(html).toContain(">Unrouted usage</span>");
    expect(html).toContain("Opens when a provider bills");
    expect(html).not.toContain("cannot edit");
    expect(html).toMatch(/<label for="rule-unroutedUsage-threshold"[^>]*>Unrouted at least<\/label>/);
    expect(html).toMatch(/<input id="rule-unroutedUsage-threshold"[^>]*value="1000"/);
    expect(html).toMatch(/<input id="rule-unroutedUsage-threshold"[^>]*aria-invalid="false"/);
    expect(html).toContain(">tokens</span>");
    expect(html).toMatch(/aria-describedby="rule-unroutedUsage-help"/);
  });

  it("marks a refused threshold invalid and points it at the message", () => {
    const html = row("budget80", "threshold");
    expect(html).toMatch(/<input id="rule-budget80-threshold"[^>]*aria-invalid="true"/);
    expect(html).toMatch(/<input id="rule-budget80-threshold"[^>]*aria-describedby="rule-budget80-threshold-hint alerts-error"/);
  });

  it("has only its switch when the threshold is fixed", () => {
    const html = row("teamRedisDown");
    expect(html).toContain(">Team Redis unreachable</span>");
    expect(html).not.toContain("<input id=");
  });

  it("keeps a kind this version does not know as it is, named by its id", () => {
    const html = row("spend");
    expect(html).toContain(">spend</span>");
    expect(html).toContain("this version cannot edit; it is kept as it is");
  });
});
