/**
 * ANTI-PATTERN, kept on purpose as the benchmark's reference: a Frame client written the way
 * Docent's predecessor web app was, so `npm run bench` can show what Docent is shaped against
 * (docs/architecture.md, first section). Do not reuse any of it.
 *
 * What it gets wrong, each one deliberately:
 * - a new art WebSocket per operation (the predecessor opened ~56 in seconds);
 * - one global lock (async-mutex) around every user operation, so a click queues behind
 *   whatever holds it;
 * - a background thumbnail prefetch in batches of 10 that opens its own socket beside the
 *   locked ones, without the lock — the TV then closes every art socket (frame-protocol §7 Q1:
 *   "socket closed", error -1);
 * - retries that sleep while still holding the lock (3 tries, 2 s × latency scale apart).
 *
 * It counts its own failures so the benchmark can report them.
 */
import { Mutex } from 'async-mutex';
import { z } from 'zod';
import {
  type ArtEndpoint,
  ArtSocket,
  NaiveWireError,
  newConnInfo,
  parseConnInfo,
  readThumbnailStream,
} from './naive-wire.js';

export interface NaiveClientOptions extends ArtEndpoint {
  /** Multiplies the predecessor's 2 s retry sleep; match the simulator's latency scale. */
  latencyScale: number;
  /** Per request (and per handshake, per thumbnail stream). Default 30 s. */
  requestTimeoutMs?: number;
  /** Tries per operation. Default 3. */
  tries?: number;
  /** Thumbnails per prefetch batch. Default 10. */
  batchSize?: number;
}

export interface NaiveCounters {
  /** Operations started (user operations and prefetch batches). */
  operations: number;
  /** WebSockets this client opened. */
  socketsOpened: number;
  /** Failed tries, whatever the outcome of the operation. */
  errors: number;
  errorsByCode: Record<string, number>;
  /** Operations that failed after every try. */
  failedOperations: number;
  thumbnailsReceived: number;
}

export interface PrefetchResult {
  batches: number;
  failedBatches: number;
  thumbnails: number;
}

const CLIENT_NAME = 'NaiveFrameWebApp';
const RETRY_SLEEP_MS = 2_000;
const CATALOG_CATEGORY = 'MY-C0002';

const contentListSchema = z.array(z.looseObject({ content_id: z.string() }));

/** `content_list` is a JSON string inside the reply's data string (§3.5, §2.1). */
function parseContentList(value: unknown): string[] {
  let list: unknown;
  try {
    list = typeof value === 'string' ? JSON.parse(value) : value;
  } catch {
    throw new NaiveWireError('BAD_REPLY', 'content_list is not JSON');
  }
  const parsed = contentListSchema.safeParse(list);
  if (!parsed.success)
    throw new NaiveWireError('BAD_REPLY', 'content_list is not a list of artworks');

  return parsed.data.map((item) => item.content_id);
}

export class NaiveClient {
  private readonly lock = new Mutex();
  private readonly sockets = new Set<ArtSocket>();
  private readonly sleepers = new Set<() => void>();
  private readonly stats: NaiveCounters = {
    operations: 0,
    socketsOpened: 0,
    errors: 0,
    errorsByCode: {},
    failedOperations: 0,
    thumbnailsReceived: 0,
  };
  private state: 'running' | 'stopped' = 'running';
  private readonly requestTimeoutMs: number;
  private readonly tries: number;
  private readonly batchSize: number;
  private readonly retrySleepMs: number;

  constructor(private readonly options: NaiveClientOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.tries = options.tries ?? 3;
    this.batchSize = options.batchSize ?? 10;
    this.retrySleepMs = Math.round(RETRY_SLEEP_MS * options.latencyScale);
  }

  /** The page load: the whole catalog, as a locked user operation. */
  loadCatalog(): Promise<string[]> {
    return this.lock.runExclusive(() =>
      this.withRetries(async (socket) => {
        const reply = await socket.request(
          'get_content_list',
          { category_id: CATALOG_CATEGORY },
          this.requestTimeoutMs,
        );

        return parseContentList(reply.content_list);
      }),
    );
  }

  /** A click on an artwork. Resolves when the TV confirmed; rejects after the last try. */
  select(contentId: string): Promise<void> {
    return this.lock.runExclusive(() =>
      this.withRetries(async (socket) => {
        await socket.request(
          'select_image',
          { content_id: contentId, show: true },
          this.requestTimeoutMs,
        );
      }),
    );
  }

  /** The background thumbnail job: batches of ten, each on its own socket, never taking the lock. */
  async prefetchThumbnails(contentIds: string[]): Promise<PrefetchResult> {
    const result: PrefetchResult = { batches: 0, failedBatches: 0, thumbnails: 0 };
    for (let start = 0; start < contentIds.length; start += this.batchSize) {
      if (this.state === 'stopped') break;
      const batch = contentIds.slice(start, start + this.batchSize);
      result.batches += 1;
      try {
        const files = await this.withRetries((socket) => this.fetchBatch(socket, batch));
        result.thumbnails += files;
      } catch {
        // Each failed try is already counted in withRetries; like the predecessor, the job
        // skips the batch and leaves those thumbnails missing.
        result.failedBatches += 1;
      }
    }

    return result;
  }

  counters(): NaiveCounters {
    return { ...this.stats, errorsByCode: { ...this.stats.errorsByCode } };
  }

  /** Closes every socket and cuts retry sleeps short; operations in flight then fail. */
  stop(): void {
    this.state = 'stopped';
    for (const wake of [...this.sleepers]) wake();
    for (const socket of this.sockets) socket.close();
    this.sockets.clear();
  }

  private async fetchBatch(socket: ArtSocket, batch: string[]): Promise<number> {
    const reply = await socket.request(
      'get_thumbnail_list',
      { content_id_list: batch.map((id) => ({ content_id: id })), conn_info: newConnInfo() },
      this.requestTimeoutMs,
    );
    const files = await readThumbnailStream(parseConnInfo(reply.conn_info), this.requestTimeoutMs);
    this.stats.thumbnailsReceived += files.size;

    return files.size;
  }

  /** A fresh socket per try, closed afterwards; the sleep between tries happens in the caller's lock. */
  private async withRetries<T>(operation: (socket: ArtSocket) => Promise<T>): Promise<T> {
    this.stats.operations += 1;
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.tries; attempt += 1) {
      if (this.state === 'stopped') break;
      try {
        return await this.onFreshSocket(operation);
      } catch (err) {
        lastError = err;
        this.countError(err);
        if (attempt < this.tries) await this.sleep(this.retrySleepMs);
      }
    }
    this.stats.failedOperations += 1;

    throw lastError ?? new NaiveWireError('SOCKET_CLOSED', 'client stopped');
  }

  private async onFreshSocket<T>(operation: (socket: ArtSocket) => Promise<T>): Promise<T> {
    this.stats.socketsOpened += 1;
    const socket = await ArtSocket.open(this.options, CLIENT_NAME, this.requestTimeoutMs);
    this.sockets.add(socket);
    try {
      return await operation(socket);
    } finally {
      this.sockets.delete(socket);
      socket.close();
    }
  }

  private countError(err: unknown): void {
    const code = err instanceof NaiveWireError ? err.code : 'OTHER';
    this.stats.errors += 1;
    this.stats.errorsByCode[code] = (this.stats.errorsByCode[code] ?? 0) + 1;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}
