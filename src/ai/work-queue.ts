import type { Clock, ClockTimer } from '../util/clock.js';

export type AiPriority = 'now' | 'background';

/** One unit of work; `run` is started when a slot and a rate token are free. */
export interface WorkItem {
  priority: AiPriority;
  /** Not started before this clock time (a retry's backoff). */
  notBeforeMs: number;
  run(): Promise<void>;
}

interface QueuedItem {
  readonly item: WorkItem;
  readonly seq: number;
}

/**
 * Runs AI requests with a concurrency limit and a requests-per-minute token bucket, 'now'
 * items before 'background' ones and first-come within a priority. Waiting (for a rate token,
 * a retry's backoff or a pause after HTTP 429) is one clock timer, never a held slot, so a
 * retry never keeps other work from starting (architecture rule 3).
 */
export class WorkQueue {
  private readonly concurrency: number;
  private readonly refillIntervalMs: number;
  private readonly capacity: number;
  private readonly clock: Clock;
  private readonly queued: QueuedItem[] = [];
  private nextSeq = 1;
  private running = 0;
  private tokens: number;
  private refilledAtMs: number;
  private pausedUntilMs = 0;
  private wakeTimer: ClockTimer | null = null;
  private closed = false;

  constructor(options: { concurrency: number; requestsPerMinute: number }, deps: { clock: Clock }) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency));
    this.refillIntervalMs = 60_000 / Math.max(options.requestsPerMinute, 0.001);
    // A burst as large as the concurrency: parallel slots can start together after a lull.
    this.capacity = this.concurrency;
    this.tokens = this.capacity;
    this.clock = deps.clock;
    this.refilledAtMs = deps.clock.now();
  }

  get size(): number {
    return this.queued.length;
  }

  get active(): number {
    return this.running;
  }

  push(item: WorkItem): void {
    if (this.closed) return;
    this.queued.push({ item, seq: this.nextSeq++ });
    this.pump();
  }

  /** Moves a queued item ahead of background work (a caller now waits for it). */
  promote(item: WorkItem): void {
    if (item.priority === 'now') return;
    item.priority = 'now';
    this.pump();
  }

  /** No item starts before `untilMs` (the API asked us to slow down). */
  pauseUntil(untilMs: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, untilMs);
    this.pump();
  }

  /** Removes and returns every item not yet started. */
  drain(): WorkItem[] {
    const items = this.queued.splice(0).map((queued) => queued.item);
    this.clearWake();

    return items;
  }

  /** Drains and refuses further items; items already running finish on their own. */
  close(): WorkItem[] {
    this.closed = true;

    return this.drain();
  }

  private pump(): void {
    if (this.closed) return;
    this.clearWake();

    while (this.running < this.concurrency && this.queued.length > 0) {
      const nowMs = this.clock.now();
      const next = this.pickReady(nowMs);
      if (next === null) {
        this.wakeAt(this.earliestStartMs(nowMs));
        return;
      }

      this.refill(nowMs);
      if (this.tokens < 1) {
        this.wakeAt(nowMs + (1 - this.tokens) * this.refillIntervalMs);
        return;
      }

      this.tokens -= 1;
      this.queued.splice(this.queued.indexOf(next), 1);
      this.start(next.item);
    }
  }

  private start(item: WorkItem): void {
    this.running += 1;
    const settle = (): void => {
      this.running -= 1;
      this.pump();
    };
    item.run().then(settle, settle);
  }

  /** The first item allowed to start now: 'now' items first, then by arrival. */
  private pickReady(nowMs: number): QueuedItem | null {
    if (nowMs < this.pausedUntilMs) return null;

    let best: QueuedItem | null = null;
    for (const queued of this.queued) {
      if (queued.item.notBeforeMs > nowMs) continue;
      if (best === null || rank(queued) < rank(best)) best = queued;
    }

    return best;
  }

  private earliestStartMs(nowMs: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const queued of this.queued) earliest = Math.min(earliest, queued.item.notBeforeMs);

    return Math.max(earliest, this.pausedUntilMs, nowMs);
  }

  private refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - this.refilledAtMs);
    this.tokens = Math.min(this.capacity, this.tokens + elapsedMs / this.refillIntervalMs);
    this.refilledAtMs = nowMs;
  }

  private wakeAt(atMs: number): void {
    if (!Number.isFinite(atMs)) return;
    const delayMs = Math.max(0, Math.ceil(atMs - this.clock.now()));
    this.wakeTimer = this.clock.setTimeout(() => {
      this.wakeTimer = null;
      this.pump();
    }, delayMs);
  }

  private clearWake(): void {
    if (this.wakeTimer === null) return;
    this.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
  }
}

function rank(queued: QueuedItem): number {
  return (queued.item.priority === 'now' ? 0 : Number.MAX_SAFE_INTEGER / 2) + queued.seq;
}
