/** Lanes in priority order: a queued `user` job always starts before `sync`, `sync` before `background`. */
export const LANES = ['user', 'sync', 'background'] as const;
export type Lane = (typeof LANES)[number];

/** How a job ended. Every job that enters the scheduler ends in exactly one of these. */
export type JobOutcome<T> =
  | { status: 'ok'; value: T }
  | { status: 'error'; code: string; message: string }
  | { status: 'superseded'; by: string | null }
  | { status: 'expired' }
  | { status: 'cancelled' };

export interface JobContext {
  /** 1 on the first try. */
  attempt: number;
  lane: Lane;
  /** Aborted when the scheduler stops while the job runs. */
  signal: AbortSignal;
}

export interface JobSpec<T> {
  lane: Lane;
  /** Short constant name for logs and metrics, e.g. `select`, `thumbnails`. */
  name: string;
  /** The command id when the job comes from an MQTT command. */
  id?: string;
  /**
   * A newer job with the same key supersedes an older one that has not started yet
   * (the older one ends `superseded`). E.g. `select`, `matte`, `brightness`.
   */
  coalesceKey?: string;
  /** Clock time (ms) by which the job must have started, or it ends `expired`. */
  deadlineAt?: number;
  /** Attempts before a transient failure becomes an `error` outcome. Default 3. */
  maxAttempts?: number;
  /**
   * False for jobs that do not need the TV's art channel (e.g. Wake-on-LAN); they may start
   * while the scheduler's TV gate is closed. Default true.
   */
  needsTv?: boolean;
  run(ctx: JobContext): Promise<T>;
}

export type JobStatus = JobOutcome<unknown>['status'];

/** What the scheduler reports once per job when it ends (the `job` event). */
export interface JobEndInfo {
  name: string;
  lane: Lane;
  id?: string;
  status: JobStatus;
  /** From enqueue to the first start, or to the end when the job never started. */
  waitedMs: number;
  /** Time spent running, summed over attempts. */
  ranMs: number;
  /** Attempts started; 0 when the job never ran. */
  attempts: number;
}
