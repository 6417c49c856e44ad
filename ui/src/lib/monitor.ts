// A backend's monitor settings (probe interval, uptime target, required for readiness) as form
// text, and the pure conversions to and from the IPC shape. The uptime target travels in basis
// points (9990 = 99.90 %) and is typed as a percentage.
import type { Monitor } from "../ipc/types";
import { parseCount } from "./limits";

/** What a backend gets when nobody changed its monitor settings (the core's defaults). */
export const DEFAULT_MONITOR: Monitor = { probeIntervalS: 30, slaTargetBp: 9990, required: false, deepProbe: false };

/** The inputs as typed: seconds and a percentage as text. */
export type MonitorForm = { interval: string; sla: string; required: boolean; deepProbe?: boolean };

export type MonitorField = "interval" | "sla";
/** The monitor settings' fields, as the core names them in a refusal. */
export const MONITOR_FIELDS: readonly MonitorField[] = ["interval", "sla"];

export type MonitorParse = { ok: true; monitor: Monitor } | { ok: false; field: MonitorField; message: string };

/** "99.9" for 9990, "100" for 10000, "99.95" for 9995: no trailing zeros. */
export function percentText(bp: number): string {
  if (!Number.isFinite(bp)) return "";
  return (bp / 100).toFixed(2).replace(/\.?0+$/, "");
}

/**
 * Basis points from a typed percentage: "99.9", "99,95", "99.9 %" and "99.9%" all work, with at
 * most two decimals (a basis point is 0.01 %). `null` for empty text, `NaN` for anything else.
 */
export function parsePercent(text: string): number | null {
  const t = text.trim().replace(/\s*%$/, "").replace(",", ".");
  if (t === "") return null;
  // At most three digits before the point: never more than a u32 can carry.
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return Number.NaN;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

export function monitorForm(m: Monitor): MonitorForm {
  return { interval: String(m.probeIntervalS), sla: percentText(m.slaTargetBp), required: m.required, deepProbe: m.deepProbe };
}

/**
 * The settings to send. Only the shape is checked here (whole seconds, a percentage with at most
 * two decimals; empty fields fall back to the defaults): the core checks the ranges and says why.
 */
export function parseMonitor(form: MonitorForm): MonitorParse {
  const interval = parseCount(form.interval);
  const bp = parsePercent(form.sla);
  if (Number.isNaN(interval)) return { ok: false, field: "interval", message: "The probe interval must be a whole number of seconds." };
  if (Number.isNaN(bp)) return { ok: false, field: "sla", message: "Enter the uptime target as a percentage with at most two decimals, like 99.9." };
  return {
    ok: true,
    monitor: {
      probeIntervalS: interval ?? DEFAULT_MONITOR.probeIntervalS,
      slaTargetBp: bp ?? DEFAULT_MONITOR.slaTargetBp,
      required: form.required,
      deepProbe: form.deepProbe ?? false,
    },
  };
}

export function sameMonitor(a: Monitor, b: Monitor): boolean {
  return (
    a.probeIntervalS === b.probeIntervalS &&
    a.slaTargetBp === b.slaTargetBp &&
    a.required === b.required &&
    a.deepProbe === b.deepProbe
  );
}

/** Whether the form differs from `saved`; text that does not parse counts as a change. */
export function monitorChanged(form: MonitorForm, saved: Monitor): boolean {
  const parsed = parseMonitor(form);
  return !parsed.ok || !sameMonitor(parsed.monitor, saved);
}
