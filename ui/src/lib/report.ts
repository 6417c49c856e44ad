import type { ReportFormat } from "../ipc/types";

/** The report formats, in the order the picker offers them. */
export const REPORT_FORMATS: { id: ReportFormat; label: string }[] = [
  { id: "html", label: "Web page (HTML)" },
  { id: "json", label: "JSON" },
  { id: "junit", label: "JUnit XML (CI)" },
];

const EXTENSION: Record<ReportFormat, string> = { html: "html", json: "json", junit: "xml" };

export type ReportKind = "readiness" | "drill";

/** "switchyard-readiness-20261123-0412.html" for a run started at that local time. */
export function reportFileName(startedAt: string, format: ReportFormat, kind: ReportKind = "readiness"): string {
  const d = new Date(startedAt);
  const two = (n: number) => String(n).padStart(2, "0");
  const stamp = Number.isNaN(d.getTime()) ? "run" : `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}`;
  return `switchyard-${kind === "drill" ? "drills" : "readiness"}-${stamp}.${EXTENSION[format]}`;
}
