import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deferred } from "../test-support";
import { IpcFailure } from "./error";
import { Latest, Resource, followEvents, type EventSource } from "./resource.svelte";


const boom = (message = "boom") => new IpcFailure({ kind: "internal", message, hint: null, issues: [] });

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("latest request wins", () => {
  it("drops an earlier answer that arrives after a newer one", async () => {
    const slow = deferred<string>();
    const read = vi.fn<() => Promise<string>>().mockReturnValueOnce(slow.promise).mockResolvedValueOnce("new");
    const r = new Resource("initial", { read });
    const first = r.reload();
    await r.reload();
    slow.resolve("old");
    await first;
    expect(r.value, "the slow first answer must not overwrite the newer one").toBe("new");
    expect(r.loading).toBe(false);
    expect(r.loaded).toBe(true);
  });

  it("drops the failure of an overtaken read too", async () => {
    const slow = deferred<string>();
    const read = vi.fn<() => Promise<string>>().mockReturnValueOnce(slow.promise).mockResolvedValueOnce("new");
    const r = new Resource("", { read });
    const first = r.reload();
    await r.reload();
    slow.reject(boom());
    await first;
    expect(r.error, "an error about an old read is not the state of the value").toBeNull();
  });

  it("keeps a write's answer over a read still under way, and stops showing that read as loading", async () => {
    const slow = deferred<string>();
    const r = new Resource("", { read: () => slow.promise });
    const reading = r.reload();
    expect(r.loading).toBe(true);
    r.assign("saved");
    expect(r.loading).toBe(false);
    slow.resolve("stale");
    await reading;
    expect(r.value).toBe("saved");
  });

  it("hands out checks that go stale when a newer request starts", () => {
    const latest = new Latest();
    const a = latest.begin();
    const peek = latest.current();
    expect(a() && peek()).toBe(true);
    const b = latest.begin();
    expect([a(), peek(), b()]).toEqual([false, false, true]);
  });
});

describe("loading and errors", () => {
  it("shows loading while the latest read runs", async () => {
    const slow = deferred<number>();
    const r = new Resource(0, { read: () => slow.promise });
    const reading = r.reload();
    expect([r.loading, r.loaded]).toEqual([true, false]);
    slow.resolve(1);
    await reading;
    expect([r.loading, r.loaded, r.value]).toEqual([false, true, 1]);
  });

  it("keeps the value and shows the typed error when a read fails, and clears it on the next good read", async () => {
    const read = vi.fn<() => Promise<number>>().mockResolvedValueOnce(1).mockRejectedValueOnce(boom("database is locked")).mockResolvedValueOnce(2);
    const r = new Resource(0, { read });
    await r.reload();
    await r.reload();
    expect(r.value).toBe(1);
    expect(r.error).toEqual({ kind: "internal", message: "database is locked", hint: null, issues: [] });
    await r.reload();
    expect([r.value, r.error]).toEqual([2, null]);
  });

  it("turns anything thrown, even synchronously, into an IpcError", async () => {
    const r = new Resource(0, {
      read: () => {
        throw "no such command";
      },
    });
    await expect(r.reload(), "reload never throws").resolves.toBeUndefined();
    expect(r.error).toMatchObject({ kind: "internal", message: "no such command" });
  });

  it("asks nothing when there is nothing to read", async () => {
    const r = new Resource<number>(0);
    await r.reload();
    expect([r.loading, r.loaded]).toEqual([false, false]);
  });
});

describe("following events", () => {
  it("reloads on events only while a page watches, by default", () => {
    const read = vi.fn(async () => 1);
    const r = new Resource(0, { read });
    r.changed();
    expect(read).not.toHaveBeenCalled();
    const stop = r.watch();
    expect(read, "watching reads at once").toHaveBeenCalledTimes(1);
    r.changed();
    expect(read).toHaveBeenCalledTimes(2);
    stop();
    r.changed();
    expect(read).toHaveBeenCalledTimes(2);
  });

  it("counts watchers, and a stop called twice stops only one", () => {
    const read = vi.fn(async () => 1);
    const r = new Resource(0, { read });
    const a = r.watch();
    const b = r.watch();
    a();
    a();
    r.changed();
    expect(read, "the second page still watches").toHaveBeenCalledTimes(3);
    b();
    r.changed();
    expect(read).toHaveBeenCalledTimes(3);
  });

  it("follows once loaded, or always, when asked to", async () => {
    const read = vi.fn(async () => 1);
    const once = new Resource(0, { read, follow: "loaded" });
    once.changed();
    expect(read).not.toHaveBeenCalled();
    await once.reload();
    once.changed();
    expect(read).toHaveBeenCalledTimes(2);

    read.mockClear();
    const always = new Resource(0, { read, follow: "always" });
    always.changed();
    expect(read).toHaveBeenCalledTimes(1);
  });

  it("folds a burst of events into one reload at once and one at the end of the interval", async () => {
    const read = vi.fn(async () => 1);
    const r = new Resource(0, { read, throttleMs: 1000 });
    const stop = r.watch();
    read.mockClear();
    for (let i = 0; i < 25; i++) r.changed();
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(read, "the last change is never missed").toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(read).toHaveBeenCalledTimes(2);
    r.changed({ now: true });
    r.changed({ now: true });
    expect(read, "`now` skips the throttle").toHaveBeenCalledTimes(4);
    stop();
  });

  it("drops a pending throttled reload when the last page stops watching", async () => {
    const read = vi.fn(async () => 1);
    const r = new Resource(0, { read, throttleMs: 1000 });
    const stop = r.watch();
    r.changed();
    r.changed();
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(read).toHaveBeenCalledTimes(2);
  });
});

describe("polling", () => {
  it("polls while watched, and stops with the last watcher", async () => {
    const read = vi.fn(async () => 1);
    const r = new Resource(0, { read, pollMs: 5000 });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(read, "no poll before a page watches").not.toHaveBeenCalled();
    const a = r.watch();
    const b = r.watch();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(read, "two reads on watch, then one poll every 5 s (one timer for both pages)").toHaveBeenCalledTimes(5);
    a();
    await vi.advanceTimersByTimeAsync(5000);
    expect(read).toHaveBeenCalledTimes(6);
    b();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(read).toHaveBeenCalledTimes(6);
  });

  it("skips polls while the window is hidden and catches up when it shows again", async () => {
    const doc = Object.assign(new EventTarget(), { visibilityState: "hidden" });
    vi.stubGlobal("document", doc);
    const read = vi.fn(async () => 1);
    const r = new Resource(0, { read, pollMs: 5000, throttleMs: 1000 });
    const stop = r.watch();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(read, "only the read on watch").toHaveBeenCalledTimes(1);
    doc.visibilityState = "visible";
    doc.dispatchEvent(new Event("visibilitychange"));
    expect(read).toHaveBeenCalledTimes(2);
    stop();
    doc.dispatchEvent(new Event("visibilitychange"));
    expect(read, "the listener goes with the last watcher").toHaveBeenCalledTimes(2);
  });
});

describe("dispose", () => {
  it("stops the poll, the pending throttled reload and answers under way, and ignores events after", async () => {
    const slow = deferred<number>();
    const read = vi.fn<() => Promise<number>>().mockResolvedValue(1);
    const r = new Resource(0, { read, pollMs: 5000, throttleMs: 1000 });
    r.watch();
    await vi.advanceTimersByTimeAsync(0);
    read.mockReturnValueOnce(slow.promise);
    r.changed();
    r.changed();
    r.dispose();
    slow.resolve(99);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(read, "no trailing reload, no poll").toHaveBeenCalledTimes(2);
    expect(r.value, "the answer under way is dropped").toBe(1);
    expect(r.loading).toBe(false);
    r.changed();
    r.watch();
    await r.reload();
    expect(read).toHaveBeenCalledTimes(2);
  });
});

describe("followEvents", () => {
  type Handler = (event: { payload: unknown }) => void;

  function source() {
    const handlers: Handler[] = [];
    const listen = vi.fn(async (h: Handler) => {
      handlers.push(h);
      return () => handlers.splice(handlers.indexOf(h), 1);
    });
    const ev: EventSource<unknown> = { listen };
    return { ev, listen, emit: (payload: unknown) => [...handlers].forEach((h) => h({ payload })), count: () => handlers.length };
  }

  it("subscribes once per event and runs its reactions in order, payload included", async () => {
    const a = source();
    const b = source();
    const order: string[] = [];
    const one = { changed: () => order.push("one") };
    const two = { changed: () => order.push("two") };
    const stop = await followEvents({ a: [one, (p: unknown) => order.push(`fn:${String(p)}`), two], b: [two] }, { a: a.ev, b: b.ev });
    expect([a.listen.mock.calls.length, b.listen.mock.calls.length]).toEqual([1, 1]);
    a.emit("x");
    b.emit(null);
    expect(order).toEqual(["one", "fn:x", "two", "two"]);
    stop();
    expect([a.count(), b.count()], "stop unlistens every event").toEqual([0, 0]);
    a.emit("y");
    expect(order).toHaveLength(4);
  });

  it("skips events the sources lack and rows without reactions", async () => {
    const a = source();
    const stop = await followEvents<Record<string, EventSource<unknown>>>({ a: [], missing: [{ changed: () => {} }] }, { a: a.ev });
    expect(a.listen).not.toHaveBeenCalled();
    stop();
  });

  it("is safe outside Tauri, where listening fails", async () => {
    const failing: EventSource<unknown> = { listen: () => Promise.reject(new Error("window.__TAURI_INTERNALS__ is undefined")) };
    const stop = await followEvents({ a: [{ changed: () => {} }] }, { a: failing });
    expect(() => stop()).not.toThrow();
  });
});
