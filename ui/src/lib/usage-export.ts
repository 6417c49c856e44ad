// The usage export's choices and words: what to write, in which format, the save dialog's
// suggested file name (the same shape the core uses in the data folder) and the result line.
import type { CostRange, CostSettings, ExportDone, ExportFormat, ExportKind } from "../ipc/types";
import { USD, formatMoney } from "./money";

export const EXPORT_KINDS: ReadonlyArray<{ id: ExportKind; label: string; help: string }> = [
  { id: "requests", label: "Requests", help: "One row per request: time, backend, model, tokens, cost." },
  { id: "daily", label: "Daily totals", help: "One row per day, backend and model." },
  { id: "hourly", label: "Hourly totals", help: "One row per hour, backend and model." },
];

export const EXPORT_FORMATS: ReadonlyArray<{ id: ExportFormat; label: string }> = [
  { id: "csv", label: "CSV" },
  { id: "json", label: "JSON" },
];

/** The local day of `ms` as YYYYMMDD, at the range's UTC offset. */
function localDay(ms: number, offsetMinutes: number): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

/** "switchyard-requests-20251101-20251121.csv": kind, first and last local day, extension. */
export function exportFileName(range: CostRange, kind: ExportKind, format: ExportFormat): string {
  const off = range.offsetMinutes ?? 0;
  const since = range.sinceMs ?? 0;
  const until = Math.max(since + 1, range.untilMs ?? since + 1);
  return `switchyard-${kind}-${localDay(since, off)}-${localDay(until - 1, off)}.${format}`;
}

/** "Saved 123 rows ($4.56) to" — the path follows, copyable. */
export function exportDoneText(done: ExportDone, c: CostSettings = USD): string {
  const n = done.rows ?? 0;
  return `Saved ${n.toLocaleString("en-US")} ${n === 1 ? "row" : "rows"} (${formatMoney(done.costUsd ?? 0, c)}) to`;
}
