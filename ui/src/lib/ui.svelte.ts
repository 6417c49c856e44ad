// Navigation, which modal is open, and the in-app confirm prompt.
import type { Backend, Route } from "../ipc/types";

export type Page = "overview" | "health" | "alerts" | "backends" | "gateway" | "routes" | "cache" | "readiness" | "requests" | "settings";

/** Sidebar order; Ctrl+1…9 then Ctrl+0 (⌘ on macOS) switch to them in this order, like the digit row. */
export const PAGES: ReadonlyArray<{ id: Page; label: string; shortcut: string }> = [
  { id: "overview", label: "Overview", shortcut: "Ctrl+1" },
  { id: "health", label: "Health", shortcut: "Ctrl+2" },
  { id: "alerts", label: "Alerts", shortcut: "Ctrl+3" },
  { id: "backends", label: "Backends", shortcut: "Ctrl+4" },
  { id: "gateway", label: "Gateway", shortcut: "Ctrl+5" },
  { id: "routes", label: "Routes", shortcut: "Ctrl+6" },
  { id: "cache", label: "Cache", shortcut: "Ctrl+7" },
  { id: "readiness", label: "Readiness", shortcut: "Ctrl+8" },
  { id: "requests", label: "Requests", shortcut: "Ctrl+9" },
  { id: "settings", label: "Settings", shortcut: "Ctrl+0" },
];

/** The page Ctrl+<key> opens, if any: "1" is the first page and "0" the tenth, as on the digit row. */
export function pageForShortcut(key: string): Page | null {
  if (!/^[0-9]$/.test(key)) return null;
  const index = key === "0" ? 9 : Number(key) - 1;
  return PAGES[index]?.id ?? null;
}

export type Modal =
  | { type: "backend"; editing: Backend | null }
  | { type: "key"; backend: Backend }
  | { type: "import" }
  | { type: "token" }
  | { type: "route"; editing: Route | null }
  | null;

type ConfirmRequest = { title: string; message: string; confirmLabel: string; resolve: (ok: boolean) => void };

class UiState {
  page = $state<Page>("overview");
  modal = $state<Modal>(null);
  confirmation = $state<ConfirmRequest | null>(null);

  get blocked(): boolean {
    return this.modal !== null || this.confirmation !== null;
  }

  open(modal: Exclude<Modal, null>): void {
    this.modal = modal;
  }

  close(): void {
    this.modal = null;
  }

  /** Asks a yes/no question in an in-app dialog. */
  confirm(title: string, message: string, confirmLabel = "Delete"): Promise<boolean> {
    this.confirmation?.resolve(false);
    return new Promise((resolve) => {
      this.confirmation = { title, message, confirmLabel, resolve };
    });
  }

  answer(ok: boolean): void {
    const c = this.confirmation;
    this.confirmation = null;
    c?.resolve(ok);
  }
}

export const ui = new UiState();
