import type { WebSocket } from 'ws';
import type { Logger } from '../log.js';
import { ArtAdmission } from './art-admission.js';
import { ArtQueue } from './art-queue.js';
import type { ArtRequestContext } from './art-requests.js';
import { type ChannelClient, clientEntry, type HostEntry, hostEntries } from './channel-client.js';
import { inbandThumbnailFrame, parseInbandFrame } from './inband.js';
import type { LatencyMode } from './latency.js';
import {
  broadcastEventName,
  d2dMessage,
  frameText,
  parseArtRequest,
  parseChannelMessage,
} from './messages.js';
import type { Inner } from './request-outcome.js';
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

/**
 * The `com.samsung.art-app` channel: handshake variants, reply routing, broadcasts and the
 * multi-client misbehaviour (frame-protocol §2, §3.2, §5, §7 Q1); the request queue is ArtQueue.
 */
export class ArtChannel {
  private readonly clients = new Set<ChannelClient>();
  /** Clients that joined but are never served: token policy `require`, zombie port, no app. */
  private readonly unserved = new Set<ChannelClient>();
  /** Upgraded sockets that never complete a handshake (token stall, refused joins). */
  private readonly stalled = new Set<WebSocket>();
  /** Sockets of a TV that lost power abruptly: no FIN, nothing delivered (FAB#74). */
  private readonly halfOpen = new Set<WebSocket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly queue: ArtQueue;
  /** Clients that came in on the plain (8001) port, for the zombie-after-wake switch. */
  private readonly plainClients = new Set<ChannelClient>();
  private readonly admission: ArtAdmission;

  constructor(private readonly deps: ArtChannelDeps) {
    this.admission = new ArtAdmission(deps.ctx);
    this.queue = new ArtQueue({
      ctx: deps.ctx,
      latency: deps.latency,
      latencyScale: deps.latencyScale,
      counters: deps.counters,
      logger: deps.logger,
      reply: (client, inner) => this.reply(client, inner),
      replyBinary: (client, inner, bytes) => this.replyBinary(client, inner, bytes),
      broadcast: (inner) => this.broadcast(inner),
      later: (ms, run) => this.later(ms, run),
    });
  }

  get openCount(): number {
    return this.clients.size;
  }

  /** Is this socket one the TV has silently abandoned (it must not even be pinged)? */
  isAbandoned(ws: WebSocket): boolean {
    return this.halfOpen.has(ws);
  }

  accept(ws: WebSocket, name: string, token: string | undefined, secure: boolean): void {
    const counters = this.deps.counters;
    const profile = this.deps.ctx.profile;
    // FOX sends a literal `token=None` when it has none, and a 2022 set took it as none (LOG22).
    const urlToken = token === 'None' || token === '' ? undefined : token;
    if (urlToken !== undefined && profile.artTokenPolicy === 'stall-to-timeout') {
      this.stall(ws, true);
      return;
    }
    // §7 Q1: with several art clients the TV eventually stops completing handshakes.
    if (!this.admission.admitsJoin(this.clients.size)) {
      counters.refusedConnections += 1;
      this.stall(ws, false);
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
    if (!secure) this.plainClients.add(client);
    const authorized = urlToken !== undefined && this.deps.isKnownToken(urlToken);
    const served = this.admission.servesNewClient(secure);
    if (!served || (profile.artTokenPolicy === 'require' && !authorized)) {
      this.unserved.add(client);
    }
    counters.artConnectionsOpened += 1;
    counters.artConnectionsOpen = this.clients.size;
    counters.maxArtConnectionsOpen = Math.max(counters.maxArtConnectionsOpen, this.clients.size);
    this.deps.logger.debug(
      { clientId: client.id, open: this.clients.size },
      'art client connected',
    );

    ws.on('message', (data, isBinary) => {
      const buffer = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(new Uint8Array(data));
      if (isBinary) this.onBinary(client, buffer);
      else this.onText(client, buffer.toString());
    });
    ws.on('close', () => this.onClose(client));
    ws.on('error', (err) => this.deps.logger.debug({ err }, 'art socket error'));

    // No art app (2022 fw < 1622): the channel has no host entries, like an unknown one (TAV#519).
    const hosts = this.admission.appAbsent() ? [] : hostEntries(this.deps.hosts);
    const clients = [...hosts, ...[...this.clients].map(clientEntry)];
    this.send(client, { data: { clients, id: client.id }, event: 'ms.channel.connect' });
    for (const other of others) {
      this.send(other, { data: clientEntry(client), event: 'ms.channel.clientConnect' });
    }

    // Kept selectable (§7 Q1 has no source for it): a second art client closes every art socket.
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

  /**
   * §2.3, FAB#263: the plain port turns into a zombie (a 2020 set after standby→wake): clients
   * on it, now and until the next power cycle, get `connect` and nothing else.
   */
  zombifyPlainPort(): void {
    this.admission.zombifyPlainPort();
    for (const client of this.plainClients) this.unserved.add(client);
    this.deps.logger.info('plain art port is now a zombie');
  }

  /** Sends an unsolicited art event to every art client (§5), with this generation's name. */
  broadcast(inner: Inner): void {
    const profile = this.deps.ctx.profile;
    const event =
      typeof inner.event === 'string' ? broadcastEventName(inner.event, profile) : inner.event;
    const message = d2dMessage({ ...inner, event }, this.hostId(), profile);
    for (const client of this.clients) this.send(client, message);
  }

  /** The TV closes every art socket at once; counted in `artConnectionsDropped`. */
  dropAll(reason: string): void {
    const dropped = [...this.clients];
    for (const client of dropped) this.forget(client);
    this.deps.counters.artConnectionsDropped += dropped.length;
    for (const client of dropped) client.ws.terminate();
    this.admission.channelEmptied();
    if (dropped.length > 0) {
      this.deps.logger.info({ count: dropped.length, reason }, 'art sockets dropped');
    }
  }

  /**
   * The art app goes away (power off): queued requests die with it. With `halfOpen` the
   * sockets are not closed at all: the TV just stops answering on them (FAB#74).
   */
  reset(halfOpen = false): void {
    this.queue.reset();
    this.admission.powerCycled();
    if (!halfOpen) {
      this.dropAll('power off');
      return;
    }
    for (const client of [...this.clients]) {
      this.forget(client);
      client.ws.removeAllListeners('message');
      client.ws.pause();
      this.halfOpen.add(client.ws);
    }
  }

  stop(): void {
    this.queue.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const client of [...this.clients]) {
      this.forget(client);
      client.ws.terminate();
    }
    for (const ws of [...this.stalled, ...this.halfOpen]) ws.terminate();
    this.stalled.clear();
    this.halfOpen.clear();
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
    if (this.unserved.has(client) || this.admission.servesNobody()) {
      this.deps.logger.debug({ clientId: client.id }, 'art request ignored on an unserved client');
      return;
    }
    // Queue, never drop: the art app works through a backlog one request at a time (§7 Q3).
    this.queue.push({ client, parsed });
  }

  /** 0.97 in-band uploads (§4.5); other firmware ignores binary frames. */
  private onBinary(client: ChannelClient, frame: Buffer): void {
    const profile = this.deps.ctx.profile;
    if (
      profile.transfers !== 'inband' ||
      this.unserved.has(client) ||
      this.admission.servesNobody()
    )
      return;
    const inband = parseInbandFrame(frame);
    const parsed = inband ? parseArtRequest(inband.message) : undefined;
    if (!inband || !parsed) {
      this.deps.logger.debug({ clientId: client.id }, 'art binary frame not understood');
      return;
    }
    this.queue.push({ client, parsed, binary: inband.bytes });
  }

  private onClose(client: ChannelClient): void {
    if (!this.clients.has(client)) return;

    this.forget(client);
    this.deps.logger.debug({ clientId: client.id }, 'art client disconnected');
    for (const other of this.clients) {
      this.send(other, { data: clientEntry(client), event: 'ms.channel.clientDisconnect' });
    }
  }

  /** Completes the upgrade and says nothing; with `timeOut`, ends as FAB#27 saw (§2.3). */
  private stall(ws: WebSocket, timeOut: boolean): void {
    this.stalled.add(ws);
    ws.on('close', () => this.stalled.delete(ws));
    ws.on('error', (err) => this.deps.logger.debug({ err }, 'art socket error'));
    if (!timeOut) return;
    this.later(this.deps.ctx.profile.channelTimeoutMs, () => {
      if (ws.readyState !== ws.OPEN) return;
      this.sendRaw(ws, frameText({ event: 'ms.channel.timeOut' }, this.deps.ctx.profile));
      ws.close();
    });
  }

  private forget(client: ChannelClient): void {
    this.clients.delete(client);
    this.unserved.delete(client);
    this.plainClients.delete(client);
    this.deps.counters.artConnectionsOpen = this.clients.size;
  }

  /**
   * Replies go to the requester only; if it has gone, to every art client (§3.2). Under
   * `misroute-then-refuse` with several clients open, they go to the newest other client.
   */
  private reply(client: ChannelClient, inner: Inner): void {
    const message = d2dMessage(inner, this.hostId(), this.deps.ctx.profile);
    const target = this.routeTo(client);
    if (target) {
      this.send(target, message);
      return;
    }
    for (const other of this.clients) this.send(other, message);
  }

  private replyBinary(client: ChannelClient, inner: Inner, bytes: Buffer): void {
    const target = this.routeTo(client);
    if (!target || target.ws.readyState !== target.ws.OPEN) return;
    const frame = inbandThumbnailFrame(
      d2dMessage(inner, this.hostId(), this.deps.ctx.profile),
      bytes,
    );
    this.deps.counters.bytesSent += frame.length;
    target.ws.send(frame);
  }

  private routeTo(client: ChannelClient): ChannelClient | undefined {
    if (!this.clients.has(client)) return undefined;
    if (this.deps.ctx.profile.multiClientPolicy !== 'misroute-then-refuse') return client;
    const others = [...this.clients].filter((other) => other !== client);

    return others.at(-1) ?? client;
  }

  private hostId(): string {
    return this.deps.hosts[0]?.id ?? 'host';
  }

  private send(client: ChannelClient, message: unknown): void {
    this.sendRaw(client.ws, frameText(message, this.deps.ctx.profile));
  }

  private sendRaw(ws: WebSocket, text: string): void {
    if (ws.readyState !== ws.OPEN) return;

    this.deps.counters.bytesSent += Buffer.byteLength(text);
    ws.send(text);
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}
