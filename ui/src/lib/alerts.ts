// The Alerts page's pure side: what each rule kind means and which thresholds it has, the rules
// editor's form (text as typed) and its conversions to and from the IPC shape, quiet hours as
// "HH:MM", and stored alerts in words.
import type { AlertItem, AlertRuleForm, AlertRuleInput, AlertSettings, AlertSettingsInput, FieldIssue, FieldName } from "../ipc/types";
import { parseCount } from "./limits";
import { isKnownKind, parseThreshold, ruleFields, ruleLabel, type RuleField, type RuleRef, type RuleText } from "./rule-kinds";

export { FIELDS, RULE_KINDS, fieldInfo, fieldsOf, isKnownKind, parseThreshold, ruleFields, ruleHelp, ruleLabel } from "./rule-kinds";
export type { RuleField, RuleKind, RuleRef, RuleText, Source } from "./rule-kinds";

/** The core's defaults, used when a rule arrives without a field its kind needs. */
const DEFAULTS = { failures: 3, percent: 20, windowSecs: 300, minSamples: 20, latencyMinSamples: 5, thresholdMs: 2000, minutes: 5 };

export const DEFAULT_COOLDOWN_SECS = 300;
/** What the quiet-hours inputs show while quiet hours are off. */
export const DEFAULT_QUIET = { start: 22 * 60, end: 7 * 60 } as const;

/**
 * The id of a rules-form input: `rule-<id>-<field>` for a rule's threshold, `alerts-<field>` for
 * the general settings (cooldown, quiet hours). An error is focused by it.
 */
export function inputId(ruleId: string | null, field: string): string {
  return ruleId === null ? `alerts-${field}` : `rule-${ruleId}-${field}`;
}

// ---- Durations and times of day ----

export type DurationUnit = "s" | "min";
/** A duration as typed: a whole number and its unit. */
export type Duration = { value: string; unit: DurationUnit };

/** Whole minutes show as minutes ("5" min for 300 s), anything else as seconds. */
export function durationFromSecs(secs: number): Duration {
  if (secs > 0 && secs % 60 === 0) return { value: String(secs / 60), unit: "min" };
  return { value: String(secs), unit: "s" };
}

/** Seconds, or NaN when the value is not a whole number (or too large to send). */
export function parseDuration(d: Duration): number {
  const n = parseCount(d.value);
  if (n === null || Number.isNaN(n)) return Number.NaN;
  const secs = d.unit === "min" ? n * 60 : n;
  return secs > 4_294_967_295 ? Number.NaN : secs;
}

/** "07:00" for 420 minutes after midnight. */
export function minutesToTime(minutes: number): string {
  const m = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/**
 * Minutes after midnight from "22:00", "7:30", "0730", "7" or "07" (a whole hour), or what a
 * time input sends ("22:00:00"). NaN for anything else.
 */
export function parseTime(text: string): number {
  const m = /^(\d{1,2})(?::?(\d{2}))?(?::\d{2})?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const h = Number(m[1]);
  const min = Number(m[2] ?? "0");
  if (h > 23 || min > 59) return Number.NaN;
  return h * 60 + min;
}

/** "22:00–07:00 (over midnight)", "12:00–14:00". */
export function quietSummary(start: number, end: number): string {
  const span = `${minutesToTime(start)}–${minutesToTime(end)}`;
  return start > end ? `${span} (over midnight)` : span;
}

// ---- The rules editor's form ----

export type RuleDraft = {
  id: string;
  kind: string;
  enabled: boolean;
  failures: string;
  percent: string;
  window: Duration;
  minSamples: string;
  source: string;
  threshold: string;
  minutes: string;
  /** The core's words for it (name, help, a metric's threshold input), if it sent them. */
  text: RuleText | null;
  /** The rule as received: a kind this UI does not know goes back exactly as it came. */
  original: AlertRuleForm;
};

export type AlertsDraft = {
  rules: RuleDraft[];
  cooldown: Duration;
  /** Quiet hours on; off sends none, keeping the times typed. */
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
};

/** Which input a problem is about: a rule's threshold, or one of the general settings. */
export type DraftField = { ruleId: string; field: RuleField | null } | { ruleId: null; field: "cooldown" | "quietStart" | "quietEnd" | null };
export type DraftError = DraftField & { message: string };

export type AlertsParse = { ok: true; settings: AlertSettingsInput } | { ok: false; error: DraftError };

const num = (v: number | null | undefined, fallback: number) => String(v ?? fallback);

export function ruleDraft(r: AlertRuleForm): RuleDraft {
  const latency = r.kind === "latencyP95";
  return {
    id: r.id,
    kind: r.kind,
    enabled: r.enabled,
    failures: num(r.failures, DEFAULTS.failures),
    percent: num(r.percent, DEFAULTS.percent),
    window: durationFromSecs(r.windowSecs ?? DEFAULTS.windowSecs),
    minSamples: num(r.minSamples, latency ? DEFAULTS.latencyMinSamples : DEFAULTS.minSamples),
    source: r.source ?? (latency ? "probes" : "requests"),
    threshold: r.kind === "metric" ? String(r.threshold ?? "") : num(r.thresholdMs, DEFAULTS.thresholdMs),
    minutes: num(r.minutes, DEFAULTS.minutes),
    text: r.text ?? null,
    original: r,
  };
}

export function draftFromSettings(s: AlertSettings): AlertsDraft {
  const quiet = s.quietHours ?? DEFAULT_QUIET;
  return {
    rules: s.rules.map(ruleDraft),
    cooldown: durationFromSecs(s.cooldownSecs),
    quiet: s.quietHours !== null,
    quietStart: minutesToTime(quiet.start),
    quietEnd: minutesToTime(quiet.end),
  };
}

/** "20", "12.5", "12,5", "20 %": a non-negative decimal; NaN for anything else. */
export function parseDecimal(text: string): number {
  const t = text.trim().replace(/\s*%$/, "").replace(",", ".");
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

/** What a rule's input must look like, after its name ("Backend down: failures …"). */
function shape(d: RuleDraft, field: RuleField): string {
  return d.kind === "metric" && field === "threshold" ? "the threshold must be a number, like 80 or 12.5." : SHAPE[field];
}

const SHAPE: Record<RuleField, string> = {
  failures: "failures in a row must be a whole number, like 3.",
  percent: "the error rate must be a percentage, like 20 or 12.5.",
  window: "the window must be a whole number of seconds or minutes.",
  minSamples: "the number of samples must be a whole number.",
  source: "count requests or probes.",
  threshold: "the latency threshold must be a whole number of milliseconds, like 2000.",
  minutes: "the minutes must be a whole number, like 5.",
};

type RuleParse = { ok: true; rule: AlertRuleInput } | { ok: false; field: RuleField };

function parseRule(d: RuleDraft): RuleParse {
  const base = { id: d.id, enabled: d.enabled, kind: d.kind };
  // The core's words are not read back.
  const { text: _text, ...original } = d.original;
  if (!isKnownKind(d.kind)) return { ok: true, rule: { ...original, enabled: d.enabled } };
  const whole = (text: string) => parseCount(text);
  const values: Partial<Record<RuleField, number>> = {};
  for (const field of ruleFields(d)) {
    let v: number | null;
    if (field === "source") {
      if (d.source !== "requests" && d.source !== "probes") return { ok: false, field };
      continue;
    } else if (field === "percent") v = parseDecimal(d.percent);
    else if (field === "window") v = parseDuration(d.window);
    else if (field === "threshold" && d.kind === "metric") v = parseThreshold(d.threshold);
    else v = whole(d[field]);
    if (v === null || Number.isNaN(v)) return { ok: false, field };
    values[field] = v;
  }
  switch (d.kind) {
    case "backendDown":
      return { ok: true, rule: { ...base, failures: values.failures } };
    case "errorRate":
      return { ok: true, rule: { ...base, percent: values.percent, windowSecs: values.window, minSamples: values.minSamples, source: d.source } };
    case "latencyP95":
      return { ok: true, rule: { ...base, thresholdMs: values.threshold, windowSecs: values.window, minSamples: values.minSamples, source: d.source } };
    case "rateLimitedFor":
      return { ok: true, rule: { ...base, minutes: values.minutes } };
    case "circuitOpened":
    case "keyInvalid":
      return { ok: true, rule: base };
    case "metric":
      // The metric, aggregate, comparison and window stay as they came.
      return { ok: true, rule: { ...original, enabled: d.enabled, threshold: values.threshold ?? original.threshold } };
  }
}

/**
 * The settings to send. Only what the core could not take or that is surely a slip is refused
 * here (text that is not a number, a time that is not one, quiet hours that start when they end);
 * the core checks the ranges (at least one failure, a percentage below 100 …) and says why.
 */
export function parseDraft(d: AlertsDraft): AlertsParse {
  const rules: AlertRuleInput[] = [];
  for (const r of d.rules) {
    const parsed = parseRule(r);
    if (!parsed.ok) {
      return { ok: false, error: { ruleId: r.id, field: parsed.field, message: `${ruleLabel(r.id, d.rules)}: ${shape(r, parsed.field)}` } };
    }
    rules.push(parsed.rule);
  }
  const cooldownSecs = parseDuration(d.cooldown);
  if (Number.isNaN(cooldownSecs)) {
    return { ok: false, error: { ruleId: null, field: "cooldown", message: "The cooldown must be a whole number of seconds or minutes, like 5 minutes." } };
  }
  let quietHours: AlertSettingsInput["quietHours"] = null;
  if (d.quiet) {
    const start = parseTime(d.quietStart);
    const end = parseTime(d.quietEnd);
    if (Number.isNaN(start)) return { ok: false, error: { ruleId: null, field: "quietStart", message: "Enter when quiet hours start as a time like 22:00." } };
    if (Number.isNaN(end)) return { ok: false, error: { ruleId: null, field: "quietEnd", message: "Enter when quiet hours end as a time like 07:00." } };
    if (start === end) {
      return {
        ok: false,
        error: { ruleId: null, field: "quietEnd", message: "Quiet hours start and end at the same time, so they would never apply: pick two different times, or turn quiet hours off." },
      };
    }
    quietHours = { start, end };
  }
  return { ok: true, settings: { rules, cooldownSecs, quietHours } };
}

const RULE_KEYS = ["id", "enabled", "kind", "failures", "percent", "windowSecs", "minSamples", "source", "thresholdMs", "minutes"] as const;

/** A rule as comparable text: its fields in a fixed order, absent and null alike left out. */
function canonicalRule(r: AlertRuleInput): string {
  const out: Record<string, unknown> = {};
  for (const k of RULE_KEYS) if (r[k] !== null && r[k] !== undefined) out[k] = r[k];
  // Fields a kind this UI does not know might carry.
  for (const [k, v] of Object.entries(r)) if (!(k in out) && k !== "text" && v !== null && v !== undefined) out[k] = v;
  return JSON.stringify(out);
}

export function sameSettings(a: AlertSettingsInput, b: AlertSettingsInput): boolean {
  const qa = a.quietHours ?? null;
  const qb = b.quietHours ?? null;
  return (
    a.cooldownSecs === b.cooldownSecs &&
    (qa === null ? qb === null : qb !== null && qa.start === qb.start && qa.end === qb.end) &&
    a.rules.length === b.rules.length &&
    a.rules.every((r, i) => canonicalRule(r) === canonicalRule(b.rules[i]))
  );
}

/** Whether saving would change nothing; text that does not parse counts as a change. */
export function draftUnchanged(d: AlertsDraft, saved: AlertSettings): boolean {
  const parsed = parseDraft(d);
  return parsed.ok && sameSettings(parsed.settings, saved);
}

/** The rules form's fields, by the core's names for them. */
export const ALERT_FIELDS = ["rule", "failures", "percent", "window", "minSamples", "threshold", "minutes", "cooldown", "quietStart", "quietEnd"] as const satisfies readonly FieldName[];
export type AlertField = (typeof ALERT_FIELDS)[number];

const RULE_INPUTS: Partial<Record<FieldName, RuleField>> = { failures: "failures", percent: "percent", window: "window", minSamples: "minSamples", threshold: "threshold", minutes: "minutes" };

/** A problem found on this side, as an issue on its rule's place in the list. */
export function draftIssue(e: DraftError, rules: readonly RuleRef[]): FieldIssue {
  const index = e.ruleId === null ? -1 : rules.findIndex((r) => r.id === e.ruleId);
  const field: AlertField = e.ruleId === null ? (e.field ?? "rule") : e.field === null || e.field === "source" ? "rule" : e.field;
  return { field, index: index >= 0 ? index : null, code: "format", severity: "error", message: e.message, fix: null };
}

/**
 * The core's issue in the form's words: a rule's (it carries the rule's place in the list that
 * was sent) is named after the rule — "Failures must be at least 1." on the first rule becomes
 * "Backend down: failures must be at least 1.".
 */
export function phraseIssue(issue: FieldIssue, rules: readonly RuleRef[]): FieldIssue {
  const rule = issue.index === null ? undefined : rules[issue.index];
  if (!rule) return issue;
  const m = issue.message;
  return { ...issue, message: `${ruleLabel(rule.id, rules)}: ${m.charAt(0).toLowerCase()}${m.slice(1)}` };
}

/** Where an issue points: its rule (by id) and input, for marking and focusing it. */
export function issueTarget(issue: FieldIssue, rules: readonly RuleRef[]): DraftField {
  const rule = issue.index === null ? undefined : rules[issue.index];
  if (rule) return { ruleId: rule.id, field: RULE_INPUTS[issue.field] ?? null };
  const general = issue.field === "cooldown" || issue.field === "quietStart" || issue.field === "quietEnd" ? issue.field : null;
  return { ruleId: null, field: general };
}

// ---- Stored alerts ----

export type AlertState = "open" | "resolved";

export function alertState(a: Pick<AlertItem, "resolvedAt">): AlertState {
  return a.resolvedAt === null ? "open" : "resolved";
}

/**
 * Why no notification went out, if none did. An open alert is silent only in quiet hours; a
 * resolved one also when its rule was turned off or removed.
 */
export function notNotifiedText(a: Pick<AlertItem, "notified" | "resolvedAt">): { label: string; title: string } | null {
  if (a.notified) return null;
  if (a.resolvedAt === null) return { label: "not notified: quiet hours", title: "It opened during quiet hours, so no desktop notification was shown." };
  return { label: "not notified", title: "No desktop notification was shown when it resolved: it happened during quiet hours, or its rule was turned off." };
}

/**
 * An alert's summary or detail with the backend's (and key's) id replaced by its name: the core
 * words them with ids ("c5b7… is down").
 */
export function alertText(text: string, a: Pick<AlertItem, "backendId" | "backendName" | "keyId">, keyLabel: string | null = null): string {
  let out = text;
  if (a.keyId && keyLabel) out = out.split(a.keyId).join(keyLabel);
  if (a.backendId && a.backendName) out = out.split(a.backendId).join(a.backendName);
  return out;
}

/** "for 12 min" while open, "lasted 3 h" once resolved; "" when a time cannot be read. */
export function alertDuration(a: Pick<AlertItem, "openedAt" | "resolvedAt">, now: number): string {
  const from = Date.parse(a.openedAt);
  const to = a.resolvedAt === null ? now : Date.parse(a.resolvedAt);
  if (Number.isNaN(from) || Number.isNaN(to)) return "";
  const text = spanText(Math.max(0, to - from));
  return a.resolvedAt === null ? `open for ${text}` : `lasted ${text}`;
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function spanText(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}
