// The one way the UI keeps a value loaded from the core: `Resource`. It owns the sequence guard
// (latest request wins: a slow earlier answer never overwrites a newer one, nor a write's answer),
// `loading` / `loaded` / `error` (the typed `IpcError`), reloads when an event names it (only while
// a page watches it, once loaded, or always), an optional throttle for chatty events and an
// optional poll while a page watches and the window is visible, and `dispose()`. Which event
// refreshes which resource is one table, `EVENT_TABLE` in `events-table.ts`, subscribed once by
// `followEvents`.
//
// A new page needs about ten lines of wiring:
//
//   // ipc/widgets.svelte.ts
//   export const widgets = new Resource<Widget[]>([], { read: () => api.listWidgets(), throttleMs: 1000 });
//   // ipc/events-table.ts, in EVENT_TABLE
//   widgetsChanged: [widgets],
//   // pages/Widgets.svelte
//   onMount(() => widgets.watch());
//   {#if widgets.error}<p class="form-error">{errorText(widgets.error)}</p>{/if}
//   {#each widgets.value as w (w.id)}<WidgetRow {w} />{/each}
//
// A resource with more to it (filters, paging, several calls) extends `Resource` and overrides
// `read()`, and `accept()` / `fail()` when an answer or a failure means more than the value. One a
// component creates for itself is `dispose()`d in that component's cleanup.
import { toIpcError } from "./error";
import type { IpcError } from "./types";
import { throttle, type Throttled } from "../lib/throttle";

/** When events reload a resource: while a page watches it (the default), once loaded, or always. */
export type Follow = "watched" | "loaded" | "always";

export type ResourceOptions<T> = {
  /** The read; subclasses override `read()` instead. */
  read?: () => Promise<T>;
  follow?: Follow;
  /** Event-driven reloads happen at most this often (for chatty events such as requests-recorded). */
  throttleMs?: number;
  /** While a page watches and the window is visible, also reload this often. */
  pollMs?: number;
};

/** Latest request wins: every `begin()` makes the checks handed out before it false. */
export class Latest {
  private n = 0;

  /** Starts a request; the check stays true until a newer one starts. */
  begin(): () => boolean {
    const n = ++this.n;
    return () => n === this.n;
  }

  /** A check that stays true until a request starts, without starting one. */
  current(): () => boolean {
    const n = this.n;
    return () => n === this.n;
  }
}

const pageVisible = () => typeof document === "undefined" || document.visibilityState !== "hidden";

/** A value loaded from the core (see the top of this file). */
export class Resource<T> {
  value = $state() as T;
  /** The first read answered (with the value or an error). */
  loaded = $state(false);
  /** The latest read is under way. */
  loading = $state(false);
  /** The latest read failed (the value shown is the one before). */
  error = $state<IpcError | null>(null);
  protected readonly latest = new Latest();
  private readonly options: ResourceOptions<T>;
  private readonly live: Throttled | null;
  private watchers = 0;
  private poll: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  constructor(initial: T, options: ResourceOptions<T> = {}) {
    this.value = initial;
    this.options = options;
    this.live = options.throttleMs ? throttle(() => void this.reload(), options.throttleMs) : null;
  }

  /** The call that reads the value, or null when there is nothing to ask for now. */
  protected read(): Promise<T> | null {
    return this.options.read ? this.options.read() : null;
  }

  /** The latest read answered. */
  protected accept(value: T): void {
    this.value = value;
  }

  /** The latest read failed: the value stays, the error shows. */
  protected fail(error: IpcError): void {
    this.error = error;
  }

  /** Reads now; an answer that a newer read or write overtook is dropped. Never throws. */
  async reload(): Promise<void> {
    if (this.disposed) return;
    const current = this.latest.begin();
    let pending: Promise<T> | null;
    try {
      pending = this.read();
    } catch (e) {
      pending = Promise.reject(e);
    }
    if (pending === null) {
      this.loading = false;
      return;
    }
    this.loading = true;
    try {
      const value = await pending;
      if (!current()) return;
      this.accept(value);
      this.error = null;
    } catch (e) {
      if (current()) this.fail(toIpcError(e));
    } finally {
      if (current()) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }

  /** A write's answer: shown at once, and newer than any read still under way. */
  assign(value: T): void {
    this.invalidate();
    this.value = value;
    this.error = null;
    this.loaded = true;
  }

  /** Drops the answers of reads under way; the check stays true until something newer starts. */
  protected invalidate(): () => boolean {
    this.loading = false;
    return this.latest.begin();
  }

  /**
   * An event named this resource: reload if it follows events now, through the throttle when it
   * has one (`now` skips the throttle, for events that never come in bursts).
   */
  changed(opts: { now?: boolean } = {}): void {
    if (!this.following()) return;
    if (this.live && !opts.now) this.live();
    else void this.reload();
  }

  /** A page showing the value mounted: read now, then follow events (and poll) until the returned stop. */
  watch(): () => void {
    if (this.disposed) return () => {};
    this.watchers++;
    void this.reload();
    if (this.watchers === 1) this.startPolling();
    let stopped = false;
    return () => {
      if (stopped || this.disposed) return;
      stopped = true;
      this.watchers--;
      if (this.watchers === 0) this.quiet();
    };
  }

  /** Stops everything for good: timers, the pending throttled reload, answers under way. */
  dispose(): void {
    this.disposed = true;
    this.watchers = 0;
    this.quiet();
    this.invalidate();
  }

  private following(): boolean {
    if (this.disposed) return false;
    switch (this.options.follow ?? "watched") {
      case "always":
        return true;
      case "loaded":
        return this.loaded;
      case "watched":
        return this.watchers > 0;
    }
  }

  private startPolling(): void {
    const ms = this.options.pollMs;
    if (!ms) return;
    this.poll = setInterval(() => {
      if (pageVisible()) void this.reload();
    }, ms);
    if (typeof document !== "undefined") document.addEventListener("visibilitychange", this.onVisibility);
  }

  // Back in view after a while: catch up (throttled) rather than wait for the next poll.
  private onVisibility = () => {
    if (pageVisible()) this.changed();
  };

  private quiet(): void {
    clearInterval(this.poll);
    this.poll = undefined;
    this.live?.cancel();
    if (typeof document !== "undefined") document.removeEventListener("visibilitychange", this.onVisibility);
  }
}

/** Anything an event can refresh: a `Resource`, or a resource with its own idea of "changed". */
export type Refreshable = { changed(): void };
/** What an event does: refresh resources, or hand its payload to a function. */
export type Reaction<P> = Refreshable | ((payload: P) => void);
/** One event as the generated bindings expose it (`events.backendsChanged`, …). */
export type EventSource<P> = { listen(cb: (event: { payload: P }) => void): Promise<() => void> };
type PayloadOf<S> = S extends EventSource<infer P> ? P : never;
/** Every event of `S`, each with the reactions it triggers, in order. */
export type EventTable<S> = { [K in keyof S]: ReadonlyArray<Reaction<PayloadOf<S[K]>>> };

/**
 * Subscribes once to each event of `table` found in `sources`; resolves to the function that
 * unsubscribes them all. Safe outside Tauri, where there are no events to follow.
 */
export async function followEvents<S extends object>(table: Partial<EventTable<S>>, sources: S): Promise<() => void> {
  const offs: Array<() => void> = [];
  const subscribe = async (name: keyof S) => {
    const reactions = table[name] as ReadonlyArray<Reaction<unknown>> | undefined;
    const source = sources[name] as EventSource<unknown> | undefined;
    if (!reactions?.length || !source) return;
    try {
      offs.push(await source.listen((event) => react(reactions, event.payload)));
    } catch {
      // Not running inside Tauri (e.g. a plain browser preview): no events to follow.
    }
  };
  // All at once: the app starts following before its first reads answer.
  await Promise.all((Object.keys(table) as Array<keyof S>).map(subscribe));
  return () => offs.splice(0).forEach((off) => off());
}

function react<P>(reactions: ReadonlyArray<Reaction<P>>, payload: P): void {
  for (const r of reactions) {
    if (typeof r === "function") r(payload);
    else r.changed();
  }
}
