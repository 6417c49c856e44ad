// Small app-wide resources: backend kinds, user settings, keychain status and app info.
import { api } from "./api";
import { toIpcError } from "./error";
import type { AppInfo, IpcError, KeychainStatus, Kind, KindInfo, UserSettings } from "./types";

class KindsResource {
  list = $state<KindInfo[]>([]);

  async load(): Promise<void> {
    this.list = await api.backendKinds();
  }

  info(kind: Kind | string): KindInfo | undefined {
    return this.list.find((k) => k.kind === kind);
  }

  label(kind: Kind | string): string {
    return this.info(kind)?.label ?? kind;
  }
}

class SettingsResource {
  value = $state<UserSettings>({
    theme: "system",
    revealSeconds: 5,
    requestRetentionDays: 90,
    keepRunningInTray: true,
    startAtLogin: false,
    startAtLoginOffered: false,
    checkUpdates: true,
    updateSource: null,
  });
  loaded = $state(false);

  async load(): Promise<void> {
    this.value = await api.getSettings();
    this.loaded = true;
  }

  async save(patch: Partial<UserSettings>): Promise<void> {
    this.value = await api.updateSettings({ ...this.value, ...patch });
  }
}

class KeychainResource {
  status = $state<KeychainStatus | null>(null);
  checking = $state(false);

  async load(): Promise<void> {
    this.checking = true;
    try {
      this.status = await api.keychainStatus();
    } finally {
      this.checking = false;
    }
  }
}

class AppInfoResource {
  value = $state<AppInfo | null>(null);
  error = $state<IpcError | null>(null);

  async load(): Promise<void> {
    try {
      this.value = await api.appInfo();
      this.error = null;
    } catch (e) {
      this.error = toIpcError(e);
    }
  }
}

export const kinds = new KindsResource();
export const settings = new SettingsResource();
export const keychain = new KeychainResource();
export const appInfo = new AppInfoResource();

let painted = false;

/** Tells the core the UI has painted (once), then refreshes app info to show the timing. */
export async function reportFirstPaint(): Promise<void> {
  if (painted) return;
  painted = true;
  try {
    await api.reportFirstPaint();
    await appInfo.load();
  } catch {
    // Outside Tauri there is no core to tell.
  }
}
