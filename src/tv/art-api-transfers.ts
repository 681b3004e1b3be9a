import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isFallbackWorthy } from './art-api-settings.js';
import { type ArtRequester, tvUnsupported } from './art-requester.js';
import { parseReply } from './art-schemas.js';
import { type D2dConnInfo, parseConnInfo, readThumbnailStream } from './d2d.js';
import { tvBadReply } from './errors.js';
import type { ThumbnailFile } from './types.js';

const connInfoReplySchema = z.looseObject({ conn_info: z.unknown() });
const thumbnailReplySchema = z.looseObject({
  content_id: z.string().optional(),
  file_type: z.string().optional(),
});

/**
 * Reads the thumbnails a request asked for: from the TV's d2d socket, once the art channel has
 * answered, or (one request per artwork) already read.
 */
export type ThumbnailDownload = () => Promise<ThumbnailFile[]>;

/** Thumbnails, by list or one at a time, whichever the set supports (§4.2, §4.5). */
export class ArtTransfersApi {
  constructor(private readonly requester: ArtRequester) {}

  /**
   * `get_thumbnail_list` on sets that have it, else one `get_thumbnail` per artwork, over d2d
   * or (0.97) in-band binary frames. `timeoutMs` bounds each request and, separately, each stream.
   */
  async getThumbnails(contentIds: string[], timeoutMs: number): Promise<ThumbnailFile[]> {
    const download = await this.requestThumbnails(contentIds, timeoutMs);

    return download();
  }

  /**
   * Asks the TV for the thumbnails and resolves once the art channel has answered, with the
   * download still to do: the d2d stream comes on its own socket and does not hold the art
   * app, so a caller can let the TV serve its next request meanwhile (thumbnails/sync.ts).
   * Start the download promptly: the TV waits only so long for the d2d connection (§4.2).
   * On sets with only the one-per-artwork request, each stream is read before the next
   * request, and the download resolves at once.
   */
  async requestThumbnails(contentIds: string[], timeoutMs: number): Promise<ThumbnailDownload> {
    if (contentIds.length === 0) {
      return async () => [];
    }
    const caps = this.requester.capabilities;
    if (caps.isOffered('get_thumbnail_list')) {
      try {
        const connInfo = await this.thumbnailList(contentIds, timeoutMs);

        return () => readThumbnailStream(connInfo, { timeoutMs });
      } catch (err) {
        const switchable =
          !caps.isOffered('get_thumbnail_list') &&
          isFallbackWorthy(err) &&
          caps.isOffered('get_thumbnail');
        if (!switchable) {
          throw err;
        }
      }
    }
    if (!caps.isOffered('get_thumbnail')) {
      throw tvUnsupported('get_thumbnail_list');
    }

    const files: ThumbnailFile[] = [];
    for (const contentId of contentIds) {
      files.push(await this.thumbnailSingle(contentId, timeoutMs));
    }

    return async () => files;
  }

  /** The d2d socket the TV will stream the listed thumbnails on. */
  private async thumbnailList(contentIds: string[], timeoutMs: number): Promise<D2dConnInfo> {
    const request = 'get_thumbnail_list';
    const reply = await this.requester.call(
      request,
      { content_id_list: contentIds.map((id) => ({ content_id: id })), conn_info: connInfoParam() },
      // Art Store items fail with -1 until displayed (§7 Q7): that says nothing about the set.
      { timeoutMs, latchSystemFail: !contentIds.some((id) => id.startsWith('SAM-')) },
    );
    return toConnInfo(request, parseReply(request, connInfoReplySchema, reply).conn_info);
  }

  private async thumbnailSingle(contentId: string, timeoutMs: number): Promise<ThumbnailFile> {
    const request = 'get_thumbnail';
    const { fields, bytes } = await this.requester.callWithBinary(
      request,
      { content_id: contentId, conn_info: connInfoParam() },
      { timeoutMs, latchSystemFail: !contentId.startsWith('SAM-') },
    );
    const reply = parseReply(request, thumbnailReplySchema, fields);
    if (bytes) {
      return {
        contentId: reply.content_id ?? contentId,
        fileType: reply.file_type ?? 'jpg',
        data: bytes,
      };
    }

    const connInfo = toConnInfo(
      request,
      parseReply(request, connInfoReplySchema, fields).conn_info,
    );
    const [file] = await readThumbnailStream(connInfo, { timeoutMs });
    if (!file) {
      throw tvBadReply(request);
    }

    return file;
  }
}

function connInfoParam(): Record<string, unknown> {
  return { d2d_mode: 'socket', connection_id: randomInt(0, 2 ** 32), id: randomUUID() };
}

function toConnInfo(request: string, raw: unknown): D2dConnInfo {
  try {
    return parseConnInfo(raw);
  } catch (err) {
    throw tvBadReply(request, err);
  }
}
