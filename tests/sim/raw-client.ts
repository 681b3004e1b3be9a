/**
 * A deliberately minimal client for the simulator's conformance suite: plain `ws`, `net` and
 * `https`, written from frame-protocol.md, sharing nothing with Docent's tv/ client.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import WebSocket from 'ws';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown): Json {
  if (!isObject(value)) throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);

  return value;
}

/** One text frame as received: the raw text and its parsed outer object. */
export interface Frame {
  text: string;
  message: Json;
}

/** Inner art data of a `d2d_service_message`, parsed from its JSON string. */
export function innerOf(frame: Frame): Json {
  const data = frame.message.data;
  if (typeof data !== 'string') throw new Error('d2d data is not a string');

  return asObject(JSON.parse(data));
}

export function channelUrl(
  scheme: 'ws' | 'wss',
  port: number,
  channel: string,
  name = 'DocentTest',
  token?: string,
): string {
  const b64 = Buffer.from(name).toString('base64');
  const tokenPart = token === undefined ? '' : `&token=${token}`;

  return `${scheme}://127.0.0.1:${port}/api/v2/channels/${channel}?name=${b64}${tokenPart}`;
}

export class RawClient {
  readonly frames: Frame[] = [];
  /** Binary messages (0.97 in-band thumbnails, §4.5). */
  readonly binaries: Buffer[] = [];
  closeCode: number | undefined;
  private waiters: Array<() => void> = [];
  private readonly closed: Promise<void>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.binaries.push(Buffer.isBuffer(data) ? data : Buffer.from(data.toString()));
        this.notify();
        return;
      }
      const text = data.toString();
      this.frames.push({ text, message: asObject(JSON.parse(text)) });
      this.notify();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code) => {
        this.closeCode = code;
        this.notify();
        resolve();
      });
    });
    ws.on('error', () => {});
  }

  static open(url: string): Promise<RawClient> {
    const ws = new WebSocket(url, { rejectUnauthorized: false });
    const client = new RawClient(ws);

    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', () => reject(new Error('upgrade refused')));
    });
  }

  /** Sends an art request; `data` is what goes into the JSON string. Returns the request id. */
  request(request: string, params: Json = {}): string {
    // Same fresh UUID as `id` (old firmware echoes it) and `request_id` (new firmware), §3.1.
    const requestId = randomUUID();
    this.sendData(JSON.stringify({ request, ...params, id: requestId, request_id: requestId }));

    return requestId;
  }

  sendData(data: string): void {
    this.send({
      method: 'ms.channel.emit',
      params: { event: 'art_app_request', to: 'host', data },
    });
  }

  send(message: Json): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Resolves once `check` holds (checked on every message), or rejects after the timeout. */
  waitUntil(check: () => boolean, timeoutMs = 2000): Promise<void> {
    return new Promise((resolve, reject) => {
      const onChange = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== onChange);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== onChange);
        reject(new Error('timed out waiting for a condition'));
      }, timeoutMs);
      this.waiters.push(onChange);
      onChange();
    });
  }

  /** Resolves with the first frame (already received or future) that matches. */
  waitFor(match: (frame: Frame) => boolean, timeoutMs = 2000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.frames.find(match);
        if (!found) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== onChange);
        resolve(found);

        return true;
      };
      const onChange = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== onChange);
        reject(new Error('timed out waiting for a frame'));
      }, timeoutMs);
      if (!check()) this.waiters.push(onChange);
    });
  }

  waitForEvent(event: string, timeoutMs?: number): Promise<Frame> {
    return this.waitFor((frame) => frame.message.event === event, timeoutMs);
  }

  /** The art reply (or error) whose inner data echoes `requestId`. */
  async reply(requestId: string, timeoutMs?: number): Promise<Json> {
    const frame = await this.waitFor((f) => innerRequestId(f) === requestId, timeoutMs);

    return innerOf(frame);
  }

  /** Inner data of the first d2d broadcast with this inner event name. */
  async broadcast(event: string, timeoutMs?: number): Promise<Json> {
    const frame = await this.waitFor((f) => innerEvent(f) === event, timeoutMs);

    return innerOf(frame);
  }

  /** Opens a socket and waits for connect and (by default) ready. */
  static async connectArt(url: string, waitReady = true): Promise<RawClient> {
    const client = await RawClient.open(url);
    await client.waitForEvent(waitReady ? 'ms.channel.ready' : 'ms.channel.connect');

    return client;
  }

  waitClosed(timeoutMs = 2000): Promise<void> {
    return Promise.race([
      this.closed,
      new Promise<void>((_, reject) =>
        setTimeout(() => reject(new Error('socket did not close')), timeoutMs).unref(),
      ),
    ]);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.terminate();
    await this.closed;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function d2dInner(frame: Frame): Json | undefined {
  if (frame.message.event !== 'd2d_service_message') return undefined;

  return innerOf(frame);
}

/** `request_id` (new firmware), else `id` (old firmware), §3.2. */
export function innerRequestId(frame: Frame): unknown {
  const inner = d2dInner(frame);

  return inner?.request_id ?? inner?.id;
}

export function innerEvent(frame: Frame): unknown {
  return d2dInner(frame)?.event;
}

/** GET a URL (TLS not verified, as every client does with the TV, §1.4). */
export function getJson(url: string): Promise<{ status: number; text: string; body: Json }> {
  const get = url.startsWith('https') ? https.get : http.get;

  return new Promise((resolve, reject) => {
    const req = get(url, { rejectUnauthorized: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = res.statusCode === 200 ? asObject(JSON.parse(text)) : {};
        resolve({ status: res.statusCode ?? 0, text, body });
      });
    });
    req.on('error', reject);
  });
}

export interface ThumbnailRecord {
  header: Json;
  bytes: Buffer;
}

/** Opens the d2d socket of a `conn_info`, in TLS iff `secured` (§4.1, §4.4). */
export function connectD2d(ip: string, port: number, secured = false): net.Socket {
  return secured
    ? tls.connect({ host: ip, port, rejectUnauthorized: false })
    : net.connect(port, ip);
}

/** Parses `conn_info` (a JSON string, §4.1) from an art reply. */
export function connInfoOf(reply: Json): {
  ip: string;
  port: number;
  key: string;
  secured: boolean;
} {
  const info = asObject(JSON.parse(String(reply.conn_info)));

  return {
    ip: String(info.ip),
    port: Number(info.port),
    key: String(info.key),
    secured: info.secured === true,
  };
}

/** Writes one upload on a d2d socket: uint32 BE header length, JSON header, bytes (§4.3). */
export function writeUpload(
  info: { ip: string; port: number; key: string; secured: boolean },
  bytes: Buffer,
  options: { fileLength?: number; key?: string } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connectD2d(info.ip, info.port, info.secured);
    const header = Buffer.from(
      JSON.stringify({
        num: 0,
        total: 1,
        fileLength: options.fileLength ?? bytes.length,
        fileName: 'dummy',
        fileType: 'jpg',
        secKey: options.key ?? info.key,
        version: '0.0.1',
      }),
    );
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length, 0);
    socket.on('error', reject);
    socket.once(info.secured ? 'secureConnect' : 'connect', () => {
      socket.end(Buffer.concat([length, header, bytes]));
    });
    socket.on('close', () => resolve());
  });
}

/** Reads a whole d2d thumbnail stream until the TV closes it (§4.2). */
export function readThumbnailStream(
  ip: string,
  port: number,
  secured = false,
): Promise<ThumbnailRecord[]> {
  return new Promise((resolve, reject) => {
    const socket = connectD2d(ip, port, secured);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const records: ThumbnailRecord[] = [];
      let offset = 0;
      while (offset < all.length) {
        const headerLength = all.readUInt32BE(offset);
        const header = asObject(
          JSON.parse(all.subarray(offset + 4, offset + 4 + headerLength).toString()),
        );
        const fileLength = Number(header.fileLength);
        const start = offset + 4 + headerLength;
        records.push({ header, bytes: all.subarray(start, start + fileLength) });
        offset = start + fileLength;
      }
      resolve(records);
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
