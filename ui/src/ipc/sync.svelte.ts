// Settings → My machines: what syncs between this user's machines, through a PostgreSQL database
// whose address lives in the keychain (it may hold a password: the page sends it once, never
// reads it back), every record sealed with the space's key (also in the keychain; shown only on
// request, or once when it is drawn). Passes run in the core every 15 s while on; `sync-changed` reloads this.
import { api } from "./api";
import { Resource } from "./resource.svelte";
import type { SyncKeep, SyncKind, SyncSettings, SyncStatus } from "./types";

class MySync extends Resource<SyncStatus | null> {
  /** A pass started here is under way. */
  running = $state(false);

  constructor() {
    super(null, { read: () => api.syncStatus(), follow: "loaded" });
  }

  /**
   * Saves what syncs; `databaseUrl` null keeps the saved one, `spaceKey` null the kept key (an
   * empty space gets a new one, in the answer's `newSpaceKey` once). A refusal throws the typed
   * error and keeps nothing. Answers the key drawn, if one was.
   */
  async save(databaseUrl: string | null, spaceKey: string | null, settings: SyncSettings): Promise<string | null> {
    const status = await api.saveSync(databaseUrl, spaceKey, settings);
    this.assign(status);
    return status.newSpaceKey ?? null;
  }

  /** The space's key, shown on the user's request for their next machine. */
  revealKey(): Promise<string> {
    return api.revealSpaceKey();
  }

  async forget(): Promise<void> {
    this.assign(await api.forgetSync());
  }

  async now(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.assign(await api.syncNow());
    } finally {
      this.running = false;
    }
  }

  async resolve(kind: SyncKind, name: string, keep: SyncKeep): Promise<void> {
    this.assign(await api.resolveSyncConflict(kind, name, keep));
  }
}

export const mySync = new MySync();
