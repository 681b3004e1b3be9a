import type { Logger } from '../log.js';
import type { Clock } from '../util/clock.js';
import type { AiStatusTracker } from './ai-status.js';
import { type DescribeResult, failure } from './describe-job.js';
import { nextUtcDayMs, type Reservation, type UsageBudget } from './usage-budget.js';

export type Claim =
  | { kind: 'ok'; reservation: Reservation }
  /** Only requests in flight are in the way: look again in `delayMs`. */
  | { kind: 'wait'; delayMs: number }
  /** Over the cap, or the account is out of quota: end the job with `result`. */
  | { kind: 'refused'; result: DescribeResult };

/** A request that fits the budget once the requests in flight settle looks again this soon. */
const BUDGET_RECHECK_MS = 2_000;

/**
 * Decides whether a request may be sent: our token caps (UsageBudget) and the account's quota
 * (a 429 `insufficient_quota`) both stop all requests until they renew. The refusal is warned
 * once and logged at debug for every artwork after it.
 */
export class BudgetGate {
  constructor(
    private readonly deps: {
      budget: UsageBudget;
      status: AiStatusTracker;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  /** The refusal while the budget or quota is used up, else null; sends nothing. */
  refusal(): DescribeResult | null {
    const untilMs = this.deps.status.blockedUntil();
    if (untilMs === null) return null;

    const message = this.deps.status.error ?? 'the AI token budget is used up';

    return failure('AI_BUDGET', message, untilMs);
  }

  /** Claims `estimateTokens` for one request about to be sent for `contentId`. */
  claim(contentId: string, estimateTokens: number): Claim {
    const refused = this.refusal();
    if (refused) {
      this.deps.logger.debug({ contentId }, 'ai budget used up, description refused');
      return { kind: 'refused', result: refused };
    }

    const claim = this.deps.budget.reserve(estimateTokens);
    if (claim.ok) return { kind: 'ok', reservation: claim.reservation };
    if (claim.waitForInFlight) return { kind: 'wait', delayMs: BUDGET_RECHECK_MS };

    const fields = { contentId, estimateTokens, cap: claim.cap };
    if (this.deps.status.budgetExhausted(claim.reason, claim.retryAtMs)) {
      this.deps.logger.warn({ ...fields, untilMs: claim.retryAtMs }, 'ai token budget reached');
    } else {
      this.deps.logger.debug(fields, 'ai token budget reached');
    }

    return { kind: 'refused', result: failure('AI_BUDGET', claim.reason, claim.retryAtMs) };
  }

  /**
   * The account has no credit left (429 `insufficient_quota`). It is not ours to count, so
   * requests stop until the next UTC day, when one is tried again.
   */
  quotaExhausted(contentId: string, serviceMessage: string): DescribeResult {
    const untilMs = nextUtcDayMs(this.deps.clock.now());
    const message = `the AI account has no quota left: ${serviceMessage}`;
    if (this.deps.status.budgetExhausted(message, untilMs)) {
      this.deps.logger.warn({ contentId, untilMs }, 'ai account has no quota left');
    } else {
      this.deps.logger.debug({ contentId }, 'ai account has no quota left');
    }

    return failure('AI_BUDGET', message, untilMs);
  }
}
