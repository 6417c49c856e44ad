// The panel in a browser (issue 58, `switchyard serve --ui`): the same UI on a second transport.
// The generated bindings reach the Tauri runtime through two entry points only — `invoke` from
// @tauri-apps/api/core and `listen` from @tauri-apps/api/event — and both go through
// `window.__TAURI_INTERNALS__` (events also through `__TAURI_EVENT_PLUGIN_INTERNALS__`). Where
// no Tauri runtime is present, this provides them over HTTP:
//
// - a command is `POST {base}/api/call/{command}` with its arguments as the JSON body and the
//   CSRF token in `x-switchyard-csrf`; the answer is `{ "ok": data }`, or `{ "error": IpcError }`
//   with a 4xx/5xx status, which rejects as the typed error (what tauri-specta's `typedError`
//   turns into `{ status: "error" }`, as in the window);
// - events are one server-sent stream, `{base}/api/events`, each message `{ event, payload }`
//   with the bindings' event name (`backends-changed`), handed to every listener of that name.
//
// Nothing is logged here: command arguments can carry keys (see api.ts).
import type { IpcError } from "./types";

type Handler = (message: { event: string; id: number; payload: unknown }) => void;

/** What the transport needs from the page (the real ones in `install`, fakes in tests). */
export interface BrowserSide {
  base: string;
  fetch: typeof fetch;
  /** Opens the event stream at `url`, calling `onMessage` with each message's data. */
  openEvents: (url: string, onMessage: (data: string) => void) => EventStream;
  /** The CSRF token the server set for this session (read from its cookie), or null. */
  csrf: () => string | null;
}

/** An open event stream. */
export interface EventStream {
  close(): void;
}

/** The Tauri runtime's entry points the bindings use, over HTTP. */
export interface TauriInternals {
  invoke(cmd: string, args?: Record<string, unknown>): Promise<unknown>;
  transformCallback(callback: Handler, once?: boolean): number;
  unregisterCallback(id: number): void;
}

function failure(kind: IpcError["kind"], message: string, hint: string | null = null): IpcError {
  return { kind, message, hint, issues: [] };
}

function isIpcError(v: unknown): v is IpcError {
  return typeof v === "object" && v !== null && typeof (v as IpcError).kind === "string" && typeof (v as IpcError).message === "string";
}

/** The browser transport: the runtime's entry points and the event plugin's, over `side`. */
export function browserTransport(side: BrowserSide) {
  const callbacks = new Map<number, { handler: Handler; once: boolean }>();
  /** Event name → listener id → callback id. */
  const listeners = new Map<string, Map<number, number>>();
  let nextId = 1;
  let stream: EventStream | null = null;

  function deliver(data: string) {
    let message: { event?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data);
    } catch {
      return; // Not ours: the stream carries only JSON.
    }
    if (typeof message.event !== "string") return;
    for (const [listener, callback] of listeners.get(message.event) ?? []) {
      const entry = callbacks.get(callback);
      if (!entry) continue;
      if (entry.once) callbacks.delete(callback);
      entry.handler({ event: message.event, id: listener, payload: message.payload ?? null });
    }
  }

  function listen(event: string, handler: number): number {
    const id = nextId++;
    let forEvent = listeners.get(event);
    if (!forEvent) listeners.set(event, (forEvent = new Map()));
    forEvent.set(id, handler);
    if (!stream) {
      stream = side.openEvents(`${side.base}/api/events`, deliver);
    }
    return id;
  }

  function unlisten(event: string, id: number) {
    const forEvent = listeners.get(event);
    forEvent?.delete(id);
    if (forEvent?.size === 0) listeners.delete(event);
    if (listeners.size === 0 && stream) {
      stream.close();
      stream = null;
    }
  }

  async function call(cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const csrf = side.csrf();
    if (csrf) headers["x-switchyard-csrf"] = csrf;
    let res: Response;
    try {
      res = await side.fetch(`${side.base}/api/call/${encodeURIComponent(cmd)}`, {
        method: "POST",
        headers,
        credentials: "same-origin",
        body: JSON.stringify(args),
      });
    } catch {
      throw failure("unavailable", "The Switchyard panel's server cannot be reached.", "Check that `switchyard serve --ui` still runs, and your SSH forward if you use one.");
    }
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      // Answered without JSON: said below by its status.
    }
    const answer = (body ?? {}) as { ok?: unknown; error?: unknown };
    if (res.ok && "ok" in answer) return answer.ok;
    if (isIpcError(answer.error)) throw answer.error;
    if (res.status === 401) throw failure("unavailable", "This panel session has ended.", "Sign in again with a panel token (`switchyard token create NAME --panel`).");
    throw failure("internal", `The panel's server answered HTTP ${res.status} to ${cmd}.`);
  }

  const internals: TauriInternals = {
    async invoke(cmd, args = {}) {
      if (cmd === "plugin:event|listen") return listen(String(args.event), Number(args.handler));
      if (cmd === "plugin:event|unlisten") return unlisten(String(args.event), Number(args.eventId));
      if (cmd.startsWith("plugin:")) {
        throw failure("unavailable", "This belongs to the desktop app: the panel in a browser cannot do it.");
      }
      return call(cmd, args);
    },
    transformCallback(handler, once = false) {
      const id = nextId++;
      callbacks.set(id, { handler, once });
      return id;
    },
    unregisterCallback(id) {
      callbacks.delete(id);
    },
  };
  const eventInternals = {
    unregisterListener(event: string, id: number) {
      const callback = listeners.get(event)?.get(id);
      if (callback !== undefined) callbacks.delete(callback);
    },
  };
  return { internals, eventInternals };
}

/** The CSRF cookie the panel's server sets at sign-in. */
function csrfCookie(): string | null {
  const found = document.cookie.split("; ").find((c) => c.startsWith("switchyard_csrf="));
  return found ? decodeURIComponent(found.slice("switchyard_csrf=".length)) : null;
}

/**
 * Installs the browser transport when the page runs outside the desktop app (no Tauri runtime);
 * returns whether it did.
 */
export function installBrowserTransport(win: Window = window): boolean {
  const w = win as Window & { __TAURI_INTERNALS__?: unknown; __TAURI_EVENT_PLUGIN_INTERNALS__?: unknown };
  if (w.__TAURI_INTERNALS__) return false;
  const { internals, eventInternals } = browserTransport({
    base: "",
    fetch: (input, init) => win.fetch(input, init),
    openEvents: (url, onMessage) => {
      const source = new EventSource(url, { withCredentials: true });
      source.onmessage = (e) => onMessage(String(e.data));
      return source;
    },
    csrf: csrfCookie,
  });
  w.__TAURI_INTERNALS__ = internals;
  w.__TAURI_EVENT_PLUGIN_INTERNALS__ = eventInternals;
  return true;
}
