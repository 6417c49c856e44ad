// The Tools page as reactive resources: the coding tools with their connection and usage today
// (following tokens, backends, routes and new requests while the page shows them, throttled: each
// read asks every installed tool for its version), each card's running action and last result, and
// "find keys on this machine" — the scan, the `.env` files added to it, moves and putting back.
// Findings and moves carry masked values only; nothing here ever holds a key.
import { api } from "./api";
import { Latest, Resource } from "./resource.svelte";
import type { ChosenFile, ConnectWay, FilesChanged, FoundKey, IpcError, KeySweep, MovedKey, Subscription, ToolInfo, ToolName } from "./types";

/** Event-driven reloads happen at most this often (a reload runs each tool's `--version`). */
export const TOOLS_RELOAD_MS = 2000;

/** What a card can be doing. */
export type ToolAction = "connect" | "disconnect" | "installStatusline" | "removeStatusline";

/** The last thing a card's action did, shown on the card until the next one. */
export type ToolOutcome = {
  action: ToolAction;
  files: FilesChanged;
  tokenName: string | null;
  model: string | null;
  /** Connected with the tool's plan (what the connect chose); null with API keys. */
  plan: Subscription | null;
};

/** The tools and what they can be pointed at, read together. */
type ToolsView = { items: ToolInfo[]; choices: string[] };

class ToolsResource extends Resource<ToolsView> {
  /** The action each card is running. */
  busy = $state<Partial<Record<ToolName, ToolAction>>>({});
  /** Each card's last result in this visit. */
  results = $state<Partial<Record<ToolName, ToolOutcome>>>({});

  constructor() {
    super({ items: [], choices: [] }, { read: () => readTools(), throttleMs: TOOLS_RELOAD_MS });
  }

  get items(): ToolInfo[] {
    return this.value.items;
  }

  /** Routes, then `Backend/model` of each enabled backend: what a tool can be pointed at. */
  get choices(): string[] {
    return this.value.choices;
  }

  /** Runs one card's action (one at a time per card); throws the typed error, then reloads. */
  private async run(id: ToolName, action: ToolAction, call: () => Promise<Omit<ToolOutcome, "action">>): Promise<ToolOutcome | undefined> {
    if (this.busy[id]) return undefined;
    this.busy[id] = action;
    delete this.results[id];
    try {
      const outcome = { action, ...(await call()) };
      this.results[id] = outcome;
      return outcome;
    } finally {
      delete this.busy[id];
      void this.reload();
    }
  }

  /**
   * Connects (or reconnects) a tool; `model` null or "" lets Switchyard pick; `team`: to the
   * attached team gateway with a team token, rather than to this machine's gateway; `way`: with
   * the tool's plan or its API keys — null (or `auto`, sent as null) lets the core choose: the
   * plan with overflow to the keys when the tool is signed in to one, else the keys.
   */
  connect(id: ToolName, model: string | null, team = false, way: ConnectWay | null = null): Promise<ToolOutcome | undefined> {
    const picked = model?.trim() ? model.trim() : null;
    const chosen = way?.way === "auto" ? null : way;
    return this.run(id, "connect", () => api.connectTool(id, picked, team, chosen));
  }

  disconnect(id: ToolName): Promise<ToolOutcome | undefined> {
    return this.run(id, "disconnect", () => api.disconnectTool(id));
  }

  /** Claude Code's status line: installs `switchyard statusline`, or puts the user's own one back. */
  statusline(install: boolean): Promise<ToolOutcome | undefined> {
    const files = install ? api.installStatusline : api.uninstallStatusline;
    return this.run("claude-code", install ? "installStatusline" : "removeStatusline", async () => ({ files: await files(), tokenName: null, model: null, plan: null }));
  }
}

async function readTools(): Promise<ToolsView> {
  const [items, choices] = await Promise.all([api.listTools(), api.toolModelChoices()]);
  return { items, choices };
}

/** One row per finding: a file added here that is also scanned anyway would list its keys twice. */
function uniqueFindings(sweep: KeySweep): KeySweep {
  const seen = new Set<string>();
  return { ...sweep, findings: sweep.findings.filter((f) => !seen.has(f.id) && seen.add(f.id)) };
}

class KeySweepResource {
  /** `.env` files chosen in the dialog for the scan, besides the profiles and tool configs. */
  extraFiles = $state<ChosenFile[]>([]);
  result = $state<KeySweep | null>(null);
  scanning = $state(false);
  /** Finding ids being moved, move ids being put back. */
  moving = $state<Record<string, boolean>>({});
  restoring = $state<Record<string, boolean>>({});
  /** The last move in this visit (with its key test's outcome). */
  lastMoved = $state<MovedKey | null>(null);
  /** The ids of the extra files the shown findings were scanned with: a move names the same. */
  private scannedWith: string[] = [];
  private scans = new Latest();
  /** Every move, newest first. */
  private history = new Resource<MovedKey[]>([], { read: () => api.keyMoves() });
  private watchers = 0;

  get moves(): MovedKey[] {
    return this.history.value;
  }

  get movesError(): IpcError | null {
    return this.history.error;
  }

  /** Scans the profiles, the tools' files and the added files; throws the typed error. */
  async scan(): Promise<KeySweep> {
    const current = this.scans.begin();
    const files = this.extraFiles.map((f) => f.id);
    this.scanning = true;
    try {
      const result = uniqueFindings(await api.findKeys(files));
      if (current()) {
        this.result = result;
        this.scannedWith = files;
      }
      return result;
    } finally {
      if (current()) this.scanning = false;
    }
  }

  /** Adds a chosen file to the scan (once per path) and scans again. */
  async addFile(file: ChosenFile): Promise<void> {
    if (!this.extraFiles.some((f) => f.path === file.path)) this.extraFiles = [...this.extraFiles, file];
    await this.scan();
  }

  async removeFile(id: string): Promise<void> {
    this.extraFiles = this.extraFiles.filter((f) => f.id !== id);
    if (this.result) await this.scan();
  }

  loadMoves(): Promise<void> {
    return this.history.reload();
  }

  /** Moves a finding into the keychain (`backendId` null: the core picks); then scans again. */
  async move(finding: FoundKey, backendId: string | null): Promise<MovedKey | undefined> {
    if (this.moving[finding.id]) return undefined;
    this.moving[finding.id] = true;
    try {
      const moved = await api.moveKey(finding.id, this.scannedWith, backendId);
      this.lastMoved = moved;
      return moved;
    } finally {
      delete this.moving[finding.id];
      await this.refresh();
    }
  }

  /** Puts a moved key's line back in its file; then scans again. */
  async restore(moveId: string): Promise<MovedKey | undefined> {
    if (this.restoring[moveId]) return undefined;
    this.restoring[moveId] = true;
    try {
      const restored = await api.restoreKey(moveId);
      if (this.lastMoved?.id === moveId) this.lastMoved = null;
      return restored;
    } finally {
      delete this.restoring[moveId];
      await this.refresh();
    }
  }

  /** After a move or put-back: the history, and the findings when a scan is shown. */
  private async refresh(): Promise<void> {
    const rescan = this.result ? this.scan().catch(() => undefined) : Promise.resolve(undefined);
    await Promise.all([this.loadMoves(), rescan]);
  }

  /** Keys were stored or removed elsewhere: "already in keychain" may have changed. */
  changed(): void {
    if (this.watchers > 0 && this.result && !this.scanning) void this.scan().catch(() => undefined);
  }

  /** The Tools page mounted: read the history, and follow key changes until the returned stop. */
  watch(): () => void {
    this.watchers++;
    this.lastMoved = null;
    void this.loadMoves();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      this.watchers = Math.max(0, this.watchers - 1);
    };
  }
}

export const tools = new ToolsResource();
export const keySweep = new KeySweepResource();
