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
  /** Asks the user for a file to upload (the browser's file picker); null when cancelled. */
  pickFile?: (accept: string) => Promise<File | null>;
  /** Saves what the server has at `url` as a download. */
  download?: (url: string) => void;
  /** The session ended (signed out elsewhere, its token revoked): the page signs in again. */
  sessionEnded?: () => void;
}

/** The server's event that says this browser's session ended. */
export const SESSION_ENDED = "panel-session-ended";

/** What the browser's file picker offers for each purpose of a file to read. */
const PICKED: Record<string, string> = { envFile: "", priceFile: ".json,application/json", configFile: ".toml" };

/** A command's argument naming a place the server reserved for a download (`choose_file`). */
function downloadIds(args: Record<string, unknown>): string[] {
  return [args.file, ...(Array.isArray(args.files) ? args.files : [])].filter(
    (v): v is string => typeof v === "string" && v.startsWith("download-"),
  );
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
    if (message.event === SESSION_ENDED) {
      side.sessionEnded?.();
      return;
    }
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

  /** `choose_file` for a file to read: the browser's picker, then an upload. */
  async function upload(purpose: string): Promise<unknown> {
    const file = await side.pickFile?.(PICKED[purpose] ?? "");
    if (!file) return null;
    return post(`/api/files?name=${encodeURIComponent(file.name)}`, file, "application/octet-stream", "choose_file");
  }

  async function call(cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    if (cmd === "choose_file" && typeof args.purpose === "string" && args.purpose in PICKED && side.pickFile) {
      return upload(args.purpose);
    }
    const answer = await post(`/api/call/${encodeURIComponent(cmd)}`, JSON.stringify(args), "application/json", cmd);
    for (const id of downloadIds(args)) side.download?.(`${side.base}/api/files/${encodeURIComponent(id)}`);
    return answer;
  }

  async function post(path: string, sent: BodyInit, type: string, cmd: string): Promise<unknown> {
    const headers: Record<string, string> = { "content-type": type };
    const csrf = side.csrf();
    if (csrf) headers["x-switchyard-csrf"] = csrf;
    let res: Response;
    try {
      res = await side.fetch(`${side.base}${path}`, { method: "POST", headers, credentials: "same-origin", body: sent });
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
    if (res.status === 401) side.sessionEnded?.();
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

/** The browser's file picker, for one file; null when the user cancels. */
function pickFile(accept: string): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement("input");
    input.type = "file";
    if (accept) input.accept = accept;
    input.addEventListener("change", () => resolve(input.files?.[0] ?? null), { once: true });
    input.addEventListener("cancel", () => resolve(null), { once: true });
    input.click();
  });
}

/** A download of what the server has at `url` (its name from the server's answer). */
function download(url: string) {
  const a = document.createElement("a");
  a.href = url;
  a.download = "";
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
}

/**
 * Installs the browser transport when the page runs outside the desktop app (no Tauri runtime);
 * returns whether it did. `base` is where the panel's API is (the page's own folder: /panel).
 */
export function installBrowserTransport(win: Window = window, sessionEnded?: () => void): boolean {
  const w = win as Window & { __TAURI_INTERNALS__?: unknown; __TAURI_EVENT_PLUGIN_INTERNALS__?: unknown };
  if (w.__TAURI_INTERNALS__) return false;
  const { internals, eventInternals } = browserTransport({
    base: panelBase(win),
    fetch: (input, init) => win.fetch(input, init),
    openEvents: (url, onMessage) => {
      const source = new EventSource(url, { withCredentials: true });
      source.onmessage = (e) => onMessage(String(e.data));
      return source;
    },
    csrf: csrfCookie,
    pickFile,
    download,
    sessionEnded,
  });
  w.__TAURI_INTERNALS__ = internals;
  w.__TAURI_EVENT_PLUGIN_INTERNALS__ = eventInternals;
  return true;
}

/** The panel's folder on its server (`/panel`), from the page's own address. */
export function panelBase(win: Window = window): string {
  return new URL(".", win.location.href).pathname.replace(/\/$/, "");
}
