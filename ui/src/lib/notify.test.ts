import { describe, expect, it } from "vitest";
import { messageWithoutHint, sameFailure } from "./notify";

const HINT = "No D-Bus session bus: start Switchyard from a desktop session (DBUS_SESSION_BUS_ADDRESS is unset or points nowhere)";

describe("notification messages", () => {
  it("drops a trailing copy of the hint and starts with a capital", () => {
    expect(messageWithoutHint(`desktop notifications are unavailable (cannot connect to the session bus). ${HINT}`, HINT)).toBe(
      "Desktop notifications are unavailable (cannot connect to the session bus).",
    );
  });

  it("keeps a message that does not end with its hint, or is nothing but the hint", () => {
    expect(messageWithoutHint("the notification service refused it", "Check the settings.")).toBe("The notification service refused it");
    expect(messageWithoutHint(HINT, HINT)).toBe(HINT);
    expect(messageWithoutHint(" no service ", null)).toBe("No service");
  });

  it("knows when the last failure is the one a test just reported", () => {
    expect(sameFailure({ message: "no service" }, { message: "no service " })).toBe(true);
    expect(sameFailure({ message: "no service" }, { message: "timed out" })).toBe(false);
    expect(sameFailure({ message: "no service" }, null)).toBe(false);
  });
});
