// Shared by the unit tests (never imported by the app).
import type { AlertRuleForm } from "../ipc/types";

/** Built-in `metric` rules as the core sends them: the rule, and its words. */
export const METRIC_RULES: AlertRuleForm[] = [
  {
    id: "unroutedUsage",
    enabled: true,
    kind: "metric",
    metric: "unroutedTokens",
    aggregate: "last",
    compare: "atLeast",
    threshold: 1000,
    windowSecs: 172800,
    minSamples: 1,
    text: {
      name: "Unrouted usage",
      help: "Opens when a provider bills a key you keep for tokens nothing Switchyard saw.",
      threshold: { label: "Unrouted at least", unit: "tokens", help: "A whole number of tokens, from 1 to 1,000,000,000." },
    },
  },
  {
    id: "teamRedisDown",
    enabled: true,
    kind: "metric",
    metric: "teamRedisUp",
    aggregate: "last",
    compare: "below",
    threshold: 1,
    windowSecs: 120,
    minSamples: 1,
    text: { name: "Team Redis unreachable", help: "Opens when this replica stops reaching the team's Redis.", threshold: null },
  },
  {
    id: "budget80",
    enabled: true,
    kind: "metric",
    metric: "budgetPercent",
    aggregate: "last",
    compare: "atLeast",
    threshold: 80,
    windowSecs: 3600,
    minSamples: 1,
    text: { name: "Budget 80 % spent", help: "Opens when a budget has spent this share.", threshold: { label: "Spent at least", unit: "%", help: "Percent." } },
  },
];
