import type { ErrorKind, FieldIssue, IpcError } from "./types";

// Every kind the core can send, as a record so that a kind added in Rust fails the type-check here
// (an unknown kind would otherwise turn into "internal" and lose its title and meaning).
const KNOWN: Record<ErrorKind, true> = {
  validation: true,
  notFound: true,
  keychainUnavailable: true,
  conflict: true,
  file: true,
  notificationsUnavailable: true,
  unavailable: true,
  cancelled: true,
  forbidden: true,
  internal: true,
};
const KINDS: readonly string[] = Object.keys(KNOWN);

/** Thrown by every wrapped command; carries the typed error the Rust side returned. */
export class IpcFailure extends Error {
  readonly error: IpcError;
  constructor(error: IpcError) {
    super(error.message);
    this.name = "IpcFailure";
    this.error = error;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** The error's message followed by its hint, for a line under a form or in a card. */
export function errorText(e: IpcError): string {
  return e.hint ? `${e.message} ${e.hint}` : e.message;
}

/**
 * Normalises anything a command can reject with (our typed error, a framework string such as an
 * unknown-command message, or a JS Error outside Tauri) into an `IpcError`.
 */
export function toIpcError(e: unknown): IpcError {
  if (e instanceof IpcFailure) return e.error;
  if (isRecord(e) && typeof e.message === "string") {
    const kind = typeof e.kind === "string" && KINDS.includes(e.kind) ? (e.kind as ErrorKind) : "internal";
    return {
      kind,
      message: e.message,
      hint: typeof e.hint === "string" ? e.hint : null,
      issues: Array.isArray(e.issues) ? (e.issues as FieldIssue[]) : [],
    };
  }
  if (typeof e === "string") return { kind: "internal", message: e, hint: null, issues: [] };
  return { kind: "internal", message: "Something went wrong.", hint: null, issues: [] };
}

export function errorTitle(kind: ErrorKind): string {
  switch (kind) {
    case "keychainUnavailable":
      return "Keychain unavailable";
    case "validation":
      return "Check your input";
    case "notFound":
      return "Not found";
    case "conflict":
      return "Changed elsewhere";
    case "file":
      return "Could not read the file";
    case "notificationsUnavailable":
      return "Notifications unavailable";
    case "unavailable":
      return "Not available now";
    case "cancelled":
      return "Cancelled";
    case "forbidden":
      return "Not allowed";
    case "internal":
      return "Something went wrong";
  }
}
