// Rate-limits a side effect such as a reload triggered by a burst of events.

export type Throttled = (() => void) & { cancel: () => void };

/**
 * Runs `fn` at most once per `ms`. The first call runs at once; calls during the pause fold into
 * a single run at its end, so the last change is never missed.
 */
export function throttle(fn: () => void, ms: number): Throttled {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending = false;

  const pause = () => {
    timer = setTimeout(() => {
      timer = undefined;
      if (!pending) return;
      pending = false;
      fn();
      pause();
    }, ms);
  };

  const run = () => {
    if (timer !== undefined) {
      pending = true;
      return;
    }
    fn();
    pause();
  };

  return Object.assign(run, {
    cancel: () => {
      clearTimeout(timer);
      timer = undefined;
      pending = false;
    },
  });
}
