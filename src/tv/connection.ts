import { EventEmitter } from 'node:events';
import { Mutex } from 'async-mutex';
import WebSocket from 'ws';
import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';
import { type Clock, systemClock } from '../util/clock.js';
import { ArtTokenPolicy } from './art-token-policy.js';
import type { TvCapabilities } from './capabilities.js';
import {
  type ConnectionSettings,
  type FrameConnectionDeps,
  type FrameConnectionEvents,
  type FrameConnectionOptions,
  probeTimeoutMs,
  reconnectBoundMs,
  resolveSettings,
} from './connection-options.js';
import { TvRequestError, tvNotReady } from './errors.js';
import { dispatchBinary, dispatchText, type FrameTargets } from './frame-dispatch.js';
import { LivenessMonitor } from './liveness.js';
import { buildArtChannelUrl } from './protocol.js';
import { ReconnectTracker } from './reconnect-tracker.js';
import { type PairingState, RemoteControl } from './remote-control.js';
import { type OutgoingBody, RequestWire, type WireReply } from './request-wire.js';
import { runHandshake, SocketSession } from './socket-session.js';
import { nextReady, nextSettledState, wakeableDelay } from './state-waits.js';
import {
  type AttemptOutcome,
  nextWaitState,
  powerForWait,
  SupervisionCounters,
} from './supervision.js';
import { loadTokenSafely, saveTokenSafely } from './token-store.js';
import type { ConnectionState } from './types.js';

export type {
  FrameConnectionDeps,
  FrameConnectionEvents,
  FrameConnectionOptions,
} from './connection-options.js';
export type { PairingState } from './remote-control.js';

/** The `ready`-less handshake (§2.3 "some 2024 sets") and liveness use one cheap request. */
const PROBE_REQUEST = 'get_artmode_status';

/**
 * The one supervised art-channel socket per TV (architecture.md rule 1).
 *
 * - At most one socket exists: a new one is opened only after the old one emitted `close`,
 *   and open/close run under a mutex.
 * - Requests are never pipelined (frame-protocol.md §3.2, §7 Q3): one on the wire at a time,
 *   each bounded by a timeout, each settled exactly once.
 * - One state field (`ConnectionState`), changed and logged in `setState` only.
 * - Liveness is judged by answers (§7 Q9): timeouts in a row, a failed idle probe, or a socket
 *   that delivers nothing replace the socket; broadcasts alone do not prove the art app works.
 * - A TV whose art host never serves is backed off harder, then left `dormant` until `probe()`.
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
  private readonly counters = new SupervisionCounters();
  private readonly requests: RequestWire;
  private readonly remote: RemoteControl;
  private session: SocketSession | null = null;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wakeFromWait: (() => void) | null = null;
  private readonly liveness: LivenessMonitor;
  private socketsOpened = 0;
  private reconnects = 0;
  /** Why the current socket is being closed by Docent (`wedged`, `stale`…). */
  private closeReason: string | null = null;
  private readonly tokenPolicy: ArtTokenPolicy;
  private readonly capabilities: TvCapabilities | null;
  private answeredThisSession = false;
  private readonly frameTargets: FrameTargets;
  /**
   * While the pairing prompt is open the state reads `pairing`; this holds the state to go back
   * to, updated by supervision meanwhile. Null when no prompt is open.
   */
  private stateAfterPrompt: ConnectionState | null = null;

  constructor(options: FrameConnectionOptions, deps: FrameConnectionDeps) {
    this.settings = resolveSettings(options);
    this.log = deps.logger.child({ component: 'tv', tv: options.tvId });
    this.clock = deps.clock ?? systemClock;
    this.capabilities = deps.capabilities ?? null;
    this.reconnect = new ReconnectTracker(this.settings.backoff, this.clock, this.log);
    this.tokenPolicy = new ArtTokenPolicy(this.settings.sendToken, {
      capabilities: deps.capabilities,
      loadToken: () => loadTokenSafely(deps.tokenStore, this.log),
      pair: this.settings.autoPair
        ? async () => {
            this.setState('pairing');
            await this.pair();
          }
        : null,
      log: this.log,
    });
    this.requests = new RequestWire(this.clock, this.log);
    this.requests.onAnswer = () => this.noteAnswer();
    this.requests.onTimeout = (name) => this.noteTimeout(name);
    this.remote = new RemoteControl(
      {
        host: this.settings.host,
        port: this.settings.remotePort,
        clientName: this.settings.clientName,
        promptTimeoutMs: this.settings.promptTimeoutMs,
        promptGraceMs: this.settings.promptGraceMs,
      },
      { tokenStore: deps.tokenStore, logger: this.log },
    );
    this.frameTargets = {
      log: this.log,
      requests: this.requests,
      isReady: () => this.currentState === 'ready',
      heard: () => this.liveness.heard(),
      event: (event) => this.emitSafely('event', event),
      token: (token) => void saveTokenSafely(deps.tokenStore, this.log, token),
      refused: (reason) => void this.closeSocket(reason),
    };
    this.remote.on('pairing', (state, previous) => {
      // The prompt is open exactly while the remote channel waits for the user (§1.5).
      if (state === 'pending') this.promptOpened();
      else if (previous === 'pending') this.promptClosed();
      this.emitSafely('pairing', state, previous);
    });
    this.liveness = new LivenessMonitor(
      {
        currentState: () => this.currentState,
        isWireBusy: () => this.wire.isLocked(),
        sendProbe: () => this.sendProbe(),
        replace: (reason) => this.replaceSocket(reason === 'stale' ? 'stale' : 'wedged'),
        nextReady: (timeoutMs) => nextReady(this, this.clock, timeoutMs),
        reconnectBoundMs: () => reconnectBoundMs(this.settings),
      },
      this.settings,
      this.clock,
      this.log,
    );
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Where Docent stands with the TV's pairing prompt and token (§1.5). */
  get pairing(): PairingState {
    return this.remote.pairing;
  }

  /** The remote-control channel (keys, pairing) of the same TV, for power control. */
  get remoteControl(): RemoteControl {
    return this.remote;
  }

  /** Begins supervising the socket; returns at once. Calling it again does nothing. */
  start(): void {
    if (this.loop || this.stopping) {
      return;
    }

    this.loop = this.supervise().catch((err: unknown) => {
      this.log.error({ err }, 'tv supervisor crashed');
    });
    this.liveness.start();
  }

  /**
   * Sends one art request and resolves with the inner reply data (`event`, `request_id`…
   * included). Waits for the request before it to finish; never pipelines. A socket idle for
   * longer than `staleBeforeUseMs` is probed first and replaced if it does not answer.
   * Rejects with TV_NOT_READY, TV_TIMEOUT, TV_DISCONNECTED (all transient) or TvRequestError.
   */
  async request(
    name: string,
    params: Record<string, unknown> = {},
    opts: { timeoutMs?: number } = {},
  ): Promise<Record<string, unknown>> {
    return (await this.requestWithBinary(name, params, opts)).fields;
  }

  /**
   * As `request`, also giving the bytes of a 0.97 in-band binary reply; with `payload` the
   * request itself goes in-band (a 0.97 upload, §4.5).
   */
  async requestWithBinary(
    name: string,
    params: Record<string, unknown> = {},
    opts: { timeoutMs?: number; payload?: Buffer } = {},
  ): Promise<WireReply> {
    return this.send(name, { params, payload: opts.payload ?? null }, opts.timeoutMs);
  }

  /**
   * Sends `data` verbatim as the request's `params.data` (diagnostics: the TV answers data that
   * is not JSON with -6, §3.1, OLLO#19). No id can be read from such data, so the error reply is
   * matched by the `request_data` it echoes; `name` names the request in errors.
   */
  async requestRawData(
    name: string,
    data: string,
    opts: { timeoutMs?: number } = {},
  ): Promise<Record<string, unknown>> {
    return (await this.send(name, { rawData: data }, opts.timeoutMs)).fields;
  }

  /**
   * Lets one connection attempt through now: out of `dormant`, or skipping a backoff wait.
   * Resolves with the state the attempt ended in (bounded by the handshake timeouts).
   */
  async probe(): Promise<ConnectionState> {
    if (this.currentState === 'ready' || this.stopping || !this.loop) {
      return this.currentState;
    }

    this.log.info({ state: this.currentState }, 'tv probe requested');
    const timeoutMs = reconnectBoundMs(this.settings) + this.settings.promptTimeoutMs;
    const settled = nextSettledState(this, this.clock, timeoutMs);
    this.wakeFromWait?.();

    return settled;
  }

  /**
   * Pairs on the remote channel (the TV may show a prompt; bounded by `promptTimeoutMs`).
   * Observe progress with the `pairing` event.
   */
  async pair(): Promise<PairingState> {
    try {
      return await this.remote.pair();
    } catch (err) {
      this.log.debug({ err }, 'tv pairing ended without success');
      return this.remote.pairing;
    }
  }

  stats(): { socketsOpened: number; reconnects: number } {
    return { socketsOpened: this.socketsOpened, reconnects: this.reconnects };
  }

  /** Attempts in a row where the art host connected but never served (reset by any answer). */
  get hardFailures(): number {
    return this.counters.hardFailures;
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
    this.wakeFromWait?.();
    this.liveness.stop();

    await this.closeSocket('stopping');
    await this.loop;

    this.setState('offline');
  }

  private async send(
    name: string,
    body: OutgoingBody,
    timeoutMs: number | undefined,
  ): Promise<WireReply> {
    if (this.currentState !== 'ready') {
      throw tvNotReady(name);
    }
    if (this.liveness.isStale()) {
      await this.liveness.checkBeforeUse();
    }

    return this.wire.runExclusive(() => {
      const session = this.session;
      if (this.currentState !== 'ready' || !session) {
        throw tvNotReady(name);
      }

      return this.requests.exchange(
        session,
        name,
        body,
        timeoutMs ?? this.settings.requestTimeoutMs,
      );
    });
  }

  private onSocketClosed(session: SocketSession): void {
    if (session !== this.session) {
      return;
    }

    this.session = null;
    this.requests.disconnect();
  }

  private async supervise(): Promise<void> {
    while (!this.stopping) {
      const outcome = await this.attempt();
      if (this.stopping) {
        return;
      }

      this.reconnects += 1;
      await this.waitAfter(outcome);
    }
  }

  /** One socket: open, handshake, hold until it closes; says how it ended. */
  private async attempt(): Promise<AttemptOutcome> {
    const token = await this.tokenPolicy.tokenForAttempt();
    const usedToken = token !== null;
    const session = await this.openSocket(token);
    if (!session) {
      return { kind: 'stopped', usedToken };
    }
    if (!(await session.opened)) {
      this.reconnect.noteFailure('socket not opened');
      await this.closeSocket('not opened');
      return { kind: 'unreachable', usedToken };
    }

    const failure = await runHandshake(session, this.settings, () => {
      this.log.debug('tv ready missing, probing channel');
      return this.sendProbe(session);
    });
    if (failure) {
      this.reconnect.noteFailure(failure.reason);
      await this.closeSocket(failure.reason);
      return { kind: failure.kind, usedToken, reason: failure.reason };
    }

    this.closeReason = null;
    this.liveness.sessionReady();
    this.counters.noteReady(this.clock.now());
    this.tokenPolicy.worked();
    this.setState('ready');
    this.reconnect.noteReady();
    this.emitSafely('ready');

    await session.closed;

    this.reconnect.noteClosed();
    const reason = this.takeCloseReason();
    if (!this.stopping) {
      this.reconnect.noteFailure(reason);
    }
    // A socket replaced as wedged that never answered anything is the art host failing (§7 Q9).
    const hard = reason === 'wedged' && !this.answeredThisSession;

    return { kind: hard ? 'hard' : 'closed', usedToken, reason };
  }

  /** Opens the one socket, under the lifecycle mutex, only when no socket is left. */
  private async openSocket(token: string | null): Promise<SocketSession | null> {
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
      session.onText = (text) => {
        if (session === this.session) dispatchText(session, text, this.frameTargets);
      };
      session.onBinary = (data) => {
        if (session === this.session) dispatchBinary(data, this.frameTargets);
      };
      session.onPing = () => {
        if (session === this.session) this.liveness.heard();
      };
      session.onClosed = () => this.onSocketClosed(session);
      session.onError = (err) => this.log.debug({ err }, 'tv socket error');
      this.session = session;
      this.answeredThisSession = false;
      this.socketsOpened += 1;

      return session;
    });
  }

  /** Decides the state to wait in and for how long, then waits (wakeable by probe/stop). */
  private async waitAfter(outcome: AttemptOutcome): Promise<void> {
    if (outcome.kind === 'stopped') {
      return;
    }
    this.counters.noteOutcome(outcome, this.clock.now(), this.settings.backoff.resetAfterMs);
    await this.tokenPolicy.afterFailure(outcome);

    const settings = this.settings;
    if (this.counters.hardFailures >= settings.hardFailuresBeforeDormant) {
      this.log.warn(
        { hardFailures: this.counters.hardFailures },
        'tv art channel never serves, going dormant until probed',
      );
      this.setState('dormant');
      await this.wait(settings.dormantRecheckMs > 0 ? settings.dormantRecheckMs : null);
      return;
    }

    const power = await powerForWait(this.settings, outcome, this.capabilities);
    this.setState(nextWaitState(outcome, power));
    const delayMs =
      this.counters.hardFailures >= settings.hardFailuresBeforeHarder
        ? this.counters.hardDelayMs(settings.hardBackoff, settings.hardFailuresBeforeHarder)
        : this.reconnect.nextDelayMs();
    this.log.debug({ delayMs, state: this.currentState }, 'tv reconnect scheduled');
    await this.wait(delayMs);
  }

  /** Waits `delayMs` (null: until woken), or until probe() / stop() wakes it. */
  private async wait(delayMs: number | null): Promise<void> {
    if (!this.stopping) {
      await wakeableDelay(this.clock, delayMs, (wake) => {
        this.wakeFromWait = wake;
      });
    }
  }

  private noteAnswer(): void {
    this.liveness.answered();
    this.answeredThisSession = true;
    this.counters.noteAnswer();
  }

  private noteTimeout(name: string): void {
    const timeouts = this.counters.noteTimeout();
    this.log.debug({ request: name, consecutiveTimeouts: timeouts }, 'tv request timed out');
    if (timeouts >= this.settings.maxConsecutiveTimeouts) {
      this.log.warn({ consecutiveTimeouts: timeouts }, 'tv art app silent, replacing socket');
      this.counters.resetTimeouts();
      void this.replaceSocket('wedged');
    }
  }

  /**
   * The cheap probe request on `handshaking` (a socket without `ready`, §2.3) or on the ready
   * socket (liveness). True on any answer, error replies included.
   */
  private async sendProbe(handshaking: SocketSession | null = null): Promise<boolean> {
    try {
      await this.wire.runExclusive(() => {
        const session = handshaking ?? this.session;
        if (!session || (!handshaking && this.currentState !== 'ready')) {
          throw tvNotReady(PROBE_REQUEST);
        }

        return this.requests.exchange(
          session,
          PROBE_REQUEST,
          { params: {} },
          probeTimeoutMs(this.settings),
        );
      });

      return true;
    } catch (err) {
      return err instanceof TvRequestError;
    }
  }

  private takeCloseReason(): string {
    const reason = this.closeReason ?? 'socket closed';
    this.closeReason = null;

    return reason;
  }

  private async replaceSocket(reason: string): Promise<void> {
    this.closeReason ??= reason;
    await this.closeSocket(reason);
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

  /** The pairing prompt is showing: the state reads `pairing` until it closes. */
  private promptOpened(): void {
    if (this.stateAfterPrompt !== null) {
      return;
    }
    const underneath = this.currentState;
    this.setState('pairing');
    this.stateAfterPrompt = underneath;
  }

  /** The prompt closed: back to where supervision stands now. */
  private promptClosed(): void {
    const resume = this.stateAfterPrompt;
    if (resume === null) {
      return;
    }
    this.stateAfterPrompt = null;
    this.setState(resume);
  }

  /**
   * The one place the state changes. While the pairing prompt is open, supervision's changes
   * are held for when it closes (stop() excepted), so the state says what the user must do.
   */
  private setState(next: ConnectionState): void {
    if (this.stateAfterPrompt !== null && !this.stopping) {
      this.stateAfterPrompt = next;
      return;
    }
    this.stateAfterPrompt = null;
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
}
