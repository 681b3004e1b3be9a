import net from 'node:net';
import tls from 'node:tls';
import { z } from 'zod';
import { DocentError } from '../errors.js';
import { parseJson } from './protocol.js';
import type { ThumbnailFile } from './types.js';

/** Where the TV waits for the side connection of one transfer (frame-protocol.md §4.1). */
export interface D2dConnInfo {
  ip: string;
  port: number;
  secured: boolean;
  key: string | null;
}

/** Port type is unconfirmed (§4.1, §9): a number or a numeric string. */
const portSchema = z.union([
  z.number().int().min(1).max(65535),
  z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(65535)),
]);

const countSchema = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d+$/).transform(Number),
]);

const connInfoSchema = z.looseObject({
  ip: z.string().min(1),
  port: portSchema,
  secured: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .optional(),
  key: z.string().optional(),
});

const recordHeaderSchema = z.looseObject({
  fileID: z.string().min(1),
  fileType: z.string().optional(),
  num: countSchema,
  total: countSchema.pipe(z.number().int().min(1)),
  fileLength: countSchema,
});

const HEADER_LENGTH_BYTES = 4;
/** A thumbnail header is a short JSON object; anything this big means the stream is off. */
const MAX_HEADER_BYTES = 64 * 1024;

/** Parses `conn_info`, which the TV sends as a JSON string and some fixtures as an object. */
export function parseConnInfo(value: unknown): D2dConnInfo {
  const raw = typeof value === 'string' ? parseJson(value) : value;
  const parsed = connInfoSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DocentError('TV_BAD_REPLY', 'conn_info from the TV has an unexpected shape', {
      cause: parsed.error,
    });
  }

  return {
    ip: parsed.data.ip,
    port: parsed.data.port,
    secured: parsed.data.secured ?? false,
    key: parsed.data.key ?? null,
  };
}

/**
 * Reads the thumbnail stream of §4.2: per record a uint32 BE header length, the JSON header,
 * then `fileLength` bytes; stops after the record with `num + 1 == total`. TLS iff `secured`,
 * without verification (self-signed, §4.4). The client sends nothing on this socket.
 * Rejects with TV_D2D_INCOMPLETE (transient) when the stream ends early or `timeoutMs` passes.
 */
export function readThumbnailStream(
  connInfo: D2dConnInfo,
  options: { timeoutMs: number },
): Promise<ThumbnailFile[]> {
  return new Promise((resolve, reject) => {
    const files: ThumbnailFile[] = [];
    const bytes = new ByteQueue();
    let header: z.infer<typeof recordHeaderSchema> | null = null;
    let finished = false;

    const socket = connInfo.secured
      ? tls.connect({ host: connInfo.ip, port: connInfo.port, rejectUnauthorized: false })
      : net.connect({ host: connInfo.ip, port: connInfo.port });

    const finish = (err: Error | null): void => {
      if (finished) {
        return;
      }
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) {
        reject(err);
      } else {
        resolve(files);
      }
    };
    const incomplete = (why: string, cause?: unknown): DocentError =>
      new DocentError('TV_D2D_INCOMPLETE', `thumbnail stream ${why} after ${files.length} files`, {
        transient: true,
        cause,
      });

    const timer = setTimeout(() => {
      finish(incomplete(`not complete within ${options.timeoutMs} ms`));
    }, options.timeoutMs);

    const drain = (): void => {
      for (;;) {
        if (!header) {
          const next = readHeader(bytes);
          if (next === null) {
            return;
          }
          header = next;
        }

        const data = bytes.take(header.fileLength);
        if (!data) {
          return;
        }
        files.push(toThumbnailFile(header, data));
        const last = header.num + 1 >= header.total;
        header = null;
        if (last) {
          finish(null);
          return;
        }
      }
    };

    socket.on('data', (chunk: Buffer) => {
      bytes.push(chunk);
      try {
        drain();
      } catch (err) {
        finish(err instanceof DocentError ? err : incomplete('unreadable', err));
      }
    });
    socket.on('error', (err) => finish(incomplete('failed', err)));
    socket.on('close', () => finish(incomplete('closed early')));
  });
}

function readHeader(bytes: ByteQueue): z.infer<typeof recordHeaderSchema> | null {
  const lengthBytes = bytes.peek(HEADER_LENGTH_BYTES);
  if (!lengthBytes) {
    return null;
  }

  const headerLength = lengthBytes.readUInt32BE(0);
  if (headerLength === 0 || headerLength > MAX_HEADER_BYTES) {
    throw new DocentError(
      'TV_D2D_INCOMPLETE',
      `thumbnail header length ${headerLength} is invalid`,
      {
        transient: true,
      },
    );
  }
  if (bytes.length < HEADER_LENGTH_BYTES + headerLength) {
    return null;
  }

  bytes.take(HEADER_LENGTH_BYTES);
  const headerBytes = bytes.take(headerLength) ?? Buffer.alloc(0);
  const parsed = recordHeaderSchema.safeParse(parseJson(headerBytes.toString('utf8')));
  if (!parsed.success) {
    throw new DocentError('TV_D2D_INCOMPLETE', 'thumbnail header is not the expected JSON', {
      transient: true,
      cause: parsed.error,
    });
  }

  return parsed.data;
}

/** Clients name the file `<fileID>.<fileType>`; strip the extension to get the artwork (§4.2). */
function toThumbnailFile(header: z.infer<typeof recordHeaderSchema>, data: Buffer): ThumbnailFile {
  const extension = /\.(jpe?g|png)$/i.exec(header.fileID);
  const contentId = extension ? header.fileID.slice(0, extension.index) : header.fileID;
  const fileType = header.fileType ?? extension?.[1] ?? 'jpg';

  return { contentId, fileType: fileType.toLowerCase(), data };
}

/** Bytes received so far, read in exact sizes however TCP split them. */
class ByteQueue {
  private chunks: Buffer[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  peek(count: number): Buffer | null {
    if (this.size < count) {
      return null;
    }
    this.compact();

    return this.chunks[0]?.subarray(0, count) ?? null;
  }

  take(count: number): Buffer | null {
    if (this.size < count) {
      return null;
    }
    this.compact();
    const head = this.chunks[0] ?? Buffer.alloc(0);
    const taken = Buffer.from(head.subarray(0, count));
    const rest = head.subarray(count);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.size -= count;

    return taken;
  }

  private compact(): void {
    if (this.chunks.length > 1) {
      this.chunks = [Buffer.concat(this.chunks)];
    }
  }
}
