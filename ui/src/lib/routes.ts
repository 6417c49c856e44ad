// Pure helpers for the Routes page: strategies in words, the route editor's form and what it
// sends to the core, candidate reordering, and the gateway's live state in words and colours.
import type { Backend, Breaker, Candidate, LiveState, Route, RouteCacheMode, RouteForm, RouteStrategy } from "../ipc/types";
import { parseRouteTtl } from "./cache";
import type { Tone } from "./format";
import { formatMs } from "./requests-format";

export type StrategyType = RouteStrategy["type"];

export const STRATEGIES: ReadonlyArray<{ type: StrategyType; label: string; help: string }> = [
  { type: "priority", label: "Priority", help: "Always the first candidate in the list; the next one only when it fails." },
  { type: "weighted", label: "Weighted", help: "Spreads requests at random by weight; a weight of 0 is only used for failover." },
  { type: "lowestLatency", label: "Lowest latency", help: "The candidate that answered fastest recently; the others on failure." },
  { type: "lowestCost", label: "Lowest cost", help: "The cheapest model by the price table; the others on failure." },
  { type: "headroom", label: "Headroom", help: "The list order, draining each key before the next: a key or backend whose provider says it has no room left goes last until its limit resets." },
  { type: "composite", label: "Composite", help: "A score that mixes cost, latency and availability with the weights below." },
];

export function strategyHelp(type: StrategyType): string {
  return STRATEGIES.find((s) => s.type === type)?.help ?? "";
}

const weightText = (n: number | null) => (n === null || !Number.isFinite(n) ? "—" : String(n));

/** The strategy in words, e.g. "Priority" or "Composite (cost 40 · latency 40 · availability 20)". */
export function strategyLabel(s: RouteStrategy): string {
  const label = STRATEGIES.find((x) => x.type === s.type)?.label ?? s.type;
  if (s.type !== "composite") return label;
  return `${label} (cost ${weightText(s.cost)} · latency ${weightText(s.latency)} · availability ${weightText(s.availability)})`;
}

// ---- Candidates as shown in the list ----

/** "Demo · demo-fast"; a deleted backend keeps its place in the list. */
export function candidateText(c: Pick<Candidate, "backendName" | "model">): string {
  return `${c.backendName ?? "Deleted backend"} · ${c.model}`;
}

/** With the weighted strategy: "weight 3 (75 %)", or "failover only" for 0. Otherwise null. */
export function candidateWeight(c: Pick<Candidate, "weight">, route: Pick<Route, "strategy" | "candidates">): string | null {
  if (route.strategy.type !== "weighted") return null;
  if (c.weight === 0) return "failover only";
  const total = route.candidates.reduce((sum, x) => sum + x.weight, 0);
  const share = total > 0 ? Math.round((c.weight / total) * 100) : 0;
  return `weight ${c.weight} (${share} %)`;
}

export type CandidateProblem = { kind: "deleted" | "disabled"; label: string; title: string };

/** Why the gateway skips a candidate, if it does. */
export function candidateProblem(c: Pick<Candidate, "backendName" | "backendEnabled">): CandidateProblem | null {
  if (c.backendName === null) {
    return { kind: "deleted", label: "backend deleted", title: "This backend was deleted, so the gateway skips this candidate. Edit the route to remove it." };
  }
  if (!c.backendEnabled) {
    return { kind: "disabled", label: "backend disabled", title: "This backend is disabled, so the gateway skips this candidate. Enable it on the Backends page." };
  }
  return null;
}

// ---- The route editor ----

export type CandidateRow = { key: number; backendId: string; model: string; weight: number | null };
export type CompositeWeights = { cost: number | null; latency: number | null; availability: number | null };
/** The route's response cache as typed: the mode, and the lifetime in seconds (empty: the default). */
export type CacheDraft = { mode: RouteCacheMode; ttl: string };
export type RouteEditorForm = { name: string; strategy: StrategyType; composite: CompositeWeights; candidates: CandidateRow[]; cache: CacheDraft };

export const DEFAULT_COMPOSITE: Readonly<CompositeWeights> = { cost: 40, latency: 40, availability: 20 };
export const DEFAULT_WEIGHT = 1;

let rowKeys = 0;

/** A candidate row with a key that stays with it while rows move. */
export function candidateRow(backendId: string, model = "", weight: number | null = DEFAULT_WEIGHT): CandidateRow {
  return { key: ++rowKeys, backendId, model, weight };
}

/** The backend a new row starts with: the first enabled one, else the first one. */
export function defaultBackendId(backends: ReadonlyArray<Pick<Backend, "id" | "enabled">>): string {
  return (backends.find((b) => b.enabled) ?? backends[0])?.id ?? "";
}

export function emptyRouteForm(backends: ReadonlyArray<Pick<Backend, "id" | "enabled">>): RouteEditorForm {
  const first = defaultBackendId(backends);
  return { name: "", strategy: "priority", composite: { ...DEFAULT_COMPOSITE }, candidates: first ? [candidateRow(first)] : [], cache: { mode: "auto", ttl: "" } };
}

export function formFromRoute(route: Route): RouteEditorForm {
  const s = route.strategy;
  return {
    name: route.name,
    strategy: s.type,
    composite: s.type === "composite" ? { cost: s.cost, latency: s.latency, availability: s.availability } : { ...DEFAULT_COMPOSITE },
    candidates: route.candidates.map((c) => candidateRow(c.backendId, c.model, c.weight)),
    cache: { mode: route.cache.mode, ttl: route.cache.ttlSecs ? String(route.cache.ttlSecs) : "" },
  };
}

export function toStrategy(type: StrategyType, w: CompositeWeights): RouteStrategy {
  return type === "composite" ? { type, cost: w.cost, latency: w.latency, availability: w.availability } : { type };
}

const U32_MAX = 0xffff_ffff;
const finite = (n: number | null): n is number => typeof n === "number" && Number.isFinite(n);

/** A refusal says which input it is about when it is one of its own (`cacheTtl`); else the form's. */
/** A refusal names its input when there is one: the cache lifetime, or a candidate's backend or
 * weight (`index` from 0). */
export type Converted = { ok: true; form: RouteForm } | { ok: false; message: string; field?: "cacheTtl" | "candidate" | "weight"; index?: number };

/**
 * What the editor sends. Only what the wire format cannot carry is refused here (an empty number
 * field, a negative or fractional weight); names, ranges and duplicates are the core's to judge.
 * Weights only matter for the weighted strategy: otherwise a bad hidden weight becomes the default.
 */
export function toRouteForm(form: RouteEditorForm): Converted {
  const weighted = form.strategy === "weighted";
  const candidates: RouteForm["candidates"] = [];
  for (const [i, c] of form.candidates.entries()) {
    const n = i + 1;
    if (c.backendId === "") return { ok: false, message: `Candidate ${n}: choose a backend.`, field: "candidate", index: i };
    const valid = finite(c.weight) && Number.isInteger(c.weight) && c.weight >= 0 && c.weight <= U32_MAX;
    if (weighted && !valid) return { ok: false, message: `Candidate ${n}: the weight must be a whole number, 0 or more.`, field: "weight", index: i };
    candidates.push({ backendId: c.backendId, model: c.model.trim(), weight: valid ? (c.weight as number) : DEFAULT_WEIGHT });
  }
  if (form.strategy === "composite") {
    const w = form.composite;
    if (![w.cost, w.latency, w.availability].every(finite)) return { ok: false, message: "Composite weights must be numbers from 0 to 100." };
  }
  // An "off" route hides its lifetime: a valid one is kept for when the cache is back on, a bad one dropped.
  const parsed = parseRouteTtl(form.cache.ttl);
  const ttl = !parsed.ok && form.cache.mode === "off" ? ({ ok: true, ttlSecs: null } as const) : parsed;
  if (!ttl.ok) return { ok: false, message: ttl.message, field: "cacheTtl" };
  return {
    ok: true,
    form: { name: form.name.trim(), strategy: toStrategy(form.strategy, form.composite), candidates, cache: { mode: form.cache.mode, ttlSecs: ttl.ttlSecs } },
  };
}

/** The list with the item at `index` moved up (-1) or down (+1); unchanged at either end. */
export function moveItem<T>(list: readonly T[], index: number, delta: -1 | 1): T[] {
  const to = index + delta;
  const out = [...list];
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return out;
  [out[index], out[to]] = [out[to], out[index]];
  return out;
}

export function removeItem<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}

// ---- Live state ----

export const BREAKER_LABELS: Record<Breaker, string> = { closed: "closed", open: "open", halfOpen: "half-open" };

const BREAKER_TONES: Record<Breaker, Tone> = { closed: "ok", open: "bad", halfOpen: "warn" };

const BREAKER_TITLES: Record<Breaker, string> = {
  closed: "Breaker closed: requests go through normally.",
  open: "Breaker open: too many recent failures, so the gateway skips it for a while.",
  halfOpen: "Breaker half-open: the pause is over; the next request is a trial that closes the breaker if it succeeds.",
};

export function breakerLabel(b: Breaker): string {
  return BREAKER_LABELS[b];
}

export function breakerTone(b: Breaker): Tone {
  return BREAKER_TONES[b];
}

export function breakerTitle(b: Breaker): string {
  return BREAKER_TITLES[b];
}

/** "182 ms", or "—" before any successful request. */
export function formatLatency(ms: number | null | undefined): string {
  return formatMs(ms);
}

/** "100 %", "97.5 %", or "—" when unknown. */
export function formatAvailability(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return "—";
  const pct = Math.round(Math.min(1, Math.max(0, share)) * 1000) / 10;
  return `${pct} %`;
}

/** Seconds of cool-down left at `now`, counting down from when the state was read; null when none. */
export function coolingLeft(secs: number | null | undefined, readAt: number, now: number): number | null {
  if (secs === null || secs === undefined || secs <= 0) return null;
  const left = Math.ceil(secs - Math.max(0, now - readAt) / 1000);
  return left > 0 ? left : null;
}

/** "cooling down 12 s", "cooling down 2 min 5 s". */
export function formatCooling(secs: number): string {
  if (secs < 60) return `cooling down ${secs} s`;
  const m = Math.floor(secs / 60);
  const s = secs % 60;
  return s ? `cooling down ${m} min ${s} s` : `cooling down ${m} min`;
}

export const COOLING_TITLE = "Rate-limited: the gateway skips it until the cool-down ends.";
export const INVALID_TITLE = "The provider refused this key (401/403): it is skipped until you replace it.";

export type LivePill = { id: "invalid" | "cooling" | "breaker"; label: string; tone: Tone; title: string };

/**
 * The pills of one key, worst first: refused, cooling down, and its breaker. A closed breaker
 * shows only when nothing else does, so a healthy key reads "closed" and a refused one "invalid".
 */
export function keyPills(state: LiveState, readAt: number, now: number): LivePill[] {
  const pills: LivePill[] = [];
  if (state.invalid) pills.push({ id: "invalid", label: "invalid", tone: "bad", title: INVALID_TITLE });
  const left = coolingLeft(state.coolingDownSecs, readAt, now);
  if (left !== null) pills.push({ id: "cooling", label: formatCooling(left), tone: "warn", title: COOLING_TITLE });
  if (state.breaker !== "closed" || pills.length === 0) {
    pills.push({ id: "breaker", label: breakerLabel(state.breaker), tone: breakerTone(state.breaker), title: breakerTitle(state.breaker) });
  }
  return pills;
}

/** `model: "fast"`, as a tool's settings would carry it. */
export function modelExample(name: string): string {
  return `model: ${JSON.stringify(name)}`;
}

/**
 * The backends (by name) the edited route would send requests to that `original` does not use,
 * in the form's order: saving moves the route there, said before the click, as the CLI and an
 * import list it. A new route is an addition, not a move.
 */
export function movedTo(original: Route | null, form: RouteEditorForm, backends: Backend[]): string[] {
  if (!original) return [];
  const used = new Set(original.candidates.map((c) => c.backendId));
  const names: string[] = [];
  for (const c of form.candidates) {
    const name = used.has(c.backendId) ? undefined : backends.find((b) => b.id === c.backendId)?.name;
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}
