import type { TvCapabilities } from './capabilities.js';
import { getDeviceInfo } from './rest.js';
import type { ConnectionState } from './types.js';

/**
 * How one connection attempt ended:
 * - `unreachable`: the socket never opened (TV off, network down, connection refused);
 * - `soft`: opened but the handshake failed in a way that may clear (no connect, closed early);
 * - `refused`: `ms.channel.timeOut` / `unauthorized` during the handshake (token trouble, §1.6);
 * - `hard`: the art host is missing or never serves (connect, then no ready and no answer;
 *   or replaced as wedged without ever answering, §2.3, §7 Q9);
 * - `closed`: a ready socket closed;
 * - `stopped`: stop() was called.
 */
export type AttemptOutcome =
  | { kind: 'unreachable' | 'stopped'; usedToken: boolean }
  | { kind: 'soft' | 'refused' | 'hard' | 'closed'; usedToken: boolean; reason: string };

/** The state to wait in after an attempt, from what REST said about power (§1.2, §6.1). */
export function nextWaitState(
  outcome: AttemptOutcome,
  power: 'on' | 'standby' | 'unreachable',
): ConnectionState {
  if (outcome.kind === 'hard') {
    return 'backoff';
  }
  if (power === 'unreachable') {
    return 'offline';
  }

  return power === 'standby' ? 'standby' : 'backoff';
}

/** Counters the supervisor keeps across sockets: hard failures and timeouts in a row. */
export class SupervisionCounters {
  hardFailures = 0;
  private consecutiveTimeouts = 0;
  private readyAt: number | null = null;

  noteReady(now: number): void {
    this.readyAt = now;
    this.consecutiveTimeouts = 0;
  }

  /** Any reply proves the art app works: the hard-failure count starts over. */
  noteAnswer(): void {
    this.consecutiveTimeouts = 0;
    this.hardFailures = 0;
  }

  noteTimeout(): number {
    this.consecutiveTimeouts += 1;

    return this.consecutiveTimeouts;
  }

  resetTimeouts(): void {
    this.consecutiveTimeouts = 0;
  }

  noteOutcome(outcome: AttemptOutcome, now: number, healthyAfterMs: number): void {
    const readyForMs = this.readyAt === null ? 0 : now - this.readyAt;
    this.readyAt = null;
    if (outcome.kind === 'hard') {
      this.hardFailures += 1;
      return;
    }
    if (outcome.kind === 'closed' && readyForMs >= healthyAfterMs) {
      this.hardFailures = 0;
    }
  }

  /**
   * Harder backoff once the art host keeps failing: doubling from `initialMs` per further hard
   * failure up to `maxMs` (FAB: 30→60→120→240 s, §7 Q9), jittered over the upper half.
   */
  hardDelayMs(
    backoff: { initialMs: number; maxMs: number },
    harderFrom: number,
    random: () => number = Math.random,
  ): number {
    const exponent = Math.min(30, Math.max(0, this.hardFailures - harderFrom));
    const windowMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** exponent);

    return Math.round(windowMs / 2 + (random() * windowMs) / 2);
  }
}

/**
 * What REST says about power, asked only when the socket itself failed or dropped (§1.2,
 * §6.1): a handshake that failed on an open socket already shows the TV's network side is up.
 * The model code read is noted in `capabilities`: 5.x sets say `standby` on REST while showing
 * art (§6.1, XW#185), so there `standby` tells nothing and counts as `on`.
 */
export async function powerForWait(
  settings: {
    restCheck: boolean;
    host: string;
    port: number;
    secure: boolean;
    connectTimeoutMs: number;
  },
  outcome: AttemptOutcome,
  capabilities: TvCapabilities | null = null,
): Promise<'on' | 'standby' | 'unreachable'> {
  if (!settings.restCheck || (outcome.kind !== 'unreachable' && outcome.kind !== 'closed')) {
    return 'on';
  }
  try {
    const info = await getDeviceInfo({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      timeoutMs: Math.min(2000, settings.connectTimeoutMs),
    });
    capabilities?.setDeviceFacts({ model: info.model, mac: info.wifiMac });
    if (info.powerState === 'standby' && capabilities?.generation === '5.x') {
      return 'on';
    }

    return info.powerState ?? 'on';
  } catch {
    return 'unreachable';
  }
}
