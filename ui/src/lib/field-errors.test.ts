import { describe, expect, it } from "vitest";
import type { FieldIssue, IpcError } from "../ipc/types";
import { firstField, localIssue, placeErrors } from "./field-errors";

const issue = (over: Partial<FieldIssue> & Pick<FieldIssue, "field" | "message">): FieldIssue => ({
  index: null,
  code: "outOfRange",
  severity: "error",
  fix: null,
  ...over,
});
const refusal = (issues: FieldIssue[], message = issues[0]?.message ?? "Refused."): IpcError => ({ kind: "validation", message, hint: null, issues });

describe("a refusal placed on a form", () => {
  it("puts each message under the field it names, by the field's id, not its text", () => {
    const e = refusal([
      issue({ field: "rpm", message: "Requests per minute must be from 1 to 100,000." }),
      issue({ field: "rpm", message: "a second rpm problem" }),
      issue({ field: "tpm", message: "Whatever the wording." }),
    ]);
    expect(placeErrors(e, ["maxInFlight", "rpm", "tpm"])).toEqual({
      byField: { rpm: "Requests per minute must be from 1 to 100,000.", tpm: "Whatever the wording." },
      rest: null,
    });
    expect(firstField(e, ["tpm", "rpm"])).toBe("rpm");
  });

  it("keeps what no field of the form takes, and warnings, out of the fields", () => {
    const e = refusal([issue({ field: "scope", message: "Its backend does not exist." }), issue({ field: "name", message: "w", severity: "warning" })]);
    expect(placeErrors(e, ["name", "limit"])).toEqual({ byField: {}, rest: "Its backend does not exist." });
    expect(firstField(e, ["name", "limit"])).toBeNull();
  });

  it("shows a refusal that names no field as a whole", () => {
    expect(placeErrors(refusal([], "There is nothing to roll back to."), ["url"])).toEqual({ byField: {}, rest: "There is nothing to roll back to." });
    expect(localIssue("kind", "x")).toEqual({ field: "kind", index: null, code: "other", severity: "error", message: "x", fix: null });
  });
});
