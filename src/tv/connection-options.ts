import type { Logger } from '../log.js';
import type { Clock } from '../util/clock.js';
import type { TvCapabilities } from './capabilities.js';
import type { PairingState } from './remote-control.js';
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
   * Put the saved token in the art-channel URL: always, never, or `auto` (default): tokenless
   * first, and with the token only after a tokenless channel connected but never served — a
   * 2024 set stalls until `ms.channel.timeOut` with a token, while NW#18 reports newer firmware
   * needing one (frame-protocol.md §1.6).
   */
  sendToken?: boolean | 'auto';
  /** In `auto`, pair on the remote channel (prompting the user) when a token is needed. */
  autoPair?: boolean;
  /** TLS port of the remote channel for pairing and keys. Default: `port` when secure, else 8002. */
  remotePort?: number;
  /** How long the pairing prompt may stay open. Default 31000 (HA, §1.5). */
  promptTimeoutMs?: number;
  /** Silence on the remote channel longer than this means the prompt is showing. Default 1500. */
  promptGraceMs?: number;
  /** Ask REST whether the TV is off or in standby when the socket fails. Default true. */
  restCheck?: boolean;
  /** Backoff once the art host keeps failing (connects, never serves; FAB: 30→240 s, §7 Q9). */
  hardBackoff?: { initialMs: number; maxMs: number };
  /** Hard failures in a row before `hardBackoff` applies. Default 2. */
  hardFailuresBeforeHarder?: number;
  /** Hard failures in a row before the connection goes dormant. Default 5. */
  hardFailuresBeforeDormant?: number;
  /** A dormant connection tries again on its own after this long; 0 = only on probe(). 1 h. */
  dormantRecheckMs?: number;
  /** Probe a ready socket that answered nothing for this long. Default 60000. */
  idleProbeMs?: number;
  /** Probe a ready socket that delivered nothing at all (no frame, no ping). Default 30000. */
  silentSocketMs?: number;
  /** Before a request, probe a socket whose last answer is older than this. Default 30000. */
  staleBeforeUseMs?: number;
  /** How often liveness is checked. Default 5000. */
  livenessCheckMs?: number;
}

export interface FrameConnectionDeps {
  logger: Logger;
  tokenStore: TokenStore;
  /** Remembers which art-channel token policy worked for this TV (§1.6) across restarts. */
  capabilities?: TvCapabilities;
  clock?: Clock;
}

export interface FrameConnectionEvents {
  state: (state: ConnectionState, previous: ConnectionState) => void;
  event: (event: ArtEvent) => void;
  ready: () => void;
  pairing: (state: PairingState, previous: PairingState) => void;
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
  sendToken: boolean | 'auto';
  autoPair: boolean;
  remotePort: number;
  promptTimeoutMs: number;
  promptGraceMs: number;
  restCheck: boolean;
  hardBackoff: { initialMs: number; maxMs: number };
  hardFailuresBeforeHarder: number;
  hardFailuresBeforeDormant: number;
  dormantRecheckMs: number;
  idleProbeMs: number;
  silentSocketMs: number;
  staleBeforeUseMs: number;
  livenessCheckMs: number;
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
    sendToken: options.sendToken ?? 'auto',
    autoPair: options.autoPair ?? false,
    remotePort: options.remotePort ?? (options.secure ? options.port : 8002),
    promptTimeoutMs: options.promptTimeoutMs ?? 31_000,
    promptGraceMs: options.promptGraceMs ?? 1500,
    restCheck: options.restCheck ?? true,
    hardBackoff: options.hardBackoff ?? { initialMs: 30_000, maxMs: 240_000 },
    hardFailuresBeforeHarder: options.hardFailuresBeforeHarder ?? 2,
    hardFailuresBeforeDormant: options.hardFailuresBeforeDormant ?? 5,
    dormantRecheckMs: options.dormantRecheckMs ?? 3_600_000,
    idleProbeMs: options.idleProbeMs ?? 60_000,
    silentSocketMs: options.silentSocketMs ?? 30_000,
    staleBeforeUseMs: options.staleBeforeUseMs ?? 30_000,
    livenessCheckMs: options.livenessCheckMs ?? 5000,
  };
}

/** Capability probes use a short timeout (FAB uses 1 s, §7 Q4); Docent's is capped at 2 s. */
const MAX_PROBE_TIMEOUT_MS = 2000;

export function probeTimeoutMs(settings: ConnectionSettings): number {
  return Math.min(MAX_PROBE_TIMEOUT_MS, settings.requestTimeoutMs);
}

/** Longest a reconnect takes when the TV is fine: REST check, handshake, probe, slack. */
export function reconnectBoundMs(settings: ConnectionSettings): number {
  return (
    2000 + settings.connectTimeoutMs + settings.readyTimeoutMs + probeTimeoutMs(settings) + 1000
  );
}
