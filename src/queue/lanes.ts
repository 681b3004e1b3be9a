import { LANES, type Lane } from './types.js';

/** Attempts before a transient failure becomes an `error` outcome, unless a job says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** First retry waits about this long; each further retry doubles it. */
export const RETRY_BASE_DELAY_MS = 500;

/** No retry waits longer than this, whatever the attempt. */
export const RETRY_MAX_DELAY_MS = 10_000;

/** Lanes from the one served first to the one served last. */
export const LANES_BY_PRIORITY: readonly Lane[] = LANES;

/**
 * Delay before retry number `attempt` (1 after the first failure): capped exponential with
 * "equal jitter", so retries of several jobs that failed together spread out while each one
 * still waits at least half the nominal delay.
 */
export function defaultRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const nominalMs = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** exponent);
  const halfMs = nominalMs / 2;

  return Math.round(halfMs + random() * halfMs);
}

/** A per-lane counter record with every lane at zero. */
export function emptyLaneCounts(): Record<Lane, number> {
  return { user: 0, sync: 0, background: 0 };
}
