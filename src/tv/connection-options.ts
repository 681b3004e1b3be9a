import type { Logger } from '../log.js';
import type { Clock } from '../util/clock.js';
import type { TokenStore } from './token-store.js';
import type { ArtEvent, ConnectionState } from './types.js';

export interface FrameConnectionOptions {
  tvId: string;
  host: string;
  port: number;
  secure: boolean;
  /** Shown on the TV's device list. Default `Docent`. */
  clientName?: string;
  /** Socket open + `ms.channel.connect`. Default 5000. */
  connectTimeoutMs?: number;
  /** `ms.channel.ready` after connect. Default 2000. */
  readyTimeoutMs?: number;
  /** Default per-request timeout. Default 5000. */
  requestTimeoutMs?: number;
  /** Reconnect delays: full jitter up to min(maxMs, initialMs·2^n); reset after resetAfterMs ready. */
  backoff?: { initialMs: number; maxMs: number; resetAfterMs: number };
  /** Timeouts in a row, with nothing heard from the TV between them, before the socket is replaced. */
  maxConsecutiveTimeouts?: number;
  /**
   * Put the saved token in the art-channel URL. Off by default: a 2024 set stalls until
   * `ms.channel.timeOut` when the art URL carries a token, while NW#18 reports newer firmware
   * needing one (frame-protocol.md §1.6).
   * TODO(#4): pick this per TV from what the handshake shows, together with the pairing states.
   */
  sendToken?: boolean;
}

export interface FrameConnectionDeps {
  logger: Logger;
  tokenStore: TokenStore;
  clock?: Clock;
}

export interface FrameConnectionEvents {
  state: (state: ConnectionState, previous: ConnectionState) => void;
  event: (event: ArtEvent) => void;
  ready: () => void;
}

export interface ConnectionSettings {
  tvId: string;
  host: string;
  port: number;
  secure: boolean;
  clientName: string;
  connectTimeoutMs: number;
  readyTimeoutMs: number;
  requestTimeoutMs: number;
  backoff: { initialMs: number; maxMs: number; resetAfterMs: number };
  maxConsecutiveTimeouts: number;
  sendToken: boolean;
}

/** Defaults follow the timeouts other clients use (frame-protocol.md §7, last table). */
export function resolveSettings(options: FrameConnectionOptions): ConnectionSettings {
  return {
    tvId: options.tvId,
    host: options.host,
    port: options.port,
    secure: options.secure,
    clientName: options.clientName ?? 'Docent',
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    readyTimeoutMs: options.readyTimeoutMs ?? 2000,
    requestTimeoutMs: options.requestTimeoutMs ?? 5000,
    backoff: options.backoff ?? { initialMs: 1000, maxMs: 60_000, resetAfterMs: 60_000 },
    maxConsecutiveTimeouts: options.maxConsecutiveTimeouts ?? 3,
    sendToken: options.sendToken ?? false,
  };
}
