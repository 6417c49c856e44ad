// The one form primitive: a form's field errors, its message above the buttons, its pending and
// saved states, and its submit — checks on this side first, then the save, whose refusal is
// placed by field from the core's typed issues (never by reading the message). A form renders
// its own inputs; this holds what every form did by hand.
import { errorText, toIpcError } from "../ipc/error";
import type { FieldName } from "../ipc/types";
import { placeErrors } from "./field-errors";

/** What a form's own check says: the value to save, or a message per field. */
export type Checked<F extends FieldName, T> = { ok: true; value: T } | { ok: false; errors: Partial<Record<F, string>> };

export class FormState<F extends FieldName> {
  /** A message under each field that has one. */
  errors = $state<Partial<Record<F, string>>>({});
  /** A message for the whole form (a refusal no field takes, or a failure). */
  formError = $state<string | null>(null);
  /** A save is running: the submit button shows it and further submits are ignored. */
  pending = $state(false);
  /** The last save went through (a card shows "Saved." until the next edit). */
  saved = $state(false);

  readonly #fields: readonly F[];
  readonly #focus: () => void;

  /**
   * `fields`: the form's fields, by the core's names for them. `focus` moves focus to the first
   * field with a message (after the DOM updated), so a keyboard user lands on it.
   */
  constructor(fields: readonly F[], focus: () => void = () => {}) {
    this.#fields = fields;
    this.#focus = focus;
  }

  /** The user changed `field` (its message goes), or the form (every message goes); "Saved."
   * goes either way. */
  edited(field?: F): void {
    this.formError = null;
    this.saved = false;
    if (field === undefined) this.errors = {};
    else if (this.errors[field] !== undefined) this.errors = { ...this.errors, [field]: undefined };
  }

  /** `aria-describedby` for a field: its help, and its message's id while it has one. */
  describedBy(field: F, help: string, errorId: string): string {
    return this.errors[field] ? `${help} ${errorId}` : help;
  }

  /**
   * Checks, then saves. Returns whether the save went through. A check that fails, or a refusal
   * from the core, leaves the input as typed with the messages placed; another failure is the
   * form's message.
   */
  async submit<T>(check: () => Checked<F, T>, save: (value: T) => Promise<unknown>): Promise<boolean> {
    if (this.pending) return false;
    this.formError = null;
    this.saved = false;
    const checked = check();
    if (!checked.ok) {
      this.errors = checked.errors;
      this.#focus();
      return false;
    }
    this.errors = {};
    this.pending = true;
    try {
      await save(checked.value);
      this.saved = true;
      return true;
    } catch (err) {
      const ipc = toIpcError(err);
      if (ipc.kind === "validation") {
        const placed = placeErrors(ipc, this.#fields);
        this.errors = placed.byField;
        this.formError = placed.rest;
        this.#focus();
      } else {
        this.formError = errorText(ipc);
      }
      return false;
    } finally {
      this.pending = false;
    }
  }
}
