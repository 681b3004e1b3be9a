import type { Logger } from '../log.js';
import type { ClockTimer } from '../util/clock.js';
import type { JobContext, JobOutcome, JobSpec, Lane } from './types.js';

/** Every outcome except `ok`; these carry no value, so one shape fits jobs of any result type. */
export type EndOutcome = Exclude<JobOutcome<unknown>, { status: 'ok' }>;

/** Hands the job's `ok` value to whoever enqueued it. */
export type Delivery = () => void;

/** The scheduler's record of one enqueued job, whatever its result type. */
export interface QueuedJob {
  readonly seq: number;
  readonly lane: Lane;
  readonly name: string;
  readonly id: string | undefined;
  readonly coalesceKey: string | undefined;
  readonly deadlineAt: number | undefined;
  readonly maxAttempts: number;
  readonly needsTv: boolean;
  readonly enqueuedAtMs: number;
  readonly log: Logger;
  /** Attempts started so far. */
  attempts: number;
  /** Clock time before which a retry must not start; 0 for a job that has not failed. */
  notBeforeMs: number;
  firstStartedAtMs: number | null;
  ranMs: number;
  lastError: unknown;
  deadlineTimer: ClockTimer | null;
  retryTimer: ClockTimer | null;
  ended: boolean;
  /** Runs one attempt; resolves with the delivery of the `ok` outcome, rejects with the job's error. */
  attempt(ctx: JobContext): Promise<Delivery>;
  settle(outcome: EndOutcome): void;
}

export interface QueuedJobOptions<T> {
  seq: number;
  spec: JobSpec<T>;
  nowMs: number;
  defaultMaxAttempts: number;
  log: Logger;
  resolve(outcome: JobOutcome<T>): void;
}

export function createQueuedJob<T>(options: QueuedJobOptions<T>): QueuedJob {
  const { spec, resolve } = options;

  return {
    seq: options.seq,
    lane: spec.lane,
    name: spec.name,
    id: spec.id,
    coalesceKey: spec.coalesceKey,
    deadlineAt: spec.deadlineAt,
    maxAttempts: Math.max(1, Math.floor(spec.maxAttempts ?? options.defaultMaxAttempts)),
    needsTv: spec.needsTv !== false,
    enqueuedAtMs: options.nowMs,
    log: options.log.child({ cmd_id: spec.id ?? null, lane: spec.lane }),
    attempts: 0,
    notBeforeMs: 0,
    firstStartedAtMs: null,
    ranMs: 0,
    lastError: undefined,
    deadlineTimer: null,
    retryTimer: null,
    ended: false,
    async attempt(ctx) {
      const value = await spec.run(ctx);

      return () => resolve({ status: 'ok', value });
    },
    settle(outcome) {
      resolve(outcome);
    },
  };
}
