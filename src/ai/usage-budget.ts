import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { Logger } from '../log.js';
import type { Clock } from '../util/clock.js';

const usageFileSchema = z.object({
  version: z.literal(1),
  /** UTC day (`YYYY-MM-DD`) the daily count belongs to. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  daily_tokens: z.number().int().nonnegative(),
  /** UTC month (`YYYY-MM`) the monthly count belongs to. */
  month: z.string().regex(/^\d{4}-\d{2}$/),
  monthly_tokens: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
});

type UsageFile = z.infer<typeof usageFileSchema>;

export interface BudgetLimits {
  dailyTokens?: number | undefined;
  monthlyTokens?: number | undefined;
}

export interface UsageSnapshot {
  dailyTokens: number;
  monthlyTokens: number;
  dailyLimit: number | null;
  monthlyLimit: number | null;
  /** Replies counted since the usage file was created (all time, not per day). */
  requests: number;
}

/** A claim on the budget for one request in flight, settled by `commit` or `release`. */
export interface Reservation {
  readonly tokens: number;
}

/**
 * Token spending per UTC day and month, persisted so a restart does not reset the caps.
 * Requests in flight hold a reservation of their estimated cost, so parallel requests cannot
 * together overshoot a cap; the real usage from the reply replaces the estimate.
 */
export class UsageBudget {
  readonly filePath: string;

  private readonly limits: { daily: number | null; monthly: number | null };
  private readonly clock: Clock;
  private readonly log: Logger;
  private usage: UsageFile;
  private readonly reservations = new Set<Reservation>();
  private writing: Promise<void> = Promise.resolve();

  constructor(
    options: { dir: string; limits?: BudgetLimits | undefined },
    deps: { clock: Clock; logger: Logger },
  ) {
    this.filePath = path.join(options.dir, 'ai-usage.json');
    this.limits = {
      daily: positiveOrNull(options.limits?.dailyTokens),
      monthly: positiveOrNull(options.limits?.monthlyTokens),
    };
    this.clock = deps.clock;
    this.log = deps.logger;
    this.usage = this.emptyUsage();
  }

  /** Reads the saved counts; a missing or unreadable file starts from zero. Never throws. */
  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (err) {
      if (!isNotFound(err)) this.log.warn({ err, path: this.filePath }, 'ai usage unreadable');
      return;
    }

    const parsed = safeJson(text, usageFileSchema);
    if (!parsed) {
      this.log.warn({ path: this.filePath }, 'ai usage file has an unexpected shape, ignored');
      return;
    }
    this.usage = parsed;
    this.rollOver();
  }

  snapshot(): UsageSnapshot {
    this.rollOver();

    return {
      dailyTokens: this.usage.daily_tokens,
      monthlyTokens: this.usage.monthly_tokens,
      dailyLimit: this.limits.daily,
      monthlyLimit: this.limits.monthly,
      requests: this.usage.requests,
    };
  }

  /**
   * Claims `tokens` for a request about to be sent, or returns the reason it would break a
   * cap (counting what is spent and what other requests in flight have claimed).
   */
  reserve(tokens: number): { ok: true; reservation: Reservation } | { ok: false; reason: string } {
    this.rollOver();
    let claimed = tokens;
    for (const reservation of this.reservations) claimed += reservation.tokens;

    const { daily, monthly } = this.limits;
    if (daily !== null && this.usage.daily_tokens + claimed > daily) {
      return { ok: false, reason: `daily token budget of ${daily} would be exceeded` };
    }
    if (monthly !== null && this.usage.monthly_tokens + claimed > monthly) {
      return { ok: false, reason: `monthly token budget of ${monthly} would be exceeded` };
    }

    const reservation: Reservation = { tokens };
    this.reservations.add(reservation);

    return { ok: true, reservation };
  }

  /** Replaces a reservation with the tokens the API reported, and saves the counts. */
  commit(reservation: Reservation, usedTokens: number): void {
    this.reservations.delete(reservation);
    this.rollOver();
    const tokens = Math.max(0, Math.round(usedTokens));
    this.usage.daily_tokens += tokens;
    this.usage.monthly_tokens += tokens;
    this.usage.requests += 1;
    this.save();
  }

  /** Drops a reservation for a request that cost nothing (refused, failed before a reply). */
  release(reservation: Reservation): void {
    this.reservations.delete(reservation);
  }

  /** Resolves once every save made so far is on disk (or failed and was logged). */
  async flush(): Promise<void> {
    await this.writing;
  }

  private save(): void {
    this.writing = this.writing.then(async () => {
      try {
        await mkdir(path.dirname(this.filePath), { recursive: true });
        await writeFileAtomic(this.filePath, `${JSON.stringify(this.usage)}\n`);
      } catch (err) {
        this.log.warn({ err, path: this.filePath }, 'ai usage not saved');
      }
    });
  }

  /** Starts a new count when the UTC day or month has changed since the last request. */
  private rollOver(): void {
    const { day, month } = utcPeriods(this.clock.now());
    if (this.usage.month !== month) {
      this.usage.month = month;
      this.usage.monthly_tokens = 0;
    }
    if (this.usage.day !== day) {
      this.usage.day = day;
      this.usage.daily_tokens = 0;
    }
  }

  private emptyUsage(): UsageFile {
    const { day, month } = utcPeriods(this.clock.now());

    return { version: 1, day, daily_tokens: 0, month, monthly_tokens: 0, requests: 0 };
  }
}

function utcPeriods(nowMs: number): { day: string; month: string } {
  const iso = new Date(nowMs).toISOString();

  return { day: iso.slice(0, 10), month: iso.slice(0, 7) };
}

function positiveOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : null;
}

export function safeJson<T>(text: string, schema: z.ZodType<T>): T | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);

  return parsed.success ? parsed.data : null;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}
