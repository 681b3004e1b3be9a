import type WebSocket from 'ws';
import type { Clock } from '../util/clock.js';
import type { ChannelFrame } from './protocol.js';

export type ChannelWaitResult = ChannelFrame | 'timeout' | 'closed';

/**
 * One WebSocket and what arrived on it during the handshake. `closed` resolves on the
 * socket's `close` event, which is what FrameConnection waits for before opening another.
 */
export class SocketSession {
  readonly closed: Promise<void>;
  /** True once the upgrade completed; false when the socket closed before that. */
  readonly opened: Promise<boolean>;
  onText: (text: string) => void = () => {};
  onBinary: (data: Buffer) => void = () => {};
  /** A WebSocket ping from the TV (ws answers it); counts as hearing from the TV (§2.4). */
  onPing: () => void = () => {};
  onClosed: () => void = () => {};
  onError: (err: Error) => void = () => {};
  private closedFlag = false;
  private readonly channelFrames: ChannelFrame[] = [];
  private channelWaiter: ((result: ChannelWaitResult) => void) | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly clock: Clock,
  ) {
    this.opened = new Promise((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('close', () => resolve(false));
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', () => {
        this.closedFlag = true;
        this.onClosed();
        this.channelWaiter?.('closed');
        resolve();
      });
    });
    ws.on('error', (err) => this.onError(err));
    ws.on('ping', () => this.onPing());
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.onBinary(rawDataToBuffer(data));
        return;
      }
      this.onText(rawDataToString(data));
    });
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** Queues a channel event for the handshake (events can arrive back to back, ~5 ms apart). */
  pushChannelFrame(frame: ChannelFrame): void {
    if (this.channelWaiter) {
      this.channelWaiter(frame);
      return;
    }

    this.channelFrames.push(frame);
  }

  /** The next channel event, or why none came. One waiter at a time. */
  nextChannelFrame(timeoutMs: number): Promise<ChannelWaitResult> {
    const queued = this.channelFrames.shift();
    if (queued) {
      return Promise.resolve(queued);
    }
    if (this.closedFlag) {
      return Promise.resolve('closed');
    }

    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => finish('timeout'), timeoutMs);
      const finish = (result: ChannelWaitResult): void => {
        this.clock.clearTimeout(timer);
        this.channelWaiter = null;
        resolve(result);
      };
      this.channelWaiter = finish;
    });
  }

  /** A string goes as a text frame, a Buffer as a binary frame. */
  send(message: string | Buffer, callback: (err?: Error) => void): void {
    this.ws.send(message, { binary: typeof message !== 'string' }, callback);
  }

  /** Drops the socket at once; `closed` resolves when ws reports `close`. */
  terminate(): void {
    this.ws.terminate();
  }
}

function rawDataToString(data: WebSocket.RawData): string {
  return rawDataToBuffer(data).toString('utf8');
}

function rawDataToBuffer(data: WebSocket.RawData): Buffer {
  if (Array.isArray(data)) {
    return Buffer.concat(data);
  }

  if (Buffer.isBuffer(data)) {
    return data;
  }

  return Buffer.from(new Uint8Array(data));
}

/** Null when the handshake step brought `expected`, else why the channel is not usable. */
export function describeHandshakeStep(
  result: ChannelWaitResult,
  expected: string,
): { reason: string } | null {
  if (result === 'timeout') {
    return { reason: `no ${expected}` };
  }
  if (result === 'closed') {
    return { reason: `socket closed before ${expected}` };
  }
  if (result.event === expected) {
    return null;
  }
  if (result.event === 'ms.channel.connect' && expected === 'ms.channel.ready') {
    return { reason: 'second ms.channel.connect' };
  }

  return { reason: result.event };
}

/** How a failed handshake failed: see AttemptOutcome in supervision.ts. */
export interface HandshakeFailure {
  reason: string;
  kind: 'soft' | 'hard' | 'refused';
}

/**
 * `ms.channel.connect`, then `ms.channel.ready`; a channel that sends connect but no ready is
 * proven by one answered `probe` (some 2024 sets, §2.3). No answer either means the art host is
 * missing or the port is a zombie: a hard failure. Null when the channel is usable.
 */
export async function runHandshake(
  session: SocketSession,
  timeouts: { connectTimeoutMs: number; readyTimeoutMs: number },
  probe: () => Promise<boolean>,
): Promise<HandshakeFailure | null> {
  const connect = await session.nextChannelFrame(timeouts.connectTimeoutMs);
  const connectFailure = describeHandshakeStep(connect, 'ms.channel.connect');
  if (connectFailure) {
    const refused =
      typeof connect === 'object' &&
      (connect.event === 'ms.channel.timeOut' || connect.event === 'ms.channel.unauthorized');

    return { ...connectFailure, kind: refused ? 'refused' : 'soft' };
  }

  const ready = await session.nextChannelFrame(timeouts.readyTimeoutMs);
  if (ready === 'timeout') {
    return (await probe()) ? null : { reason: 'no ready and no answer to probe', kind: 'hard' };
  }
  const readyFailure = describeHandshakeStep(ready, 'ms.channel.ready');

  return readyFailure ? { ...readyFailure, kind: 'soft' } : null;
}
