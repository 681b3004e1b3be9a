/**
 * The Frame art-channel wire protocol as the naive reference client speaks it: one short-lived
 * WebSocket, one request at a time on it, and the d2d thumbnail stream. Written for the benchmark
 * only, independently of `src/tv/` (see `naive-client.ts` for why it exists).
 * Sections refer to shared/docs/frame-protocol.md.
 */
import { randomInt, randomUUID } from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';
import { z } from 'zod';

export interface ArtEndpoint {
  host: string;
  port: number;
  secure: boolean;
}

export type NaiveErrorCode = 'SOCKET_CLOSED' | 'TIMEOUT' | 'TV_ERROR' | 'BAD_REPLY';

export class NaiveWireError extends Error {
  readonly code: NaiveErrorCode;

  constructor(code: NaiveErrorCode, message: string) {
    super(message);
    this.name = 'NaiveWireError';
    this.code = code;
  }
}

const outerSchema = z.looseObject({ event: z.string(), data: z.unknown().optional() });
const innerSchema = z.looseObject({
  event: z.string().optional(),
  request_id: z.string().optional(),
  id: z.string().optional(),
  error_code: z.union([z.string(), z.number()]).optional(),
});
const connInfoSchema = z.object({
  ip: z.string(),
  port: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  secured: z.boolean().optional(),
});
const thumbHeaderSchema = z.looseObject({
  fileID: z.string(),
  num: z.number().int().nonnegative(),
  total: z.number().int().positive(),
  fileLength: z.number().int().nonnegative(),
});

type Inner = z.infer<typeof innerSchema>;

interface Pending {
  resolve(inner: Inner): void;
  reject(err: NaiveWireError): void;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One art-channel WebSocket (§1.3) that has seen `ms.channel.connect` and `ms.channel.ready` (§2.3). */
export class ArtSocket {
  private readonly pending = new Map<string, Pending>();
  private closedReason: string | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onText(data.toString());
    });
    ws.on('close', () => this.failAll('socket closed'));
    ws.on('error', () => this.failAll('socket error'));
  }

  /** Connects and waits for the handshake; rejects with SOCKET_CLOSED or TIMEOUT. */
  static open(endpoint: ArtEndpoint, clientName: string, timeoutMs: number): Promise<ArtSocket> {
    const scheme = endpoint.secure ? 'wss' : 'ws';
    const name = Buffer.from(clientName, 'utf8').toString('base64');
    const url = `${scheme}://${endpoint.host}:${endpoint.port}/api/v2/channels/com.samsung.art-app?name=${name}`;
    // §1.4: the TV's certificate is self-signed; every client skips verification.
    const ws = new WebSocket(url, { rejectUnauthorized: false });

    return new Promise((resolve, reject) => {
      let connected = false;
      const fail = (code: NaiveErrorCode, message: string): void => {
        clearTimeout(timer);
        ws.terminate();
        reject(new NaiveWireError(code, message));
      };
      const timer = setTimeout(() => fail('TIMEOUT', 'art channel handshake timed out'), timeoutMs);
      const onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
        if (isBinary) return;
        const outer = outerSchema.safeParse(parseJson(data.toString()));
        if (!outer.success) return;
        if (outer.data.event === 'ms.channel.connect') connected = true;
        if (outer.data.event !== 'ms.channel.ready' || !connected) return;

        clearTimeout(timer);
        ws.off('message', onMessage);
        ws.off('close', onClose);
        resolve(new ArtSocket(ws));
      };
      const onClose = (): void => fail('SOCKET_CLOSED', 'socket closed during handshake');
      ws.on('message', onMessage);
      ws.on('close', onClose);
      ws.on('error', () => undefined);
    });
  }

  /** Sends one art request (§3.1) and waits for the reply carrying its `request_id` (§3.2). */
  request(request: string, params: Record<string, unknown>, timeoutMs: number): Promise<Inner> {
    if (this.closedReason !== undefined) {
      return Promise.reject(new NaiveWireError('SOCKET_CLOSED', this.closedReason));
    }
    const requestId = randomUUID();
    const data = JSON.stringify({ request, id: requestId, request_id: requestId, ...params });
    const frame = {
      method: 'ms.channel.emit',
      params: { event: 'art_app_request', to: 'host', data },
    };

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new NaiveWireError('TIMEOUT', `${request} timed out`));
      }, timeoutMs);
      this.pending.set(requestId, {
        resolve: (inner) => {
          clearTimeout(timer);
          resolve(inner);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      this.ws.send(JSON.stringify(frame));
    });
  }

  close(): void {
    this.failAll('closed by client');
    this.ws.terminate();
  }

  private onText(text: string): void {
    const outer = outerSchema.safeParse(parseJson(text));
    if (!outer.success || outer.data.event !== 'd2d_service_message') return;
    const raw = outer.data.data;
    const inner = innerSchema.safeParse(typeof raw === 'string' ? parseJson(raw) : raw);
    if (!inner.success) return;
    const key = inner.data.request_id ?? inner.data.id;
    const waiter = key === undefined ? undefined : this.pending.get(key);
    if (!waiter || key === undefined) return;

    this.pending.delete(key);
    if (inner.data.event === 'error') {
      waiter.reject(new NaiveWireError('TV_ERROR', `TV error ${String(inner.data.error_code)}`));
      return;
    }
    waiter.resolve(inner.data);
  }

  private failAll(reason: string): void {
    this.closedReason ??= reason;
    for (const waiter of this.pending.values()) {
      waiter.reject(new NaiveWireError('SOCKET_CLOSED', reason));
    }
    this.pending.clear();
  }
}

/** `conn_info` the client sends with a d2d request (§4.1). */
export function newConnInfo(): Record<string, unknown> {
  return { d2d_mode: 'socket', connection_id: randomInt(0, 2 ** 32), id: randomUUID() };
}

/** Reads the TV's `conn_info` reply field, a JSON string or an object (§4.1). */
export function parseConnInfo(value: unknown): { ip: string; port: number } {
  const parsed = connInfoSchema.safeParse(typeof value === 'string' ? parseJson(value) : value);
  if (!parsed.success) throw new NaiveWireError('BAD_REPLY', 'conn_info is not usable');

  return { ip: parsed.data.ip, port: parsed.data.port };
}

/**
 * Connects to the d2d listener and reads `total` thumbnail records (§4.2): uint32 BE header
 * length, JSON header, `fileLength` bytes. Resolves with the bytes per `fileID`.
 */
export function readThumbnailStream(
  target: { ip: string; port: number },
  timeoutMs: number,
): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const files = new Map<string, Buffer>();
    let buffered = Buffer.alloc(0);
    let settled = false;
    const socket = net.connect({ host: target.ip, port: target.port });
    const finish = (err?: NaiveWireError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(files);
    };
    const timer = setTimeout(
      () => finish(new NaiveWireError('TIMEOUT', 'thumbnail stream timed out')),
      timeoutMs,
    );

    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (buffered.length < 4) return;
        const headerLength = buffered.readUInt32BE(0);
        if (buffered.length < 4 + headerLength) return;
        const header = thumbHeaderSchema.safeParse(
          parseJson(buffered.subarray(4, 4 + headerLength).toString('utf8')),
        );
        if (!header.success) {
          finish(new NaiveWireError('BAD_REPLY', 'thumbnail header is not usable'));
          return;
        }
        const end = 4 + headerLength + header.data.fileLength;
        if (buffered.length < end) return;
        files.set(
          header.data.fileID.replace(/\.[^.]*$/, ''),
          buffered.subarray(4 + headerLength, end),
        );
        buffered = buffered.subarray(end);
        if (header.data.num + 1 >= header.data.total) {
          finish();
          return;
        }
      }
    });
    socket.on('error', () => finish(new NaiveWireError('SOCKET_CLOSED', 'thumbnail socket error')));
    socket.on('close', () =>
      finish(new NaiveWireError('SOCKET_CLOSED', 'thumbnail stream ended early')),
    );
  });
}
