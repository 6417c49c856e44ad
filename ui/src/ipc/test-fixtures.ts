// Sample data for unit tests.
import type { BookTokens, CostsOverview, LedgerRow, Readiness, Reconciliation, SeriesPoint, Side, ToolInfo, UsageTotals } from "./types";

export function ledgerRow(id: string, startedAt: string, over: Partial<LedgerRow> = {}): LedgerRow {
  return {
    id,
    startedAt,
    tokenName: "cursor",
    inbound: "openai",
    route: null,
    requestedModel: "demo-chat",
    backend: "Demo",
    keyLabel: null,
    model: "demo-chat",
    status: 200,
    errorClass: null,
    reason: "first healthy backend",
    attempts: 1,
    latencyMs: 12,
    ttfbMs: 5,
    inputTokens: 10,
    outputTokens: 20,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    streamed: false,
    cache: null,
    savedUsd: null,
    providerId: null,
    attemptList: [],
    ...over,
  };
}

export function readinessRun(id: string, startedAt: string, over: Partial<Readiness> = {}): Readiness {
  return {
    id,
    startedAt,
    durationMs: 2400,
    verdict: "ready",
    score: 10,
    components: [
      {
        id: "keychain",
        name: "Keychain",
        kind: "keychain",
        required: true,
        status: "operational",
        score: 10,
        checks: [{ id: "keychain.roundTrip", label: "Write, read and delete a test entry", passed: true, importance: "critical", detail: "works", fix: null }],
      },
    ],
    blockers: [],
    previous: null,
    ...over,
  };
}

export function usageTotals(over: Partial<UsageTotals> = {}): UsageTotals {
  return {
    requests: 0,
    errors: 0,
    cacheHits: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0,
    unpriced: 0,
    savedUsd: 0,
    latencyMsSum: 0,
    cacheLookups: 0,
    cacheShared: 0,
    cacheSkipped: 0,
    ...over,
  };
}

export function seriesPoint(startMs: number, key: string, over: Partial<UsageTotals> = {}): SeriesPoint {
  return { startMs, key, totals: usageTotals(over) };
}

/** An empty overview of `[sinceMs, untilMs)` in hours, UTC; pass the parts a test needs. */
export function costsOverview(sinceMs: number, untilMs: number, over: Partial<CostsOverview> = {}): CostsOverview {
  return {
    range: { sinceMs, untilMs, offsetMinutes: 0 },
    bucketMs: 3_600_000,
    totals: usageTotals(),
    series: [],
    hourly: [],
    byBackend: [],
    byModel: [],
    byRoute: [],
    byToken: [],
    byInbound: [],
    latency: [],
    latencyOverall: null,
    plans: { planRequests: 0, planTokens: 0, overflowRequests: 0, overflowCostUsd: 0, overflowUnpriced: 0 },
    ...over,
  };
}

/** Claude Code's card as the Tools page gets it: installed, not connected, no plan. */
export function toolInfo(over: Partial<ToolInfo> = {}): ToolInfo {
  return {
    id: "claude-code",
    label: "Claude Code",
    installed: true,
    version: "2.1.197",
    program: "/usr/bin/claude",
    connected: false,
    pointsAt: null,
    needsReconnect: false,
    viaTeam: false,
    configFiles: ["~/.claude/settings.json"],
    model: null,
    tokenName: null,
    requestsToday: 0,
    costTodayUsd: 0,
    statusline: false,
    planVendor: "anthropic",
    planFound: false,
    plan: null,
    ...over,
  };
}

/** One side of the books: tokens by category (0 where not given), requests and cost. */
export function side(tokens: Partial<BookTokens> = {}, over: Partial<Side> = {}): Side {
  return { requests: null, tokens: { input: 0, cachedInput: 0, cacheWrite: 0, output: 0, ...tokens }, costUsd: null, ...over };
}

/** An OpenAI backend's books for one day, read an hour before 2026-11-30T12:00Z, nothing apart. */
export function reconciliation(over: Partial<Reconciliation> = {}): Reconciliation {
  return {
    backendId: "b1",
    backend: "OpenAI",
    provider: "openAi",
    firstDay: "2026-11-29",
    lastDay: "2026-11-30",
    readAtMs: Date.parse("2026-11-30T11:00:00Z"),
    stale: null,
    days: [],
    lines: [],
    unrouted: [],
    keys: [],
    people: [],
    ...over,
  };
}
