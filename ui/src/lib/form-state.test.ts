import { describe, expect, it } from "vitest";
import { IpcFailure } from "../ipc/error";
import type { FieldIssue } from "../ipc/types";
import { FormState } from "./form-state.svelte";

type F = "name" | "limit";
const FIELDS: readonly F[] = ["name", "limit"];
const issue = (field: FieldIssue["field"], message: string): FieldIssue => ({ field, index: null, code: "outOfRange", severity: "error", message, fix: null });
const refusal = (issues: FieldIssue[], message = issues[0]?.message ?? "Refused.") => new IpcFailure({ kind: "validation", message, hint: null, issues });

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => (resolve = res));
  return { promise, resolve };
}

describe("the form primitive", () => {
  it("stops at its own check, with a message per field and focus sent to the first", async () => {
    let focused = 0;
    const form = new FormState<F>(FIELDS, () => focused++);
    let saved = false;
    const ok = await form.submit(
      () => ({ ok: false, errors: { limit: "Enter the limit in US dollars." } }),
      async () => {
        saved = true;
      },
    );
    expect([ok, saved, form.errors.limit, focused]).toEqual([false, false, "Enter the limit in US dollars.", 1]);
    form.edited("limit");
    expect(form.errors.limit, "editing the field clears its message").toBeUndefined();
    form.errors = { name: "x", limit: "y" };
    form.edited();
    expect(form.errors, "an edit of the whole form clears every message").toEqual({});
  });

  it("is pending while it saves, ignores a second submit, and says it saved", async () => {
    const form = new FormState<F>(FIELDS);
    const gate = deferred();
    let saves = 0;
    const save = async () => {
      saves++;
      await gate.promise;
    };
    const first = form.submit(() => ({ ok: true, value: 1 }), save);
    expect(form.pending).toBe(true);
    expect(await form.submit(() => ({ ok: true, value: 2 }), save), "a second submit while pending").toBe(false);
    gate.resolve();
    expect(await first).toBe(true);
    expect([form.pending, form.saved, saves]).toEqual([false, true, 1]);
    form.edited();
    expect(form.saved).toBe(false);
  });

  it("places the core's refusal by field, and what no field takes above the buttons", async () => {
    const form = new FormState<F>(FIELDS);
    const ok = await form.submit(
      () => ({ ok: true, value: null }),
      () => Promise.reject(refusal([issue("limit", "The limit must be more than $0."), issue("scope", "Its backend does not exist.")])),
    );
    expect(ok).toBe(false);
    expect(form.errors).toEqual({ limit: "The limit must be more than $0." });
    expect(form.formError).toBe("Its backend does not exist.");
  });

  it("shows any other failure as the form's message", async () => {
    const form = new FormState<F>(FIELDS);
    await form.submit(
      () => ({ ok: true, value: null }),
      () => Promise.reject(new IpcFailure({ kind: "keychainUnavailable", message: "No keychain.", hint: "Unlock it.", issues: [] })),
    );
    expect(form.formError).toBe("No keychain. Unlock it.");
    expect(form.errors).toEqual({});
  });
});
