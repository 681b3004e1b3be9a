import { errorCode, errorMessage, isTransient } from '../errors.js';
import type { Logger } from '../log.js';
import { type Clock, systemClock } from '../util/clock.js';
import {
  DEFAULT_MAX_ATTEMPTS,
  defaultRetryDelayMs,
  emptyLaneCounts,
  LANES_BY_PRIORITY,
} from './lanes.js';
import { createQueuedJob, type Delivery, type EndOutcome, type QueuedJob } from './queued-job.js';
import type { JobEndInfo, JobOutcome, JobSpec, JobStatus, Lane } from './types.js';

export interface LaneSchedulerDeps {
  logger: Logger;
  /** Time source for deadlines, retry delays and timings. Default: the system clock. */
  clock?: Clock;
  /** Delay before retry `attempt` (1 after the first failure). Default: `defaultRetryDelayMs`. */
  retryDelayMs?: (attempt: number) => number;
  /** Attempts for jobs that do not set `maxAttempts`. Default 3. */
  defaultMaxAttempts?: number;
  /** Initial state of the TV gate. Default false: jobs that need the TV wait for `setTvReady(true)`. */
  tvReady?: boolean;
}

export interface SchedulerEvents {
  /** Queue depth or the running job changed. */
  change: [];
  /** A job ended; emitted exactly once per enqueued job. */
  job: [JobEndInfo];
}

type Listener<E extends keyof SchedulerEvents> = (...args: SchedulerEvents[E]) => void;
type ListenerSets = { [E in keyof SchedulerEvents]: Set<Listener<E>> };

type SchedulerState = 'open' | 'stopping' | 'stopped';

interface RunningJob {
  job: QueuedJob;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Runs opaque async jobs one at a time, highest lane first (`user` > `sync` > `background`),
 * FIFO within a lane. See docs/architecture.md rules 2-5: a queued user job waits at most for
 * the job already running; transient failures go back to the head of their lane with a
 * not-before time while other jobs are served; newer jobs with the same `coalesceKey`
 * supersede older ones that have not started; a job that cannot start by `deadlineAt` ends
 * `expired`. Every enqueued job ends in exactly one outcome, also across `stop()`.
 */
export class LaneScheduler {
  private state: SchedulerState = 'open';
  private readonly queues: Record<Lane, QueuedJob[]> = { user: [], sync: [], background: [] };
  private current: RunningJob | null = null;
  private tvReady: boolean;
  private nextSeq = 1;
  private stopPromise: Promise<void> | null = null;
  private readonly listeners: ListenerSets = { change: new Set(), job: new Set() };
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly retryDelayMs: (attempt: number) => number;
  private readonly defaultMaxAttempts: number;

  constructor(deps: LaneSchedulerDeps) {
    this.log = deps.logger.child({ component: 'queue' });
    this.clock = deps.clock ?? systemClock;
    this.retryDelayMs = deps.retryDelayMs ?? ((attempt) => defaultRetryDelayMs(attempt));
    this.defaultMaxAttempts = deps.defaultMaxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.tvReady = deps.tvReady ?? false;
  }

  /** Queues a job. Never rejects: the promise resolves with the job's one outcome. */
  enqueue<T>(spec: JobSpec<T>): Promise<JobOutcome<T>> {
    return new Promise<JobOutcome<T>>((resolve) => {
      const job = createQueuedJob({
        seq: this.nextSeq++,
        spec,
        nowMs: this.clock.now(),
        defaultMaxAttempts: this.defaultMaxAttempts,
        log: this.log,
        resolve,
      });
      this.admit(job);
    });
  }

  /** Opens or closes the TV gate. While closed, only jobs with `needsTv: false` start. */
  setTvReady(ready: boolean): void {
    if (ready === this.tvReady) return;

    this.tvReady = ready;
    this.log.debug({ tvReady: ready }, 'tv gate changed');
    this.pump();
  }

  /** Jobs queued (not running) per lane, including jobs waiting to be retried. */
  depth(): Record<Lane, number> {
    const counts = emptyLaneCounts();
    for (const lane of LANES_BY_PRIORITY) counts[lane] = this.queues[lane].length;

    return counts;
  }

  running(): { name: string; lane: Lane } | null {
    if (!this.current) return null;

    return { name: this.current.job.name, lane: this.current.job.lane };
  }

  on<E extends keyof SchedulerEvents>(event: E, listener: Listener<E>): () => void {
    const set: Set<Listener<E>> = this.listeners[event];
    set.add(listener);

    return () => {
      set.delete(listener);
    };
  }

  /**
   * Idempotent. Queued jobs end `cancelled`; the running job's signal is aborted and its
   * outcome awaited (it ends `ok` if it still completes, otherwise `cancelled`). Jobs
   * enqueued afterwards end `cancelled` at once.
   */
  stop(): Promise<void> {
    this.stopPromise ??= this.shutdown();

    return this.stopPromise;
  }

  private async shutdown(): Promise<void> {
    this.setState('stopping');
    for (const job of this.allQueued()) this.endWith(job, { status: 'cancelled' });

    const current = this.current;
    if (current) {
      current.abort.abort();
      await current.done;
    }

    this.setState('stopped');
  }

  private admit(job: QueuedJob): void {
    if (this.state !== 'open') {
      this.endWith(job, { status: 'cancelled' });
      return;
    }
    if (job.deadlineAt !== undefined && job.deadlineAt <= this.clock.now()) {
      this.endWith(job, { status: 'expired' });
      return;
    }

    this.supersedeOlder(job);
    this.queues[job.lane].push(job);
    this.armDeadline(job);
    job.log.debug({ job: job.name }, 'job queued');
    this.emit('change');

    this.pump();
  }

  private supersedeOlder(newer: QueuedJob): void {
    if (newer.coalesceKey === undefined) return;

    const older = this.allQueued().filter(
      (job) => job.coalesceKey === newer.coalesceKey && job.attempts === 0,
    );
    for (const job of older) this.endWith(job, { status: 'superseded', by: newer.id ?? null });
  }

  /** Starts the next eligible job if nothing runs. Called on every event that can unblock one. */
  private pump(): void {
    if (this.state !== 'open' || this.current) return;

    this.expireDue();
    const job = this.pickNext();
    if (job) this.start(job);
  }

  /**
   * Highest lane first. Within a lane the order is FIFO by enqueue: a job waiting for its
   * retry time blocks the jobs behind it. Jobs held only by the closed TV gate may be passed
   * by a later job of their lane that does not need the TV (e.g. Wake-on-LAN), which is what
   * reopens the gate.
   */
  private pickNext(): QueuedJob | null {
    const nowMs = this.clock.now();
    for (const lane of LANES_BY_PRIORITY) {
      for (const job of this.queues[lane]) {
        if (job.notBeforeMs > nowMs) break;
        if (job.needsTv && !this.tvReady) continue;

        return job;
      }
    }

    return null;
  }

  private start(job: QueuedJob): void {
    this.removeQueued(job);
    job.attempts += 1;
    job.firstStartedAtMs ??= this.clock.now();
    let markDone: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      markDone = resolve;
    });
    const running: RunningJob = { job, abort: new AbortController(), done };
    this.current = running;
    job.log.debug({ job: job.name, attempt: job.attempts }, 'job started');
    this.emit('change');

    // `done` exists before the job's code runs, so a stop() from inside the job still awaits it.
    void this.execute(running).finally(markDone);
  }

  private async execute({ job, abort }: RunningJob): Promise<void> {
    const startedAtMs = this.clock.now();
    let delivery: Delivery | null = null;
    let failure: unknown;
    try {
      delivery = await job.attempt({ attempt: job.attempts, lane: job.lane, signal: abort.signal });
    } catch (err) {
      failure = err;
    }

    job.ranMs += this.clock.now() - startedAtMs;
    this.current = null;
    if (delivery) this.finish(job, 'ok', delivery);
    else this.handleFailure(job, failure);
    this.emit('change');

    this.pump();
  }

  private handleFailure(job: QueuedJob, err: unknown): void {
    job.lastError = err;
    if (this.state !== 'open') {
      job.log.debug({ err, job: job.name }, 'job failed while stopping');
      this.endWith(job, { status: 'cancelled' });
      return;
    }
    if (!isTransient(err) || job.attempts >= job.maxAttempts) {
      this.endWith(job, errorOutcome(err));
      return;
    }

    const requestedMs = this.retryDelayMs(job.attempts);
    const delayMs = Number.isFinite(requestedMs) ? Math.max(0, requestedMs) : 0;
    const notBeforeMs = this.clock.now() + delayMs;
    // A retry that could only start after the deadline would run late, out of order (rule 5).
    if (job.deadlineAt !== undefined && notBeforeMs >= job.deadlineAt) {
      this.endWith(job, errorOutcome(err));
      return;
    }

    job.log.warn({ err, job: job.name, attempt: job.attempts, delayMs }, 'job retry scheduled');
    job.notBeforeMs = notBeforeMs;
    this.requeue(job);
    job.retryTimer = this.clock.setTimeout(() => {
      job.retryTimer = null;
      this.pump();
    }, delayMs);
  }

  /**
   * Puts a job back in its place by enqueue order. That is the head of its lane, since a job
   * only starts from the head, unless it passed jobs held by the TV gate: then it goes back
   * behind them, so passing never makes a job that was enqueued earlier wait for its retry.
   */
  private requeue(job: QueuedJob): void {
    const queue = this.queues[job.lane];
    const index = queue.findIndex((queued) => queued.seq > job.seq);
    queue.splice(index < 0 ? queue.length : index, 0, job);
  }

  private armDeadline(job: QueuedJob): void {
    if (job.deadlineAt === undefined) return;

    const delayMs = Math.max(0, job.deadlineAt - this.clock.now());
    job.deadlineTimer = this.clock.setTimeout(() => {
      job.deadlineTimer = null;
      this.onDeadline(job);
    }, delayMs);
  }

  /** The deadline governs starts only: a running job is left alone. */
  private onDeadline(job: QueuedJob): void {
    if (job.ended || this.current?.job === job) return;

    this.endAtDeadline(job);
    this.pump();
  }

  private expireDue(): void {
    const nowMs = this.clock.now();
    const due = this.allQueued().filter(
      (job) => job.deadlineAt !== undefined && job.deadlineAt <= nowMs,
    );
    for (const job of due) this.endAtDeadline(job);
  }

  /** A job that never started expired; one waiting for a retry ends with its last error. */
  private endAtDeadline(job: QueuedJob): void {
    this.endWith(job, job.attempts === 0 ? { status: 'expired' } : errorOutcome(job.lastError));
  }

  private endWith(job: QueuedJob, outcome: EndOutcome): void {
    this.finish(job, outcome.status, () => job.settle(outcome));
  }

  /** The one place a job ends: exactly once, whatever raced to end it. */
  private finish(job: QueuedJob, status: JobStatus, deliver: Delivery): void {
    if (job.ended) return;

    job.ended = true;
    this.clearTimers(job);
    const wasQueued = this.removeQueued(job);
    const nowMs = this.clock.now();
    const info: JobEndInfo = {
      name: job.name,
      lane: job.lane,
      ...(job.id === undefined ? {} : { id: job.id }),
      status,
      waitedMs: (job.firstStartedAtMs ?? nowMs) - job.enqueuedAtMs,
      ranMs: job.ranMs,
      attempts: job.attempts,
    };
    job.log.debug(
      {
        job: job.name,
        outcome: status,
        waitedMs: info.waitedMs,
        ranMs: info.ranMs,
        attempts: job.attempts,
      },
      'job ended',
    );
    deliver();
    this.emit('job', info);

    if (wasQueued) this.emit('change');
  }

  private clearTimers(job: QueuedJob): void {
    if (job.deadlineTimer) this.clock.clearTimeout(job.deadlineTimer);
    if (job.retryTimer) this.clock.clearTimeout(job.retryTimer);
    job.deadlineTimer = null;
    job.retryTimer = null;
  }

  private removeQueued(job: QueuedJob): boolean {
    const queue = this.queues[job.lane];
    const index = queue.indexOf(job);
    if (index < 0) return false;

    queue.splice(index, 1);

    return true;
  }

  private allQueued(): QueuedJob[] {
    return LANES_BY_PRIORITY.flatMap((lane) => this.queues[lane]);
  }

  private setState(state: SchedulerState): void {
    this.state = state;
    this.log.info({ state }, 'queue state changed');
  }

  private emit<E extends keyof SchedulerEvents>(event: E, ...args: SchedulerEvents[E]): void {
    const set: Set<Listener<E>> = this.listeners[event];
    for (const listener of set) {
      try {
        listener(...args);
      } catch (err) {
        // A broken listener (e.g. a publisher) must not break scheduling.
        this.log.error({ err, event }, 'queue listener threw');
      }
    }
  }
}

function errorOutcome(err: unknown): EndOutcome {
  return { status: 'error', code: errorCode(err), message: errorMessage(err) };
}
