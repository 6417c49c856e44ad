// The backend list as a reactive resource. Reloads itself when the core says something changed
// (`backendsChanged`), and shows `keyChecked` results at once (see `events-table.ts`).
import { api } from "./api";
import { toIpcError } from "./error";
import { Resource } from "./resource.svelte";
import type { Backend, BackendDraft, Check, KeyInput, Limits, Monitor } from "./types";

type Fresh = { check: Check; at: number };

/** Key for per-key and per-backend check state: the key id, or `backend:<id>` for keyless tests. */
export function checkSlot(backendId: string, keyId: string | null): string {
  return keyId ?? `backend:${backendId}`;
}

class BackendsResource extends Resource<Backend[]> {
  /** Slots whose test is running. */
  testing = $state<Record<string, boolean>>({});
  /** Test results newer than the last reload, so a result shows before the list catches up. */
  private fresh = $state<Record<string, Fresh>>({});
  /** When the latest read started: test results older than it are in its answer. */
  private started = 0;

  constructor() {
    // Most pages show backends (names, kinds, checks): follow changes even when none watches.
    super([], { follow: "always" });
  }

  get items(): Backend[] {
    return this.value;
  }

  protected read(): Promise<Backend[]> {
    this.started = performance.now();
    return api.listBackends();
  }

  protected accept(list: Backend[]): void {
    this.value = list;
    for (const [slot, f] of Object.entries(this.fresh)) if (f.at < this.started) delete this.fresh[slot];
  }

  /** The latest check for a key (or a keyless backend when `keyId` is null). */
  checkFor(backendId: string, keyId: string | null): Check | null {
    const f = this.fresh[checkSlot(backendId, keyId)];
    if (f) return f.check;
    const b = this.items.find((x) => x.id === backendId);
    if (!b) return null;
    if (keyId === null) return b.check;
    return b.keys.find((k) => k.id === keyId)?.check ?? null;
  }

  noteCheck(backendId: string, keyId: string | null, check: Check): void {
    this.fresh[checkSlot(backendId, keyId)] = { check, at: performance.now() };
  }

  isTesting(backendId: string, keyId: string | null): boolean {
    return this.testing[checkSlot(backendId, keyId)] === true;
  }

  async test(backendId: string, keyId: string | null): Promise<Check> {
    const slot = checkSlot(backendId, keyId);
    this.testing[slot] = true;
    try {
      const check = await api.testKey(backendId, keyId);
      this.noteCheck(backendId, keyId, check);
      return check;
    } finally {
      delete this.testing[slot];
    }
  }

  private async after<T>(p: Promise<T>): Promise<T> {
    const v = await p;
    void this.reload();
    return v;
  }

  create = (draft: BackendDraft, key: KeyInput | null) => this.after(api.createBackend(draft, key));
  /** `approvedOrigin`: the new host the dialog's note said saving approves for the keys. */
  update = (id: string, draft: BackendDraft, approvedOrigin: string | null = null) =>
    this.after(api.updateBackend(id, draft, approvedOrigin));
  setEnabled = (id: string, enabled: boolean) => this.after(api.setBackendEnabled(id, enabled));
  remove = (id: string) => this.after(api.deleteBackend(id));
  addKey = (backendId: string, key: KeyInput) => this.after(api.addKey(backendId, key));
  removeKey = (keyId: string) => this.after(api.deleteKey(keyId));
  importKeys = (envFile: string | null, ids: string[]) => this.after(api.importKeys(envFile, ids));
  setLimits = (id: string, limits: Limits) => this.after(api.setBackendLimits(id, limits));
  setMonitor = (id: string, monitor: Monitor) => this.after(api.setBackendMonitor(id, monitor));

  /** Moves one backend up (-1) or down (+1), sending the full new order. */
  async move(id: string, delta: -1 | 1): Promise<void> {
    const ids = this.items.map((b) => b.id);
    const from = ids.indexOf(id);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= ids.length) return;
    [ids[from], ids[to]] = [ids[to], ids[from]];
    this.invalidate();
    try {
      this.value = await api.reorderBackends(ids);
    } catch (e) {
      // The list changed elsewhere: show what is there now (the caller still reports the error).
      if (toIpcError(e).kind === "conflict") void this.reload();
      throw e;
    }
  }
}

export const backends = new BackendsResource();
