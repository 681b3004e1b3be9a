import { EventEmitter } from 'node:events';
import { Mutex } from 'async-mutex';
import WebSocket from 'ws';
import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';
import { type Clock, systemClock } from '../util/clock.js';
import {
  type ConnectionSettings,
  type FrameConnectionDeps,
  type FrameConnectionEvents,
  type FrameConnectionOptions,
  resolveSettings,
} from './connection-options.js';
import { TvRequestError, tvDisconnected, tvNotReady, tvTimeout } from './errors.js';
import {
  type ArtMessageFrame,
  buildArtChannelUrl,
  type ChannelFrame,
  decodeFrame,
  encodeArtRequest,
} from './protocol.js';
import { ReconnectTracker } from './reconnect-tracker.js';
import { describeHandshakeStep, SocketSession } from './socket-session.js';
import type { ConnectionState } from './types.js';

export type {
  FrameConnectionDeps,
  FrameConnectionEvents,
  FrameConnectionOptions,
} from './connection-options.js';

interface PendingRequest {
  name: string;
  requestId: string;
  settled: boolean;
  resolve(fields: Record<string, unknown>): void;
  reject(err: Error): void;
}

/** The `ready`-less handshake (§2.3 "some 2024 sets") is proven with one cheap request. */
const PROBE_REQUEST = 'get_artmode_status';
/** Capability probes use a short timeout (FAB uses 1 s, §7 Q4); this one is capped at 2 s. */
const MAX_PROBE_TIMEOUT_MS = 2000;
/** Ids of requests that timed out, kept to tell a late reply from a stray one in the logs. */
const LATE_ID_MEMORY = 32;

/**
 * The one supervised art-channel socket per TV (architecture.md rule 1).
 *
 * - At most one socket exists: a new one is opened only after the old one emitted `close`,
 *   and open/close run under a mutex.
 * - Requests are never pipelined (frame-protocol.md §3.2, §7 Q3): one on the wire at a time,
 *   each bounded by a timeout, each settled exactly once.
 * - Liveness is judged by answers (§7 Q9): after `maxConsecutiveTimeouts` timeouts with
 *   nothing heard in between, the socket is replaced.
 */
export class FrameConnection {
  private currentState: ConnectionState = 'offline';
  private readonly emitter = new EventEmitter();
  private readonly lifecycle = new Mutex();
  private readonly wire = new Mutex();
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly settings: ConnectionSettings;
  private readonly reconnect: ReconnectTracker;
  private session: SocketSession | null = null;
  private pending: PendingRequest | null = null;
  private readonly lateRequestIds: string[] = [];
  private consecutiveTimeouts = 0;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wakeFromBackoff: (() => void) | null = null;
  private socketsOpened = 0;
  private reconnects = 0;

  constructor(
    options: FrameConnectionOptions,
    private readonly deps: FrameConnectionDeps,
  ) {
    this.settings = resolveSettings(options);
    this.log = deps.logger.child({ component: 'tv', tv: options.tvId });
    this.clock = deps.clock ?? systemClock;
    this.reconnect = new ReconnectTracker(this.settings.backoff, this.clock, this.log);
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Begins supervising the socket; returns at once. Calling it again does nothing. */
  start(): void {
    if (this.loop || this.stopping) {
      return;
    }

    this.loop = this.supervise().catch((err: unknown) => {
      this.log.error({ err }, 'tv supervisor crashed');
    });
  }

  /**
   * Sends one art request and resolves with the inner reply data (`event`, `request_id`…
   * included). Waits for the request before it to finish; never pipelines.
   * Rejects with TV_NOT_READY, TV_TIMEOUT, TV_DISCONNECTED (all transient) or TvRequestError.
   */
  async request(
    name: string,
    params: Record<string, unknown> = {},
    opts: { timeoutMs?: number } = {},
  ): Promise<Record<string, unknown>> {
    if (this.currentState !== 'ready') {
      throw tvNotReady(name);
    }

    return this.wire.runExclusive(() => {
      const session = this.session;
      if (this.currentState !== 'ready' || !session) {
        throw tvNotReady(name);
      }

      return this.exchange(session, name, params, opts.timeoutMs ?? this.settings.requestTimeoutMs);
    });
  }

  stats(): { socketsOpened: number; reconnects: number } {
    return { socketsOpened: this.socketsOpened, reconnects: this.reconnects };
  }

  on<K extends keyof FrameConnectionEvents>(event: K, listener: FrameConnectionEvents[K]): this {
    this.emitter.on(event, listener);

    return this;
  }

  off<K extends keyof FrameConnectionEvents>(event: K, listener: FrameConnectionEvents[K]): this {
    this.emitter.off(event, listener);

    return this;
  }

  /** Idempotent. Closes the socket and rejects a pending request with TV_DISCONNECTED. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeFromBackoff?.();

    await this.closeSocket('stopping');
    await this.loop;

    this.setState('offline');
  }

  private onFrame(session: SocketSession, text: string): void {
    if (session !== this.session) {
      return;
    }

    this.log.trace({ frame: text.slice(0, 500) }, 'tv frame received');
    // Any message proves the TV side is alive (§7 Q9): only silence counts towards a wedge.
    this.consecutiveTimeouts = 0;

    const frame = decodeFrame(text);
    switch (frame.kind) {
      case 'junk':
        this.log.warn({ reason: frame.reason, frame: text.slice(0, 200) }, 'tv frame ignored');
        return;
      case 'channel':
        this.onChannelFrame(session, frame);
        return;
      case 'art':
        this.onArtMessage(frame);
        return;
    }
  }

  private onChannelFrame(session: SocketSession, frame: ChannelFrame): void {
    if (frame.token) {
      this.saveToken(frame.token);
    }
    if (
      frame.event === 'ms.channel.clientConnect' ||
      frame.event === 'ms.channel.clientDisconnect'
    ) {
      this.log.debug({ event: frame.event }, 'tv channel client change');
      return;
    }

    if (this.currentState === 'ready') {
      this.onChannelFrameWhileReady(frame);
      return;
    }

    session.pushChannelFrame(frame);
  }

  private onChannelFrameWhileReady(frame: ChannelFrame): void {
    if (frame.event === 'ms.channel.timeOut' || frame.event === 'ms.channel.unauthorized') {
      this.log.warn({ event: frame.event }, 'tv channel refused after ready');
      void this.closeSocket(frame.event);
      return;
    }

    this.log.debug({ event: frame.event }, 'tv channel event');
  }

  private onArtMessage(frame: ArtMessageFrame): void {
    const pending = this.pending;
    const matches =
      pending !== null &&
      (frame.requestId === pending.requestId ||
        (frame.requestId === null && frame.id === pending.requestId));
    if (pending && matches) {
      this.pending = null;
      if (frame.error) {
        pending.reject(new TvRequestError(pending.name, frame.error.code));
      } else {
        pending.resolve(frame.fields);
      }
      return;
    }

    const correlationId = frame.requestId ?? frame.id;
    if (correlationId !== null) {
      const late = this.lateRequestIds.includes(correlationId);
      this.log.debug({ event: frame.event, late }, 'tv reply without pending request dropped');
      return;
    }

    this.log.debug({ event: frame.event }, 'tv art event');
    this.emitSafely('event', { event: frame.event, fields: frame.fields });
  }

  private onSocketClosed(session: SocketSession): void {
    if (session !== this.session) {
      return;
    }

    this.session = null;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(tvDisconnected(pending.name));
  }

  private async supervise(): Promise<void> {
    while (!this.stopping) {
      const session = await this.openSocket();
      if (session) {
        await this.runSession(session);
      }
      if (this.stopping) {
        return;
      }

      this.reconnects += 1;
      await this.waitBeforeReconnect();
    }
  }

  /** Opens the one socket, under the lifecycle mutex, only when no socket is left. */
  private async openSocket(): Promise<SocketSession | null> {
    const token = this.settings.sendToken ? await this.loadToken() : null;

    return this.lifecycle.runExclusive(() => {
      if (this.stopping) {
        return null;
      }
      if (this.session) {
        // Unreachable by construction; kept so a future path cannot open a second socket.
        throw new DocentError('TV_SECOND_SOCKET', 'refusing to open a second art socket');
      }

      this.setState('connecting');
      const url = buildArtChannelUrl({ ...this.settings, token });
      const session = new SocketSession(
        new WebSocket(url, {
          rejectUnauthorized: false,
          handshakeTimeout: this.settings.connectTimeoutMs,
        }),
        this.clock,
      );
      session.onText = (text) => this.onFrame(session, text);
      session.onClosed = () => this.onSocketClosed(session);
      session.onError = (err) => this.log.debug({ err }, 'tv socket error');
      // TODO(#2): 0.97 sets (2019) send thumbnails as in-band binary frames (§4.5); decode them
      // when the 0.97 profile is supported. Until then they are counted and dropped.
      session.onBinary = (bytes) => this.log.debug({ bytes }, 'tv binary frame ignored');
      this.session = session;
      this.socketsOpened += 1;

      return session;
    });
  }

  /** Handshake, then hold the socket until it closes. */
  private async runSession(session: SocketSession): Promise<void> {
    const failure = await this.handshake(session);
    if (failure) {
      this.reconnect.noteFailure(failure.reason);
      await this.closeSocket(failure.reason);
      return;
    }

    this.consecutiveTimeouts = 0;
    this.setState('ready');
    this.reconnect.noteReady();
    this.emitSafely('ready');

    await session.closed;

    this.reconnect.noteClosed();
    if (!this.stopping) {
      this.reconnect.noteFailure('socket closed');
    }
  }

  /** Returns null when the channel is usable, else why not (§2.3). */
  private async handshake(session: SocketSession): Promise<{ reason: string } | null> {
    const connect = await session.nextChannelFrame(this.settings.connectTimeoutMs);
    const connectFailure = describeHandshakeStep(connect, 'ms.channel.connect');
    if (connectFailure) {
      return connectFailure;
    }

    const ready = await session.nextChannelFrame(this.settings.readyTimeoutMs);
    if (ready === 'timeout') {
      return this.probeChannel(session);
    }

    return describeHandshakeStep(ready, 'ms.channel.ready');
  }

  /** Some 2024 sets never send `ms.channel.ready` but answer requests (§2.3). */
  private async probeChannel(session: SocketSession): Promise<{ reason: string } | null> {
    this.log.debug('tv ready missing, probing channel');
    const probeTimeoutMs = Math.min(MAX_PROBE_TIMEOUT_MS, this.settings.requestTimeoutMs);
    try {
      await this.wire.runExclusive(() => this.exchange(session, PROBE_REQUEST, {}, probeTimeoutMs));
    } catch (err) {
      if (!(err instanceof TvRequestError)) {
        return { reason: 'no ready and no answer to probe' };
      }
      // An error reply is still an answer: the art app is there.
    }

    return null;
  }

  /** One request on the wire; settles exactly once (reply, error reply, timeout or close). */
  private exchange(
    session: SocketSession,
    name: string,
    params: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    const { requestId, text } = encodeArtRequest(name, params);

    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.onRequestTimeout(pending, timeoutMs);
      }, timeoutMs);
      const settle = (fn: () => void): void => {
        if (pending.settled) {
          return;
        }
        pending.settled = true;
        this.clock.clearTimeout(timer);
        fn();
      };
      const pending: PendingRequest = {
        name,
        requestId,
        settled: false,
        resolve: (fields) => settle(() => resolve(fields)),
        reject: (err) => settle(() => reject(err)),
      };

      if (session.isClosed) {
        pending.reject(tvDisconnected(name));
        return;
      }
      this.pending = pending;
      this.log.debug({ request: name }, 'tv request sent');
      session.send(text, (err) => {
        if (err && this.pending === pending) {
          this.pending = null;
          pending.reject(tvDisconnected(name));
        }
      });
    });
  }

  private onRequestTimeout(pending: PendingRequest, timeoutMs: number): void {
    if (this.pending === pending) {
      this.pending = null;
    }
    this.rememberLateId(pending.requestId);
    pending.reject(tvTimeout(pending.name, timeoutMs));

    this.consecutiveTimeouts += 1;
    this.log.debug(
      { request: pending.name, timeoutMs, consecutiveTimeouts: this.consecutiveTimeouts },
      'tv request timed out',
    );
    if (this.consecutiveTimeouts >= this.settings.maxConsecutiveTimeouts) {
      this.log.warn(
        { consecutiveTimeouts: this.consecutiveTimeouts },
        'tv art app silent, replacing socket',
      );
      this.consecutiveTimeouts = 0;
      void this.closeSocket('wedged');
    }
  }

  /** Terminates the socket (if any) and waits for its `close`, under the lifecycle mutex. */
  private async closeSocket(reason: string): Promise<void> {
    await this.lifecycle.runExclusive(async () => {
      const session = this.session;
      if (!session) {
        return;
      }

      this.log.debug({ reason }, 'tv socket closing');
      session.terminate();
      await session.closed;
    });
  }

  private async waitBeforeReconnect(): Promise<void> {
    const delayMs = this.reconnect.nextDelayMs();
    this.setState('backoff');

    await new Promise<void>((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.wakeFromBackoff = null;
        resolve();
      }, delayMs);
      this.wakeFromBackoff = () => {
        this.clock.clearTimeout(timer);
        this.wakeFromBackoff = null;
        resolve();
      };
    });
  }

  private setState(next: ConnectionState): void {
    const previous = this.currentState;
    if (next === previous) {
      return;
    }

    this.currentState = next;
    this.log.info({ state: next, previous }, 'tv connection state changed');
    this.emitSafely('state', next, previous);
  }

  private emitSafely(event: keyof FrameConnectionEvents, ...args: unknown[]): void {
    try {
      this.emitter.emit(event, ...args);
    } catch (err) {
      this.log.error({ err, event }, 'tv connection listener threw');
    }
  }

  private rememberLateId(requestId: string): void {
    this.lateRequestIds.push(requestId);
    if (this.lateRequestIds.length > LATE_ID_MEMORY) {
      this.lateRequestIds.shift();
    }
  }

  private async loadToken(): Promise<string | null> {
    try {
      return await this.deps.tokenStore.load();
    } catch (err) {
      this.log.warn({ err }, 'tv token not loaded');
      return null;
    }
  }

  private saveToken(token: string): void {
    this.deps.tokenStore.save(token).then(
      () => this.log.info('tv token saved'),
      (err: unknown) => this.log.error({ err }, 'tv token not saved'),
    );
  }
}
