import { describe, expect, it } from "vitest";
import { movedKey } from "../test-support";
import { AUTOMATIC, groupedOptions, installedText, modelOptions, movedText, outcomeLines, reconnectReason, requestsText, toolState } from "./tools";

describe("tool cards", () => {
  it("names the state: connected, needs reconnect only when connected, or not connected", () => {
    expect(toolState({ connected: true, needsReconnect: false })).toBe("connected");
    expect(toolState({ connected: true, needsReconnect: true })).toBe("needsReconnect");
    expect(toolState({ connected: false, needsReconnect: true }), "a tool never connected needs no reconnect").toBe("notConnected");
  });

  it("says whether the tool is installed, with its version when it answered", () => {
    expect(installedText({ installed: true, version: "2.1.197" })).toBe("Installed · 2.1.197");
    expect(installedText({ installed: true, version: null })).toBe("Installed");
    expect(installedText({ installed: false, version: null })).toBe("Not installed");
  });

  it("says where a stale tool points when that is not this gateway", () => {
    expect(reconnectReason({ pointsAt: "http://127.0.0.1:4000" }, "http://127.0.0.1:5000")).toContain("http://127.0.0.1:4000");
    expect(reconnectReason({ pointsAt: "http://127.0.0.1:5000/v1" }, "http://127.0.0.1:5000")).toContain("token");
  });

  it("counts requests in words", () => {
    expect(requestsText(1)).toBe("1 request today");
    expect(requestsText(0)).toBe("0 requests today");
  });

  it("offers Automatic first, then the choices, and keeps a model no longer offered", () => {
    expect(modelOptions(["fast"], null)).toEqual([
      { value: AUTOMATIC, label: "Automatic", group: "" },
      { value: "fast", label: "fast", group: "Routes" },
    ]);
    expect(modelOptions(["fast"], "fast")).toHaveLength(2);
    expect(modelOptions(["fast"], "gone").at(-1)).toEqual({ value: "gone", label: "gone (not available now)", group: "" });
  });

  it("groups a long model list by route list and backend", () => {
    const groups = groupedOptions(modelOptions(["fast", "OpenAI/gpt-4o", "Claude/claude-haiku-4-5", "OpenAI/gpt-4.1"], "gone"));
    expect(groups.map((g) => [g.label, g.options.map((o) => o.label)])).toEqual([
      ["", ["Automatic"]],
      ["Routes", ["fast"]],
      ["OpenAI", ["gpt-4o", "gpt-4.1"]],
      ["Claude", ["claude-haiku-4-5"]],
      ["", ["gone (not available now)"]],
    ]);
  });

  it("tells what a connect and a disconnect did", () => {
    const connect = outcomeLines({
      action: "connect",
      files: { changed: ["~/.codex/config.toml"], kept: ["~/.codex/config.toml: model"], backups: ["/d/b"] },
      tokenName: "codex",
      model: null,
      plan: null,
    });
    expect(connect.headline).toBe("Connected with token “codex” · the tool picks its models");
    expect(connect.details).toEqual(["Changed ~/.codex/config.toml", "Kept as you changed them: ~/.codex/config.toml: model", "1 backup in the data folder"]);
    const off = outcomeLines({ action: "disconnect", files: { changed: [], kept: [], backups: [] }, tokenName: "codex", model: null, plan: null });
    expect(off.headline).toBe("Disconnected · token “codex” revoked");
    expect(off.details).toEqual(["No file needed a change."]);
  });

  it("names the way in force when a connect used the tool's plan", () => {
    const files = { changed: [], kept: [], backups: [] };
    const plan = { vendor: "anthropic" as const, host: "https://api.anthropic.com", overflow: { to: "keys" as const } };
    const lines = outcomeLines({ action: "connect", files, tokenName: "claude-code", model: null, plan });
    expect(lines.headline).toBe("Connected with token “claude-code” · the tool picks its models · Claude plan · then your keys");
  });
});

describe("key sweep", () => {
  it("describes a move with where it went and the key test", () => {
    const text = movedText(movedKey({ line: 4 }));
    expect(text).toContain("~/.bashrc:4");
    expect(text).toContain("OpenAI/bashrc");
    expect(text).toContain("valid");
  });

  it("names the environment store, without a line, for a variable moved out of it", () => {
    const text = movedText(movedKey({ path: "HKCU\\Environment", line: 0, keyLabel: "environment" }));
    expect(text).toBe(
      "Moved OPENAI_API_KEY from HKCU\\Environment to OpenAI/environment (key test: valid). It was removed from HKCU\\Environment; “Put back” sets it again.",
    );
  });
});
