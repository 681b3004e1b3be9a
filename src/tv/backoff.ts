export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
}

/**
 * Capped exponential backoff with full jitter: a uniform delay in
 * [0, min(maxMs, initialMs · 2^(failures - 1))]. Full jitter spreads reconnects of several
 * Docent instances (or TVs) so they do not arrive in step (frame-protocol.md §7 Q10).
 * `failures` is the number of failed attempts so far; 0 or 1 give the initial window.
 */
export function nextBackoffDelayMs(
  failures: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, failures - 1);
  // Cap the exponent so 2^n cannot overflow into Infinity on a TV that stays off for days.
  const windowMs = Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(exponent, 30));

  return Math.round(random() * windowMs);
}
