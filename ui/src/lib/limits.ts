// A backend's traffic limits as form text, and the pure conversions to and from the IPC shape.
import type { Limits } from "../ipc/types";

/** What a backend gets when nobody set limits (the core's defaults). */
export const DEFAULT_LIMITS: Limits = { maxInFlight: 50, rpm: null, tpm: null };

/** The three inputs as typed; empty per-minute fields mean "no limit". */
export type LimitsForm = { maxInFlight: string; rpm: string; tpm: string };

export type LimitField = keyof LimitsForm;
/** The limits' fields, as the core names them in a refusal. */
export const LIMIT_FIELDS: readonly LimitField[] = ["maxInFlight", "rpm", "tpm"];

export type LimitsParse = { ok: true; limits: Limits } | { ok: false; field: LimitField; message: string };

/** Largest value the core can receive (a u32); the core's own ranges are much smaller. */
const MAX_WIRE = 4_294_967_295;

export function limitsForm(l: Limits): LimitsForm {
  return { maxInFlight: String(l.maxInFlight), rpm: l.rpm === null ? "" : String(l.rpm), tpm: l.tpm === null ? "" : String(l.tpm) };
}

/**
 * A whole number from what was typed: surrounding spaces, `_` and thousands groups (`100,000`,
 * `100 000`) are accepted. `null` for empty text, `NaN` for anything else that is not one.
 */
export function parseCount(text: string): number | null {
  let t = text.trim().replace(/_/g, "");
  if (t === "") return null;
  if (/^\d{1,3}([, ]\d{3})+$/.test(t)) t = t.replace(/[, ]/g, "");
  if (!/^\d+$/.test(t)) return Number.NaN;
  const n = Number(t);
  return n > MAX_WIRE ? Number.NaN : n;
}

/**
 * The limits to send. Only the shape is checked here (whole numbers; requests at once may not be
 * empty and falls back to the default when it is): the core checks the ranges and says why.
 */
export function parseLimits(form: LimitsForm): LimitsParse {
  const inFlight = parseCount(form.maxInFlight);
  const rpm = parseCount(form.rpm);
  const tpm = parseCount(form.tpm);
  if (Number.isNaN(inFlight)) return { ok: false, field: "maxInFlight", message: "Requests at once must be a whole number." };
  if (Number.isNaN(rpm)) return { ok: false, field: "rpm", message: "Requests per minute must be a whole number, or empty for no limit." };
  if (Number.isNaN(tpm)) return { ok: false, field: "tpm", message: "Tokens per minute must be a whole number, or empty for no limit." };
  return { ok: true, limits: { maxInFlight: inFlight ?? DEFAULT_LIMITS.maxInFlight, rpm, tpm } };
}

export function sameLimits(a: Limits, b: Limits): boolean {
  return a.maxInFlight === b.maxInFlight && a.rpm === b.rpm && a.tpm === b.tpm;
}

/** Whether the form differs from `saved`; text that does not parse counts as a change. */
export function limitsChanged(form: LimitsForm, saved: Limits): boolean {
  const parsed = parseLimits(form);
  return !parsed.ok || !sameLimits(parsed.limits, saved);
}

export function isDefaultLimits(l: Limits): boolean {
  return sameLimits(l, DEFAULT_LIMITS);
}

/** 1,200 · 1.5k · 2M: short enough for a row. */
export function compactCount(n: number): string {
  if (n < 10_000) return n.toLocaleString("en-US");
  const [div, unit] = n >= 1_000_000 ? [1_000_000, "M"] : [1_000, "k"];
  const v = n / div;
  return `${v >= 100 || Number.isInteger(v) ? Math.round(v) : Number(v.toFixed(1))}${unit}`;
}

/** The limits that differ from the defaults, e.g. ["≤ 60 req/min"]; empty for the defaults. */
export function limitsSummary(l: Limits): string[] {
  const parts: string[] = [];
  if (l.maxInFlight !== DEFAULT_LIMITS.maxInFlight) parts.push(`≤ ${compactCount(l.maxInFlight)} at once`);
  if (l.rpm !== null) parts.push(`≤ ${compactCount(l.rpm)} req/min`);
  if (l.tpm !== null) parts.push(`≤ ${compactCount(l.tpm)} tokens/min`);
  return parts;
}
