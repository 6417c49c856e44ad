// Pure helpers for the Team page: how the replica's sharing stands, in words and a tone.
import type { TeamOverview } from "../ipc/types";
import type { ChartSeries } from "./cost-charts";
import { plural, type Tone } from "./format";

/** `redis`: the state as tests and styles read it (`data-redis`). */
export type Sharing = { tone: Tone; title: string; detail: string; redis: "up" | "down" | "none" };

/**
 * The replica's sharing: through Redis, degraded (Redis away), or none (no Redis configured),
 * with the team ledger's losses and the rows the team database refused (set aside on the
 * replica, so the rows behind them were written).
 */
export function sharing(o: Pick<TeamOverview, "redisUp" | "ledgerQueued" | "ledgerLost" | "ledgerSetAside">): Sharing {
  const lostCount = o.ledgerLost ?? 0;
  const setAside = o.ledgerSetAside ?? 0;
  const lost =
    (lostCount > 0 ? ` ${lostCount} requests could not be written to the team's ledger.` : "") +
    (setAside > 0
      ? ` ${plural(setAside, "request")} refused by the team database, set aside on the replica (team-outbox.sqlite); the rest were written.`
      : "");
  if (o.redisUp === null) {
    return { tone: "neutral", title: "No shared Redis", detail: `Each replica keeps its own limits, breakers and cache.${lost}`, redis: "none" };
  }
  if (!o.redisUp) {
    return {
      tone: "warn",
      title: "Degraded: Redis is unreachable",
      detail: `Requests are still served; each replica limits, breaks and caches on its own until Redis is back.${lost}`,
      redis: "down",
    };
  }
  const tone: Tone = lostCount > 0 || setAside > 0 ? "warn" : "ok";
  return { tone, title: "Sharing through Redis", detail: `Limits, budgets, breakers and the cache hold for the whole team.${lost}`, redis: "up" };
}

/** Spent / limit as a whole percent (0 for a zero or unknown limit). */
export function budgetUse(spentUsd: number | null, limitUsd: number | null): number {
  return limitUsd && limitUsd > 0 ? Math.round(((spentUsd ?? 0) / limitUsd) * 100) : 0;
}

/** A tone a status line can show (it has no muted one). */
export function lineTone(t: Tone): "ok" | "warn" | "bad" | "neutral" {
  return t === "muted" ? "neutral" : t;
}

/** A budget's bar tone: warn from 80 %, bad at or past the limit. */
export function budgetTone(percent: number): Tone {
  return percent >= 100 ? "bad" : percent >= 80 ? "warn" : "ok";
}

const DAY_MS = 86_400_000;

/**
 * The team's cost per UTC day over the 30 days ending on `nowMs`'s day, for a bar chart: every
 * day on the axis (0 for a day without requests), oldest first. `days` is the overview's list,
 * each `person` a `YYYY-MM-DD` day.
 */
export function dailySpend(days: TeamOverview["days"], nowMs: number): ChartSeries {
  const cost = new Map(days.map((d) => [d.person, d.costUsd ?? 0]));
  const today = nowMs - (nowMs % DAY_MS);
  const labels: string[] = [];
  const titles: string[] = [];
  const data: number[] = [];
  for (let i = 29; i >= 0; i -= 1) {
    const day = new Date(today - i * DAY_MS).toISOString().slice(0, 10);
    titles.push(day);
    labels.push(day.slice(5));
    data.push(cost.get(day) ?? 0);
  }
  return { labels, titles, datasets: [{ label: "Cost", data, color: "--series-1" }] };
}
