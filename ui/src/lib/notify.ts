// Pure helpers for the notification status on the Settings page.
import type { IpcError, NotificationProblem } from "../ipc/types";

/**
 * The message to show next to its hint: the core's text often already ends with the hint, which
 * is then dropped here (it is shown on its own line); the first letter is capitalised.
 */
export function messageWithoutHint(message: string, hint: string | null | undefined): string {
  let m = message.trim();
  const h = hint?.trim() ?? "";
  if (h && m.length > h.length && m.endsWith(h)) m = m.slice(0, -h.length).trimEnd();
  return m.charAt(0).toUpperCase() + m.slice(1);
}

/** Whether the last delivery failure is the one a test just reported (then it is shown once). */
export function sameFailure(last: Pick<NotificationProblem, "message">, test: Pick<IpcError, "message"> | null | undefined): boolean {
  return test != null && last.message.trim() === test.message.trim();
}
