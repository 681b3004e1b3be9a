import type { ArtworkDescription } from './schema.js';
import type { AiPriority, WorkItem } from './work-queue.js';

export type DescribeErrorCode =
  | 'AI_AUTH'
  | 'AI_RATE_LIMITED'
  | 'AI_BAD_OUTPUT'
  | 'AI_BUDGET'
  | 'AI_UNAVAILABLE'
  | 'AI_STOPPED'
  | 'AI_BAD_INPUT';

export type DescribeResult =
  | { status: 'ok'; description: ArtworkDescription; cached: boolean }
  | {
      status: 'error';
      code: DescribeErrorCode;
      message: string;
      /**
       * Set when asking again later can succeed (budget renewed, service back): the clock time
       * from which it is worth it. Absent when it cannot (bad key, bad image, bad output).
       */
      retryAtMs?: number;
    };

/** One image waiting for (or being given) a description; every job ends in one result. */
export interface Job {
  readonly key: string;
  readonly contentId: string;
  readonly image: Buffer;
  readonly imageSha256: string;
  readonly mimeType: string;
  readonly item: WorkItem;
  readonly promise: Promise<DescribeResult>;
  resolve(result: DescribeResult): void;
  /** Requests sent so far. */
  attempts: number;
}

export interface JobInput {
  contentId: string;
  image: Buffer;
  imageSha256: string;
  mimeType: string;
  priority: AiPriority;
}

const FIRST_RETRY_DELAY_MS = 2_000;
const BACKOFF_CAP_MS = 60_000;
/** A retry-after longer than this is cut: a describe should not wait hours for its answer. */
const MAX_RETRY_DELAY_MS = 300_000;
/** After the last attempt failed, the work is worth trying again this much later (±20 %). */
const GIVE_UP_RETRY_DELAY_MS = 15 * 60_000;

/** A job whose work item calls `run(job)` when the queue starts it. */
export function createJob(input: JobInput, run: (job: Job) => Promise<void>): Job {
  let resolve: (result: DescribeResult) => void = () => {};
  const promise = new Promise<DescribeResult>((done) => {
    resolve = done;
  });
  const job: Job = {
    key: jobKey(input.contentId, input.imageSha256),
    contentId: input.contentId,
    image: input.image,
    imageSha256: input.imageSha256,
    mimeType: input.mimeType,
    promise,
    resolve: (result) => resolve(result),
    attempts: 0,
    item: { priority: input.priority, notBeforeMs: 0, run: () => run(job) },
  };

  return job;
}

export function jobKey(contentId: string, imageSha256: string): string {
  return `${contentId}\u0000${imageSha256}`;
}

export function failure(
  code: DescribeErrorCode,
  message: string,
  retryAtMs?: number,
): DescribeResult {
  return retryAtMs === undefined
    ? { status: 'error', code, message }
    : { status: 'error', code, message, retryAtMs };
}

/** When work given up after 429/5xx is worth another round: 15 min on, with ±20 % jitter. */
export function giveUpRetryAtMs(nowMs: number, random: () => number): number {
  return nowMs + Math.round(GIVE_UP_RETRY_DELAY_MS * (0.8 + 0.4 * random()));
}

/**
 * The wait before the next attempt: the server's own `retry-after` when given, else
 * exponential backoff from 2 s (capped at 60 s) with ±20 % jitter; `random` is in [0, 1).
 */
export function retryDelayMs(
  attempts: number,
  retryAfterMs: number | null,
  random: () => number,
): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, MAX_RETRY_DELAY_MS);
  const baseMs = Math.min(FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_CAP_MS);

  return Math.round(baseMs * (0.8 + 0.4 * random()));
}

/** Where requests go, for a log line: scheme, host and path only, never credentials. */
export function endpointForLog(baseUrl: string | undefined): string {
  if (baseUrl === undefined) return 'https://api.openai.com/v1';
  try {
    const url = new URL(baseUrl);

    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return 'invalid url';
  }
}
