import { beforeEach, describe, expect, it, vi } from "vitest";
import type { NotificationStatus } from "./types";

const notificationStatus = vi.fn<() => Promise<NotificationStatus>>();
const sendTestNotification = vi.fn<() => Promise<null>>();

vi.mock("../bindings", () => ({ events: {} }));
vi.mock("./api", () => ({
  api: { notificationStatus: () => notificationStatus(), sendTestNotification: () => sendTestNotification() },
}));

const { notifications } = await import("./notifications.svelte");
const { IpcFailure } = await import("./error");

const ok: NotificationStatus = { server: "dunst 1.9.0", problem: null, lastFailure: null };
const failure = { at: "2025-11-21T12:00:00Z", message: "No notification service answers on the session bus.", hint: "Start a notification daemon (dunst, mako …)." };

describe("notifications", () => {
  beforeEach(() => {
    notificationStatus.mockReset();
    sendTestNotification.mockReset();
    notificationStatus.mockResolvedValue(ok);
  });

  it("keeps the test's success and reloads the status", async () => {
    sendTestNotification.mockResolvedValueOnce(null);
    await expect(notifications.sendTest()).resolves.toEqual({ ok: true });
    expect(notifications.lastTest).toEqual({ ok: true });
    expect(notifications.testing).toBe(false);
    await vi.waitFor(() => expect(notifications.status).toEqual(ok));
  });

  it("keeps the typed reason a test failed, hint included, without throwing", async () => {
    const error = { kind: "notificationsUnavailable" as const, message: failure.message, hint: failure.hint, issues: [] };
    sendTestNotification.mockRejectedValueOnce(new IpcFailure(error));
    notificationStatus.mockResolvedValueOnce({ server: null, problem: failure, lastFailure: failure });
    await expect(notifications.sendTest()).resolves.toEqual({ ok: false, error });
    expect(notifications.lastTest).toEqual({ ok: false, error });
    await vi.waitFor(() => expect(notifications.status?.lastFailure).toEqual(failure));
  });

  it("reloads on notificationsChanged only while Settings shows the status, forgetting the last test", async () => {
    sendTestNotification.mockResolvedValueOnce(null);
    await notifications.sendTest();
    notificationStatus.mockClear();
    notifications.changed();
    expect(notificationStatus).not.toHaveBeenCalled();
    const stop = notifications.watch();
    expect(notifications.lastTest).toBeNull();
    notifications.changed();
    expect(notificationStatus).toHaveBeenCalledTimes(2);
    stop();
    notifications.changed();
    expect(notificationStatus).toHaveBeenCalledTimes(2);
  });
});
