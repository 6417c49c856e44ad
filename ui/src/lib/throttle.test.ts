import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { throttle } from "./throttle";

describe("throttle", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs the first call at once and folds a burst into one trailing run", () => {
    const fn = vi.fn();
    const t = throttle(fn, 500);
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 20; i++) t();
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(500);
    expect(fn).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(2000);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("never runs more than twice a second under a steady stream", () => {
    const fn = vi.fn();
    const t = throttle(fn, 500);
    for (let ms = 0; ms < 3000; ms += 50) {
      t();
      vi.advanceTimersByTime(50);
    }
    expect(fn.mock.calls.length).toBeLessThanOrEqual(7);
    expect(fn.mock.calls.length).toBeGreaterThanOrEqual(5);
  });

  it("drops a pending run when cancelled", () => {
    const fn = vi.fn();
    const t = throttle(fn, 500);
    t();
    t();
    t.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(1);
    t();
    expect(fn).toHaveBeenCalledTimes(2);
  });
});
