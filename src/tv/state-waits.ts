import type { Clock } from '../util/clock.js';
import type { ConnectionState } from './types.js';

/** What the waits below need from FrameConnection. */
export interface StateSource {
  readonly state: ConnectionState;
  on(event: 'state', listener: (state: ConnectionState) => void): unknown;
  off(event: 'state', listener: (state: ConnectionState) => void): unknown;
}

/** The next change into `ready` (not the current state), or false after `timeoutMs`. */
export function nextReady(
  source: StateSource,
  clock: Clock,
  timeoutMs: number,
): { reached: Promise<boolean>; cancel(): void } {
  let finish: (reached: boolean) => void = () => {};
  const reached = new Promise<boolean>((resolve) => {
    const timer = clock.setTimeout(() => finish(false), timeoutMs);
    const listener = (next: ConnectionState): void => {
      if (next === 'ready') finish(true);
    };
    finish = (result) => {
      clock.clearTimeout(timer);
      source.off('state', listener);
      resolve(result);
    };
    source.on('state', listener);
  });

  return { reached, cancel: () => finish(false) };
}

/**
 * The state the next (or current) connection attempt ends in: anything but `connecting` or
 * `pairing`, reached after passing through one of them. Gives the state as it is after
 * `timeoutMs` at the latest.
 */
export function nextSettledState(
  source: StateSource,
  clock: Clock,
  timeoutMs: number,
): Promise<ConnectionState> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => finish(), timeoutMs);
    // An attempt already under way counts: its end is what the caller waits for.
    let left = source.state === 'connecting' || source.state === 'pairing';
    const listener = (next: ConnectionState): void => {
      if (next === 'connecting' || next === 'pairing') {
        left = true;
        return;
      }
      if (left) finish();
    };
    const finish = (): void => {
      clock.clearTimeout(timer);
      source.off('state', listener);
      resolve(source.state);
    };
    source.on('state', listener);
  });
}

/**
 * Resolves after `delayMs` (null: never by itself) or when the waker handed to `onWaker` is
 * called, whichever comes first; the waker is reset to null once the wait ends.
 */
export function wakeableDelay(
  clock: Clock,
  delayMs: number | null,
  onWaker: (wake: (() => void) | null) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const timer = delayMs === null ? null : clock.setTimeout(() => done(), delayMs);
    const done = (): void => {
      if (timer) clock.clearTimeout(timer);
      onWaker(null);
      resolve();
    };
    onWaker(done);
  });
}
