import net from 'node:net';
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
  /**
   * §7 Q7 (TMS `art.py`: resets and incomplete reads): half-way through the stream, in the middle
   * of a record, `reset` aborts the connection (RST, no FIN) and `truncated` closes it normally.
   */
  fault: 'none' | 'reset' | 'truncated';
  logger: Logger;
  /** `whole` is false for a record a fault cut short. */
  onRecordSent(bytes: number, whole: boolean): void;
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
  // With a fault, the records before the middle one go out whole; the middle one is cut.
  const cutAt = deps.fault === 'none' ? total : Math.floor(total / 2);
  // Nagle would hold the last small segments back until an ACK that the reset then overtakes.
  if (deps.fault === 'reset') tcpOf(socket).setNoDelay(true);
  for (const [num, artwork] of deps.artworks.entries()) {
    const jpeg = await deps.jpegOf(artwork);
    if (socket.destroyed) return;
    const whole = thumbnailRecord(artwork, jpeg, num, total);
    const record =
      num === cutAt ? whole.subarray(0, whole.length - Math.ceil(jpeg.length / 2)) : whole;
    const flushed = socket.write(record);
    deps.onRecordSent(record.length, record === whole);
    if (!flushed) await new Promise((resolve) => socket.once('drain', resolve));
    if (num === cutAt) {
      await endBadly(socket, deps.fault);
      return;
    }
  }
  // OH reads to end-of-stream, so the TV appears to close after the last record (§4.2 step 5).
  socket.end();
}

const RESET_AFTER_WRITE_MS = 20;

/**
 * Ends the stream after a cut record: FIN for `truncated`; an RST for `reset`, on the TCP socket
 * under the TLS one when secured (a TLS socket cannot be reset itself). The short pause lets the
 * written bytes leave first, as they would on the TV before its connection died.
 */
async function endBadly(socket: net.Socket, fault: 'none' | 'reset' | 'truncated'): Promise<void> {
  if (fault !== 'reset') {
    socket.end();
    return;
  }
  await new Promise((resolve) => setTimeout(resolve, RESET_AFTER_WRITE_MS));
  const raw = tcpOf(socket);
  raw.resetAndDestroy();
  if (raw !== socket) socket.destroy();
}

/** The TCP socket itself: a server-side TLS socket keeps it as `_parent` (Node's tls_wrap). */
function tcpOf(socket: net.Socket): net.Socket {
  const parent: unknown = Reflect.get(socket, '_parent');

  return parent instanceof net.Socket ? parent : socket;
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
