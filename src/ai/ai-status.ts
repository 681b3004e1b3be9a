import { EventEmitter } from 'node:events';
import type { Logger } from '../log.js';
import type { Clock, ClockTimer } from '../util/clock.js';
import { MAX_TIMER_STEP_MS } from './deferred-work.js';
import type { AiStatus } from './usage-view.js';

interface StatusEvents {
  /** The status or the last error changed. */
  change: [];
}

/**
 * The health of one describer's AI service, as one status field changed only through
 * `setStatus` (which logs the transition), plus the last error text. `budget_exhausted` holds
 * until a clock time (the budget's or the account's rollover), then clears by itself;
 * `auth_failed` holds until Docent is reconfigured; `rate_limited` and `unavailable` clear on
 * the next reply from the service.
 */
export class AiStatusTracker extends EventEmitter<StatusEvents> {
  private status: AiStatus = 'ok';
  private lastError: string | null = null;
  private degradedSinceMs = 0;
  private failures = 0;
  private blockedUntilMs: number | null = null;
  private unblockTimer: ClockTimer | null = null;

  constructor(private readonly deps: { clock: Clock; logger: Logger }) {
    super();
  }

  get current(): AiStatus {
    return this.status;
  }

  get error(): string | null {
    return this.lastError;
  }

  /** While the budget or the account quota is used up: the clock time it renews, else null. */
  blockedUntil(): number | null {
    if (this.blockedUntilMs === null || this.deps.clock.now() >= this.blockedUntilMs) return null;

    return this.blockedUntilMs;
  }

  /** The service answered (any HTTP 2xx): a rate limit or an outage is over. */
  answered(): void {
    if (this.status !== 'rate_limited' && this.status !== 'unavailable') return;

    this.deps.logger.info(
      { failures: this.failures, outageMs: this.deps.clock.now() - this.degradedSinceMs },
      'ai service recovered',
    );
    this.setStatus('ok', this.lastError);
  }

  /** A description was made: nothing is wrong any more. */
  described(): void {
    this.answered();
    this.setStatus(this.status, null);
  }

  /** A 429 or a server/connection failure; warned once per outage, then debug. */
  failed(next: 'rate_limited' | 'unavailable', message: string): void {
    if (this.isBlocked()) return;

    if (this.status === 'ok') {
      this.degradedSinceMs = this.deps.clock.now();
      this.failures = 0;
      this.deps.logger.warn({ status: next, reason: message }, 'ai service degraded');
    } else {
      this.deps.logger.debug({ status: next, reason: message }, 'ai service still degraded');
    }
    this.failures += 1;
    this.setStatus(next, message);
  }

  /** A failure that concerns one image only (bad output, a refused request). */
  imageFailed(message: string): void {
    this.setStatus(this.status, message);
  }

  /**
   * The token budget or the account quota is used up until `untilMs`. Returns true when this
   * is news (the caller warns once), false while it was already known (the caller logs debug).
   */
  budgetExhausted(message: string, untilMs: number): boolean {
    if (this.status === 'auth_failed') return false;
    const news = this.status !== 'budget_exhausted';

    this.blockedUntilMs = Math.max(this.blockedUntilMs ?? 0, untilMs);
    this.armUnblock(this.blockedUntilMs);
    this.setStatus('budget_exhausted', message);

    return news;
  }

  authFailed(message: string): void {
    this.clearUnblock();
    this.blockedUntilMs = null;
    this.setStatus('auth_failed', message);
  }

  stop(): void {
    this.clearUnblock();
  }

  private isBlocked(): boolean {
    return this.status === 'auth_failed' || this.status === 'budget_exhausted';
  }

  private armUnblock(atMs: number): void {
    this.clearUnblock();
    const delayMs = Math.min(MAX_TIMER_STEP_MS, Math.max(0, atMs - this.deps.clock.now()));
    this.unblockTimer = this.deps.clock.setTimeout(() => {
      this.unblockTimer = null;
      if (this.deps.clock.now() < atMs) {
        this.armUnblock(atMs);
        return;
      }
      this.blockedUntilMs = null;
      if (this.status !== 'budget_exhausted') return;
      this.deps.logger.info('ai token budget renewed');
      this.setStatus('ok', null);
    }, delayMs);
  }

  private clearUnblock(): void {
    if (this.unblockTimer === null) return;
    this.deps.clock.clearTimeout(this.unblockTimer);
    this.unblockTimer = null;
  }

  private setStatus(next: AiStatus, lastError: string | null): void {
    if (next === this.status && lastError === this.lastError) return;
    if (next !== this.status) {
      this.deps.logger.info({ from: this.status, to: next }, 'ai status changed');
    }
    this.status = next;
    this.lastError = lastError;
    this.emit('change');
  }
}
