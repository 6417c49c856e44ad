// The global error banner's state. Actions report failures here instead of logging them.
import { toIpcError } from "../ipc/error";
import type { IpcError } from "../ipc/types";

class ErrorState {
  current = $state<IpcError | null>(null);

  report(e: unknown): void {
    this.current = toIpcError(e);
  }

  dismiss(): void {
    this.current = null;
  }
}

export const errors = new ErrorState();

/** Runs an action; a failure goes to the banner and resolves to undefined. */
export async function attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (e) {
    errors.report(e);
    return undefined;
  }
}
