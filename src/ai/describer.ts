import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import OpenAI from 'openai';
import type { Logger } from '../log.js';
import { encodeSafeName } from '../thumbnails/safe-name.js';
import { type Clock, systemClock } from '../util/clock.js';
import { type ApiFailure, classifyApiFailure } from './api-failure.js';
import { completionSchema } from './completion.js';
import {
  createJob,
  type DescribeErrorCode,
  type DescribeResult,
  endpointForLog,
  failure,
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
  sniffImageType,
} from './prompt.js';
import { type ArtworkDescription, parseModelReply } from './schema.js';
import {
  type BudgetLimits,
  type Reservation,
  UsageBudget,
  type UsageSnapshot,
} from './usage-budget.js';
import { type AiPriority, type WorkItem, WorkQueue } from './work-queue.js';

export type { DescribeErrorCode, DescribeResult } from './describe-job.js';
export type { ArtworkDescription } from './schema.js';
export type { BudgetLimits, UsageSnapshot } from './usage-budget.js';
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
  /** Token caps per UTC day and month; absent means no cap. */
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
}

type DescriberState = 'idle' | 'starting' | 'running' | 'disabled' | 'stopped';

interface DescriberEvents {
  described: [contentId: string, description: ArtworkDescription];
}

const DEFAULT_MODEL = 'gpt-4o-mini';

/**
 * Describes artworks from thumbnail bytes Docent already holds, with OpenAI structured output.
 * It never touches the TV or its queue: a slow or failing API delays only descriptions.
 * Results are cached per content id and image hash, so one image is never sent twice, across
 * restarts too. Every `describe` ends in exactly one result; nothing is thrown.
 */
export class ArtworkDescriber extends EventEmitter<DescriberEvents> {
  private readonly apiKey: string;
  private readonly prompt: PromptOptions;
  private readonly maxAttempts: number;
  private readonly client: OpenAI;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly cache: DescriptionCache;
  private readonly budget: UsageBudget;
  private readonly queue: WorkQueue;
  private readonly jobs = new Map<string, Job>();
  private readonly inFlight = new Set<AbortController>();
  private state: DescriberState = 'idle';
  private reason: string | null = null;
  private lastPromptTokens: number | null = null;

  constructor(options: ArtworkDescriberOptions, deps: ArtworkDescriberDeps) {
    super();
    this.apiKey = options.apiKey;
    this.prompt = {
      model: options.model ?? DEFAULT_MODEL,
      language: options.language ?? 'en',
      instruction: options.instruction,
    };
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
    this.cache = new DescriptionCache({ dir }, { logger: this.log });
    this.budget = new UsageBudget(
      { dir, limits: options.budget },
      { clock: this.clock, logger: this.log },
    );
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
    // stop() may have run while the files were read; it wins.
    if (!this.isStopped()) this.setState('running');
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

  /** The last description made for this content id (from any image), or null. */
  cached(contentId: string): ArtworkDescription | null {
    return this.cache.get(contentId)?.description ?? null;
  }

  /** Who wrote the cached description and when, for `toDescriptionPayload`; null when none. */
  descriptionMeta(contentId: string): DescriptionMeta | null {
    const entry = this.cache.get(contentId);
    if (!entry) return null;

    return {
      contentId,
      model: entry.model,
      language: entry.language,
      describedAt: entry.described_at,
    };
  }

  usage(): UsageSnapshot {
    return this.budget.snapshot();
  }

  /** Ends every pending describe with AI_STOPPED, aborts requests in flight, saves to disk. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.setState('stopped');

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
    const claim = this.budget.reserve(estimateTokens);
    if (!claim.ok) {
      this.log.warn({ contentId: job.contentId, estimateTokens }, 'ai token budget reached');
      this.finish(job, failure('AI_BUDGET', claim.reason));
      return;
    }

    job.attempts += 1;
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
    const completion = completionSchema.safeParse(response);
    if (!completion.success) {
      this.budget.commit(reservation, estimateTokens);
      this.badOutput(job, 'the AI service reply is not a chat completion');
      return;
    }

    const { usage, choices } = completion.data;
    // Without a usage block the estimate is counted, so a cap still holds.
    this.budget.commit(reservation, usage?.total_tokens ?? estimateTokens);
    if (usage) this.lastPromptTokens = usage.prompt_tokens;

    const choice = choices[0];
    if (!choice) {
      this.badOutput(job, 'the AI service returned no choices');
      return;
    }
    if (choice.message.refusal) {
      this.badOutput(job, 'the model refused to describe the image');
      return;
    }
    if (choice.finish_reason === 'length') {
      this.badOutput(job, 'the model reply was cut off');
      return;
    }

    const parsed = parseModelReply(choice.message.content);
    if (!parsed.ok) {
      this.badOutput(job, parsed.reason);
      return;
    }

    this.cache.set(job.contentId, {
      image_sha256: job.imageSha256,
      model: this.prompt.model,
      language: this.prompt.language,
      described_at: new Date(this.clock.now()).toISOString(),
      description: parsed.description,
    });
    this.log.info(
      { contentId: job.contentId, attempts: job.attempts, tokens: usage?.total_tokens },
      'artwork described',
    );
    this.finish(job, { status: 'ok', description: parsed.description, cached: false });
    this.announce(job.contentId, parsed.description);
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
        this.log.warn({ contentId: job.contentId }, 'ai account has no quota left');
        this.finish(job, failure('AI_RATE_LIMITED', `no quota left: ${failed.message}`));
        return;
      case 'rate_limited': {
        const delayMs = retryDelayMs(job.attempts, failed.retryAfterMs, this.random);
        this.queue.pauseUntil(this.clock.now() + delayMs);
        this.retryLater(job, delayMs, failure('AI_RATE_LIMITED', failed.message));
        return;
      }
      case 'unavailable': {
        const delayMs = retryDelayMs(job.attempts, failed.retryAfterMs, this.random);
        this.retryLater(job, delayMs, failure('AI_UNAVAILABLE', failed.message));
        return;
      }
      case 'rejected':
        this.log.warn({ contentId: job.contentId, status: failed.status }, 'ai request refused');
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
      this.log.warn(
        { contentId: job.contentId, attempts: job.attempts },
        'artwork description gave up',
      );
      this.finish(job, last);
      return;
    }

    const fields = { contentId: job.contentId, attempt: job.attempts, delayMs };
    if (job.attempts === 1) this.log.warn(fields, 'ai request failed, retry scheduled');
    else this.log.debug(fields, 'ai request failed, retry scheduled');
    job.item.notBeforeMs = this.clock.now() + delayMs;
    this.queue.push(job.item);
  }

  private badOutput(job: Job, message: string): void {
    this.log.warn({ contentId: job.contentId, reason: message }, 'ai reply unusable');
    this.finish(job, failure('AI_BAD_OUTPUT', message));
  }

  /** A refused key will not heal by itself: all AI work stops until Docent is reconfigured. */
  private disable(reason: string, status: number): void {
    if (this.state !== 'running') return;
    this.reason = reason;
    this.setState('disabled');
    this.log.error({ status }, 'ai disabled: the AI service rejected the API key');
    this.endQueued('AI_AUTH', reason, this.queue.drain());
  }

  private endQueued(code: DescribeErrorCode, message: string, items: WorkItem[]): void {
    const drained = new Set(items);
    for (const job of [...this.jobs.values()]) {
      if (drained.has(job.item)) this.finish(job, failure(code, message));
    }
  }

  // TODO(#7): a cached description is reused after the model, language or instruction changes;
  // done when entries also record a prompt fingerprint and a mismatch asks again.
  private fromCache(contentId: string, imageSha256: string): ArtworkDescription | null {
    const own = this.cache.get(contentId);
    if (own?.image_sha256 === imageSha256) return own.description;

    // The same picture under another content id (uploaded twice): reuse, do not ask again.
    const twin = this.cache.getByHash(imageSha256);
    if (!twin) return null;
    this.cache.set(contentId, twin);
    this.announce(contentId, twin.description);

    return twin.description;
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
