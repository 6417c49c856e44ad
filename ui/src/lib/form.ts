// The add/edit backend form as plain data, and the pure operations on it.
import type { Backend, BackendDraft, FieldIssue, FieldName, FixAction, KeyInput, Kind, KindInfo } from "../ipc/types";

export type BackendForm = Record<FieldName, string> & { kind: Kind };

export type KeyMode = "required" | "optional" | "hidden";

export const DEFAULT_KEY_LABEL = "default";

/** A new form for `info`'s kind (OpenAI with blank fields if kinds have not loaded). */
export function emptyForm(info: KindInfo | undefined): BackendForm {
  return {
    kind: info?.kind ?? "openAi",
    name: info?.label ?? "",
    baseUrl: info?.defaultBaseUrl ?? "",
    defaultModel: info?.defaultModel ?? "",
    keyLabel: DEFAULT_KEY_LABEL,
    keyValue: "",
  };
}

export function formFromBackend(b: Backend): BackendForm {
  return { kind: b.kind, name: b.name, baseUrl: b.baseUrl, defaultModel: b.defaultModel, keyLabel: DEFAULT_KEY_LABEL, keyValue: "" };
}

/** Kinds offered in the kind picker: Demo only when editing a backend that already is one. */
export function selectableKinds(kinds: KindInfo[], current: Kind | null): KindInfo[] {
  return kinds.filter((k) => k.kind !== "demo" || current === "demo");
}

/** Whether the first-key fields show, and whether a key is expected. */
export function keyMode(info: KindInfo | undefined): KeyMode {
  if (!info) return "optional";
  if (info.kind === "ollama" || info.kind === "openAiCompatible") return "optional";
  if (info.auth === "none") return "hidden";
  return info.needsKey ? "required" : "optional";
}

export function showsBaseUrl(kind: Kind): boolean {
  return kind !== "demo";
}

/**
 * Switches kind. Name, base URL and model follow the new kind's defaults unless the user changed
 * them (a field still empty or equal to the old kind's default counts as untouched).
 */
export function withKind(form: BackendForm, prev: KindInfo | undefined, next: KindInfo): BackendForm {
  const untouched = (value: string, oldDefault: string | undefined) => value.trim() === "" || value === oldDefault;
  return {
    ...form,
    kind: next.kind,
    name: untouched(form.name, prev?.label) ? next.label : form.name,
    baseUrl: untouched(form.baseUrl, prev?.defaultBaseUrl) ? next.defaultBaseUrl : form.baseUrl,
    defaultModel: untouched(form.defaultModel, prev?.defaultModel) ? next.defaultModel : form.defaultModel,
  };
}

/** Applies a one-click fix to the form. */
export function applyFix(form: BackendForm, issue: FieldIssue, kinds: KindInfo[]): BackendForm {
  const fix = issue.fix;
  if (!fix) return form;
  const info = (k: string) => kinds.find((x) => x.kind === k);
  switch (fix.type) {
    case "trimKey":
      return { ...form, keyValue: form.keyValue.trim() };
    case "switchKind": {
      const next = info(fix.kind);
      return next ? withKind(form, info(form.kind), next) : { ...form, kind: fix.kind };
    }
    case "replace": {
      if (issue.field === "kind") {
        const next = info(fix.value);
        return next ? withKind(form, info(form.kind), next) : form;
      }
      return { ...form, [issue.field]: fix.value };
    }
  }
}

/** The fix button's words. */
export function fixLabel(fix: FixAction, kinds: KindInfo[]): string {
  switch (fix.type) {
    case "replace":
      return `Use “${fix.value}”`;
    case "trimKey":
      return "Trim whitespace";
    case "switchKind":
      return `Switch to ${kinds.find((k) => k.kind === fix.kind)?.label ?? fix.kind}`;
  }
}

export function issuesFor(issues: readonly FieldIssue[], field: FieldName): FieldIssue[] {
  return issues.filter((i) => i.field === field);
}

export function hasErrors(issues: readonly FieldIssue[]): boolean {
  return issues.some((i) => i.severity === "error");
}

export function toDraft(form: BackendForm): BackendDraft {
  return {
    name: form.name,
    kind: form.kind,
    baseUrl: showsBaseUrl(form.kind) ? form.baseUrl : "",
    defaultModel: form.defaultModel,
  };
}

/** The first key to send, or null when the key field is empty or hidden. */
export function firstKey(form: BackendForm, mode: KeyMode): KeyInput | null {
  if (mode === "hidden" || form.keyValue === "") return null;
  return { label: form.keyLabel, value: form.keyValue };
}
