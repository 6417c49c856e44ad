import { describe, expect, it } from "vitest";
import { errorText, errorTitle, IpcFailure, toIpcError } from "./error";

describe("toIpcError", () => {
  it("keeps a typed error", () => {
    const e = { kind: "keychainUnavailable", message: "No keychain.", hint: "Unlock it.", issues: [] };
    expect(toIpcError(e)).toEqual(e);
    expect(toIpcError(new IpcFailure({ kind: "file", message: "nope", hint: null, issues: [] })).kind).toBe("file");
  });

  it("turns framework strings and JS errors into internal errors", () => {
    expect(toIpcError("command not found")).toEqual({ kind: "internal", message: "command not found", hint: null, issues: [] });
    expect(toIpcError(new TypeError("x is undefined"))).toMatchObject({ kind: "internal", message: "x is undefined" });
    expect(toIpcError(42).kind).toBe("internal");
  });

  it("keeps every kind the core sends, notifications included", () => {
    const e = { kind: "notificationsUnavailable", message: "No notification service answers.", hint: "Start one.", issues: [] };
    expect(toIpcError(e)).toEqual(e);
    expect(errorTitle("notificationsUnavailable")).toBe("Notifications unavailable");
    expect(toIpcError({ kind: "somethingNew", message: "x" }).kind).toBe("internal");
  });

  it("titles a keychain failure clearly", () => {
    expect(errorTitle("keychainUnavailable")).toBe("Keychain unavailable");
  });
});

describe("errorText", () => {
  it("appends the hint when there is one", () => {
    const base = { kind: "file" as const, message: "Cannot read x.", issues: [] };
    expect(errorText({ ...base, hint: null })).toBe("Cannot read x.");
    expect(errorText({ ...base, hint: "Check the path." })).toBe("Cannot read x. Check the path.");
  });
});
