import { describe, expect, it } from "vitest";
import { approvalOf, approvalOnSave, changedSincePreview, exposureLabel, exposureText, keyHostText, needsApproval, originOf, withheldKeys } from "./key-hosts";
import type { Backend, ConfigImport, Key } from "../ipc/types";

const key = (hosts: string[], approvedHere = true): Key => ({ id: "k", label: "main", hint: "sk-…abcd", createdAt: "2026-01-01T00:00:00Z", check: null, hosts, approvedHere });
const backend = (over: Partial<Backend> = {}): Backend =>
  ({ id: "b", name: "Main", kind: "openAi", baseUrl: "https://api.openai.com/v1", keys: [key(["https://api.openai.com"])], ...over }) as Backend;
const preview = (over: Partial<ConfigImport> = {}): ConfigImport => ({ issues: [], hostChanges: [], exposureChanges: [], routeMoves: [], warnings: [], changes: [], applied: false, ...over });

describe("key hosts", () => {
  it("reads an origin the way the core writes it", () => {
    expect(originOf("HTTPS://API.OpenAI.com:443/v1/")).toBe("https://api.openai.com");
    expect(originOf(" http://localhost:11434/v1 ")).toBe("http://localhost:11434");
    expect(originOf("file:///etc/passwd")).toBeNull();
    expect(originOf("not a url")).toBeNull();
  });

  it("says saving approves a new host only when a key is not approved there yet", () => {
    const b = backend();
    expect(approvalOnSave(b, "https://api.openai.com/v2")).toBeNull();
    expect(approvalOnSave(b, "https://eu.example.com/v1")).toEqual({ origin: "https://eu.example.com", keys: 1 });
    expect(approvalOnSave(backend({ keys: [] }), "https://eu.example.com/v1"), "no key, nothing sent").toBeNull();
    expect(approvalOnSave(null, "https://eu.example.com/v1"), "a new backend's key is added for its URL").toBeNull();
    expect(approvalOnSave(b, "nonsense")).toBeNull();
    const moved = backend({ baseUrl: "https://eu.example.com/v1", keys: [key(["https://api.openai.com"], false)] });
    expect(approvalOnSave(moved, moved.baseUrl), "saving a host changed elsewhere approves it").toEqual({ origin: "https://eu.example.com", keys: 1 });
    expect(withheldKeys(moved)).toBe(1);
    expect(withheldKeys(b)).toBe(0);
  });

  it("words an import's changes and approves exactly what it showed", () => {
    const hosts = [{ backend: "Main", from: "https://api.openai.com", to: "https://evil.example", keys: 2 }];
    const exposure = [{ setting: "metricsOpenOnLoopback", from: "off", to: "on" }];
    expect(keyHostText(hosts[0])).toBe("Main: https://api.openai.com → https://evil.example (2 keys)");
    expect(exposureLabel(exposure[0])).toMatch(/metrics without a token/);
    expect(exposureText(exposure[0])).toMatch(/metrics without a token: off → on$/);
    expect(exposureLabel({ setting: "somethingNew", from: "a", to: "b" })).toBe("somethingNew");
    const p = preview({ hostChanges: hosts, exposureChanges: exposure });
    expect(needsApproval(p)).toBe(true);
    expect(needsApproval(preview())).toBe(false);
    expect(approvalOf(p)).toEqual({ hostChanges: hosts, exposureChanges: exposure });
    expect(approvalOf(null)).toEqual({ hostChanges: [], exposureChanges: [] });
    expect(changedSincePreview(p), "not applied, no issue, something to approve").toBe(true);
    expect(changedSincePreview({ ...p, applied: true })).toBe(false);
    expect(changedSincePreview({ ...p, issues: [{ path: "version", message: "x" }] })).toBe(false);
  });
});
