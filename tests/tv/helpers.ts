import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.js';
import type { FrameConnection, FrameConnectionOptions } from '../../src/tv/connection.js';
import type { ConnectionState } from '../../src/tv/types.js';

/** Resolves when the connection reaches `state`; fails the test after `timeoutMs`. */
export function waitForState(
  conn: FrameConnection,
  state: ConnectionState,
  timeoutMs = 5000,
): Promise<void> {
  if (conn.state === state) return Promise.resolve();

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      conn.off('state', listener);
      reject(
        new Error(`connection did not reach ${state} within ${timeoutMs} ms (is ${conn.state})`),
      );
    }, timeoutMs);
    const listener = (next: ConnectionState): void => {
      if (next !== state) return;
      clearTimeout(timer);
      conn.off('state', listener);
      resolve();
    };
    conn.on('state', listener);
  });
}

/** Resolves with the state the connection moves to when it next leaves `from`. */
export function nextStateAfter(
  conn: FrameConnection,
  from: ConnectionState,
): Promise<ConnectionState> {
  return new Promise((resolve) => {
    const listener = (state: ConnectionState, previous: ConnectionState): void => {
      if (previous !== from) return;
      conn.off('state', listener);
      resolve(state);
    };
    conn.on('state', listener);
  });
}

/** Records every state change, in order. */
export function recordStates(conn: FrameConnection): ConnectionState[] {
  const states: ConnectionState[] = [];
  conn.on('state', (state) => states.push(state));
  return states;
}

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger whose records land in `records`, for asserting on what was logged. */
export function captureLogger(): { logger: Logger; records: LogRecord[]; text: () => string } {
  const records: LogRecord[] = [];
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        lines.push(line);
        records.push(JSON.parse(line));
      }
      done();
    },
  });

  return { logger: createLogger('debug', stream), records, text: () => lines.join('\n') };
}

export const FAST_BACKOFF = { initialMs: 20, maxMs: 100, resetAfterMs: 60_000 };

/** Supervision timings for simulator runs: failures show within a second or so. */
export const FAST_SUPERVISION: Partial<FrameConnectionOptions> = {
  backoff: FAST_BACKOFF,
  connectTimeoutMs: 500,
  readyTimeoutMs: 150,
  requestTimeoutMs: 400,
  hardBackoff: { initialMs: 20, maxMs: 40 },
};
