import net from 'node:net';
import tls from 'node:tls';
import { DocentError } from '../errors.js';
import type { D2dConnInfo } from './d2d.js';

/** A 2024 set kept a truncated entry when bytes were not flushed before close (§4.3). */
const CHUNK_BYTES = 512 * 1024;

/**
 * Writes one upload on the d2d socket of §4.3: uint32 BE header length, the JSON header with
 * the TV's `secKey`, then exactly `image.length` bytes, each chunk drained before the next,
 * and a graceful end. TLS iff `secured`, without verification (§4.4).
 * Rejects with TV_D2D_UPLOAD_FAILED (transient) on a socket error or after `timeoutMs`.
 */
export function writeUploadStream(
  connInfo: D2dConnInfo,
  upload: { image: Buffer; fileType: string },
  options: { timeoutMs: number },
): Promise<void> {
  const header = Buffer.from(
    JSON.stringify({
      num: 0,
      total: 1,
      fileLength: upload.image.length,
      fileName: 'docent',
      fileType: upload.fileType,
      secKey: connInfo.key ?? '',
      version: '0.0.1',
    }),
    'ascii',
  );
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length, 0);

  return new Promise((resolve, reject) => {
    let done = false;
    const socket = connInfo.secured
      ? tls.connect({ host: connInfo.ip, port: connInfo.port, rejectUnauthorized: false })
      : net.connect({ host: connInfo.ip, port: connInfo.port });
    const finish = (err: Error | null): void => {
      if (done) {
        return;
      }
      done = true;
      clearTimeout(timer);
      if (err) {
        socket.destroy();
        reject(
          new DocentError('TV_D2D_UPLOAD_FAILED', 'upload stream failed', {
            transient: true,
            cause: err,
          }),
        );
        return;
      }
      resolve();
    };
    const timer = setTimeout(
      () => finish(new Error(`not written within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );

    socket.once(connInfo.secured ? 'secureConnect' : 'connect', () => {
      void writeAll(socket, [length, header, upload.image]).then(
        () => socket.end(() => finish(null)),
        (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))),
      );
    });
    socket.on('error', (err) => finish(err));
  });
}

async function writeAll(socket: net.Socket, parts: Buffer[]): Promise<void> {
  for (const part of parts) {
    for (let offset = 0; offset < part.length; offset += CHUNK_BYTES) {
      const chunk = part.subarray(offset, offset + CHUNK_BYTES);
      if (!socket.write(chunk)) {
        await new Promise<void>((resolve) => socket.once('drain', () => resolve()));
      }
    }
  }
}
