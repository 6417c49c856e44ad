import { describe, expect, it } from "vitest";
import { METRIC_RULES } from "./metric-rules.fixtures";
import { webhookErrorText, webhookInput, webhookRows } from "./webhooks";

const rules = [
  { id: "backendDown", kind: "backendDown" },
  { id: "errorRate", kind: "errorRate" },
  { id: "night-owl", kind: "backendDown" },
  { id: "future", kind: "somethingNew" },
];

describe("webhook rows", () => {
  it("lists every rule in order, named as the rules form names it, with its masked URL or none", () => {
    expect(webhookRows(rules, { errorRate: "https://hooks.slack.com/…" })).toEqual([
      { ruleId: "backendDown", label: "Backend down", masked: null },
      { ruleId: "errorRate", label: "Error rate", masked: "https://hooks.slack.com/…" },
      { ruleId: "night-owl", label: "Backend down", masked: null },
      { ruleId: "future", label: "future", masked: null },
    ]);
  });

  it("keeps a webhook whose rule is no longer listed, so it can be removed", () => {
    const rows = webhookRows(rules.slice(0, 1), { gone: "http://127.0.0.1:9000/…", backendDown: "https://example.com/…" });
    expect(rows).toEqual([
      { ruleId: "backendDown", label: "Backend down", masked: "https://example.com/…" },
      { ruleId: "gone", label: "gone", masked: "http://127.0.0.1:9000/…" },
    ]);
  });

  it("has no rows without rules or webhooks", () => {
    expect(webhookRows([], {})).toEqual([]);
  });
});

describe("webhook input", () => {
  it("trims what was typed, and has nothing to save for blanks", () => {
    expect(webhookInput("  https://hooks.slack.com/services/T/B/x \n")).toBe("https://hooks.slack.com/services/T/B/x");
    expect(webhookInput("")).toBeNull();
    expect(webhookInput("   ")).toBeNull();
  });
});

describe("webhook errors in words", () => {
  it("turns a refused URL into a sentence", () => {
    expect(webhookErrorText({ kind: "validation", message: "invalid webhook URL: only http and https URLs are allowed", hint: null }, "save")).toBe(
      "Invalid webhook URL: only http and https URLs are allowed.",
    );
  });

  it("says a test was not sent and why, the masked URL as the core wrote it", () => {
    const message = "could not reach webhook http://127.0.0.1:9/…: error sending request";
    expect(webhookErrorText({ kind: "notificationsUnavailable", message, hint: null }, "test")).toBe("Not sent: could not reach webhook http://127.0.0.1:9/…: error sending request.");
    expect(webhookErrorText({ kind: "notificationsUnavailable", message: "webhook https://x.test/… answered HTTP 404", hint: "check the URL" }, "test")).toBe(
      "Not sent: webhook https://x.test/… answered HTTP 404. Check the URL.",
    );
  });

  it("explains a test of a webhook that is gone, and passes other refusals on", () => {
    expect(webhookErrorText({ kind: "notFound", message: "Webhook not found.", hint: null }, "test")).toMatch(/^No webhook is set for this rule/);
    expect(webhookErrorText({ kind: "notFound", message: "Alert rule not found.", hint: null }, "save")).toBe("Alert rule not found.");
  });

  it("says the keychain is unavailable, with its hint", () => {
    const e = { kind: "keychainUnavailable" as const, message: "no Secret Service", hint: "Unlock your keyring." };
    expect(webhookErrorText(e, "save")).toBe("The OS keychain is unavailable, so the webhook could not be saved. Unlock your keyring.");
    expect(webhookErrorText(e, "remove")).toBe("The OS keychain is unavailable, so the webhook could not be removed. Unlock your keyring.");
    expect(webhookErrorText(e, "test")).toBe("The OS keychain is unavailable, so the webhook could not be read. Unlock your keyring.");
  });
});

describe("webhook rows for metric rules", () => {
  it("name each rule as the core does, not by its id", () => {
    const rows = webhookRows(METRIC_RULES, { unroutedUsage: "https://hooks.slack.com/…" });
    expect(rows.map((r) => [r.ruleId, r.label, r.masked])).toEqual([
      ["unroutedUsage", "Unrouted usage", "https://hooks.slack.com/…"],
      ["teamRedisDown", "Team Redis unreachable", null],
      ["budget80", "Budget 80 % spent", null],
    ]);
  });
});
