import { describe, expect, it } from "vitest";
import { DEFAULT_MONITOR, monitorChanged, monitorForm, parseMonitor, parsePercent, percentText, sameMonitor } from "./monitor";

describe("uptime target: basis points and percent", () => {
  it("shows basis points as a percentage without trailing zeros", () => {
    expect(percentText(9990)).toBe("99.9");
    expect(percentText(9995)).toBe("99.95");
    expect(percentText(10000)).toBe("100");
    expect(percentText(9000)).toBe("90");
    expect(percentText(9901)).toBe("99.01");
  });

  it("reads a typed percentage with up to two decimals", () => {
    expect(parsePercent("99.9")).toBe(9990);
    expect(parsePercent(" 99.95 ")).toBe(9995);
    expect(parsePercent("99,5")).toBe(9950);
    expect(parsePercent("99.9 %")).toBe(9990);
    expect(parsePercent("99.9%")).toBe(9990);
    expect(parsePercent("100")).toBe(10000);
    expect(parsePercent("90.05")).toBe(9005);
    expect(parsePercent("150")).toBe(15000);
    expect(parsePercent("")).toBeNull();
    expect(parsePercent("  ")).toBeNull();
  });

  it("refuses more than two decimals and anything that is not a percentage", () => {
    for (const bad of ["99.999", "-99", "abc", "1e2", "99.", ".5", "1000", "9 9"]) expect(parsePercent(bad), bad).toBeNaN();
  });

  it("round-trips every basis point value it shows", () => {
    for (const bp of [9000, 9001, 9050, 9099, 9900, 9990, 9999, 10000]) expect(parsePercent(percentText(bp))).toBe(bp);
  });
});

describe("monitor form", () => {
  it("fills the form from the saved settings", () => {
    expect(monitorForm(DEFAULT_MONITOR)).toEqual({ interval: "30", sla: "99.9", required: false, deepProbe: false });
    expect(monitorForm({ probeIntervalS: 120, slaTargetBp: 9950, required: true, deepProbe: true })).toEqual({ interval: "120", sla: "99.5", required: true, deepProbe: true });
  });

  it("sends whole seconds and basis points, with the defaults for empty fields", () => {
    expect(parseMonitor({ interval: " 60 ", sla: "99.95", required: true })).toEqual({ ok: true, monitor: { probeIntervalS: 60, slaTargetBp: 9995, required: true, deepProbe: false } });
    expect(parseMonitor({ interval: "", sla: "", required: false })).toEqual({ ok: true, monitor: DEFAULT_MONITOR });
  });

  it("says which field is not a number, and leaves ranges to the core", () => {
    expect(parseMonitor({ interval: "1.5", sla: "99", required: false })).toMatchObject({ ok: false, field: "interval", message: expect.stringMatching(/whole number/) });
    expect(parseMonitor({ interval: "30", sla: "99.999", required: false })).toMatchObject({ ok: false, field: "sla", message: expect.stringMatching(/two decimals/) });
    expect(parseMonitor({ interval: "5", sla: "150", required: false })).toEqual({ ok: true, monitor: { probeIntervalS: 5, slaTargetBp: 15000, required: false, deepProbe: false } });
  });

  it("knows when nothing changed", () => {
    const saved = { probeIntervalS: 30, slaTargetBp: 9990, required: false, deepProbe: false };
    expect(monitorChanged({ interval: "30", sla: "99.90", required: false }, saved)).toBe(false);
    expect(monitorChanged({ interval: "30", sla: "99.9 %", required: false }, saved)).toBe(false);
    expect(monitorChanged({ interval: "30", sla: "99.9", required: true }, saved)).toBe(true);
    expect(monitorChanged({ interval: "31", sla: "99.9", required: false }, saved)).toBe(true);
    expect(monitorChanged({ interval: "30", sla: "lots", required: false }, saved)).toBe(true);
    expect(sameMonitor(saved, { ...saved })).toBe(true);
  });
});
