// Drill runs as a reactive resource: the stored runs (reloaded when a run is stored), which one is
// shown, and a run in progress with its live step (from `drill-progress` events), cancellable.
import { api } from "./api";
import { Resource } from "./resource.svelte";
import type { Drill, DrillStep, LiveDrillPlan, RunReport } from "./types";

/** How many stored drill runs the page lists. */
export const DRILL_HISTORY_LIMIT = 10;

class DrillsResource extends Resource<RunReport[]> {
  /** A run started here is under way. */
  running = $state(false);
  /** Cancel was asked for the run under way. */
  cancelling = $state(false);
  /** The live step of the run under way; null when none runs. */
  step = $state<DrillStep | null>(null);
  /** The run picked in the list; null shows the newest. */
  selectedId = $state<string | null>(null);

  constructor() {
    super([], { read: () => api.drillHistory(DRILL_HISTORY_LIMIT) });
  }

  get runs(): RunReport[] {
    return this.value;
  }

  /** The run on screen: the picked one, else the newest stored one. */
  get selected(): RunReport | null {
    return this.runs.find((r) => r.id === this.selectedId) ?? this.runs[0] ?? null;
  }

  select(id: string | null): void {
    this.selectedId = id;
  }

  /**
   * Runs `drills` (all when empty) and shows the result. Resolves to the run, null when another
   * run is under way here, or throws the typed error (a cancelled run throws too).
   */
  async run(drills: Drill[] = []): Promise<RunReport | null> {
    return this.runWith(() => api.runDrills(drills));
  }

  /** What a live drill of `route` would do and the most it can spend (nothing runs). */
  livePlan(route: string, requests: number): Promise<LiveDrillPlan> {
    return api.liveDrillPlan(route, requests);
  }

  /** The live drill, once the user confirmed `maxUsd` (the plan's maximum). As `run`. */
  async runLive(route: string, requests: number, maxUsd: number | null): Promise<RunReport | null> {
    return this.runWith(() => api.runLiveDrill(route, requests, maxUsd));
  }

  private async runWith(start: () => Promise<RunReport>): Promise<RunReport | null> {
    if (this.running) return null;
    this.running = true;
    this.cancelling = false;
    this.step = null;
    try {
      const run = await start();
      this.assign([run, ...this.runs.filter((r) => r.id !== run.id)].slice(0, DRILL_HISTORY_LIMIT));
      this.selectedId = run.id;
      return run;
    } finally {
      this.running = false;
      this.cancelling = false;
      this.step = null;
    }
  }

  /** Asks the run under way to stop after the drill it is in. */
  async cancel(): Promise<void> {
    if (!this.running || this.cancelling) return;
    this.cancelling = true;
    await api.cancelDrills();
  }

  /** A `drill-progress` event. */
  progress(step: DrillStep): void {
    if (this.running) this.step = step;
  }

  /** A run was stored or cancelled (here or by `switchyard drill` elsewhere): reload once loaded. */
  finished(): void {
    if (this.loaded && !this.running) void this.reload();
  }
}

export const drills = new DrillsResource();
