// A refusal from the core, placed on a form: every issue names its field (`FieldIssue.field`,
// typed from the core's `Field`), so a form takes the messages of its own fields and shows the
// rest above its buttons. No message text is read to find a field.
import type { FieldIssue, FieldName, IpcError } from "../ipc/types";

/** A form's field messages, and what no field of the form takes. */
export type PlacedErrors<F extends FieldName> = { byField: Partial<Record<F, string>>; rest: string | null };

/** The first blocking message for each of `fields`; the others (or the error's message when it
 * names no field) in `rest`. */
export function placeErrors<F extends FieldName>(e: IpcError, fields: readonly F[]): PlacedErrors<F> {
  const byField: Partial<Record<F, string>> = {};
  const rest: string[] = [];
  for (const issue of e.issues) {
    if (issue.severity !== "error") continue;
    const f = issue.field as F;
    if (fields.includes(f)) byField[f] ??= issue.message;
    else rest.push(issue.message);
  }
  if (e.issues.length === 0) rest.push(e.message);
  return { byField, rest: rest.length ? rest.join(" ") : null };
}

/** The first field of `fields` a refusal names (for focusing it), if any. */
export function firstField<F extends FieldName>(e: IpcError, fields: readonly F[]): F | null {
  const hit = e.issues.find((i) => i.severity === "error" && fields.includes(i.field as F));
  return hit ? (hit.field as F) : null;
}

/** An issue made on this side (a check before sending, or a refusal without issues). */
export function localIssue(field: FieldName, message: string): FieldIssue {
  return { field, index: null, code: "other", severity: "error", message, fix: null };
}
