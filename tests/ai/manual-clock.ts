import type { Clock, ClockTimer } from '../../src/util/clock.js';

interface Pending {
  readonly handle: ClockTimer;
  readonly atMs: number;
  readonly fn: () => void;
}

/** A Clock that moves only when a test advances it; due timers fire in time order. */
export class ManualClock implements Clock {
  private nowMs: number;
  private nextId = 1;
  private pending: Pending[] = [];

  constructor(startMs: number) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, delayMs: number): ClockTimer {
    const handle: ClockTimer = { id: this.nextId++ };
    this.pending.push({ handle, atMs: this.nowMs + Math.max(0, delayMs), fn });

    return handle;
  }

  clearTimeout(timer: ClockTimer): void {
    this.pending = this.pending.filter((entry) => entry.handle !== timer);
  }

  get timerCount(): number {
    return this.pending.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const targetMs = this.nowMs + ms;
    for (;;) {
      const due = this.pending
        .filter((entry) => entry.atMs <= targetMs)
        .sort((a, b) => a.atMs - b.atMs)[0];
      if (!due) break;
      this.pending = this.pending.filter((entry) => entry !== due);
      this.nowMs = Math.max(this.nowMs, due.atMs);
      due.fn();
    }
    this.nowMs = targetMs;
  }
}
