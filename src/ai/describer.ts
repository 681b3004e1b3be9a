import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import OpenAI from 'openai';
import type { Logger } from '../log.js';
import { encodeSafeName } from '../thumbnails/safe-name.js';
import { type Clock, systemClock } from '../util/clock.js';
import { AiStatusTracker } from './ai-status.js';
import { type ApiFailure, classifyApiFailure } from './api-failure.js';
import { BudgetGate } from './budget-gate.js';
import { readCompletion } from './completion.js';
import {
  createJob,
  type DescribeErrorCode,
  type DescribeResult,
  endpointForLog,
  failure,
  giveUpRetryAtMs,
  type Job,
  jobKey,
  retryDelayMs,
} from './describe-job.js';
import { DescriptionCache } from './description-cache.js';
import type { DescriptionMeta } from './payload.js';
import {
  buildRequest,
  estimateRequestTokens,
  type PromptOptions,
  promptFingerprint,
  sniffImageType,
} from './prompt.js';
import type { ArtworkDescription } from './schema.js';
import {
  type BudgetLimits,
  type Reservation,
  UsageBudget,
  type UsageSnapshot,
} from './usage-budget.js';
import { type AiUsageView, toUsageView } from './usage-view.js';
import { type AiPriority, type WorkItem, WorkQueue } from './work-queue.js';

export type { DescribeErrorCode, DescribeResult } from './describe-job.js';
export type { ArtworkDescription } from './schema.js';
export type { BudgetLimits, UsageSnapshot } from './usage-budget.js';
export type { AiUsageView } from './usage-view.js';
export type { AiPriority } from './work-queue.js';

export interface ArtworkDescriberOptions {
  apiKey: string;
  /** An OpenAI-compatible server, e.g. `http://127.0.0.1:11434/v1`. Default: OpenAI. */
  baseUrl?: string;
  /** Default `gpt-4o-mini`. */
  model?: string;
  /** Language of the text fields. Default `en`. */
  language?: string;
  /** Extra guidance appended to the prompt. */
  instruction?: string;
  /** Docent's data directory; files live in `<dataDir>/tvs/<tvId>/`. */
  dataDir: string;
  tvId: string;
  /** Requests in flight at once. Default 2. */
  concurrency?: number;
  /** Default 20. */
  requestsPerMinute?: number;
  /** Token caps per UTC day and month; absent means no cap. Ignored with `deps.budget`. */
  budget?: BudgetLimits;
  /** Attempts per image for 429/5xx/connection failures. Default 4. */
  maxAttempts?: number;
  /** One HTTP request's limit. Default 60 000. */
  requestTimeoutMs?: number;
}

export interface ArtworkDescriberDeps {
  logger: Logger;
  clock?: Clock;
  /** Jitter source for retry backoff, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /**
   * A token budget shared with other describers (one budget for every TV of the daemon).
   * Default: this TV's own, in `<dataDir>/tvs/<tvId>/ai-usage.json`, with `options.budget`.
   */
  budget?: UsageBudget;
}

type DescriberState = 'idle' | 'starting' | 'running' | 'disabled' | 'stopped';

interface DescriberEvents {
  described: [contentId: string, description: ArtworkDescription];
  /** `usageView()` may have changed: status, last error or token counts. */
  usage: [];
}

const DEFAULT_MODEL = 'gpt-4o-mini';

/**
 * Describes artworks from thumbnail bytes Docent already holds, with OpenAI structured output.
 * It never touches the TV or its queue: a slow or failing API delays only descriptions.
 * Results are cached per content id, image hash and prompt fingerprint, so one image is never
 * sent twice for the same settings, across restarts too. Every `describe` ends in exactly one
 * result; nothing is thrown.
 */
export class ArtworkDescriber extends EventEmitter<DescriberEvents> {
  private readonly apiKey: string;
  private readonly prompt: PromptOptions;
  private readonly fingerprint: string;
  private readonly maxAttempts: number;
  private readonly client: OpenAI;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly cache: DescriptionCache;
  private readonly budget: UsageBudget;
  private readonly status: AiStatusTracker;
  private readonly gate: BudgetGate;
  private readonly queue: WorkQueue;
  private readonly jobs = new Map<string, Job>();
  private readonly inFlight = new Set<AbortController>();
  private state: DescriberState = 'idle';
  private reason: string | null = null;
  private lastPromptTokens: number | null = null;
  private readonly onUsage = (): void => {
    this.emit('usage');
  };

  constructor(options: ArtworkDescriberOptions, deps: ArtworkDescriberDeps) {
    super();
    this.apiKey = options.apiKey;
    this.prompt = {
      model: options.model ?? DEFAULT_MODEL,
      language: options.language ?? 'en',
      instruction: options.instruction,
    };
    this.fingerprint = promptFingerprint(this.prompt);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    this.log = deps.logger.child({ component: 'ai', tv: options.tvId });

    // Retries are ours (clock-driven, lane-aware); the client's own would sleep on real time.
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseUrl ?? 'https://api.openai.com/v1',
      maxRetries: 0,
      timeout: options.requestTimeoutMs ?? 60_000,
      logLevel: 'off',
    });

    const dir = path.join(options.dataDir, 'tvs', encodeSafeName(options.tvId));
    this.cache = new DescriptionCache({ dir, fingerprint: this.fingerprint }, { logger: this.log });
    this.budget =
      deps.budget ??
      new UsageBudget({ dir, limits: options.budget }, { clock: this.clock, logger: this.log });
    this.status = new AiStatusTracker({ clock: this.clock, logger: this.log });
    this.status.on('change', this.onUsage);
    this.gate = new BudgetGate({
      budget: this.budget,
      status: this.status,
      clock: this.clock,
      logger: this.log,
    });
    this.queue = new WorkQueue(
      { concurrency: options.concurrency ?? 2, requestsPerMinute: options.requestsPerMinute ?? 20 },
      { clock: this.clock },
    );
    this.log.debug(
      { endpoint: endpointForLog(options.baseUrl), model: this.prompt.model },
      'ai describer configured',
    );
  }

  /** Why AI work is off (e.g. the key was refused), or null while it works. */
  get disabledReason(): string | null {
    return this.reason;
  }

  /** Loads cached descriptions and token usage from disk. Call once before `describe`. */
  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    this.setState('starting');

    await Promise.all([this.cache.load(), this.budget.load()]);
    // Entries from before fingerprints were kept: same model and language, so keep serving them.
    const adopted = this.cache.adoptUnfingerprinted(
      (entry) => entry.model === this.prompt.model && entry.language === this.prompt.language,
    );
    if (adopted > 0) this.log.debug({ adopted }, 'cached descriptions given a prompt fingerprint');
    // stop() may have run while the files were read; it wins.
    if (this.isStopped()) return;
    this.budget.on('change', this.onUsage);
    this.setState('running');
  }

  /**
   * The description of the artwork shown by `image` (JPEG, PNG or WebP bytes). Answers from
   * the cache when these exact bytes were described before; otherwise queues a request
   * ('now' ahead of 'background', the default). Never rejects.
   */
  async describe(
    contentId: string,
    image: Buffer,
    opts: { priority?: AiPriority } = {},
  ): Promise<DescribeResult> {
    if (this.state === 'stopped') return failure('AI_STOPPED', 'descriptions are stopped');
    if (this.state === 'idle' || this.state === 'starting') {
      return failure('AI_UNAVAILABLE', 'descriptions are not started yet');
    }
    if (contentId.length === 0) return failure('AI_BAD_INPUT', 'content id is empty');
    const mimeType = sniffImageType(image);
    if (mimeType === null) return failure('AI_BAD_INPUT', 'image is not JPEG, PNG or WebP');

    const imageSha256 = createHash('sha256').update(image).digest('hex');
    const hit = this.fromCache(contentId, imageSha256);
    if (hit) return { status: 'ok', description: hit, cached: true };
    if (this.state === 'disabled')
      return failure('AI_AUTH', this.reason ?? 'descriptions are disabled');
    const refused = this.gate.refusal();
    if (refused) return refused;

    const existing = this.jobs.get(jobKey(contentId, imageSha256));
    if (existing) {
      if (opts.priority === 'now') this.queue.promote(existing.item);
      return existing.promise;
    }

    const priority = opts.priority ?? 'background';
    const job = createJob({ contentId, image, imageSha256, mimeType, priority }, (started) =>
      this.attempt(started),
    );
    this.jobs.set(job.key, job);
    this.log.debug({ contentId, priority: job.item.priority }, 'artwork description queued');
    this.queue.push(job.item);

    return job.promise;
  }

  /** The last description made for this content id (from any image) with today's settings. */
  cached(contentId: string): ArtworkDescription | null {
    return this.cache.lookup(contentId)?.description ?? null;
  }

  /** Content ids with a description made with today's settings. */
  describedIds(): string[] {
    return this.cache.contentIds();
  }

  /** Drops the cached description (the artwork left the TV); false when there was none. */
  forget(contentId: string): boolean {
    return this.cache.delete(contentId);
  }

  /** Who wrote the cached description and when, for `toDescriptionPayload`; null when none. */
  descriptionMeta(contentId: string): DescriptionMeta | null {
    return this.cache.meta(contentId);
  }

  usage(): UsageSnapshot {
    return this.budget.snapshot();
  }

  /** Status, last error and token counts for Home Assistant; `usage` events say when it moved. */
  usageView(): AiUsageView {
    return toUsageView(this.status.current, this.status.error, this.budget.snapshot());
  }

  /** Ends every pending describe with AI_STOPPED, aborts requests in flight, saves to disk. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.setState('stopped');
    this.status.stop();
    this.budget.off('change', this.onUsage);

    this.endQueued('AI_STOPPED', 'descriptions are stopped', this.queue.close());
    for (const controller of this.inFlight) controller.abort();
    await Promise.all([...this.jobs.values()].map((job) => job.promise));
    await Promise.all([this.cache.flush(), this.budget.flush()]);
  }

  /** One try at one image. Never throws: every path ends the job or queues its retry. */
  private async attempt(job: Job): Promise<void> {
    try {
      await this.request(job);
    } catch (err) {
      this.log.error({ err, contentId: job.contentId }, 'artwork description failed unexpectedly');
      this.status.imageFailed('description failed unexpectedly');
      this.finish(job, failure('AI_UNAVAILABLE', 'description failed unexpectedly'));
    }
  }

  private async request(job: Job): Promise<void> {
    if (this.state === 'stopped') {
      this.finish(job, failure('AI_STOPPED', 'descriptions are stopped'));
      return;
    }
    if (this.state === 'disabled') {
      this.finish(job, failure('AI_AUTH', this.reason ?? 'descriptions are disabled'));
      return;
    }

    const estimateTokens = estimateRequestTokens(this.prompt, this.lastPromptTokens);
    const claim = this.gate.claim(job.contentId, estimateTokens);
    if (claim.kind === 'refused') {
      this.finish(job, claim.result);
      return;
    }
    if (claim.kind === 'wait') {
      job.item.notBeforeMs = this.clock.now() + claim.delayMs;
      this.queue.push(job.item);
      return;
    }

    job.attempts += 1;
    this.budget.noteRequestSent();
    const controller = new AbortController();
    this.inFlight.add(controller);
    let response: unknown;
    try {
      const request = buildRequest(this.prompt, job.image, job.mimeType);
      response = await this.client.chat.completions.create(request, { signal: controller.signal });
    } catch (err) {
      this.budget.release(claim.reservation);
      this.onFailure(job, classifyApiFailure(err, this.apiKey));
      return;
    } finally {
      this.inFlight.delete(controller);
    }

    this.onReply(job, response, claim.reservation, estimateTokens);
  }

  private onReply(
    job: Job,
    response: unknown,
    reservation: Reservation,
    estimateTokens: number,
  ): void {
    const reply = readCompletion(response);
    // Without a usage block the estimate is counted, so a cap still holds.
    this.budget.commit(reservation, reply.usage?.total_tokens ?? estimateTokens);
    if (reply.usage) this.lastPromptTokens = reply.usage.prompt_tokens;
    this.status.answered();
    if (!reply.ok) {
      this.badOutput(job, reply.reason);
      return;
    }

    this.cache.set(job.contentId, {
      image_sha256: job.imageSha256,
      model: this.prompt.model,
      language: this.prompt.language,
      described_at: new Date(this.clock.now()).toISOString(),
      prompt_fingerprint: this.fingerprint,
      description: reply.description,
    });
    this.log.info(
      { contentId: job.contentId, attempts: job.attempts, tokens: reply.usage?.total_tokens },
      'artwork described',
    );
    this.status.described();
    this.finish(job, { status: 'ok', description: reply.description, cached: false });
    this.announce(job.contentId, reply.description);
  }

  private onFailure(job: Job, failed: ApiFailure): void {
    switch (failed.kind) {
      case 'aborted':
        this.finish(job, failure('AI_STOPPED', 'descriptions are stopped'));
        return;
      case 'auth':
        this.finish(job, failure('AI_AUTH', failed.message));
        this.disable(failed.message, failed.status);
        return;
      case 'quota':
        this.finish(job, this.gate.quotaExhausted(job.contentId, failed.message));
        return;
      case 'rate_limited': {
        const delayMs = retryDelayMs(job.attempts, failed.retryAfterMs, this.random);
        this.queue.pauseUntil(this.clock.now() + delayMs);
        this.status.failed('rate_limited', failed.message);
        this.retryLater(job, delayMs, failure('AI_RATE_LIMITED', failed.message));
        return;
      }
      case 'unavailable': {
        const delayMs = retryDelayMs(job.attempts, failed.retryAfterMs, this.random);
        this.status.failed('unavailable', failed.message);
        this.retryLater(job, delayMs, failure('AI_UNAVAILABLE', failed.message));
        return;
      }
      case 'rejected':
        this.log.warn({ contentId: job.contentId, status: failed.status }, 'ai request refused');
        this.status.imageFailed(`the AI service refused the request (HTTP ${failed.status})`);
        this.finish(
          job,
          failure(
            'AI_UNAVAILABLE',
            `the AI service refused the request (HTTP ${failed.status}): ${failed.message}`,
          ),
        );
        return;
    }
  }

  private retryLater(job: Job, delayMs: number, last: DescribeResult): void {
    // A reply that raced stop() or a refused key must not re-enter a closed queue.
    if (this.state === 'stopped') {
      this.finish(job, failure('AI_STOPPED', 'descriptions are stopped'));
      return;
    }
    if (this.state === 'disabled') {
      this.finish(job, failure('AI_AUTH', this.reason ?? 'descriptions are disabled'));
      return;
    }
    if (job.attempts >= this.maxAttempts) {
      // The outage was warned about once (AiStatusTracker); the caller may try again later.
      const retryAtMs = giveUpRetryAtMs(this.clock.now(), this.random);
      this.log.debug(
        { contentId: job.contentId, attempts: job.attempts, retryAtMs },
        'artwork description gave up for now',
      );
      this.finish(job, last.status === 'error' ? { ...last, retryAtMs } : last);
      return;
    }

    const fields = { contentId: job.contentId, attempt: job.attempts, delayMs };
    this.log.debug(fields, 'ai request failed, retry scheduled');
    job.item.notBeforeMs = this.clock.now() + delayMs;
    this.queue.push(job.item);
  }

  private badOutput(job: Job, message: string): void {
    this.log.warn({ contentId: job.contentId, reason: message }, 'ai reply unusable');
    this.status.imageFailed(message);
    this.finish(job, failure('AI_BAD_OUTPUT', message));
  }

  /** A refused key will not heal by itself: all AI work stops until Docent is reconfigured. */
  private disable(reason: string, status: number): void {
    if (this.state !== 'running') return;
    this.reason = reason;
    this.setState('disabled');
    this.status.authFailed(reason);
    this.log.error({ status }, 'ai disabled: the AI service rejected the API key');
    this.endQueued('AI_AUTH', reason, this.queue.drain());
  }

  private endQueued(code: DescribeErrorCode, message: string, items: WorkItem[]): void {
    const drained = new Set(items);
    for (const job of [...this.jobs.values()]) {
      if (drained.has(job.item)) this.finish(job, failure(code, message));
    }
  }

  /** A description of these bytes made with today's settings; another fingerprint asks again. */
  private fromCache(contentId: string, imageSha256: string): ArtworkDescription | null {
    const found = this.cache.find(contentId, imageSha256);
    if (found?.twin) this.announce(contentId, found.entry.description);

    return found?.entry.description ?? null;
  }

  private finish(job: Job, result: DescribeResult): void {
    this.jobs.delete(job.key);
    job.resolve(result);
  }

  private announce(contentId: string, description: ArtworkDescription): void {
    try {
      this.emit('described', contentId, description);
    } catch (err) {
      this.log.warn({ err, contentId }, 'described listener failed');
    }
  }

  private isStopped(): boolean {
    return this.state === 'stopped';
  }

  private setState(next: DescriberState): void {
    if (next === this.state) return;
    this.log.info({ from: this.state, to: next }, 'ai state changed');
    this.state = next;
  }
}
