/**
 * Reads a d2d thumbnail stream byte for byte and reports how it ended, for the fault switches
 * (frame-protocol §4.2, §7 Q7). Written from the spec, like raw-client.ts.
 */
import { asObject, connectD2d, type Json } from './raw-client.js';

export interface RawStream {
  bytes: Buffer;
  /** `fin`: the TV closed normally; `reset`: ECONNRESET, no FIN; `error`: anything else. */
  ending: 'fin' | 'reset' | 'error';
}

export function readRawStream(ip: string, port: number, secured = false): Promise<RawStream> {
  return new Promise((resolve) => {
    const socket = connectD2d(ip, port, secured);
    const chunks: Buffer[] = [];
    let ending: RawStream['ending'] | undefined;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      ending ??= 'fin';
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      ending ??= err.code === 'ECONNRESET' ? 'reset' : 'error';
    });
    socket.on('close', () => resolve({ bytes: Buffer.concat(chunks), ending: ending ?? 'error' }));
  });
}

export interface ParsedRecords {
  /** Records whose header and bytes arrived whole. */
  whole: Json[];
  /** Header of a record cut short, if any, and how many of its bytes arrived. */
  cut?: { header: Json; bytesReceived: number };
}

/** Splits `uint32 BE L | header | fileLength bytes` records, noting a cut-short last one. */
export function parseRecords(all: Buffer): ParsedRecords {
  const whole: Json[] = [];
  let offset = 0;
  while (offset + 4 <= all.length) {
    const headerLength = all.readUInt32BE(offset);
    const start = offset + 4 + headerLength;
    if (start > all.length) break;
    const header = asObject(JSON.parse(all.subarray(offset + 4, start).toString()));
    const fileLength = Number(header.fileLength);
    if (start + fileLength > all.length) {
      return { whole, cut: { header, bytesReceived: all.length - start } };
    }
    whole.push(header);
    offset = start + fileLength;
  }

  return { whole };
}
