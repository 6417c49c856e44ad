// Readiness runs as a reactive resource: the stored history (reloaded when a run is stored, while
// the page shows it), which scorecard is shown, and a run in progress with its live progress
// (folded from `readiness-progress` events).
import { api } from "./api";
import { Resource } from "./resource.svelte";
import type { ProgressStep, Readiness } from "./types";
import { reduceProgress, startProgress, type Progress } from "../lib/readiness";

/** How many stored runs the page lists. */
export const HISTORY_LIMIT = 10;

/** `error`: the history could not be read (a failed run goes to the caller instead). */
class ReadinessResource extends Resource<Readiness[]> {
  /** The run picked in the history; null shows the newest. */
  selectedId = $state<string | null>(null);
  /** A run started here is under way. */
  running = $state(false);
  /** A run started elsewhere (the tray menu) is under way; its progress is followed too. */
  elsewhere = $state(false);
  /** The live progress of the current (or last) run; null before the first. */
  progress = $state<Progress | null>(null);

  constructor() {
    super([], { read: () => api.readinessHistory(HISTORY_LIMIT) });
  }

  /** Stored runs, newest first. */
  get history(): Readiness[] {
    return this.value;
  }

  /** The scorecard on screen: the picked run, else the newest stored one. */
  get selected(): Readiness | null {
    return this.history.find((r) => r.id === this.selectedId) ?? this.history[0] ?? null;
  }

  /** Checks are running, started here or elsewhere. */
  get busy(): boolean {
    return this.running || this.elsewhere;
  }

  select(id: string | null): void {
    this.selectedId = id;
  }

  /**
   * Runs every check (a few seconds) and shows the new scorecard. Resolves to the run, or throws
   * the typed error; a second call while one runs resolves to null at once.
   */
  async run(): Promise<Readiness | null> {
    if (this.running) return null;
    this.running = true;
    this.elsewhere = false;
    this.progress = startProgress();
    try {
      const run = await api.runReadiness();
      // Newer than any reload still under way.
      this.assign([run, ...this.history.filter((r) => r.id !== run.id)].slice(0, HISTORY_LIMIT));
      this.selectedId = run.id;
      return run;
    } finally {
      this.running = false;
    }
  }

  /** A `readiness-progress` event, of the run started here or of one started elsewhere. */
  step(step: ProgressStep): void {
    if (!this.running && step.done === 0 && step.runId !== this.progress?.runId) {
      // The tray started a run: follow it from its start.
      this.progress = startProgress();
      this.elsewhere = true;
    }
    // Otherwise only the followed run's events count; late ones may trail the run's answer.
    if (this.progress) this.progress = reduceProgress(this.progress, step);
  }

  /** A run was stored (here or elsewhere): refresh the list while a page shows it. */
  finished(runId: string): void {
    if (this.elsewhere && this.progress?.runId === runId) {
      this.elsewhere = false;
      // Show the run that was just followed (once the reload brings it; the newest until then).
      this.selectedId = runId;
    }
    this.changed();
  }
}

export const readiness = new ReadinessResource();
