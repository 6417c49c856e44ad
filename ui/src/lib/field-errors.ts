// Issues by field: every issue the core sends names its field (`FieldIssue.field`, typed from
// the core's `Field`), so no message text is read to find one. Forms place them through
// `FormState` (form-state.svelte.ts); these are the pieces used outside a form.
import type { FieldIssue, FieldName, IpcError } from "../ipc/types";

/** The first field of `fields` a refusal names (for focusing it), if any. */
export function firstField<F extends FieldName>(e: IpcError, fields: readonly F[]): F | null {
  const hit = e.issues.find((i) => i.severity === "error" && fields.includes(i.field as F));
  return hit ? (hit.field as F) : null;
}

/** An issue made on this side (a check before sending, or a refusal without issues). */
export function localIssue(field: FieldName, message: string): FieldIssue {
  return { field, index: null, code: "other", severity: "error", message, fix: null };
}
