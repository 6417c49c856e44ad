// The add/edit backend form as plain data, and the pure operations on it.
import type { Backend, BackendDraft, FieldIssue, FieldName, FixAction, KeyInput, Kind, KindInfo } from "../ipc/types";

/** The backend form's fields (their ids are the core's `Field` names). */
export type BackendField = Extract<FieldName, "name" | "kind" | "baseUrl" | "defaultModel" | "keyLabel" | "keyValue">;

export type BackendForm = Record<BackendField, string> & { kind: Kind };

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

/** The fields a `replace` fix can target (the core never sends one for kind or the key value). */
const REPLACEABLE = ["name", "baseUrl", "defaultModel", "keyLabel"] as const;
type ReplaceableField = (typeof REPLACEABLE)[number];

function replaceable(field: FieldName): field is ReplaceableField {
  return (REPLACEABLE as readonly FieldName[]).includes(field);
}

/** Applies a one-click fix to the form. */
export function applyFix(form: BackendForm, issue: FieldIssue, kinds: KindInfo[]): BackendForm {
  const fix = issue.fix;
  if (!fix) return form;
  switch (fix.type) {
    case "trimKey":
      return { ...form, keyValue: form.keyValue.trim() };
    case "switchKind": {
      const next = kinds.find((x) => x.kind === fix.kind);
      return next ? withKind(form, kinds.find((x) => x.kind === form.kind), next) : { ...form, kind: fix.kind };
    }
    case "replace":
      return replaceable(issue.field) ? { ...form, [issue.field]: fix.value } : form;
  }
}

/** Whether the add-key dialog can apply an issue's fix: it cannot change an existing backend's kind. */
export function keyFixApplies(issue: FieldIssue): boolean {
  const fix = issue.fix;
  if (!fix) return false;
  return fix.type === "trimKey" || (fix.type === "replace" && issue.field === "keyLabel");
}

/** Applies a fix to the key being added (label replaced, or the key trimmed locally). */
export function applyKeyFix(key: KeyInput, issue: FieldIssue): KeyInput {
  const fix = issue.fix;
  if (!fix || !keyFixApplies(issue)) return key;
  if (fix.type === "trimKey") return { ...key, value: key.value.trim() };
  if (fix.type === "replace") return { ...key, label: fix.value };
  return key;
}

/** Live issues worth showing for a key: none for a field still empty (saving reports those). */
export function liveKeyIssues(issues: readonly FieldIssue[], key: KeyInput): FieldIssue[] {
  const empty = (i: FieldIssue) => (i.field === "keyValue" && key.value === "") || (i.field === "keyLabel" && key.label === "");
  return issues.filter((i) => !empty(i));
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
