// Sample data for unit tests.
import type { LedgerRow } from "./types";

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
    costUsd: 0,
    streamed: false,
    attemptList: [],
    ...over,
  };
}
