// `./dev compat`: a node test reporter that writes one JSON line per finished test or suite
// ({ file, name, nesting, ok, skipped, ms, error }), to what --test-reporter-destination names,
// for scripts/compat-report.mjs to build the table from. Nothing else is printed.
import path from "node:path";

export default async function* compatReporter(source) {
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const d = event.data;
    const error = event.type === "test:fail" ? String(d.details?.error?.cause?.message ?? d.details?.error?.message ?? d.details?.error ?? "").slice(0, 4000) : null;
    yield `${JSON.stringify({
      file: d.file ? path.basename(d.file) : null,
      name: d.name,
      nesting: d.nesting,
      ok: event.type === "test:pass",
      skipped: Boolean(d.skip || d.todo),
      ms: Math.round(d.details?.duration_ms ?? 0),
      error,
    })}\n`;
  }
}
