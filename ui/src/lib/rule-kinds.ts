// What each alert rule is called and which thresholds it has. The core names every rule (its
// `text`: name, help and, for a `metric` rule, how its threshold input reads); the kinds below
// are what this side falls back on when a rule comes without words (an alert whose rule is gone).
import type { AlertRuleForm } from "../ipc/types";

export type RuleKind = "backendDown" | "circuitOpened" | "errorRate" | "latencyP95" | "keyInvalid" | "rateLimitedFor" | "metric";
/** A threshold input of a rule. */
export type RuleField = "failures" | "percent" | "window" | "minSamples" | "source" | "threshold" | "minutes";
export type Source = "requests" | "probes";
/** A rule in words, as the core sends it. */
export type RuleText = NonNullable<AlertRuleForm["text"]>;
/** What names a rule: its id, kind and the core's words for it (absent from older cores). */
export type RuleRef = { id: string; kind: string; text?: RuleText | null };

type KindInfo = { label: string; help: string; fields: readonly RuleField[] };

export const RULE_KINDS: Readonly<Record<RuleKind, KindInfo>> = {
  backendDown: {
    label: "Backend down",
    help: "Opens when a backend fails this many probes in a row (unreachable, timeout or provider error).",
    fields: ["failures"],
  },
  circuitOpened: {
    label: "Circuit opened",
    help: "Opens while the gateway has stopped sending requests to a backend or key after repeated failures.",
    fields: [],
  },
  errorRate: {
    label: "Error rate",
    help: "Opens when more than this share of requests (or probes) failed within the window.",
    fields: ["percent", "window", "minSamples", "source"],
  },
  latencyP95: {
    label: "Slow responses (p95)",
    help: "Opens when 5 % of successful requests (or probes) within the window took longer than the threshold.",
    fields: ["threshold", "window", "minSamples", "source"],
  },
  keyInvalid: {
    label: "Key refused",
    help: "Opens when a provider refuses a key (401 or 403), until the key works again.",
    fields: [],
  },
  rateLimitedFor: {
    label: "Rate-limited too long",
    help: "Opens when a backend or key stays rate-limited for longer than this.",
    fields: ["minutes"],
  },
  metric: {
    label: "Metric threshold",
    help: "Opens when a metric Switchyard reports crosses the threshold.",
    fields: ["threshold"],
  },
};

/** Label, unit and one-line explanation of each threshold input. */
export const FIELDS: Readonly<Record<RuleField, { label: string; unit: string; help: string }>> = {
  failures: { label: "Failures in a row", unit: "probes", help: "Consecutive failed probes before the alert opens." },
  percent: { label: "Error rate above", unit: "%", help: "Share of failed requests or probes in the window." },
  window: { label: "Window", unit: "", help: "How far back it looks." },
  minSamples: { label: "At least", unit: "samples", help: "Fewer samples in the window never open the alert." },
  source: { label: "Counts", unit: "", help: "Gateway requests, or the monitor's probes." },
  threshold: { label: "p95 above", unit: "ms", help: "Latency of the slowest 5 % of successful answers." },
  minutes: { label: "Rate-limited for over", unit: "minutes", help: "Counting a provider's announced retry time." },
};

const METRIC_THRESHOLD = { label: "Threshold", unit: "", help: "The number the metric is compared with." };

export function isKnownKind(kind: string): kind is RuleKind {
  return Object.hasOwn(RULE_KINDS, kind);
}

/** The fields a kind's form shows (none for a kind this UI does not know). */
export function fieldsOf(kind: string): readonly RuleField[] {
  return isKnownKind(kind) ? RULE_KINDS[kind].fields : [];
}

/** The fields a rule's form shows: its kind's, less a `metric` threshold the core keeps fixed. */
export function ruleFields(rule: RuleRef): readonly RuleField[] {
  if (rule.kind === "metric" && rule.text && !rule.text.threshold) return [];
  return fieldsOf(rule.kind);
}

/** How one of a rule's inputs reads: a `metric` rule's threshold in the core's words. */
export function fieldInfo(rule: RuleRef, field: RuleField): { label: string; unit: string; help: string } {
  if (rule.kind !== "metric" || field !== "threshold") return FIELDS[field];
  return rule.text?.threshold ?? METRIC_THRESHOLD;
}

/**
 * A rule's name in words: found by id among the rules (a rule's id need not be its kind), the
 * core's name for it, else its kind's, else the id as it is.
 */
export function ruleLabel(ruleId: string, rules: readonly RuleRef[] = []): string {
  const rule = rules.find((r) => r.id === ruleId);
  if (rule?.text?.name) return rule.text.name;
  const kind = rule?.kind ?? ruleId;
  return isKnownKind(kind) && kind !== "metric" ? RULE_KINDS[kind].label : ruleId;
}

/** When a rule opens, in words; null for a kind this version cannot edit. */
export function ruleHelp(rule: RuleRef): string | null {
  if (rule.text?.help) return rule.text.help;
  return isKnownKind(rule.kind) ? RULE_KINDS[rule.kind].help : null;
}

/**
 * A `metric` rule's threshold as typed: "80", "12.5", "12,5", "80 %", "$1.50", "1,000", "1 000"
 * (thousands separators); NaN for anything else, negative numbers included.
 */
export function parseThreshold(text: string): number {
  let t = text.trim().replace(/^\$\s*/, "").replace(/\s*%$/, "");
  if (/^\d{1,3}([, _]\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/[, _]/g, "");
  else t = t.replace(",", ".");
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
}
