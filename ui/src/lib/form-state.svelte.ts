// The one form primitive: a form's issues (from its own check, the core's live validation or a
// refusal, each naming its field and, for a list, its entry), its message above the buttons, its
// pending and saved states, and its submit — checks on this side first, then the save. Refusals
// are placed by field from the core's typed issues, never by reading the message. A form renders
// its own inputs; this holds what every form did by hand.
import { tick } from "svelte";
import { errorText, errorTitle, toIpcError } from "../ipc/error";
import { Latest } from "../ipc/resource.svelte";
import type { FieldIssue, FieldName, IpcError } from "../ipc/types";
import { localIssue } from "./field-errors";

/** What a form's own check says: the value to save, or what is wrong (a message per field, or
 * issues when an entry of a list is meant, and a message no field takes). */
/** What a `submit` save returns when the user cancelled it on the way (a question answered no): nothing saved, no message. */
export const CANCELLED = Symbol("cancelled");

export type Checked<F extends FieldName, T> = { ok: true; value: T } | { ok: false; errors: Partial<Record<F, string>> | FieldIssue[]; message?: string };

const blocking = (i: FieldIssue) => i.severity === "error";

/** A form's usual `focus`: once the DOM shows the messages, focuses the first field under `root`
 * marked `aria-invalid="true"`, so a keyboard user lands on it. */
export async function focusFirstInvalid(root: HTMLElement | undefined): Promise<void> {
  await tick();
  root?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

/** How a form differs from the plain one. */
export type FormOptions = {
  /** Moves focus to the first field with a message (after the DOM updated), so a keyboard user lands on it. */
  focus?: () => void;
  /** Puts the core's issues in the form's words (a list entry's message named after its entry). */
  phrase?: (issue: FieldIssue) => FieldIssue;
  /** The start of the ids of the form's messages: `<prefix>-<field>-error` (default "form"). */
  idPrefix?: string;
  /** A failure other than a refusal, in the form's words (default: its title, message and hint). */
  failure?: (error: IpcError) => string;
};

export class FormState<F extends FieldName> {
  /** Every issue shown: warnings (with their fixes) and errors, of this form's fields or not. */
  issues = $state<FieldIssue[]>([]);
  /** A message for the whole form that no issue carries (a failure other than a refusal). */
  #message = $state<string | null>(null);
  /** A save is running: the submit button shows it and further submits are ignored. */
  pending = $state(false);
  /** The last save went through (a card shows "Saved." until the next edit). */
  saved = $state(false);

  readonly #fields: readonly F[];
  readonly #options: FormOptions;
  readonly #live = new Latest();

  /** `fields`: the form's fields, by the core's names for them. */
  constructor(fields: readonly F[], options: FormOptions = {}) {
    this.#fields = fields;
    this.#options = options;
  }

  #focus(): void {
    this.#options.focus?.();
  }

  #phrase = (issue: FieldIssue): FieldIssue => this.#options.phrase?.(issue) ?? issue;

  #own(i: FieldIssue): boolean {
    return this.#fields.includes(i.field as F);
  }

  /** The first blocking message under each field (of a whole field, not of a list's entry). */
  readonly errors: Partial<Record<F, string>> = $derived.by(() => {
    const out: Partial<Record<F, string>> = {};
    for (const i of this.issues) if (blocking(i) && i.index === null && this.#own(i)) out[i.field as F] ??= i.message;
    return out;
  });

  /** The form's message: a failure, and the blocking issues no field of this form takes. */
  get formError(): string | null {
    const rest = this.issues.filter((i) => blocking(i) && !this.#own(i)).map((i) => i.message);
    const all = this.#message === null ? rest : [this.#message, ...rest];
    return all.length ? all.join(" ") : null;
  }

  /** Every issue about `field` (warnings too), of entry `index` when given. */
  issuesFor(field: F, index?: number): FieldIssue[] {
    return this.issues.filter((i) => i.field === field && (index === undefined || i.index === index));
  }

  /** The first blocking message about entry `index` of a list field. */
  errorAt(field: F, index: number): string | undefined {
    return this.issues.find((i) => blocking(i) && i.field === field && i.index === index)?.message;
  }

  /** Whether `field` (entry `index`, when given) has a blocking issue. */
  invalid(field: F, index?: number): boolean {
    return this.issuesFor(field, index).some(blocking);
  }

  /** The user changed `field` (its issues go), or the form (every issue goes); the form's
   * message and "Saved." go either way. */
  edited(field?: F): void {
    this.#message = null;
    this.saved = false;
    if (field === undefined) this.issues = [];
    else if (this.issues.some((i) => i.field === field)) this.issues = this.issues.filter((i) => i.field !== field);
  }

  /** Drops one issue (its fix was applied). */
  dismiss(issue: FieldIssue): void {
    this.issues = this.issues.filter((i) => i !== issue);
  }

  /** The id of `field`'s message (see FieldError.svelte). */
  errorId(field: F): string {
    return `${this.#options.idPrefix ?? "form"}-${field}-error`;
  }

  /** `aria-describedby` for a field: its help, and its message's id while it has one. */
  describedBy(field: F, help: string): string {
    return this.errors[field] ? `${help} ${this.errorId(field)}` : help;
  }

  /**
   * Live validation, for a form that asks the core while the user types: call it in an
   * `$effect` that reads the draft, and return its cleanup. After `delayMs` without a newer
   * edit, `run` asks; its issues replace those of `covers` (the fields it speaks for). A refusal
   * without issues lands on `fallback`. A save started meanwhile makes the answer irrelevant.
   */
  validateLive(run: () => Promise<FieldIssue[]>, covers: readonly F[], fallback: F, delayMs = 250): () => void {
    const current = this.#live.begin();
    const timer = setTimeout(async () => {
      let found: FieldIssue[];
      try {
        found = await run();
      } catch (e) {
        const err = toIpcError(e);
        if (err.kind !== "validation") return;
        found = err.issues.length ? err.issues : [localIssue(fallback, err.message)];
      }
      if (current()) this.issues = [...this.issues.filter((i) => !covers.includes(i.field as F)), ...found.map(this.#phrase)];
    }, delayMs);
    return () => clearTimeout(timer);
  }

  /**
   * Checks, then saves. Returns whether the save went through. A check that fails, or a refusal
   * from the core, leaves the input as typed with the issues placed; another failure is the
   * form's message.
   */
  async submit<T>(check: () => Checked<F, T>, save: (value: T) => Promise<unknown>): Promise<boolean> {
    if (this.pending) return false;
    this.#message = null;
    this.saved = false;
    const checked = check();
    if (!checked.ok) {
      const e = checked.errors;
      this.issues = Array.isArray(e) ? e : Object.entries(e).flatMap(([f, m]) => (typeof m === "string" ? [localIssue(f as F, m)] : []));
      this.#message = checked.message ?? null;
      this.#focus();
      return false;
    }
    // Warnings stay shown through the save; a live answer still on its way is dropped.
    this.#live.begin();
    this.issues = this.issues.filter((i) => !blocking(i));
    this.pending = true;
    try {
      if ((await save(checked.value)) === CANCELLED) return false;
      this.saved = true;
      return true;
    } catch (err) {
      const ipc = toIpcError(err);
      if (ipc.kind === "validation") {
        this.issues = ipc.issues.map(this.#phrase);
        if (!ipc.issues.length) this.#message = ipc.message;
        this.#focus();
      } else {
        this.#message = this.#options.failure?.(ipc) ?? `${errorTitle(ipc.kind)}: ${errorText(ipc)}`;
      }
      return false;
    } finally {
      this.pending = false;
    }
  }
}
