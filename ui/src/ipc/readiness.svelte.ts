// Readiness runs as a reactive resource: the stored history, which scorecard is shown, and a run
// in progress with its live progress (folded from `readiness-progress` events).
import { events } from "../bindings";
import { api } from "./api";
import { toIpcError } from "./error";
import type { IpcError, ProgressStep, Readiness } from "./types";
import { reduceProgress, startProgress, type Progress } from "../lib/readiness";

/** How many stored runs the page lists. */
export const HISTORY_LIMIT = 10;

class ReadinessResource {
  /** Stored runs, newest first. */
  history = $state<Readiness[]>([]);
  loaded = $state(false);
  /** The history could not be read (a failed run goes to the caller instead). */
  error = $state<IpcError | null>(null);
  /** The run picked in the history; null shows the newest. */
  selectedId = $state<string | null>(null);
  /** A run started here is under way. */
  running = $state(false);
  /** A run started elsewhere (the tray menu) is under way; its progress is followed too. */
  elsewhere = $state(false);
  /** The live progress of the current (or last) run; null before the first. */
  progress = $state<Progress | null>(null);
  private watchers = 0;
  private seq = 0;

  /** The scorecard on screen: the picked run, else the newest stored one. */
  get selected(): Readiness | null {
    return this.history.find((r) => r.id === this.selectedId) ?? this.history[0] ?? null;
  }

  /** Checks are running, started here or elsewhere. */
  get busy(): boolean {
    return this.running || this.elsewhere;
  }

  async reload(): Promise<void> {
    const seq = ++this.seq;
    try {
      const list = await api.readinessHistory(HISTORY_LIMIT);
      if (seq !== this.seq) return;
      this.history = list;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    } finally {
      if (seq === this.seq) this.loaded = true;
    }
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
      this.seq++;
      this.history = [run, ...this.history.filter((r) => r.id !== run.id)].slice(0, HISTORY_LIMIT);
      this.loaded = true;
      this.error = null;
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

  changed(): void {
    if (this.watchers > 0) void this.reload();
  }

  /** The page mounted: load the history, then follow changes until the returned stop. */
  watch(): () => void {
    this.watchers++;
    void this.reload();
    return () => {
      this.watchers = Math.max(0, this.watchers - 1);
    };
  }
}

export const readiness = new ReadinessResource();

/** Subscribes to the readiness events; resolves to an unsubscribe function. Safe outside Tauri. */
export async function listenToReadinessEvents(): Promise<() => void> {
  const offs: Array<() => void> = [];
  try {
    offs.push(await events.readinessProgress.listen((e) => readiness.step(e.payload.step)));
    offs.push(await events.readinessFinished.listen((e) => readiness.finished(e.payload.runId)));
  } catch {
    // Not running inside Tauri (e.g. a plain browser preview): no events to follow.
  }
  return () => offs.forEach((off) => off());
}
