// Every generated command, as a promise of its data: derived from the bindings with a mapped type,
// so a command added in Rust needs no wrapper here. tauri-specta answers `{ status, data | error }`;
// `api.x(...)` resolves to `data` or throws an `IpcFailure` carrying the typed `IpcError` (as does a
// rejection of the call itself, e.g. an unknown command or no Tauri at all). Each command's
// documentation is the Rust doc comment, shown on `commands` in the bindings.
//
// Never log arguments here: some carry keys or webhook URLs (`addKey`, `createBackend`,
// `setAlertWebhook`), and `createToken` / `revealKey` answer with a secret to show once.
import { commands } from "../bindings";
import { IpcFailure, toIpcError } from "./error";

type Answer<T> = { status: "ok"; data: T } | { status: "error"; error: unknown };

/** A generated command, unwrapped: its data, or a thrown `IpcFailure`. */
type Unwrapped<F> = F extends (...args: infer A) => Promise<Answer<infer T>> ? (...args: A) => Promise<T> : never;

type Commands = typeof commands;
export type Api = { [K in keyof Commands]: Unwrapped<Commands[K]> };

function unwrap<A extends unknown[], T>(run: (...args: A) => Promise<Answer<T>>): (...args: A) => Promise<T> {
  return async (...args) => {
    let answer: Answer<T>;
    try {
      answer = await run(...args);
    } catch (e) {
      throw new IpcFailure(toIpcError(e));
    }
    if (answer.status === "ok") return answer.data;
    throw new IpcFailure(toIpcError(answer.error));
  };
}

const unwrapped = Object.fromEntries(
  Object.entries(commands).map(([name, run]) => [name, unwrap(run as (...args: unknown[]) => Promise<Answer<unknown>>)]),
) as Api;

export const api: Omit<Api, "clearCache"> & { clearCache: (...args: Parameters<Api["clearCache"]>) => Promise<number> } = {
  ...unwrapped,
  /** Removes stored answers; resolves to how many (the core may answer null for none). */
  clearCache: (scope) => unwrapped.clearCache(scope).then((n) => n ?? 0),
};
