// Desktop notifications for the Settings page: whether a notification service answers, the last
// delivery failure, and the "Send test notification" button's outcome.
import { events } from "../bindings";
import { api } from "./api";
import { toIpcError } from "./error";
import type { IpcError, NotificationStatus } from "./types";

/** What the last test notification did: delivered, or the typed reason it was not. */
export type TestOutcome = { ok: true } | { ok: false; error: IpcError };

class NotificationsResource {
  status = $state<NotificationStatus | null>(null);
  /** The status could not be read at all. */
  error = $state<IpcError | null>(null);
  testing = $state(false);
  lastTest = $state<TestOutcome | null>(null);
  private watchers = 0;
  private seq = 0;

  async reload(): Promise<void> {
    const seq = ++this.seq;
    try {
      const status = await api.notificationStatus();
      if (seq !== this.seq) return;
      this.status = status;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = toIpcError(e);
    }
  }

  /** Sends a test notification; the outcome (never a throw) is also kept in `lastTest`. */
  async sendTest(): Promise<TestOutcome> {
    if (this.testing) return this.lastTest ?? { ok: true };
    this.testing = true;
    this.lastTest = null;
    let outcome: TestOutcome;
    try {
      await api.sendTestNotification();
      outcome = { ok: true };
    } catch (e) {
      outcome = { ok: false, error: toIpcError(e) };
    } finally {
      this.testing = false;
    }
    this.lastTest = outcome;
    // The core also says `notificationsChanged`; reading now keeps the page right without it.
    void this.reload();
    return outcome;
  }

  /** Delivery failed or recovered in the core: reload while a page shows the status. */
  changed(): void {
    if (this.watchers > 0) void this.reload();
  }

  /**
   * A page showing the status mounted: load now, then follow changes until the returned stop. A
   * test's outcome belongs to the visit it was sent in.
   */
  watch(): () => void {
    this.watchers++;
    if (!this.testing) this.lastTest = null;
    void this.reload();
    return () => {
      this.watchers = Math.max(0, this.watchers - 1);
    };
  }
}

export const notifications = new NotificationsResource();

/** Subscribes to `notificationsChanged`; resolves to an unsubscribe function. Safe outside Tauri. */
export async function listenToNotificationEvents(): Promise<() => void> {
  const offs: Array<() => void> = [];
  try {
    offs.push(await events.notificationsChanged.listen(() => notifications.changed()));
  } catch {
    // Not running inside Tauri (e.g. a plain browser preview): no events to follow.
  }
  return () => offs.forEach((off) => off());
}
