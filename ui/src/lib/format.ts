// Pure formatting helpers: words and colours for statuses, checks and import results.
import type { Check, EnvProblem, ImportResult, Outcome, Status } from "../ipc/types";

export type Tone = "ok" | "warn" | "bad" | "neutral" | "muted";

export const STATUS_LABELS: Record<Status, string> = {
  healthy: "Healthy",
  untested: "Untested",
  noKey: "No key",
  keyInvalid: "Key invalid",
  rateLimited: "Rate-limited",
  unreachable: "Unreachable",
  failing: "Provider error",
  disabled: "Disabled",
};

const STATUS_TONES: Record<Status, Tone> = {
  healthy: "ok",
  untested: "neutral",
  noKey: "warn",
  keyInvalid: "bad",
  rateLimited: "warn",
  unreachable: "bad",
  failing: "bad",
  disabled: "muted",
};

const OUTCOME_TONES: Record<Outcome, Tone> = {
  valid: "ok",
  invalid: "bad",
  rateLimited: "warn",
  unreachable: "bad",
  timeout: "bad",
  unexpected: "bad",
};

export function statusLabel(status: Status): string {
  return STATUS_LABELS[status];
}

export function statusTone(status: Status): Tone {
  return STATUS_TONES[status];
}

export function outcomeTone(outcome: Outcome): Tone {
  return OUTCOME_TONES[outcome];
}

/** The line shown for a key or keyless backend test. */
export function checkText(check: Check | null | undefined, testing: boolean): string {
  if (testing) return "testing…";
  return check ? check.message : "Not tested yet";
}

export function checkTone(check: Check | null | undefined, testing: boolean): Tone {
  if (testing || !check) return "neutral";
  return outcomeTone(check.outcome);
}

/** A tooltip with when a check ran, e.g. "Checked 21 Nov 2025, 14:02 · HTTP 200". */
export function checkTitle(check: Check | null | undefined, locale?: string): string | undefined {
  if (!check) return undefined;
  const parts: string[] = [];
  if (check.checkedAt) {
    const d = new Date(check.checkedAt);
    if (!Number.isNaN(d.getTime())) {
      parts.push(`Checked ${d.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" })}`);
    }
  }
  if (check.httpStatus !== null) parts.push(`HTTP ${check.httpStatus}`);
  return parts.length ? parts.join(" · ") : undefined;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "environment" or ".env line N". */
export function findingSource(line: number | null): string {
  return line === null ? "environment" : `.env line ${line}`;
}

export function problemText(p: EnvProblem): string {
  return `Line ${p.line}: ${p.message}`;
}

/**
 * "Imported 3 keys into OpenAI, Anthropic, Groq"; "Updated Ollama" when only a host (not a key) was
 * imported; or "Nothing was imported". `imported` counts keys only.
 */
export function importHeadline(r: ImportResult): string {
  const names = r.backends.join(", ");
  if (r.imported === 0) return names ? `Updated ${names}` : "Nothing was imported";
  return `Imported ${plural(r.imported, "key")}${names ? ` into ${names}` : ""}`;
}

/** The most recent of several checks; a just-produced one (no timestamp) counts as newest. */
export function latestCheck(checks: ReadonlyArray<Check | null | undefined>): Check | null {
  let best: Check | null = null;
  for (const c of checks) {
    if (!c) continue;
    if (!best) best = c;
    else if (!c.checkedAt) return c;
    else if (best.checkedAt && c.checkedAt > best.checkedAt) best = c;
  }
  return best;
}
