// The browser transport under the real generated bindings and the real @tauri-apps/api: a
// command becomes a POST with its arguments and the CSRF header, its typed error comes back as
// the window's would, and an event from the stream reaches `events.x.listen` until unlistened.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands, events } from "../bindings";
import { api } from "./api";
import { browserTransport, type EventStream } from "./browser-transport";
import { IpcFailure } from "./error";

class FakeStream implements EventStream {
  closed = false;
  constructor(
    readonly url: string,
    private readonly onMessage: (data: string) => void,
  ) {}
  send(message: unknown) {
    this.onMessage(JSON.stringify(message));
  }
  close() {
    this.closed = true;
  }
}

let streams: FakeStream[];
let fetch: ReturnType<typeof vi.fn>;

function answer(status: number, body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }));
}

beforeEach(() => {
  streams = [];
  fetch = vi.fn();
  const { internals, eventInternals } = browserTransport({
    base: "http://127.0.0.1:4141",
    fetch: fetch as unknown as typeof globalThis.fetch,
    openEvents: (url, onMessage) => {
      const s = new FakeStream(url, onMessage);
      streams.push(s);
      return s;
    },
    csrf: () => "csrf-1",
  });
  vi.stubGlobal("window", { __TAURI_INTERNALS__: internals, __TAURI_EVENT_PLUGIN_INTERNALS__: eventInternals });
});
afterEach(() => vi.unstubAllGlobals());

describe("commands over HTTP", () => {
  it("posts the arguments with the CSRF header and resolves with the data", async () => {
    fetch.mockReturnValueOnce(answer(200, { ok: { running: "0.1.0", onQuit: null } }));
    const got = await commands.installUpdateOnQuit("0.2.0");
    expect(got).toEqual({ status: "ok", data: { running: "0.1.0", onQuit: null } });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe("http://127.0.0.1:4141/api/call/install_update_on_quit");
    expect(init.method).toBe("POST");
    expect(init.headers["x-switchyard-csrf"]).toBe("csrf-1");
    expect(JSON.parse(init.body)).toEqual({ version: "0.2.0" });
  });

  it("gives the core's typed error back as the window does", async () => {
    const error = { kind: "conflict", message: "The package … does not carry a valid signature", hint: null, issues: [] };
    fetch.mockReturnValueOnce(answer(409, { error }));
    const failed = await api.installUpdateOnQuit("0.2.0").catch((e) => e);
    expect(failed).toBeInstanceOf(IpcFailure);
    expect(failed.error).toEqual(error);
  });

  it("says the server cannot be reached, and that a session ended, in the typed shape", async () => {
    fetch.mockReturnValueOnce(Promise.reject(new TypeError("Failed to fetch")));
    expect(await commands.updateStatus()).toMatchObject({ status: "error", error: { kind: "unavailable", message: expect.stringMatching(/cannot be reached/) } });
    fetch.mockReturnValueOnce(answer(401, {}));
    expect(await commands.updateStatus()).toMatchObject({ status: "error", error: { kind: "unavailable", message: "This panel session has ended." } });
  });

  it("refuses the desktop's own plugins with a reason", async () => {
    const { invoke } = await import("@tauri-apps/api/core");
    await expect(invoke("plugin:dialog|open", {})).rejects.toMatchObject({ kind: "unavailable", message: expect.stringMatching(/desktop app/) });
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe("events over one stream", () => {
  it("delivers each event to its listeners until they stop listening", async () => {
    const got: unknown[] = [];
    const other: unknown[] = [];
    const stop = await events.updatesChanged.listen((e) => got.push(e.payload));
    const stopOther = await events.keyChecked.listen((e) => other.push(e.payload));
    expect(streams.map((s) => s.url)).toEqual(["http://127.0.0.1:4141/api/events"]);
    streams[0].send({ event: "updates-changed", payload: null });
    streams[0].send({ event: "key-checked", payload: { backendId: "b", keyId: null, result: { ok: true } } });
    streams[0].send("not json at all");
    expect(got).toEqual([null]);
    expect(other).toEqual([{ backendId: "b", keyId: null, result: { ok: true } }]);
    stop();
    await Promise.resolve();
    streams[0].send({ event: "updates-changed", payload: null });
    expect(got).toHaveLength(1);
    expect(streams[0].closed).toBe(false);
    stopOther();
    await vi.waitFor(() => expect(streams[0].closed).toBe(true));
  });
});
