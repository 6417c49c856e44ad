// Desktop notifications for the Settings page: whether a notification service answers, the last
// delivery failure (reloaded on `notificationsChanged` while the page shows it), and the "Send
// test notification" button's outcome.
import { api } from "./api";
import { toIpcError } from "./error";
import { Resource } from "./resource.svelte";
import type { IpcError, NotificationStatus } from "./types";

/** What the last test notification did: delivered, or the typed reason it was not. */
export type TestOutcome = { ok: true } | { ok: false; error: IpcError };

/** `error`: the status could not be read at all. */
class NotificationsResource extends Resource<NotificationStatus | null> {
  testing = $state(false);
  lastTest = $state<TestOutcome | null>(null);

  constructor() {
    super(null, { read: () => api.notificationStatus() });
  }

  get status(): NotificationStatus | null {
    return this.value;
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

  /** A test's outcome belongs to the visit it was sent in. */
  watch(): () => void {
    if (!this.testing) this.lastTest = null;
    return super.watch();
  }
}

export const notifications = new NotificationsResource();
