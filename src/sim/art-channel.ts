import type { WebSocket } from 'ws';
import type { Logger } from '../log.js';
import {
  type ArtRequestContext,
  ERROR_REQUEST_PARSE_FAIL,
  ERROR_SYSTEM_FAIL,
  handleArtRequest,
  type RequestOutcome,
  requestItems,
} from './art-requests.js';
import { type ChannelClient, clientEntry, type HostEntry, hostEntries } from './channel-client.js';
import { type LatencyMode, serviceTimeMs } from './latency.js';
import {
  d2dMessage,
  echoFields,
  frameText,
  type ParsedArtRequest,
  parseArtRequest,
  parseChannelMessage,
} from './messages.js';
import type { SimCounters } from './sim-types.js';

export interface ArtChannelDeps {
  ctx: ArtRequestContext;
  hosts: HostEntry[];
  latency: LatencyMode;
  latencyScale: number;
  counters: SimCounters;
  logger: Logger;
  newClientId(): string;
  /** Tokens the remote channel issued; used by the `require` token policy. */
  isKnownToken(token: string): boolean;
}

interface QueuedRequest {
  client: ChannelClient;
  parsed: ParsedArtRequest;
}

const MALFORMED_REQUEST = 'malformed';

/**
 * The `com.samsung.art-app` channel: handshake, the one-at-a-time request queue of the art
 * app, reply routing and broadcasts (frame-protocol §2, §3, §5, §7).
 */
export class ArtChannel {
  private readonly clients = new Set<ChannelClient>();
  /** Clients the `require` token policy lets connect but never serves (NW#18). */
  private readonly unserved = new Set<ChannelClient>();
  /** Sockets held by the `stall-to-timeout` policy; not channel clients. */
  private readonly stalled = new Set<WebSocket>();
  private readonly queue: QueuedRequest[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private serving: 'idle' | 'busy' | 'stopped' = 'idle';
  private wakeServiceWait: (() => void) | undefined;

  constructor(private readonly deps: ArtChannelDeps) {}

  get openCount(): number {
    return this.clients.size;
  }

  accept(ws: WebSocket, name: string, token: string | undefined): void {
    const counters = this.deps.counters;
    const profile = this.deps.ctx.profile;
    // FOX sends a literal `token=None` when it has none, and a 2022 set took it as none (LOG22).
    const urlToken = token === 'None' || token === '' ? undefined : token;
    if (urlToken !== undefined && profile.artTokenPolicy === 'stall-to-timeout') {
      this.stall(ws);
      return;
    }
    const client: ChannelClient = {
      ws,
      id: this.deps.newClientId(),
      name,
      connectTime: Date.now(),
      isHost: false,
    };
    const others = [...this.clients];
    this.clients.add(client);
    const authorized = urlToken !== undefined && this.deps.isKnownToken(urlToken);
    if (profile.artTokenPolicy === 'require' && !authorized) this.unserved.add(client);
    counters.artConnectionsOpened += 1;
    counters.artConnectionsOpen = this.clients.size;
    counters.maxArtConnectionsOpen = Math.max(counters.maxArtConnectionsOpen, this.clients.size);
    this.deps.logger.debug(
      { clientId: client.id, open: this.clients.size },
      'art client connected',
    );

    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onText(client, data.toString());
    });
    ws.on('close', () => this.onClose(client));
    ws.on('error', (err) => this.deps.logger.debug({ err }, 'art socket error'));

    const clients = [...hostEntries(this.deps.hosts), ...[...this.clients].map(clientEntry)];
    this.send(client, { data: { clients, id: client.id }, event: 'ms.channel.connect' });
    for (const other of others) {
      this.send(other, { data: clientEntry(client), event: 'ms.channel.clientConnect' });
    }

    // Rule simulated for §7 Q1: a second art client makes the TV close every art socket.
    if (others.length > 0 && profile.multiClientPolicy === 'drop-all') {
      this.later(0, () => this.dropAll('second art client'));
      return;
    }
    if (profile.artHandshake === 'connect-ready' && !this.unserved.has(client)) {
      this.later(profile.readyDelayMs, () => {
        if (this.clients.has(client)) this.send(client, { data: {}, event: 'ms.channel.ready' });
      });
    }
  }

  /** Sends an unsolicited art event to every art client (§5). */
  broadcast(inner: Record<string, unknown>): void {
    const message = d2dMessage(inner, this.hostId(), this.deps.ctx.profile);
    for (const client of this.clients) this.send(client, message);
  }

  /** The TV closes every art socket at once; counted in `artConnectionsDropped`. */
  dropAll(reason: string): void {
    const dropped = [...this.clients];
    for (const client of dropped) this.forget(client);
    this.deps.counters.artConnectionsDropped += dropped.length;
    for (const client of dropped) client.ws.terminate();
    if (dropped.length > 0) {
      this.deps.logger.info({ count: dropped.length, reason }, 'art sockets dropped');
    }
  }

  /** The art app goes away (power off): queued requests die with it. */
  reset(): void {
    this.queue.length = 0;
    this.dropAll('power off');
  }

  stop(): void {
    this.serving = 'stopped';
    this.queue.length = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.wakeServiceWait?.();
    for (const client of [...this.clients]) {
      this.forget(client);
      client.ws.terminate();
    }
    for (const ws of this.stalled) ws.terminate();
    this.stalled.clear();
  }

  private onText(client: ChannelClient, text: string): void {
    const message = parseChannelMessage(text);
    if (!message) {
      this.deps.logger.debug({ clientId: client.id }, 'art frame is not a channel message');
      return;
    }
    const parsed = parseArtRequest(message);
    if (!parsed) {
      this.send(client, {
        data: { message: `unrecognized method value : ${message.method}` },
        event: 'ms.error',
      });
      return;
    }

    if (this.unserved.has(client)) {
      this.deps.logger.debug({ clientId: client.id }, 'art request ignored without a token');
      return;
    }
    const name = parsed.kind === 'request' ? parsed.request.request : MALFORMED_REQUEST;
    const requests = this.deps.counters.requests;
    requests[name] = (requests[name] ?? 0) + 1;
    // Queue, never drop: the art app works through a backlog one request at a time (§7 Q3).
    this.queue.push({ client, parsed });
    if (this.serving === 'idle') void this.serve();
  }

  private onClose(client: ChannelClient): void {
    if (!this.clients.has(client)) return;

    this.forget(client);
    this.deps.logger.debug({ clientId: client.id }, 'art client disconnected');
    for (const other of this.clients) {
      this.send(other, { data: clientEntry(client), event: 'ms.channel.clientDisconnect' });
    }
  }

  /** Completes the upgrade, says nothing, then times out and closes (FAB#27, §2.3). */
  private stall(ws: WebSocket): void {
    this.stalled.add(ws);
    ws.on('close', () => this.stalled.delete(ws));
    ws.on('error', (err) => this.deps.logger.debug({ err }, 'art socket error'));
    this.later(this.deps.ctx.profile.channelTimeoutMs, () => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(frameText({ event: 'ms.channel.timeOut' }, this.deps.ctx.profile));
      ws.close();
    });
  }

  private forget(client: ChannelClient): void {
    this.clients.delete(client);
    this.unserved.delete(client);
    this.deps.counters.artConnectionsOpen = this.clients.size;
  }

  private async serve(): Promise<void> {
    this.serving = 'busy';
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
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

  private isStopped(): boolean {
    return this.serving === 'stopped';
  }

  private serviceTime(parsed: ParsedArtRequest): number {
    const input =
      parsed.kind === 'request'
        ? {
            request: parsed.request.request,
            items: requestItems(parsed.request, this.deps.ctx.model),
          }
        : { request: MALFORMED_REQUEST, items: 1 };

    return serviceTimeMs(input, this.deps.latency, this.deps.latencyScale);
  }

  private waitServiceTime(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.wakeServiceWait = undefined;
        resolve();
      }, ms);
      this.timers.add(timer);
      this.wakeServiceWait = resolve;
    });
  }

  private async process(job: QueuedRequest): Promise<void> {
    const profile = this.deps.ctx.profile;
    if (job.parsed.kind === 'malformed') {
      // No request id can be read from unparsable data, so none is echoed.
      this.reply(job.client, {
        event: 'error',
        error_code: ERROR_REQUEST_PARSE_FAIL,
        request_data: job.parsed.dataText,
      });
      return;
    }

    const { request, dataText } = job.parsed;
    let outcome: RequestOutcome;
    try {
      outcome = await handleArtRequest(request, this.deps.ctx);
    } catch (err) {
      this.deps.logger.error({ err, request: request.request }, 'art request handler failed');
      outcome = { kind: 'error', code: ERROR_SYSTEM_FAIL };
    }
    const echo = echoFields(request, profile);

    if (outcome.kind === 'silent') return;
    if (outcome.kind === 'error') {
      this.reply(job.client, {
        event: 'error',
        ...echo,
        error_code: outcome.code,
        request_data: dataText,
      });
      return;
    }
    this.reply(job.client, { event: request.request, ...echo, ...outcome.fields });
    for (const inner of outcome.broadcasts) this.broadcast(inner);
  }

  /** Replies go to the requester only; if it has gone, to every art client (§3.2). */
  private reply(client: ChannelClient, inner: Record<string, unknown>): void {
    const message = d2dMessage(inner, this.hostId(), this.deps.ctx.profile);
    if (this.clients.has(client)) {
      this.send(client, message);
      return;
    }
    for (const other of this.clients) this.send(other, message);
  }

  private hostId(): string {
    return this.deps.hosts[0]?.id ?? 'host';
  }

  private send(client: ChannelClient, message: unknown): void {
    if (client.ws.readyState !== client.ws.OPEN) return;

    client.ws.send(frameText(message, this.deps.ctx.profile));
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}
