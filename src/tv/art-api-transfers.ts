import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DocentError } from '../errors.js';
import { isFallbackWorthy } from './art-api-settings.js';
import { type ArtRequester, isErrorCode, tvUnsupported } from './art-requester.js';
import { numberLike, optionalText, parseReply } from './art-schemas.js';
import { type D2dConnInfo, parseConnInfo, readThumbnailStream } from './d2d.js';
import { writeUploadStream } from './d2d-upload.js';
import { tvBadReply } from './errors.js';
import type { ArtEvent, ThumbnailFile } from './types.js';

export interface UploadOptions {
  fileType: 'jpg' | 'png';
  matteId?: string;
  portraitMatteId?: string;
  /** `YYYY:MM:DD HH:MM:SS` (§3.7); default now. */
  imageDate?: string;
  /** For `image_added` after the bytes are written; clients wait 10–30 s (§4.3). Default 30 s. */
  addedTimeoutMs?: number;
}

export interface UploadedArtwork {
  contentId: string;
  categoryId: string | null;
  width: number | null;
  height: number | null;
}

const connInfoReplySchema = z.looseObject({ conn_info: z.unknown() });
const thumbnailReplySchema = z.looseObject({
  content_id: z.string().optional(),
  file_type: z.string().optional(),
});
const imageAddedSchema = z.looseObject({
  content_id: z.string().min(1),
  category_id: optionalText,
  width: numberLike.nullish(),
  height: numberLike.nullish(),
});

const UPLOAD_REQUEST_TIMEOUT_MS = 15_000;
const DEFAULT_ADDED_TIMEOUT_MS = 30_000;

/** Thumbnails (list or single, whichever the set supports, §4.2, §4.5) and uploads (§4.3). */
export class ArtTransfersApi {
  constructor(
    private readonly requester: ArtRequester,
    /** Content ids in My Photos, for checking the gallery after a lost upload reply. */
    private readonly galleryIds: () => Promise<string[]>,
  ) {}

  /**
   * `get_thumbnail_list` on sets that have it, else one `get_thumbnail` per artwork, over d2d
   * or (0.97) in-band binary frames. `timeoutMs` bounds each request and, separately, each stream.
   */
  async getThumbnails(contentIds: string[], timeoutMs: number): Promise<ThumbnailFile[]> {
    if (contentIds.length === 0) {
      return [];
    }
    const caps = this.requester.capabilities;
    if (caps.isOffered('get_thumbnail_list')) {
      try {
        return await this.thumbnailList(contentIds, timeoutMs);
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

    return files;
  }

  /**
   * Uploads one image. Success is `image_added` only (§4.3). When the reply or `image_added` is
   * lost, the gallery is read again rather than uploading blindly a second time: a new entry
   * there fails with TV_UPLOAD_UNCONFIRMED (not transient: retrying would duplicate it);
   * no new entry fails with TV_UPLOAD_LOST (transient: safe to try again).
   */
  async upload(image: Buffer, options: UploadOptions): Promise<UploadedArtwork> {
    await this.requester.beforeChoice();
    const before = new Set(await this.galleryIds());
    if (this.requester.capabilities.generation === '0.97') {
      return this.uploadInband(image, options, before);
    }
    const added = this.waitForImageAdded(options.addedTimeoutMs ?? DEFAULT_ADDED_TIMEOUT_MS);

    try {
      const connInfo = await this.startUpload(image, options);
      await writeUploadStream(
        connInfo,
        { image, fileType: options.fileType },
        { timeoutMs: UPLOAD_REQUEST_TIMEOUT_MS },
      );
      added.arm();

      return await added.result;
    } catch (err) {
      added.cancel();
      if (!isErrorCode(err, 'TV_TIMEOUT') && !isErrorCode(err, 'TV_UPLOAD_NOT_ADDED')) {
        throw err;
      }

      throw await this.afterLostReply(before, err);
    }
  }

  /**
   * 0.97 sets refuse d2d uploads with -1 (XW#120) and take the image in the request itself, a
   * binary WS frame; the answer under the request id is `image_added` (§4.5).
   */
  private async uploadInband(
    image: Buffer,
    options: UploadOptions,
    before: Set<string>,
  ): Promise<UploadedArtwork> {
    const request = 'send_image';
    try {
      const { fields } = await this.requester.callWithBinary(
        request,
        {
          file_type: options.fileType === 'png' ? 'PNG' : 'JPEG',
          matte_id: options.matteId ?? 'none',
        },
        {
          timeoutMs: options.addedTimeoutMs ?? DEFAULT_ADDED_TIMEOUT_MS,
          latchSilence: false,
          payload: image,
        },
      );
      const added = parseReply(request, imageAddedSchema, fields);

      return {
        contentId: added.content_id,
        categoryId: added.category_id,
        width: added.width ?? null,
        height: added.height ?? null,
      };
    } catch (err) {
      if (!isErrorCode(err, 'TV_TIMEOUT')) {
        throw err;
      }

      throw await this.afterLostReply(before, err);
    }
  }

  private async thumbnailList(contentIds: string[], timeoutMs: number): Promise<ThumbnailFile[]> {
    const request = 'get_thumbnail_list';
    const reply = await this.requester.call(
      request,
      { content_id_list: contentIds.map((id) => ({ content_id: id })), conn_info: connInfoParam() },
      // Art Store items fail with -1 until displayed (§7 Q7): that says nothing about the set.
      { timeoutMs, latchSystemFail: !contentIds.some((id) => id.startsWith('SAM-')) },
    );
    const connInfo = toConnInfo(request, parseReply(request, connInfoReplySchema, reply).conn_info);

    return readThumbnailStream(connInfo, { timeoutMs });
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

  private async startUpload(image: Buffer, options: UploadOptions): Promise<D2dConnInfo> {
    const request = 'send_image';
    const reply = await this.requester.call(
      request,
      {
        file_type: options.fileType,
        file_size: image.length,
        image_date: options.imageDate ?? imageDateNow(),
        matte_id: options.matteId ?? 'none',
        portrait_matte_id: options.portraitMatteId ?? 'none',
        conn_info: connInfoParam(),
      },
      // A lost reply is handled by the gallery check, not by latching "unsupported".
      { timeoutMs: UPLOAD_REQUEST_TIMEOUT_MS, latchSilence: false },
    );

    return toConnInfo(request, parseReply(request, connInfoReplySchema, reply).conn_info);
  }

  private waitForImageAdded(timeoutMs: number): {
    result: Promise<UploadedArtwork>;
    arm(): void;
    cancel(): void;
  } {
    const channel = this.requester.channel;
    let listener: ((event: ArtEvent) => void) | null = null;
    let timer: NodeJS.Timeout | null = null;
    let fail: (err: Error) => void = () => {};
    const stop = (): void => {
      if (listener) channel.off('event', listener);
      if (timer) clearTimeout(timer);
      listener = null;
    };
    const result = new Promise<UploadedArtwork>((resolve, reject) => {
      fail = reject;
      listener = (event) => {
        if (event.event !== 'image_added') return;
        const parsed = imageAddedSchema.safeParse(event.fields);
        if (!parsed.success) return;
        stop();
        resolve({
          contentId: parsed.data.content_id,
          categoryId: parsed.data.category_id,
          width: parsed.data.width ?? null,
          height: parsed.data.height ?? null,
        });
      };
      channel.on('event', listener);
    });
    result.catch(() => undefined);

    return {
      result,
      arm: () => {
        timer = setTimeout(() => {
          stop();
          fail(new DocentError('TV_UPLOAD_NOT_ADDED', `no image_added within ${timeoutMs} ms`));
        }, timeoutMs);
      },
      cancel: stop,
    };
  }

  private async afterLostReply(before: Set<string>, cause: unknown): Promise<DocentError> {
    // TODO(#4): the gallery is read at once; a TV still storing the image may list it a moment
    // later and the upload would be reported lost. Done = a bounded grace wait (~2 s) first.
    let fresh: string[];
    try {
      fresh = (await this.galleryIds()).filter((id) => !before.has(id));
    } catch (err) {
      return new DocentError('TV_UPLOAD_UNCONFIRMED', 'upload outcome unknown: gallery not read', {
        cause: err,
      });
    }
    if (fresh.length > 0) {
      return new DocentError(
        'TV_UPLOAD_UNCONFIRMED',
        `upload stored as ${fresh.join(', ')} without image_added; not uploading again`,
        { cause },
      );
    }

    return new DocentError('TV_UPLOAD_LOST', 'upload not stored on the TV', {
      transient: true,
      cause,
    });
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

function imageDateNow(): string {
  const d = new Date();
  const two = (n: number): string => String(n).padStart(2, '0');

  return `${d.getFullYear()}:${two(d.getMonth() + 1)}:${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
