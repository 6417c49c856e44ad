import { describe, expect, it } from "vitest";
import type { FieldIssue, IpcError } from "../ipc/types";
import { firstField, localIssue } from "./field-errors";

const issue = (over: Partial<FieldIssue> & Pick<FieldIssue, "field" | "message">): FieldIssue => ({
  index: null,
  code: "outOfRange",
  severity: "error",
  fix: null,
  ...over,
});
const refusal = (issues: FieldIssue[], message = issues[0]?.message ?? "Refused."): IpcError => ({ kind: "validation", message, hint: null, issues });

describe("issues by field", () => {
  it("finds the first field a refusal names, by the field's id, not its text; warnings name none", () => {
    const e = refusal([issue({ field: "rpm", message: "Requests per minute must be from 1 to 100,000." }), issue({ field: "tpm", message: "Whatever the wording." })]);
    expect(firstField(e, ["tpm", "rpm"])).toBe("rpm");
    expect(firstField(refusal([issue({ field: "name", message: "w", severity: "warning" })]), ["name"])).toBeNull();
  });

  it("makes an issue on this side", () => {
    expect(localIssue("kind", "x")).toEqual({ field: "kind", index: null, code: "other", severity: "error", message: "x", fix: null });
  });
});
