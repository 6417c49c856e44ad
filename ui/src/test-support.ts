// Shared by the unit tests (never imported by the app).
import type { MovedKey } from "./ipc/types";

/** A promise and the functions that settle it, to hold an answer back while a test looks. */
export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A key the sweep moved from `~/.bashrc` into the keychain, tested valid. */
export const movedKey = (over: Partial<MovedKey> = {}): MovedKey => ({
  id: "m1",
  path: "~/.bashrc",
  line: 3,
  variable: "OPENAI_API_KEY",
  kind: "openAi",
  masked: "sk-…abcd",
  backend: "OpenAI",
  keyLabel: "bashrc",
  movedAt: "2026-05-01T09:00:00Z",
  restored: false,
  tested: "valid",
  ...over,
});
