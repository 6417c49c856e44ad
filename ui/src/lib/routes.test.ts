import { describe, expect, it } from "vitest";
import type { Backend, Candidate, LiveState, Route } from "../ipc/types";
import {
  DEFAULT_COMPOSITE,
  STRATEGIES,
  breakerLabel,
  breakerTone,
  candidateProblem,
  candidateRow,
  candidateText,
  candidateWeight,
  coolingLeft,
  emptyRouteForm,
  formFromRoute,
  formatAvailability,
  formatCooling,
  formatLatency,
  keyPills,
  modelExample,
  moveItem,
  movedTo,
  removeItem,
  strategyHelp,
  strategyLabel,
  toRouteForm,
  type RouteEditorForm,
} from "./routes";

const cand = (over: Partial<Candidate> = {}): Candidate => ({ backendId: "b1", backendName: "Demo", backendEnabled: true, model: "demo-fast", weight: 1, ...over });

const route = (over: Partial<Route> = {}): Route => ({
  id: "r1",
  name: "fast",
  strategy: { type: "priority" },
  candidates: [cand()],
  cache: { mode: "auto", ttlSecs: null },
  updatedAt: "2025-11-21T12:00:00Z",
  ...over,
});

const live = (over: Partial<LiveState> = {}): LiveState => ({ breaker: "closed", coolingDownSecs: null, invalid: false, latencyMs: null, availability: 1, headroom: null, ...over });

const form = (over: Partial<RouteEditorForm> = {}): RouteEditorForm => ({
  name: "fast",
  strategy: "priority",
  composite: { ...DEFAULT_COMPOSITE },
  candidates: [candidateRow("b1", "demo-fast")],
  cache: { mode: "auto", ttl: "" },
  ...over,
});

describe("strategies", () => {
  it("has words and a one-line explanation for every strategy", () => {
    expect(STRATEGIES.map((s) => s.type)).toEqual(["priority", "weighted", "lowestLatency", "lowestCost", "headroom", "composite"]);
    for (const s of STRATEGIES) expect(strategyHelp(s.type)).toMatch(/^[A-Z].+\.$/);
  });

  it("names a strategy, with the weights of a composite one", () => {
    expect(strategyLabel({ type: "priority" })).toBe("Priority");
    expect(strategyLabel({ type: "lowestLatency" })).toBe("Lowest latency");
    expect(strategyLabel({ type: "composite", cost: 50, latency: 30, availability: 20 })).toBe("Composite (cost 50 · latency 30 · availability 20)");
    expect(strategyLabel({ type: "composite", cost: 50, latency: null, availability: 0 })).toBe("Composite (cost 50 · latency — · availability 0)");
  });
});

describe("candidates in the list", () => {
  it("reads backend · model, even for a deleted backend", () => {
    expect(candidateText(cand())).toBe("Demo · demo-fast");
    expect(candidateText(cand({ backendName: null }))).toBe("Deleted backend · demo-fast");
  });

  it("shows weights and shares only for the weighted strategy", () => {
    const r = route({ strategy: { type: "weighted" }, candidates: [cand({ weight: 3 }), cand({ weight: 1 }), cand({ weight: 0 })] });
    expect(r.candidates.map((c) => candidateWeight(c, r))).toEqual(["weight 3 (75 %)", "weight 1 (25 %)", "failover only"]);
    expect(candidateWeight(cand({ weight: 3 }), route())).toBeNull();
  });

  it("warns about candidates the gateway skips", () => {
    expect(candidateProblem(cand())).toBeNull();
    expect(candidateProblem(cand({ backendName: null, backendEnabled: false }))?.kind).toBe("deleted");
    expect(candidateProblem(cand({ backendEnabled: false }))).toMatchObject({ kind: "disabled", label: "backend disabled" });
  });
});

describe("the route editor's form", () => {
  it("starts with one candidate on the first enabled backend", () => {
    const f = emptyRouteForm([
      { id: "off", enabled: false },
      { id: "on", enabled: true },
    ]);
    expect(f.strategy).toBe("priority");
    expect(f.candidates.map((c) => c.backendId)).toEqual(["on"]);
    expect(emptyRouteForm([{ id: "off", enabled: false }]).candidates.map((c) => c.backendId)).toEqual(["off"]);
    expect(emptyRouteForm([]).candidates).toEqual([]);
  });

  it("gives every row its own key", () => {
    expect(candidateRow("a").key).not.toBe(candidateRow("a").key);
  });

  it("converts to what the core takes, trimming names and models", () => {
    const f = form({ name: "  fast ", candidates: [candidateRow("b1", " demo-fast "), candidateRow("b2", "")] });
    expect(toRouteForm(f)).toEqual({
      ok: true,
      form: {
        name: "fast",
        strategy: { type: "priority" },
        candidates: [
          { backendId: "b1", model: "demo-fast", weight: 1 },
          { backendId: "b2", model: "", weight: 1 },
        ],
        cache: { mode: "auto", ttlSecs: null },
      },
    });
  });

  it("sends composite weights only with the composite strategy", () => {
    const composite = { cost: 50, latency: 30, availability: 20 };
    const r = toRouteForm(form({ strategy: "composite", composite }));
    expect(r.ok && r.form.strategy).toEqual({ type: "composite", ...composite });
    const p = toRouteForm(form({ strategy: "lowestCost", composite }));
    expect(p.ok && p.form.strategy).toEqual({ type: "lowestCost" });
  });

  it("refuses an empty composite weight but leaves ranges to the core", () => {
    expect(toRouteForm(form({ strategy: "composite", composite: { cost: null, latency: 30, availability: 20 } }))).toEqual({
      ok: false,
      message: "Composite weights must be numbers from 0 to 100.",
    });
    expect(toRouteForm(form({ strategy: "composite", composite: { cost: 500, latency: 0, availability: 0 } })).ok).toBe(true);
    expect(toRouteForm(form({ strategy: "priority", composite: { cost: null, latency: null, availability: null } })).ok).toBe(true);
  });

  it("checks weights only when they matter", () => {
    const rows = [candidateRow("b1", "a", 2), candidateRow("b2", "b", -1)];
    expect(toRouteForm(form({ strategy: "weighted", candidates: rows }))).toEqual({ ok: false, message: "Candidate 2: the weight must be a whole number, 0 or more.", field: "weight", index: 1 });
    expect(toRouteForm(form({ strategy: "weighted", candidates: [candidateRow("b1", "a", 1.5)] })).ok).toBe(false);
    expect(toRouteForm(form({ strategy: "weighted", candidates: [candidateRow("b1", "a", null)] })).ok).toBe(false);
    const hidden = toRouteForm(form({ strategy: "priority", candidates: rows }));
    expect(hidden.ok && hidden.form.candidates.map((c) => c.weight)).toEqual([2, 1]);
    const big = toRouteForm(form({ strategy: "weighted", candidates: [candidateRow("b1", "a", 5000)] }));
    expect(big.ok && big.form.candidates[0].weight).toBe(5000);
  });

  it("asks for a backend on every row", () => {
    expect(toRouteForm(form({ candidates: [candidateRow("b1"), candidateRow("")] }))).toEqual({ ok: false, message: "Candidate 2: choose a backend.", field: "candidate", index: 1 });
  });

  it("round-trips a saved route", () => {
    const r = route({
      strategy: { type: "composite", cost: 10, latency: 20, availability: 70 },
      candidates: [cand({ weight: 0 }), cand({ backendId: "b2", backendName: "Groq", model: "llama", weight: 4 })],
    });
    const f = formFromRoute(r);
    expect(f).toMatchObject({ name: "fast", strategy: "composite", composite: { cost: 10, latency: 20, availability: 70 } });
    const back = toRouteForm(f);
    expect(back.ok && back.form).toEqual({
      name: "fast",
      strategy: r.strategy,
      candidates: [
        { backendId: "b1", model: "demo-fast", weight: 0 },
        { backendId: "b2", model: "llama", weight: 4 },
      ],
      cache: { mode: "auto", ttlSecs: null },
    });
    expect(formFromRoute(route()).composite).toEqual(DEFAULT_COMPOSITE);
  });

  it("starts a new route on the default cache policy and round-trips a route's own", () => {
    expect(emptyRouteForm([]).cache).toEqual({ mode: "auto", ttl: "" });
    const r = route({ cache: { mode: "always", ttlSecs: 3600 } });
    expect(formFromRoute(r).cache).toEqual({ mode: "always", ttl: "3600" });
    const back = toRouteForm(formFromRoute(r));
    expect(back.ok && back.form.cache).toEqual({ mode: "always", ttlSecs: 3600 });
  });

  it("sends an empty lifetime as the default and refuses one outside 1 s to 30 days at its field", () => {
    const ok = (ttl: string) => {
      const r = toRouteForm(form({ cache: { mode: "always", ttl } }));
      return r.ok ? r.form.cache.ttlSecs : r;
    };
    expect(ok("  ")).toBeNull();
    expect(ok("1")).toBe(1);
    expect(ok("2592000")).toBe(2_592_000);
    for (const bad of ["0", "2592001", "1.5", "-3", "ten"]) {
      expect(toRouteForm(form({ cache: { mode: "auto", ttl: bad } }))).toMatchObject({ ok: false, field: "cacheTtl" });
    }
  });

  it("keeps a valid lifetime of a route turned off and drops a bad one", () => {
    const kept = toRouteForm(form({ cache: { mode: "off", ttl: "60" } }));
    expect(kept.ok && kept.form.cache).toEqual({ mode: "off", ttlSecs: 60 });
    const dropped = toRouteForm(form({ cache: { mode: "off", ttl: "0" } }));
    expect(dropped.ok && dropped.form.cache).toEqual({ mode: "off", ttlSecs: null });
  });
});

describe("reordering candidates", () => {
  it("moves an item up or down by one", () => {
    expect(moveItem(["a", "b", "c"], 1, -1)).toEqual(["b", "a", "c"]);
    expect(moveItem(["a", "b", "c"], 1, 1)).toEqual(["a", "c", "b"]);
  });

  it("leaves the list alone at either end and never changes the input", () => {
    const list = ["a", "b"];
    expect(moveItem(list, 0, -1)).toEqual(["a", "b"]);
    expect(moveItem(list, 1, 1)).toEqual(["a", "b"]);
    expect(moveItem(list, 5, -1)).toEqual(["a", "b"]);
    moveItem(list, 0, 1);
    expect(list).toEqual(["a", "b"]);
  });

  it("removes one item", () => {
    expect(removeItem(["a", "b", "c"], 1)).toEqual(["a", "c"]);
    expect(removeItem(["a"], 3)).toEqual(["a"]);
  });
});

describe("live state", () => {
  it("names and colours breakers", () => {
    expect(breakerLabel("closed")).toBe("closed");
    expect(breakerLabel("halfOpen")).toBe("half-open");
    expect(breakerLabel("open")).toBe("open");
    expect([breakerTone("closed"), breakerTone("halfOpen"), breakerTone("open")]).toEqual(["ok", "warn", "bad"]);
  });

  it("formats latency and availability", () => {
    expect(formatLatency(182.4)).toBe("182 ms");
    expect(formatLatency(1234)).toBe("1,234 ms");
    expect(formatLatency(null)).toBe("—");
    expect(formatAvailability(1)).toBe("100 %");
    expect(formatAvailability(0.975)).toBe("97.5 %");
    expect(formatAvailability(0)).toBe("0 %");
    expect(formatAvailability(null)).toBe("—");
  });

  it("counts a cool-down down from when it was read", () => {
    expect(coolingLeft(12, 1000, 1000)).toBe(12);
    expect(coolingLeft(12, 1000, 5500)).toBe(8);
    expect(coolingLeft(12, 1000, 13_000)).toBeNull();
    expect(coolingLeft(null, 0, 0)).toBeNull();
    expect(coolingLeft(0, 0, 0)).toBeNull();
    expect(formatCooling(12)).toBe("cooling down 12 s");
    expect(formatCooling(125)).toBe("cooling down 2 min 5 s");
    expect(formatCooling(120)).toBe("cooling down 2 min");
  });

  it("gives a key pills for invalid, cooling down and its breaker", () => {
    expect(keyPills(live(), 0, 0).map((p) => p.label)).toEqual(["closed"]);
    expect(keyPills(live({ breaker: "halfOpen" }), 0, 0).map((p) => p.label)).toEqual(["half-open"]);
    expect(keyPills(live({ invalid: true }), 0, 0).map((p) => p.label)).toEqual(["invalid"]);
    expect(keyPills(live({ coolingDownSecs: 5 }), 0, 6000).map((p) => p.label)).toEqual(["closed"]);
    const bad = keyPills(live({ invalid: true, coolingDownSecs: 30, breaker: "open" }), 0, 10_000);
    expect(bad.map((p) => [p.id, p.label, p.tone])).toEqual([
      ["invalid", "invalid", "bad"],
      ["cooling", "cooling down 20 s", "warn"],
      ["breaker", "open", "bad"],
    ]);
    for (const p of bad) expect(p.title.length).toBeGreaterThan(10);
  });
});

describe("usage example", () => {
  it("shows the model a tool asks for", () => {
    expect(modelExample("fast")).toBe('model: "fast"');
  });
});

describe("movedTo", () => {
  const backends = [{ id: "b1", name: "Demo" }, { id: "b2", name: "Groq" }, { id: "b3", name: "Local" }] as Backend[];

  it("names each backend new to the route once, in the form's order", () => {
    const edited = formFromRoute(route());
    edited.candidates.push(candidateRow("b3"), candidateRow("b2", "other"), candidateRow("b3", "again"));
    expect(movedTo(route(), edited, backends)).toEqual(["Local", "Groq"]);
  });

  it("says nothing for a new route, the same backends, or a backend that is gone", () => {
    const edited = formFromRoute(route());
    expect(movedTo(null, edited, backends)).toEqual([]);
    expect(movedTo(route(), edited, backends)).toEqual([]);
    edited.candidates.push(candidateRow("gone"));
    expect(movedTo(route(), edited, backends)).toEqual([]);
  });
});
