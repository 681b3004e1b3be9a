import type { Logger } from '../log.js';
import type { Clock, ClockTimer } from '../util/clock.js';
import type { ConnectionState } from './types.js';

/** What LivenessMonitor needs from FrameConnection. */
export interface LivenessHost {
  currentState(): ConnectionState;
  /** A request is on the wire (a probe would only queue behind it). */
  isWireBusy(): boolean;
  /** Sends the cheap probe request; true on any answer, error replies included. */
  sendProbe(): Promise<boolean>;
  /** Replaces the socket; resolves once the old one is closed. */
  replace(reason: 'wedged' | 'stale' | 'silent'): Promise<void>;
  /** Resolves true on the next change into `ready`, false after `timeoutMs`. */
  nextReady(timeoutMs: number): { reached: Promise<boolean>; cancel(): void };
  /** Longest a reconnect takes when the TV is fine. */
  reconnectBoundMs(): number;
}

export interface LivenessSettings {
  idleProbeMs: number;
  silentSocketMs: number;
  staleBeforeUseMs: number;
  livenessCheckMs: number;
}

/**
 * Liveness of the ready socket, judged by answers (§2.4, §7 Q9): a socket that answered
 * nothing for `idleProbeMs`, or delivered nothing at all (no frame, no ping; e.g. half-open
 * after a power cut, FAB#74) for `silentSocketMs`, is probed and replaced when the probe
 * gets no answer. Before use, a socket idle for `staleBeforeUseMs` is probed the same way.
 */
export class LivenessMonitor {
  private lastHeardAt = 0;
  private lastAnswerAt = 0;
  private timer: ClockTimer | null = null;
  private running = false;

  constructor(
    private readonly host: LivenessHost,
    private readonly settings: LivenessSettings,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.running = true;
    this.arm();
  }

  /** A new socket became ready: it starts fresh. */
  sessionReady(): void {
    this.lastHeardAt = this.clock.now();
    this.lastAnswerAt = this.clock.now();
  }

  /** Any frame or ping from the TV. */
  heard(): void {
    this.lastHeardAt = this.clock.now();
  }

  /** A reply to one of Docent's requests. */
  answered(): void {
    this.lastAnswerAt = this.clock.now();
    this.lastHeardAt = this.lastAnswerAt;
  }

  isStale(): boolean {
    return this.clock.now() - this.lastAnswerAt >= this.settings.staleBeforeUseMs;
  }

  /** Probes a stale socket before use; when it is dead, waits (bounded) for its replacement. */
  async checkBeforeUse(): Promise<void> {
    // Listen before probing: the replacement's `ready` must not be missed.
    const fresh = this.host.nextReady(this.host.reconnectBoundMs());
    if (await this.probe('stale')) {
      fresh.cancel();
      return;
    }

    await fresh.reached;
  }

  stop(): void {
    this.running = false;
    if (this.timer) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private arm(): void {
    this.timer = this.clock.setTimeout(() => {
      if (!this.running) return;
      this.check();
      this.arm();
    }, this.settings.livenessCheckMs);
  }

  private check(): void {
    if (this.host.currentState() !== 'ready' || this.host.isWireBusy()) {
      return;
    }
    const now = this.clock.now();
    const idle = now - this.lastAnswerAt >= this.settings.idleProbeMs;
    const silent = now - this.lastHeardAt >= this.settings.silentSocketMs;
    if (idle || silent) {
      this.log.debug({ idle, silent }, 'tv liveness probe');
      void this.probe(silent ? 'silent' : 'wedged');
    }
  }

  // TODO(frame-protocol §7 Q9): 0.97 sets may answer nothing while broadcasts still flow
  // (§3.4); FAB holds off replacing such a socket. Docent replaces it and, after repeated
  // failures, goes dormant, losing the broadcasts. Done = a per-TV "broadcast-only" mode that
  // keeps the socket.
  /** True when the socket answered; otherwise it is being replaced. */
  private async probe(reason: 'wedged' | 'stale' | 'silent'): Promise<boolean> {
    if (await this.host.sendProbe()) {
      return true;
    }
    if (this.host.currentState() === 'ready') {
      this.log.warn({ reason }, 'tv socket not answering, replacing it');
      await this.host.replace(reason);
    }

    return false;
  }
}
