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
  onText: (text: string) => void = () => {};
  onBinary: (bytes: number) => void = () => {};
  onClosed: () => void = () => {};
  onError: (err: Error) => void = () => {};
  private closedFlag = false;
  private readonly channelFrames: ChannelFrame[] = [];
  private channelWaiter: ((result: ChannelWaitResult) => void) | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly clock: Clock,
  ) {
    this.closed = new Promise((resolve) => {
      ws.on('close', () => {
        this.closedFlag = true;
        this.onClosed();
        this.channelWaiter?.('closed');
        resolve();
      });
    });
    ws.on('error', (err) => this.onError(err));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.onBinary(rawDataLength(data));
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

  send(text: string, callback: (err?: Error) => void): void {
    this.ws.send(text, callback);
  }

  /** Drops the socket at once; `closed` resolves when ws reports `close`. */
  terminate(): void {
    this.ws.terminate();
  }
}

function rawDataToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) {
    return Buffer.concat(data).toString('utf8');
  }

  if (Buffer.isBuffer(data)) {
    return data.toString('utf8');
  }

  return Buffer.from(new Uint8Array(data)).toString('utf8');
}

function rawDataLength(data: WebSocket.RawData): number {
  if (Array.isArray(data)) {
    return data.reduce((sum, part) => sum + part.length, 0);
  }

  return data.byteLength;
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
  // TODO(#4): ms.channel.timeOut / unauthorized mean a pairing decision is due; enter the
  // `pairing` state and wait for the user instead of backing off like any other failure.
  if (result.event === 'ms.channel.connect' && expected === 'ms.channel.ready') {
    return { reason: 'second ms.channel.connect' };
  }

  return { reason: result.event };
}
