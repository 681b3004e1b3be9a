import type { Logger } from '../log.js';
import type { Clock } from '../util/clock.js';
import { nextBackoffDelayMs } from './backoff.js';

/**
 * Counts failed connection attempts for the backoff and logs an outage the way style.md asks:
 * `warn` on the first failure, `debug` for repeats, `info` once on recovery with the attempt
 * count and the outage length.
 */
export class ReconnectTracker {
  private failedAttempts = 0;
  private outageStartedAt: number | null = null;
  private readyAt: number | null = null;

  constructor(
    private readonly backoff: { initialMs: number; maxMs: number; resetAfterMs: number },
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  noteFailure(reason: string): void {
    this.failedAttempts += 1;
    if (this.outageStartedAt === null) {
      this.outageStartedAt = this.clock.now();
      this.log.warn({ reason }, 'tv connection failed');
      return;
    }

    this.log.debug({ reason, attempts: this.failedAttempts }, 'tv connection failed again');
  }

  noteReady(): void {
    this.readyAt = this.clock.now();
    if (this.outageStartedAt === null) {
      return;
    }

    this.log.info(
      { attempts: this.failedAttempts, outageMs: this.clock.now() - this.outageStartedAt },
      'tv connection recovered',
    );
    this.outageStartedAt = null;
  }

  /** A connection that stayed ready for `resetAfterMs` starts the backoff from the beginning. */
  noteClosed(): void {
    const readyForMs = this.readyAt === null ? 0 : this.clock.now() - this.readyAt;
    this.readyAt = null;
    if (readyForMs >= this.backoff.resetAfterMs) {
      this.failedAttempts = 0;
    }
  }

  nextDelayMs(): number {
    const delayMs = nextBackoffDelayMs(this.failedAttempts, this.backoff);
    this.log.debug({ delayMs, attempts: this.failedAttempts }, 'tv reconnect scheduled');

    return delayMs;
  }
}
