import type { Clock, ClockTimer } from '../util/clock.js';

/**
 * Longer waits are taken in steps: Node fires a timer over 2^31-1 ms at once (a monthly budget
 * can renew more than 24.8 days away).
 */
export const MAX_TIMER_STEP_MS = 6 * 60 * 60_000;

/**
 * Work to run again later (a description given up for now, a catalogue run stopped by the
 * budget), keyed so each piece waits once: deferring a key again moves it. One clock timer
 * for the earliest, never one per key.
 */
export class DeferredWork {
  private readonly due = new Map<string, { atMs: number; run: () => void }>();
  private timer: ClockTimer | null = null;
  private stopped = false;

  constructor(private readonly deps: { clock: Clock }) {}

  get size(): number {
    return this.due.size;
  }

  /** Runs `run` at clock time `atMs` (or soon after), unless cancelled or deferred again. */
  defer(key: string, atMs: number, run: () => void): void {
    if (this.stopped) return;
    this.due.set(key, { atMs, run });
    this.arm();
  }

  cancel(key: string): void {
    if (!this.due.delete(key)) return;
    this.arm();
  }

  has(key: string): boolean {
    return this.due.has(key);
  }

  stop(): void {
    this.stopped = true;
    this.due.clear();
    this.clearTimer();
  }

  private fire(): void {
    this.timer = null;
    const nowMs = this.deps.clock.now();
    const ready = [...this.due].filter(([, entry]) => entry.atMs <= nowMs);
    for (const [key] of ready) this.due.delete(key);
    this.arm();
    for (const [, entry] of ready) entry.run();
  }

  private arm(): void {
    this.clearTimer();
    if (this.stopped || this.due.size === 0) return;

    let earliestMs = Number.POSITIVE_INFINITY;
    for (const entry of this.due.values()) earliestMs = Math.min(earliestMs, entry.atMs);
    const delayMs = Math.min(MAX_TIMER_STEP_MS, Math.max(0, earliestMs - this.deps.clock.now()));
    this.timer = this.deps.clock.setTimeout(() => this.fire(), delayMs);
  }

  private clearTimer(): void {
    if (this.timer === null) return;
    this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
