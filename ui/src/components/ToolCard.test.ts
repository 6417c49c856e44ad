// The Tools page's card, rendered on the server (no DOM here): what it says about a tool's plan.
import { describe, expect, it, vi } from "vitest";
import { render } from "svelte/server";
import { toolInfo } from "../ipc/test-fixtures";
import type { ToolInfo } from "../ipc/types";

vi.mock("../bindings", () => ({ commands: {}, events: {} }));

const { tools } = await import("../ipc");
const { default: ToolCard } = await import("./ToolCard.svelte");

const claude = toolInfo;

const PLAN = { vendor: "anthropic" as const, host: "https://api.anthropic.com" };
const card = (tool: ToolInfo) => render(ToolCard, { props: { tool, gatewayRoot: null } }).body;
/** The text of the element with a test id (its tags dropped, spaces folded). */
function text(html: string, testid: string): string | null {
  const at = html.indexOf(`data-testid="${testid}"`);
  if (at < 0) return null;
  const open = html.lastIndexOf("<", at);
  const tag = /^<(\w+)/.exec(html.slice(open))?.[1] ?? "";
  const end = html.indexOf(`</${tag}>`, at);
  return html.slice(html.indexOf(">", at) + 1, end).replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim();
}

describe("tool card and the tool's plan", () => {
  it("says which way is in force for a tool connected with its plan, and offers the same on Reconnect", () => {
    const html = card(claude({ connected: true, tokenName: "claude-code", planFound: true, plan: { ...PLAN, overflow: { to: "keys" } } }));
    expect(text(html, "tool-plan-claude-code")).toBe("Claude plan · then your keys");
    expect(html, "Reconnect keeps the way in force").toContain('data-testid="tool-way-claude-code" data-choice="plan"');
    expect(text(html, "tool-connect-claude-code")).toBe("Reconnect");
  });

  it("names the overflow route, or says plan only", () => {
    tools.value = { items: [], choices: ["fast", "OpenAI/gpt-4o"] };
    const routed = card(claude({ connected: true, planFound: true, plan: { ...PLAN, overflow: { to: "route", route: "fast" } } }));
    expect(text(routed, "tool-plan-claude-code")).toBe("Claude plan · then route fast");
    expect(routed).toContain('data-choice="planRoute"');
    expect(routed, "the route picker shows the route in force").toContain('data-testid="tool-way-route-claude-code"');
    const only = card(claude({ connected: true, planFound: true, plan: { ...PLAN, overflow: { to: "off" } } }));
    expect(text(only, "tool-plan-claude-code")).toBe("Claude plan · plan only");
    expect(text(only, "tool-way-help-claude-code")).toContain("Claude Code waits for the reset");
    tools.value = { items: [], choices: [] };
  });

  it("says a found sign-in and starts on the plan then the keys before connecting", () => {
    const html = card(claude({ planFound: true }));
    expect(text(html, "tool-plan-claude-code")).toBe("Signed in to a Claude plan");
    expect(html).toContain('data-choice="plan"');
    expect(text(html, "tool-way-help-claude-code")).toContain("Your sign-in goes only to Anthropic.");
    expect(html, "the plan's own models: no model to pick").toMatch(/<label class="model[^"]*hidden/);
    const keys = card(claude({ connected: true, planFound: true }));
    expect(keys, "with API keys the model is picked as ever").not.toMatch(/<label class="model[^"]*hidden/);
  });

  it("names the ChatGPT plan on Codex's card, whose sign-in goes only to OpenAI", () => {
    const html = card(claude({ id: "codex", label: "Codex", statusline: null, planVendor: "chatGpt", planFound: true }));
    expect(text(html, "tool-plan-codex")).toBe("Signed in to a ChatGPT plan");
    expect(text(html, "tool-way-help-codex")).toContain("Your sign-in goes only to OpenAI.");
  });

  it("leaves a card without a plan as it was", () => {
    const html = card(claude({ id: "codex", label: "Codex", statusline: null }));
    expect(html).not.toContain("tool-plan-");
    expect(html).not.toContain("tool-way-");
  });
});
