import net from 'node:net';
import type { Logger } from '../log.js';
import type { ConnInfo } from './art-requests.js';
import type { Artwork } from './catalogue.js';
import { transferKey } from './ids.js';

export interface ThumbnailTransferDeps {
  host: string;
  artworks: Artwork[];
  jpegOf(artwork: Artwork): Promise<Buffer>;
  /** Close the listener when nobody connects in time (§7: clients allow 10 s for the connect). */
  acceptTimeoutMs: number;
  logger: Logger;
  onRecordSent(): void;
}

/** A running one-shot d2d thumbnail transfer. `close()` is idempotent. */
export interface ThumbnailTransfer {
  readonly connInfo: ConnInfo;
  readonly done: Promise<void>;
  close(): void;
}

/** One record: uint32 BE header length, JSON header, then the file bytes (§4.2). */
export function thumbnailRecord(
  artwork: Artwork,
  jpeg: Buffer,
  num: number,
  total: number,
): Buffer {
  const header = Buffer.from(
    JSON.stringify({
      fileID: artwork.contentId,
      fileType: 'jpg',
      num,
      total,
      fileLength: jpeg.length,
    }),
    'utf8',
  );
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length, 0);

  return Buffer.concat([length, header, jpeg]);
}

async function writeRecords(socket: net.Socket, deps: ThumbnailTransferDeps): Promise<void> {
  const total = deps.artworks.length;
  for (const [num, artwork] of deps.artworks.entries()) {
    const jpeg = await deps.jpegOf(artwork);
    if (socket.destroyed) return;
    const flushed = socket.write(thumbnailRecord(artwork, jpeg, num, total));
    deps.onRecordSent();
    if (!flushed) await new Promise((resolve) => socket.once('drain', resolve));
  }
  // OH reads to end-of-stream, so the TV appears to close after the last record (§4.2 step 5).
  socket.end();
}

/**
 * Opens an ephemeral TCP listener for one thumbnail transfer, accepts exactly one connection,
 * streams every record on it, then closes. Plain TCP: `secured` is always false here.
 */
export async function openThumbnailTransfer(
  deps: ThumbnailTransferDeps,
): Promise<ThumbnailTransfer> {
  const log = deps.logger;
  const server = net.createServer();
  server.maxConnections = 1;
  let socket: net.Socket | undefined;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const close = (): void => {
    clearTimeout(acceptTimer);
    if (server.listening) server.close();
    socket?.destroy();
    resolveDone();
  };
  const acceptTimer = setTimeout(() => {
    log.debug({ port: connInfo.port }, 'd2d listener timed out without a connection');
    close();
  }, deps.acceptTimeoutMs);
  acceptTimer.unref();

  server.on('connection', (accepted) => {
    if (socket) {
      accepted.destroy();
      return;
    }
    socket = accepted;
    clearTimeout(acceptTimer);
    server.close();
    accepted.on('error', (err) => log.debug({ err }, 'd2d socket error'));
    accepted.on('close', () => resolveDone());
    writeRecords(accepted, deps).catch((err: unknown) => {
      log.warn({ err }, 'd2d thumbnail transfer failed');
      accepted.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, deps.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const connInfo: ConnInfo = { ip: deps.host, port, key: transferKey(), secured: false };

  return { connInfo, done, close };
}
