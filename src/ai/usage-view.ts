import type { UsageSnapshot } from './usage-budget.js';

/**
 * What Home Assistant is told about the AI service and the token budget, as it goes into the
 * retained state JSON (snake_case keys). Tokens and requests are the daemon's (one budget for
 * every TV when the budget is shared), the status is this TV's describer's.
 */
export interface AiUsageView {
  status: 'ok' | 'budget_exhausted' | 'auth_failed' | 'rate_limited' | 'unavailable';
  tokens_today: number;
  tokens_month: number;
  daily_limit: number | null;
  monthly_limit: number | null;
  requests_today: number;
  last_error: string | null;
}

export type AiStatus = AiUsageView['status'];

export function toUsageView(
  status: AiStatus,
  lastError: string | null,
  usage: UsageSnapshot,
): AiUsageView {
  return {
    status,
    tokens_today: usage.dailyTokens,
    tokens_month: usage.monthlyTokens,
    daily_limit: usage.dailyLimit,
    monthly_limit: usage.monthlyLimit,
    requests_today: usage.requestsToday,
    last_error: lastError,
  };
}
