// Settings → Updates: what the core's last check found (reloaded on `updatesChanged`), checking
// now, and installing the offered release from the window (the updater plugin downloads with
// progress, verifies the signature, installs and restarts; a failure comes back as a typed
// error and the core stops offering that version for installing), or downloading it now to
// install when Switchyard quits (the core downloads, verifies, and installs at Quit).
import { api } from "./api";
import { toIpcError } from "./error";
import { Resource } from "./resource.svelte";
import type { IpcError, UpdateProgress, UpdateStatus } from "./types";

class UpdatesResource extends Resource<UpdateStatus | null> {
  checking = $state(false);
  installing = $state(false);
  /** Downloading the update to install at Quit. */
  staging = $state(false);
  progress = $state<UpdateProgress | null>(null);
  failure = $state<IpcError | null>(null);

  constructor() {
    super(null, { read: () => api.updateStatus() });
  }

  get status(): UpdateStatus | null {
    return this.value;
  }

  /** Checks now; the answer (a failed check is in its `error`) replaces the value. */
  async checkNow(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    this.failure = null;
    try {
      this.value = await api.checkForUpdates();
    } catch (e) {
      this.failure = toIpcError(e);
    } finally {
      this.checking = false;
    }
  }

  /** Installs `version`; on success the app restarts, so this only returns on failure. */
  async install(version: string): Promise<void> {
    if (this.installing) return;
    this.installing = true;
    this.failure = null;
    this.progress = null;
    try {
      await api.installUpdate(version);
    } catch (e) {
      this.failure = toIpcError(e);
      this.progress = null;
      void this.reload();
    } finally {
      this.installing = false;
    }
  }

  /** Downloads and verifies `version` now; it is installed when Switchyard quits. */
  async installOnQuit(version: string): Promise<void> {
    if (this.installing || this.staging) return;
    this.staging = true;
    this.failure = null;
    this.progress = null;
    try {
      this.value = await api.installUpdateOnQuit(version);
    } catch (e) {
      this.failure = toIpcError(e);
      void this.reload();
    } finally {
      this.staging = false;
      this.progress = null;
    }
  }

  /** Installs nothing at Quit after all. */
  async cancelOnQuit(): Promise<void> {
    this.failure = null;
    try {
      this.value = await api.cancelUpdateOnQuit();
    } catch (e) {
      this.failure = toIpcError(e);
    }
  }

  /** The `updateProgress` event (the window's install, or the core's download for Quit). */
  noteProgress(p: UpdateProgress): void {
    if (this.installing || this.staging) this.progress = p;
  }
}

export const updates = new UpdatesResource();
