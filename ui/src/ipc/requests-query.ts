// Pure helpers of the Requests page's data: filters to a query, and merging pages of rows.
import type { ErrorClassName, InboundApi, LedgerRow, RequestQuery } from "./types";

export type StatusFilter = "all" | "ok" | "failed";

/** What the filter bar shows; an empty string means "All". `api` is the ledger's `inbound`. */
export type RequestFilters = {
  backend: string;
  status: StatusFilter;
  tool: string;
  route: string;
  api: InboundApi | "";
  /** Only requests that failed this way. */
  error: ErrorClassName | "";
};

export const NO_FILTERS: RequestFilters = { backend: "", status: "all", tool: "", route: "", api: "", error: "" };

export const PAGE_SIZE = 50;

export function toQuery(filters: RequestFilters, before: string | null = null, limit = PAGE_SIZE): RequestQuery {
  return {
    backend: filters.backend || null,
    route: filters.route || null,
    tokenName: filters.tool || null,
    inbound: filters.api || null,
    failed: filters.status === "all" ? null : filters.status === "failed",
    errorClass: filters.error || null,
    before,
    limit,
  };
}

export function sameFilters(a: RequestFilters, b: RequestFilters): boolean {
  return a.backend === b.backend && a.status === b.status && a.tool === b.tool && a.route === b.route && a.api === b.api && a.error === b.error;
}

/**
 * A fresh first page, followed by the older rows already shown beyond it (so a live reload does
 * not throw away pages loaded with "Load older"). A short first page is everything there is.
 */
export function mergeNewest(fresh: LedgerRow[], shown: LedgerRow[], limit = PAGE_SIZE): LedgerRow[] {
  if (fresh.length < limit) return fresh;
  const oldest = fresh[fresh.length - 1].startedAt;
  const ids = new Set(fresh.map((r) => r.id));
  return [...fresh, ...shown.filter((r) => !ids.has(r.id) && r.startedAt < oldest)];
}

/** Appends an older page, skipping rows already shown. */
export function appendOlder(shown: LedgerRow[], older: LedgerRow[]): LedgerRow[] {
  const ids = new Set(shown.map((r) => r.id));
  return [...shown, ...older.filter((r) => !ids.has(r.id))];
}

/** Names for the route filter: every saved route, every route seen in the rows, and the current choice. */
export function routeNames(routes: ReadonlyArray<string>, rows: ReadonlyArray<LedgerRow>, selected = ""): string[] {
  const names = new Set<string>(routes);
  for (const r of rows) if (r.route) names.add(r.route);
  if (selected) names.add(selected);
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** Names for the tool filter: every token, every tool seen in the rows, and the current choice. */
export function toolNames(tokens: ReadonlyArray<string>, rows: ReadonlyArray<LedgerRow>, selected = ""): string[] {
  const names = new Set<string>(tokens);
  for (const r of rows) if (r.tokenName) names.add(r.tokenName);
  if (selected) names.add(selected);
  return [...names].sort((a, b) => a.localeCompare(b));
}
