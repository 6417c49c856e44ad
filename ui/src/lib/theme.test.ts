import { afterEach, describe, expect, it, vi } from "vitest";
import { applyTheme } from "./theme";

/** A stand-in for the OS preference: `matches` and the listeners `applyTheme` registers. */
function osPreference(dark: boolean) {
  const listeners = new Set<() => void>();
  const media = {
    matches: dark,
    addEventListener: (_: string, f: () => void) => listeners.add(f),
    removeEventListener: (_: string, f: () => void) => listeners.delete(f),
  };
  vi.stubGlobal("matchMedia", () => media);
  return {
    listeners,
    switchTo(next: boolean) {
      media.matches = next;
      listeners.forEach((f) => f());
    },
  };
}

const root = () => ({ dataset: {} as DOMStringMap }) as HTMLElement;

describe("applyTheme", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("pins light or dark whatever the OS says", () => {
    const os = osPreference(true);
    const el = root();
    applyTheme("light", el);
    expect(el.dataset.theme).toBe("light");
    os.switchTo(false);
    applyTheme("dark", el);
    expect(el.dataset.theme).toBe("dark");
    expect(os.listeners.size).toBe(0);
  });

  it("follows the OS while the choice is System, and stops following when told", () => {
    const os = osPreference(false);
    const el = root();
    const stop = applyTheme("system", el);
    expect(el.dataset.theme).toBe("light");
    os.switchTo(true);
    expect(el.dataset.theme).toBe("dark");
    stop();
    os.switchTo(false);
    expect(el.dataset.theme).toBe("dark");
    expect(os.listeners.size).toBe(0);
  });
});
