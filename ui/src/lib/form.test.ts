import { describe, expect, it } from "vitest";
import type { FieldIssue, KindInfo } from "../ipc/types";
import {
  applyFix,
  applyKeyFix,
  emptyForm,
  firstKey,
  fixLabel,
  keyFixApplies,
  keyMode,
  liveKeyIssues,
  selectableKinds,
  toDraft,
  withKind,
} from "./form";

const kind = (over: Partial<KindInfo> & Pick<KindInfo, "kind" | "label">): KindInfo => ({
  defaultBaseUrl: "",
  defaultModel: "",
  auth: "bearer",
  probePath: "/models",
  needsKey: true,
  keyPrefix: null,
  envVars: [],
  ...over,
});

const openAi = kind({ kind: "openAi", label: "OpenAI", defaultBaseUrl: "https://api.openai.com/v1", defaultModel: "gpt-4.1-mini", keyPrefix: "sk-" });
const anthropic = kind({ kind: "anthropic", label: "Anthropic", defaultBaseUrl: "https://api.anthropic.com", defaultModel: "claude-haiku-4-5", auth: "xApiKey" });
const ollama = kind({ kind: "ollama", label: "Ollama", defaultBaseUrl: "http://localhost:11434", defaultModel: "llama3.2", auth: "none", needsKey: false });
const compat = kind({ kind: "openAiCompatible", label: "OpenAI-compatible", needsKey: false });
const demo = kind({ kind: "demo", label: "Demo", defaultModel: "demo-chat", auth: "none", needsKey: false });
const kinds = [openAi, anthropic, ollama, compat, demo];

const issue = (over: Partial<FieldIssue> & Pick<FieldIssue, "field">): FieldIssue => ({ index: null, code: "other", severity: "error", message: "bad", fix: null, ...over });

describe("kind switching", () => {
  it("pre-fills untouched fields with the new kind's defaults", () => {
    const f = withKind(emptyForm(openAi), openAi, anthropic);
    expect(f).toMatchObject({ kind: "anthropic", name: "Anthropic", baseUrl: "https://api.anthropic.com", defaultModel: "claude-haiku-4-5" });
  });

  it("keeps what the user typed", () => {
    const typed = { ...emptyForm(openAi), name: "Work", baseUrl: "https://proxy.example/v1" };
    const f = withKind(typed, openAi, anthropic);
    expect(f).toMatchObject({ name: "Work", baseUrl: "https://proxy.example/v1", defaultModel: "claude-haiku-4-5" });
  });

  it("does not offer Demo when adding", () => {
    expect(selectableKinds(kinds, null).map((k) => k.kind)).not.toContain("demo");
    expect(selectableKinds(kinds, "demo").map((k) => k.kind)).toContain("demo");
  });

  it("decides whether the key fields show", () => {
    expect(keyMode(openAi)).toBe("required");
    expect(keyMode(ollama)).toBe("optional");
    expect(keyMode(compat)).toBe("optional");
    expect(keyMode(demo)).toBe("hidden");
  });
});

describe("fixes", () => {
  it("replaces a field's value", () => {
    const f = applyFix(emptyForm(openAi), issue({ field: "baseUrl", fix: { type: "replace", value: "https://api.openai.com/v1" } }), kinds);
    expect(f.baseUrl).toBe("https://api.openai.com/v1");
  });

  it("trims the key locally", () => {
    const f = applyFix({ ...emptyForm(openAi), keyValue: "  sk-abc \n" }, issue({ field: "keyValue", fix: { type: "trimKey" } }), kinds);
    expect(f.keyValue).toBe("sk-abc");
  });

  it("switches kind and follows its defaults", () => {
    const f = applyFix(emptyForm(openAi), issue({ field: "keyValue", fix: { type: "switchKind", kind: "anthropic" } }), kinds);
    expect(f).toMatchObject({ kind: "anthropic", name: "Anthropic", defaultModel: "claude-haiku-4-5" });
  });

  it("replaces only the fields the core sends replacements for", () => {
    const form = { ...emptyForm(openAi), keyLabel: "work", keyValue: "sk-abc" };
    expect(applyFix(form, issue({ field: "keyLabel", fix: { type: "replace", value: "work 2" } }), kinds).keyLabel).toBe("work 2");
    expect(applyFix(form, issue({ field: "name", fix: { type: "replace", value: "OpenAI 2" } }), kinds).name).toBe("OpenAI 2");
    expect(applyFix(form, issue({ field: "defaultModel", fix: { type: "replace", value: "gpt-4.1" } }), kinds).defaultModel).toBe("gpt-4.1");
    expect(applyFix(form, issue({ field: "keyValue", fix: { type: "replace", value: "x" } }), kinds)).toEqual(form);
    expect(applyFix(form, issue({ field: "kind", fix: { type: "replace", value: "anthropic" } }), kinds)).toEqual(form);
  });

  it("labels fix buttons", () => {
    expect(fixLabel({ type: "replace", value: "Work 2" }, kinds)).toBe("Use “Work 2”");
    expect(fixLabel({ type: "trimKey" }, kinds)).toBe("Trim whitespace");
    expect(fixLabel({ type: "switchKind", kind: "anthropic" }, kinds)).toBe("Switch to Anthropic");
  });
});

describe("add-key dialog fixes", () => {
  const key = { label: "work", value: "  sk-abc \n" };

  it("replaces the label and trims the key locally", () => {
    expect(applyKeyFix(key, issue({ field: "keyLabel", fix: { type: "replace", value: "work 2" } }))).toEqual({ label: "work 2", value: key.value });
    expect(applyKeyFix(key, issue({ field: "keyValue", fix: { type: "trimKey" } }))).toEqual({ label: "work", value: "sk-abc" });
  });

  it("cannot switch the kind of an existing backend", () => {
    const sw = issue({ field: "keyValue", severity: "warning", fix: { type: "switchKind", kind: "anthropic" } });
    expect(keyFixApplies(sw)).toBe(false);
    expect(applyKeyFix(key, sw)).toEqual(key);
    expect(keyFixApplies(issue({ field: "keyValue", fix: { type: "trimKey" } }))).toBe(true);
    expect(keyFixApplies(issue({ field: "keyLabel", fix: { type: "replace", value: "x" } }))).toBe(true);
    expect(keyFixApplies(issue({ field: "keyValue", fix: { type: "replace", value: "x" } }))).toBe(false);
    expect(keyFixApplies(issue({ field: "keyLabel" }))).toBe(false);
  });

  it("says nothing live about a key field still empty", () => {
    const list = [issue({ field: "keyValue", message: "Key is empty." }), issue({ field: "keyLabel", message: "Label is required." })];
    expect(liveKeyIssues(list, { label: "", value: "" })).toEqual([]);
    expect(liveKeyIssues(list, { label: "work", value: "" }).map((i) => i.field)).toEqual(["keyLabel"]);
    expect(liveKeyIssues(list, { label: " ", value: " " })).toHaveLength(2);
  });
});

describe("issues and drafts", () => {
  it("sends no key when the key field is empty or hidden", () => {
    const f = emptyForm(openAi);
    expect(firstKey(f, "required")).toBeNull();
    expect(firstKey({ ...f, keyValue: "sk-x" }, "required")).toEqual({ label: "default", value: "sk-x" });
    expect(firstKey({ ...f, keyValue: "sk-x" }, "hidden")).toBeNull();
  });

  it("drops the base URL for Demo", () => {
    expect(toDraft({ ...emptyForm(demo), baseUrl: "http://x" }).baseUrl).toBe("");
    expect(toDraft(emptyForm(openAi))).toEqual({ name: "OpenAI", kind: "openAi", baseUrl: "https://api.openai.com/v1", defaultModel: "gpt-4.1-mini" });
  });
});
