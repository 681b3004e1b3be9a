import type { Logger } from '../log.js';
import {
  type ArtRequestContext,
  ERROR_REQUEST_PARSE_FAIL,
  ERROR_SYSTEM_FAIL,
  handleArtRequest,
  type RequestOutcome,
  requestItems,
} from './art-requests.js';
import type { ChannelClient } from './channel-client.js';
import { type LatencyMode, serviceTimeMs } from './latency.js';
import { echoFields, type ParsedArtRequest, replyEventName } from './messages.js';
import type { Inner } from './request-outcome.js';
import type { SimCounters } from './sim-types.js';

/** How the queue hands its results to the channel (routing lives there, §3.2 and §7 Q1). */
export interface ArtQueueDeps {
  ctx: ArtRequestContext;
  latency: LatencyMode;
  latencyScale: number;
  counters: SimCounters;
  logger: Logger;
  reply(client: ChannelClient, inner: Inner): void;
  replyBinary(client: ChannelClient, inner: Inner, bytes: Buffer): void;
  broadcast(inner: Inner): void;
  later(ms: number, run: () => void): void;
}

export interface QueuedRequest {
  client: ChannelClient;
  parsed: ParsedArtRequest;
  binary?: Buffer;
}

const MALFORMED_REQUEST = 'malformed';

/**
 * The art app's request queue: one request at a time with per-request service times and a
 * backlog that is worked through (frame-protocol §7 Q3); with `floodReplyOrder: 'trace'` one
 * client's pipelined requests are served newest first and a flood past the backlog cap is
 * dropped (§3.2, the 2022 captures); the wedge/leak switches of §7 Q9 (requests still take their
 * turn; the answer just never comes).
 */
export class ArtQueue {
  private readonly queue: QueuedRequest[] = [];
  private serving: 'idle' | 'busy' | 'stopped' = 'idle';
  private wakeServiceWait: (() => void) | undefined;
  private serviceTimer: NodeJS.Timeout | undefined;
  /** Requests served since the last power cycle, for the memory-leak switch (NW#18). */
  private servedSinceBoot = 0;

  constructor(private readonly deps: ArtQueueDeps) {}

  push(job: QueuedRequest): void {
    const name = job.parsed.kind === 'request' ? job.parsed.request.request : MALFORMED_REQUEST;
    const requests = this.deps.counters.requests;
    requests[name] = (requests[name] ?? 0) + 1;
    if (this.overflows(job.client)) {
      this.deps.counters.requestsDropped += 1;
      this.deps.logger.debug({ clientId: job.client.id, request: name }, 'art request dropped');
      return;
    }
    this.queue.push(job);
    if (this.serving === 'idle') void this.serve();
  }

  /** The art app restarts (power cycle): backlog gone, leak cleared. */
  reset(): void {
    this.queue.length = 0;
    this.servedSinceBoot = 0;
  }

  stop(): void {
    this.serving = 'stopped';
    this.queue.length = 0;
    clearTimeout(this.serviceTimer);
    this.wakeServiceWait?.();
  }

  private async serve(): Promise<void> {
    this.serving = 'busy';
    try {
      for (let job = this.next(); job; job = this.next()) {
        const ms = this.serviceTime(job.parsed);
        if (ms > 0) await this.waitServiceTime(ms);
        if (this.isStopped()) return;

        this.deps.counters.serviceMs += ms;
        await this.process(job);
        if (this.isStopped()) return;
      }
    } catch (err) {
      this.deps.logger.error({ err }, 'art request queue failed');
    } finally {
      if (!this.isStopped()) this.serving = 'idle';
    }
  }

  /**
   * The job to serve now. In `trace` order, when the oldest waiting client has several requests
   * waiting, its newest goes first: that reproduces the reversed runs of the 2022 captures, and
   * a request arriving meanwhile jumps ahead of the older ones (their interleaved runs).
   */
  private next(): QueuedRequest | undefined {
    const head = this.queue[0];
    if (!head || this.deps.ctx.switches.floodReplyOrder !== 'trace') return this.queue.shift();
    const newest = this.queue.findLastIndex((job) => job.client === head.client);

    return this.queue.splice(newest, 1)[0];
  }

  /** `trace` order only: this client already has the most requests waiting that the TV keeps. */
  private overflows(client: ChannelClient): boolean {
    const { floodReplyOrder, floodBacklogMax } = this.deps.ctx.switches;
    if (floodReplyOrder !== 'trace' || floodBacklogMax <= 0) return false;

    return this.queue.filter((job) => job.client === client).length >= floodBacklogMax;
  }

  private isStopped(): boolean {
    return this.serving === 'stopped';
  }

  private serviceTime(parsed: ParsedArtRequest): number {
    const { model, profile } = this.deps.ctx;
    const input =
      parsed.kind === 'request'
        ? {
            request: parsed.request.request,
            items: requestItems(parsed.request, model, profile),
            realisticMs: profile.serviceMsOverrides[parsed.request.request],
          }
        : { request: MALFORMED_REQUEST, items: 1 };

    return serviceTimeMs(input, this.deps.latency, this.deps.latencyScale);
  }

  private waitServiceTime(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.serviceTimer = setTimeout(() => {
        this.wakeServiceWait = undefined;
        resolve();
      }, ms);
      this.wakeServiceWait = resolve;
    });
  }

  /** §7 Q9: a wedged app, or one past its leak budget, takes requests and answers nothing. */
  private swallowed(): boolean {
    const switches = this.deps.ctx.switches;
    this.servedSinceBoot += 1;
    if (switches.appWedged) return true;

    return switches.stopReplyingAfter > 0 && this.servedSinceBoot > switches.stopReplyingAfter;
  }

  private async process(job: QueuedRequest): Promise<void> {
    if (this.swallowed()) {
      this.deps.logger.debug({ clientId: job.client.id }, 'art request swallowed');
      return;
    }
    if (job.parsed.kind === 'malformed') {
      // No request id can be read from unparsable data, so none is echoed; the requester is
      // known from its socket, so old firmware still names it, as in its other errors (§3.3).
      this.deps.reply(job.client, {
        event: 'error',
        ...this.targetOf(job.client),
        error_code: ERROR_REQUEST_PARSE_FAIL,
        request_data: job.parsed.dataText,
      });
      return;
    }

    const { request, dataText } = job.parsed;
    const profile = this.deps.ctx.profile;
    const echo = { ...echoFields(request, profile), ...this.targetOf(job.client) };
    const replyLater = (fields: Inner | undefined, broadcasts: Inner[]): void => {
      for (const inner of broadcasts) this.deps.broadcast(inner);
      if (fields) this.deps.reply(job.client, { event: request.request, ...echo, ...fields });
    };
    let outcome: RequestOutcome;
    try {
      const call = { request, dataText, replyLater, ...(job.binary ? { binary: job.binary } : {}) };
      outcome = await handleArtRequest(call, this.deps.ctx);
    } catch (err) {
      this.deps.logger.error({ err, request: request.request }, 'art request handler failed');
      outcome = { kind: 'error', code: ERROR_SYSTEM_FAIL };
    }
    this.deliver(job.client, outcome, request.request, echo, dataText);
  }

  /** Old firmware names the requester in `target_client_id` (§3.2, TAV-PR108). */
  private targetOf(client: ChannelClient): Inner {
    return this.deps.ctx.profile.targetClientId ? { target_client_id: client.id } : {};
  }

  private deliver(
    client: ChannelClient,
    outcome: RequestOutcome,
    name: string,
    echo: Inner,
    dataText: string,
  ): void {
    const profile = this.deps.ctx.profile;
    if (outcome.kind === 'silent') return;
    if (outcome.kind === 'error') {
      const inner = { event: 'error', ...echo, error_code: outcome.code, request_data: dataText };
      this.deps.reply(client, inner);
      return;
    }
    if (outcome.kind === 'events') {
      for (const inner of outcome.broadcasts) this.deps.broadcast(inner);
      return;
    }
    const event =
      outcome.kind === 'reply' && outcome.event ? outcome.event : replyEventName(name, profile);
    const inner = { event, ...echo, ...outcome.fields };
    if (outcome.kind === 'binary') {
      this.deps.replyBinary(client, inner, outcome.bytes);
      return;
    }
    if (outcome.order === 'broadcast-first') {
      for (const b of outcome.broadcasts) this.deps.broadcast(b);
      // §3.6 (FAB#264): the direct reply trails the broadcast.
      this.deps.later(outcome.lagMs ?? 0, () => this.deps.reply(client, inner));
      return;
    }
    this.deps.reply(client, inner);
    for (const b of outcome.broadcasts) this.deps.broadcast(b);
  }
}
