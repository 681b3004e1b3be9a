import type { UsageSnapshot } from './usage-budget.js';

/** The AI service's health as the `AI status` sensor shows it (ai-status.ts changes it). */
export const AI_STATUSES = [
  'ok',
  'budget_exhausted',
  'auth_failed',
  'rate_limited',
  'unavailable',
] as const;

export type AiStatus = (typeof AI_STATUSES)[number];

/**
 * What Home Assistant is told about the AI service and the token budget, as it goes into the
 * retained state JSON (snake_case keys). Tokens and requests are the daemon's (one budget for
 * every TV when the budget is shared), the status is this TV's describer's.
 */
export interface AiUsageView {
  status: AiStatus;
  tokens_today: number;
  tokens_month: number;
  daily_limit: number | null;
  monthly_limit: number | null;
  requests_today: number;
  last_error: string | null;
}

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
