import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.js';

export interface LogRecord {
  level: number;
  msg: string;
  component?: string;
  [field: string]: unknown;
}

/** A real pino logger whose records land in `records`, parsed, for asserting on logs. */
export function captureLog(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') records.push(JSON.parse(line) as LogRecord);
      }
      done();
    },
  });

  return { logger: createLogger('debug', stream), records };
}

export const WARN = 40;
