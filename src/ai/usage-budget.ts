import { EventEmitter } from 'node:events';
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
  /** Requests sent on `day` (any outcome); absent in files written before it was counted. */
  daily_requests: z.number().int().nonnegative().default(0),
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
  /** Requests sent this UTC day, whatever their outcome. */
  requestsToday: number;
}

/** Which cap a refused reservation would break. */
export type BudgetCap = 'daily' | 'monthly';

export type ReserveResult =
  | { ok: true; reservation: Reservation }
  | {
      ok: false;
      cap: BudgetCap;
      reason: string;
      /** The clock time the broken cap starts counting from zero again. */
      retryAtMs: number;
      /** Only the requests in flight are in the way: it may fit once their real cost is known. */
      waitForInFlight: boolean;
    };

interface BudgetEvents {
  /** Counts changed (a reply was counted, a request sent, or a new day or month began). */
  change: [];
}

/** A claim on the budget for one request in flight, settled by `commit` or `release`. */
export interface Reservation {
  readonly tokens: number;
}

/**
 * Token spending per UTC day and month, persisted so a restart does not reset the caps.
 * Requests in flight hold a reservation of their estimated cost, so parallel requests cannot
 * together overshoot a cap; the real usage from the reply replaces the estimate. One instance
 * may be shared by the describers of several TVs (one budget for the daemon): `load` and
 * `flush` may then be called by each of them.
 */
export class UsageBudget extends EventEmitter<BudgetEvents> {
  readonly filePath: string;

  private readonly limits: { daily: number | null; monthly: number | null };
  private readonly clock: Clock;
  private readonly log: Logger;
  private usage: UsageFile;
  private readonly reservations = new Set<Reservation>();
  private writing: Promise<void> = Promise.resolve();
  private loading: Promise<void> | null = null;

  constructor(
    options: { dir: string; limits?: BudgetLimits | undefined },
    deps: { clock: Clock; logger: Logger },
  ) {
    super();
    // Every TV's describer listens when the budget is shared; more than ten TVs is not a leak.
    this.setMaxListeners(0);
    this.filePath = path.join(options.dir, 'ai-usage.json');
    this.limits = {
      daily: positiveOrNull(options.limits?.dailyTokens),
      monthly: positiveOrNull(options.limits?.monthlyTokens),
    };
    this.clock = deps.clock;
    this.log = deps.logger;
    this.usage = this.emptyUsage();
  }

  /**
   * Reads the saved counts; a missing or unreadable file starts from zero. Never throws. Later
   * calls (other TVs sharing this budget) wait for the first read instead of reading again.
   */
  load(): Promise<void> {
    this.loading ??= this.read();

    return this.loading;
  }

  snapshot(): UsageSnapshot {
    this.rollOver();

    return {
      dailyTokens: this.usage.daily_tokens,
      monthlyTokens: this.usage.monthly_tokens,
      dailyLimit: this.limits.daily,
      monthlyLimit: this.limits.monthly,
      requests: this.usage.requests,
      requestsToday: this.usage.daily_requests,
    };
  }

  /**
   * Claims `tokens` for a request about to be sent, or says which cap it would break (counting
   * what is spent and what other requests in flight have claimed).
   */
  reserve(tokens: number): ReserveResult {
    this.rollOver();
    let claimedByOthers = 0;
    for (const reservation of this.reservations) claimedByOthers += reservation.tokens;

    const broken = this.brokenCap(tokens + claimedByOthers);
    if (broken === null) {
      const reservation: Reservation = { tokens };
      this.reservations.add(reservation);

      return { ok: true, reservation };
    }

    const nowMs = this.clock.now();
    const limit = broken === 'monthly' ? this.limits.monthly : this.limits.daily;

    return {
      ok: false,
      cap: broken,
      reason: `${broken} token budget of ${limit} would be exceeded`,
      retryAtMs: broken === 'monthly' ? nextUtcMonthMs(nowMs) : nextUtcDayMs(nowMs),
      waitForInFlight: this.brokenCap(tokens) === null,
    };
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
    this.emit('change');
  }

  /** Counts a request about to be sent, for `requestsToday`; refused and failed ones count too. */
  noteRequestSent(): void {
    this.rollOver();
    this.usage.daily_requests += 1;
    this.save();
    this.emit('change');
  }

  /** Drops a reservation for a request that cost nothing (refused, failed before a reply). */
  release(reservation: Reservation): void {
    this.reservations.delete(reservation);
  }

  /** Resolves once every save made so far is on disk (or failed and was logged). */
  async flush(): Promise<void> {
    await this.writing;
  }

  /** The cap `tokens` more would break; the monthly one first, since only the month's end heals it. */
  private brokenCap(tokens: number): BudgetCap | null {
    const { daily, monthly } = this.limits;
    if (monthly !== null && this.usage.monthly_tokens + tokens > monthly) return 'monthly';
    if (daily !== null && this.usage.daily_tokens + tokens > daily) return 'daily';

    return null;
  }

  private async read(): Promise<void> {
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
      this.usage.daily_requests = 0;
    }
  }

  private emptyUsage(): UsageFile {
    const { day, month } = utcPeriods(this.clock.now());

    return {
      version: 1,
      day,
      daily_tokens: 0,
      month,
      monthly_tokens: 0,
      requests: 0,
      daily_requests: 0,
    };
  }
}

/** The start of the next UTC day, in clock milliseconds. */
export function nextUtcDayMs(nowMs: number): number {
  const now = new Date(nowMs);

  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
}

/** The start of the next UTC month, in clock milliseconds. */
export function nextUtcMonthMs(nowMs: number): number {
  const now = new Date(nowMs);

  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
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
