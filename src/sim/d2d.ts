import type net from 'node:net';
import type { Logger } from '../log.js';
import type { Artwork } from './catalogue.js';
import type { TlsMaterial } from './certificate.js';
import { type D2dListener, openD2dListener } from './d2d-listener.js';

export interface ThumbnailTransferDeps {
  host: string;
  artworks: Artwork[];
  jpegOf(artwork: Artwork): Promise<Buffer>;
  /** Set when the profile's d2d sockets are `secured` (§4.4). */
  tls: TlsMaterial | undefined;
  /** Close the listener when nobody connects in time (§7: clients allow 10 s for the connect). */
  acceptTimeoutMs: number;
  /** §7 Q7 (FAB#14): when set, wait this long, then close without sending a byte. */
  slowEmptyMs: number | undefined;
  logger: Logger;
  onRecordSent(bytes: number): void;
}

/** A running one-shot d2d thumbnail transfer. `close()` is idempotent. */
export type ThumbnailTransfer = D2dListener;

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
    const record = thumbnailRecord(artwork, jpeg, num, total);
    const flushed = socket.write(record);
    deps.onRecordSent(record.length);
    if (!flushed) await new Promise((resolve) => socket.once('drain', resolve));
  }
  // OH reads to end-of-stream, so the TV appears to close after the last record (§4.2 step 5).
  socket.end();
}

/**
 * Opens an ephemeral listener for one thumbnail transfer, accepts exactly one connection,
 * streams every record on it, then closes (§4.1, §4.2).
 */
export function openThumbnailTransfer(deps: ThumbnailTransferDeps): Promise<ThumbnailTransfer> {
  return openD2dListener({
    host: deps.host,
    tls: deps.tls,
    acceptTimeoutMs: deps.acceptTimeoutMs,
    logger: deps.logger,
    onSocket: (socket) => {
      if (deps.slowEmptyMs !== undefined) {
        const timer = setTimeout(() => socket.end(), deps.slowEmptyMs);
        socket.on('close', () => clearTimeout(timer));
        return;
      }
      writeRecords(socket, deps).catch((err: unknown) => {
        deps.logger.warn({ err }, 'd2d thumbnail transfer failed');
        socket.destroy();
      });
    },
  });
}
