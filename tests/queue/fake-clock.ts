import type { Clock, ClockTimer } from '../../src/util/clock.js';

interface PendingTimer {
  readonly handle: ClockTimer;
  readonly atMs: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Lets every pending promise continuation run (setImmediate comes after the microtask queue). */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A deterministic Clock: time moves only through `step`, `advance` or `runAll`. Timers fire in
 * (time, creation) order, and promise continuations are flushed after each one, so async code
 * driven by the clock settles before the next timer fires.
 */
export class FakeClock implements Clock {
  private nowMs: number;
  private nextSeq = 1;
  private timers: PendingTimer[] = [];

  constructor(startMs = 1_000_000) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, delayMs: number): ClockTimer {
    const safeDelayMs = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
    const seq = this.nextSeq++;
    const handle: ClockTimer = { id: seq };
    this.timers.push({ handle, atMs: this.nowMs + safeDelayMs, seq, fn });

    return handle;
  }

  clearTimeout(timer: ClockTimer): void {
    this.timers = this.timers.filter((pending) => pending.handle !== timer);
  }

  pendingCount(): number {
    return this.timers.length;
  }

  /** When the earliest pending timer is due, or null when none is pending. */
  nextDueAtMs(): number | null {
    return this.earliest()?.atMs ?? null;
  }

  /** Resolves after `delayMs` of clock time; rejects with `signal.reason` when aborted first. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delayMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Fires the earliest timer (moving time to it) and flushes. False when none is pending. */
  async step(): Promise<boolean> {
    const next = this.earliest();
    if (!next) return false;

    this.timers = this.timers.filter((pending) => pending !== next);
    this.nowMs = Math.max(this.nowMs, next.atMs);
    next.fn();
    await flushPromises();

    return true;
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const targetMs = this.nowMs + ms;
    for (let next = this.earliest(); next && next.atMs <= targetMs; next = this.earliest()) {
      await this.step();
    }
    this.nowMs = targetMs;
    await flushPromises();
  }

  /** Moves time forward without firing timers, as a busy event loop makes real timers late. */
  jump(ms: number): void {
    this.nowMs += ms;
  }

  /** Fires timers until none is left. Throws if they keep re-arming (a busy loop). */
  async runAll(maxSteps = 10_000): Promise<void> {
    await flushPromises();
    for (let steps = 0; await this.step(); steps++) {
      if (steps >= maxSteps) throw new Error('timers still pending after runAll maxSteps');
    }
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const pending of this.timers) {
      if (
        !best ||
        pending.atMs < best.atMs ||
        (pending.atMs === best.atMs && pending.seq < best.seq)
      ) {
        best = pending;
      }
    }

    return best;
  }
}
