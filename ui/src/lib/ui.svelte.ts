// Navigation, which modal is open, and the in-app confirm prompt.
import type { Backend, Route, TokenScope } from "../ipc/types";

export type Page = "overview" | "health" | "alerts" | "backends" | "gateway" | "tools" | "routes" | "cache" | "readiness" | "requests" | "costs" | "team" | "settings";

/** A page's keyboard shortcut: Ctrl (⌘ on macOS) with `key`, and Shift when `shift`. */
type Shortcut = { key: string; shift: boolean };

/**
 * Sidebar order. Ctrl+1…9 and Ctrl+0 switch to the first nine pages and Settings, like the digit
 * row; Costs came after the digits ran out and has Ctrl+Shift+S ("spend"): Ctrl+Shift+C is the
 * web inspector's element picker in the webviews' developer tools. Tools (next to the Gateway it
 * connects them to) has Ctrl+Shift+T; Team (a team gateway this desktop is attached to) has
 * Ctrl+Shift+M ("members").
 */
export const PAGES: ReadonlyArray<{ id: Page; label: string; shortcut: string } & Shortcut> = [
  { id: "overview", label: "Overview", shortcut: "Ctrl+1", key: "1", shift: false },
  { id: "health", label: "Health", shortcut: "Ctrl+2", key: "2", shift: false },
  { id: "alerts", label: "Alerts", shortcut: "Ctrl+3", key: "3", shift: false },
  { id: "backends", label: "Backends", shortcut: "Ctrl+4", key: "4", shift: false },
  { id: "gateway", label: "Gateway", shortcut: "Ctrl+5", key: "5", shift: false },
  { id: "tools", label: "Tools", shortcut: "Ctrl+Shift+T", key: "t", shift: true },
  { id: "routes", label: "Routes", shortcut: "Ctrl+6", key: "6", shift: false },
  { id: "cache", label: "Cache", shortcut: "Ctrl+7", key: "7", shift: false },
  { id: "readiness", label: "Readiness", shortcut: "Ctrl+8", key: "8", shift: false },
  { id: "requests", label: "Requests", shortcut: "Ctrl+9", key: "9", shift: false },
  { id: "costs", label: "Costs", shortcut: "Ctrl+Shift+S", key: "s", shift: true },
  { id: "team", label: "Team", shortcut: "Ctrl+Shift+M", key: "m", shift: true },
  { id: "settings", label: "Settings", shortcut: "Ctrl+0", key: "0", shift: false },
];

/** The page Ctrl+<key> (with Shift when `shift`) opens, if any. Letters match either case. */
export function pageForShortcut(key: string, shift = false): Page | null {
  if (key.length !== 1) return null;
  const k = key.toLowerCase();
  return PAGES.find((p) => p.key === k && p.shift === shift)?.id ?? null;
}

/** The page's name in the sidebar, and in the document's title. */
export function pageLabel(page: Page): string {
  return PAGES.find((p) => p.id === page)?.label ?? "Switchyard";
}

/** The document's title: "<what is shown> — Switchyard", or the bare name while nothing is. */
export function documentTitle(shown?: string): string {
  return shown ? `${shown} — Switchyard` : "Switchyard";
}

/** A shortcut as `aria-keyshortcuts` spells it: "Control+1", "Control+Shift+S". */
export function ariaKeyShortcut({ key, shift }: Shortcut): string {
  return `Control+${shift ? "Shift+" : ""}${key.toUpperCase()}`;
}

/** The id of a page's heading (`<h1 id="<page>-title">`): where focus goes when the page opens. */
export function headingId(page: Page): string {
  return `${page}-title`;
}

export type Modal =
  | { type: "backend"; editing: Backend | null }
  | { type: "key"; backend: Backend }
  | { type: "import" }
  | { type: "token"; scope: TokenScope }
  | { type: "configImport" }
  | { type: "route"; editing: Route | null }
  | { type: "price"; model: string }
  | null;

type ConfirmRequest = { title: string; message: string; confirmLabel: string; items: string[]; resolve: (ok: boolean) => void };

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

  /** Asks a yes/no question in an in-app dialog; `items` are listed under the message. */
  confirm(title: string, message: string, confirmLabel = "Delete", items: string[] = []): Promise<boolean> {
    this.confirmation?.resolve(false);
    return new Promise((resolve) => {
      this.confirmation = { title, message, confirmLabel, items, resolve };
    });
  }

  answer(ok: boolean): void {
    const c = this.confirmation;
    this.confirmation = null;
    c?.resolve(ok);
  }
}

export const ui = new UiState();
