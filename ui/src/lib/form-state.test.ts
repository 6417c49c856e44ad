import { describe, expect, it, vi } from "vitest";
import { deferred } from "../test-support";
import { IpcFailure } from "../ipc/error";
import type { FieldIssue } from "../ipc/types";
import { CANCELLED, focusFirstInvalid, FormState } from "./form-state.svelte";

type F = "name" | "limit";
const FIELDS: readonly F[] = ["name", "limit"];
const issue = (field: FieldIssue["field"], message: string): FieldIssue => ({ field, index: null, code: "outOfRange", severity: "error", message, fix: null });
const refusal = (issues: FieldIssue[], message = issues[0]?.message ?? "Refused.") => new IpcFailure({ kind: "validation", message, hint: null, issues });


describe("the form primitive", () => {
  it("stops at its own check, with a message per field and focus sent to the first", async () => {
    let focused = 0;
    const form = new FormState<F>(FIELDS, { focus: () => focused++ });
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
    form.issues = [issue("name", "x"), issue("limit", "y")];
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

  it("saves nothing and says nothing when the user cancels on the way", async () => {
    const form = new FormState<F>(FIELDS);
    const ok = await form.submit(() => ({ ok: true, value: 1 }), async () => CANCELLED);
    expect([ok, form.saved, form.pending, form.formError, form.errors]).toEqual([false, false, false, null, {}]);
  });

  it("places the core's refusal by field, and what no field takes above the buttons", async () => {
    const form = new FormState<F>(FIELDS);
    const ok = await form.submit(
      () => ({ ok: true, value: null }),
      () =>
        Promise.reject(
          refusal([
            issue("limit", "The limit must be more than $0."),
            issue("limit", "A second limit problem."),
            { ...issue("name", "Only a warning."), severity: "warning" },
            issue("scope", "Its backend does not exist."),
          ]),
        ),
    );
    expect(ok).toBe(false);
    expect(form.errors, "the first blocking message per field; a warning blocks nothing").toEqual({ limit: "The limit must be more than $0." });
    expect(form.issuesFor("name").map((i) => i.severity)).toEqual(["warning"]);
    expect(form.formError).toBe("Its backend does not exist.");
  });

  it("shows any other failure as the form's message", async () => {
    const form = new FormState<F>(FIELDS);
    await form.submit(
      () => ({ ok: true, value: null }),
      () => Promise.reject(new IpcFailure({ kind: "keychainUnavailable", message: "No keychain.", hint: "Unlock it.", issues: [] })),
    );
    expect(form.formError).toBe("Keychain unavailable: No keychain. Unlock it.");
    expect(form.errors).toEqual({});
  });

  it("keeps a list entry's message on its entry, not on the whole field", async () => {
    const form = new FormState<F>(FIELDS);
    await form.submit(
      () => ({ ok: false, errors: [{ ...issue("limit", "The second limit is too high."), index: 1 }] }),
      async () => {},
    );
    expect([form.errors.limit, form.errorAt("limit", 1), form.errorAt("limit", 0), form.invalid("limit", 1)]).toEqual([
      undefined,
      "The second limit is too high.",
      undefined,
      true,
    ]);
  });

  it("takes the core's live answer for the fields it covers only, and drops it once a save started", async () => {
    vi.useFakeTimers();
    try {
      const form = new FormState<F>(FIELDS);
      form.issues = [issue("limit", "Typed by hand.")];
      const gate = deferred();
      form.validateLive(async () => {
        await gate.promise;
        return [{ ...issue("name", "Taken."), severity: "warning" }];
      }, ["name"], "name");
      await vi.advanceTimersByTimeAsync(300);
      gate.resolve();
      await vi.advanceTimersByTimeAsync(0);
      expect(form.issues.map((i) => i.message)).toEqual(["Typed by hand.", "Taken."]);
      expect(form.errors, "a warning blocks nothing").toEqual({ limit: "Typed by hand." });

      const late = deferred();
      form.validateLive(async () => {
        await late.promise;
        return [issue("name", "Stale.")];
      }, ["name"], "name");
      await vi.advanceTimersByTimeAsync(300);
      await form.submit(() => ({ ok: true, value: null }), async () => {});
      late.resolve();
      await vi.advanceTimersByTimeAsync(0);
      expect(form.issues.map((i) => i.message), "the answer from before the save is dropped; the warning stays").toEqual(["Taken."]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("focuses the first field marked invalid, and does nothing without a root", async () => {
    const focus = vi.fn();
    const querySelector = vi.fn(() => ({ focus }));
    await focusFirstInvalid({ querySelector } as unknown as HTMLElement);
    expect(querySelector).toHaveBeenCalledWith('[aria-invalid="true"]');
    expect(focus).toHaveBeenCalledOnce();
    await expect(focusFirstInvalid(undefined)).resolves.toBeUndefined();
  });
});
