/**
 * Time source for code whose behaviour depends on time (backoff, deadlines, lanes), so tests
 * can drive it with a fake. Times are milliseconds.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, delayMs: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

export type ClockTimer = { readonly id: unknown };

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, delayMs) {
    const handle = setTimeout(fn, delayMs);
    handle.unref?.();
    return { id: handle };
  },
  clearTimeout(timer) {
    clearTimeout(timer.id as NodeJS.Timeout);
  },
};
