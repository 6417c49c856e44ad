// The resilience form (breakers, retries, first-byte timeout) as typed, and its conversions.
import type { ResilienceForm } from "../ipc/types";

/** Every field, in the order the card shows them. */
export const RESILIENCE_FIELDS = [
  "breakerFailures",
  "breakerFailureRatePct",
  "breakerOpenSecs",
  "breakerCloseAfter",
  "retriesPerCandidate",
  "firstByteTimeoutSecs",
] as const satisfies readonly (keyof ResilienceForm)[];

export type ResilienceField = (typeof RESILIENCE_FIELDS)[number];

/** The inputs as typed (text, so an empty or odd value is reported rather than sent). */
export type ResilienceDraft = Record<ResilienceField, string>;

export type ResilienceParse = { ok: true; resilience: ResilienceForm } | { ok: false; field: ResilienceField; message: string };

export function draftFromResilience(r: ResilienceForm): ResilienceDraft {
  return Object.fromEntries(RESILIENCE_FIELDS.map((f) => [f, String(r[f])])) as ResilienceDraft;
}

/** Each value must be a whole number; the core checks the ranges and says which is off. */
export function parseResilience(d: ResilienceDraft, labels: Record<ResilienceField, string>): ResilienceParse {
  const out: Partial<ResilienceForm> = {};
  for (const f of RESILIENCE_FIELDS) {
    const text = d[f].trim();
    if (!/^\d{1,7}$/.test(text)) return { ok: false, field: f, message: `${labels[f]}: enter a whole number.` };
    out[f] = Number(text);
  }
  return { ok: true, resilience: out as ResilienceForm };
}

export function sameResilience(a: ResilienceForm, b: ResilienceForm): boolean {
  return RESILIENCE_FIELDS.every((f) => a[f] === b[f]);
}
