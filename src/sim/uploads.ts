import type net from 'node:net';
import sharp from 'sharp';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { formatImageDate } from './catalogue.js';
import type { TlsMaterial } from './certificate.js';
import { type D2dListener, openD2dListener } from './d2d-listener.js';
import type { FrameModel } from './frame-model.js';
import type { UploadResult, UploadSpec } from './request-outcome.js';

const PANEL_LONG_PX = 3840;
const PANEL_SHORT_PX = 2160;
const MAX_HEADER_BYTES = 64 * 1024;

const uploadHeaderSchema = z.looseObject({
  fileLength: z.union([z.number().int().min(0), z.string().regex(/^\d+$/)]),
  secKey: z.string(),
  fileType: z.string().optional(),
});

/**
 * Decodes an uploaded image the way the TV fails on it (§4.3, DEC `_image_prep.py`): truncated
 * bytes, undecodable or progressive JPEGs, and images larger than the panel are stored as grey
 * entries that never get `image_added`.
 */
export async function storeUploadedImage(
  model: FrameModel,
  spec: UploadSpec,
  bytes: Buffer,
  complete: boolean,
): Promise<UploadResult> {
  const meta = complete
    ? await sharp(bytes)
        .metadata()
        .catch(() => undefined)
    : undefined;
  const width = meta?.width ?? 0;
  const height = meta?.height ?? 0;
  const fits =
    Math.max(width, height) <= PANEL_LONG_PX && Math.min(width, height) <= PANEL_SHORT_PX;
  const decodable = meta !== undefined && width > 0 && meta.isProgressive !== true && fits;
  const artwork = model.addUpload({
    width: decodable ? width : PANEL_LONG_PX,
    height: decodable ? height : PANEL_SHORT_PX,
    matteId: spec.matteId,
    portraitMatteId: spec.portraitMatteId,
    imageDate: spec.imageDate ?? formatImageDate(new Date()),
    ...(decodable ? { imageBytes: bytes } : {}),
  });

  return decodable ? { kind: 'added', artwork } : { kind: 'broken' };
}

export interface UploadReceiverDeps {
  host: string;
  tls: TlsMaterial | undefined;
  acceptTimeoutMs: number;
  logger: Logger;
  spec: UploadSpec;
  /** Called with everything received once the client closes (or the socket dies). */
  onReceived(bytes: Buffer, complete: boolean): void;
}

/** Splits `uint32 BE L | L bytes JSON header | body` (§4.3); undefined until the header is in. */
function parseUpload(all: Buffer, key: string) {
  if (all.length < 4) return undefined;
  const headerLength = all.readUInt32BE(0);
  if (headerLength > MAX_HEADER_BYTES || all.length < 4 + headerLength) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(all.subarray(4, 4 + headerLength).toString('utf8'));
  } catch {
    return { kind: 'bad' as const };
  }
  const header = uploadHeaderSchema.safeParse(value);
  if (!header.success || header.data.secKey !== key) return { kind: 'bad' as const };

  return {
    kind: 'ok' as const,
    fileLength: Number(header.data.fileLength),
    body: all.subarray(4 + headerLength),
  };
}

/** A one-shot d2d listener that receives one upload (§4.3 step 3). */
export function openUploadReceiver(deps: UploadReceiverDeps): Promise<D2dListener> {
  return openD2dListener({
    host: deps.host,
    tls: deps.tls,
    acceptTimeoutMs: deps.acceptTimeoutMs,
    logger: deps.logger,
    onSocket: (socket: net.Socket, key: string) => {
      const chunks: Buffer[] = [];
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        const parsed = parseUpload(Buffer.concat(chunks), key);
        if (parsed?.kind !== 'ok') {
          deps.logger.debug({ parsed: parsed?.kind ?? 'short' }, 'd2d upload header refused');
          return;
        }
        const body = parsed.body.subarray(0, parsed.fileLength);
        deps.onReceived(body, body.length === parsed.fileLength);
      };
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => {
        finish();
        socket.end();
      });
      socket.on('close', finish);
    },
  });
}
