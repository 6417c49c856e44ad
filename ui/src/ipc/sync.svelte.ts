// Settings → My machines: what syncs between this user's machines, through a PostgreSQL database
// whose address lives in the keychain (it may hold a password: the page sends it once, never
// reads it back). Passes run in the core every 15 s while on; `sync-changed` reloads this.
import { api } from "./api";
import { Resource } from "./resource.svelte";
import type { SyncKeep, SyncKind, SyncSettings, SyncStatus } from "./types";

class MySync extends Resource<SyncStatus | null> {
  /** A pass started here is under way. */
  running = $state(false);

  constructor() {
    super(null, { read: () => api.syncStatus(), follow: "loaded" });
  }

  /** Saves what syncs; `databaseUrl` null keeps the saved one. A refusal throws the typed error and keeps nothing. */
  async save(databaseUrl: string | null, settings: SyncSettings): Promise<void> {
    this.assign(await api.saveSync(databaseUrl, settings));
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
