import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DocentError } from '../errors.js';
import { type ArtRequester, isErrorCode, tvUnsupported } from './art-requester.js';
import { numberLike, optionalText, parseReply } from './art-schemas.js';
import { INBAND_UPLOAD } from './capability-table.js';
import { type D2dConnInfo, parseConnInfo } from './d2d.js';
import { writeUploadStream } from './d2d-upload.js';
import { TvRequestError, tvBadReply } from './errors.js';
import type { ArtEvent } from './types.js';

export interface UploadOptions {
  fileType: 'jpg' | 'png';
  matteId?: string;
  portraitMatteId?: string;
  /** `YYYY:MM:DD HH:MM:SS` (§3.7); default now. */
  imageDate?: string;
  /** For `image_added` after the bytes are written; clients wait 10–30 s (§4.3). Default 30 s. */
  addedTimeoutMs?: number;
  /**
   * After a lost reply or a failed write, how long the TV gets to list what it may still be
   * storing before the gallery is read (a fresh entry takes a moment, §4.3). Default 2000.
   */
  galleryGraceMs?: number;
}

export interface UploadedArtwork {
  contentId: string;
  categoryId: string | null;
  width: number | null;
  height: number | null;
}

/** Writes the d2d upload stream (§4.3); `writeUploadStream` unless a test stands in for it. */
export type UploadWriter = typeof writeUploadStream;

const connInfoReplySchema = z.looseObject({ conn_info: z.unknown() });
const imageAddedSchema = z.looseObject({
  content_id: z.string().min(1),
  category_id: optionalText,
  width: numberLike.nullish(),
  height: numberLike.nullish(),
});

const REQUEST = 'send_image';
const UPLOAD_REQUEST_TIMEOUT_MS = 15_000;
const DEFAULT_ADDED_TIMEOUT_MS = 30_000;
const DEFAULT_GALLERY_GRACE_MS = 2000;
/**
 * Failures after which the image may be on the TV all the same: a reply or `image_added` that
 * never came, a d2d write that failed after bytes went out, a socket that closed meanwhile.
 */
const MAYBE_STORED = [
  'TV_TIMEOUT',
  'TV_DISCONNECTED',
  'TV_UPLOAD_NOT_ADDED',
  'TV_D2D_UPLOAD_FAILED',
];

/**
 * Uploads (§4.3 d2d, §4.5 in-band on 0.97). Success is a confirmation naming a new artwork,
 * nothing else. Any failure after which the image may be stored is settled by reading the
 * gallery, after a grace wait, instead of a blind second upload: a new entry there fails with
 * TV_UPLOAD_UNCONFIRMED (not transient: retrying would duplicate it); none fails with
 * TV_UPLOAD_LOST (transient: safe to try again).
 */
export class ArtUploadApi {
  constructor(
    private readonly requester: ArtRequester,
    /** Content ids in My Photos, read before the upload and again when its outcome is unclear. */
    private readonly galleryIds: () => Promise<string[]>,
    private readonly writeUpload: UploadWriter = writeUploadStream,
  ) {}

  async upload(image: Buffer, options: UploadOptions): Promise<UploadedArtwork> {
    await this.requester.beforeChoice();
    const caps = this.requester.capabilities;
    // 0.97 refuses d2d with -1 (XW#120) and takes the image in-band (§4.5); the capability
    // record (generation first, then what the TV answered) picks the path.
    const path = caps.isOffered(REQUEST) ? 'd2d' : caps.isOffered(INBAND_UPLOAD) ? 'inband' : null;
    if (path === null) {
      throw tvUnsupported(REQUEST);
    }
    const before = new Set(await this.galleryIds());

    return path === 'd2d'
      ? this.uploadD2d(image, options, before)
      : this.uploadInband(image, options, before);
  }

  private async uploadD2d(
    image: Buffer,
    options: UploadOptions,
    before: Set<string>,
  ): Promise<UploadedArtwork> {
    const added = this.waitForImageAdded(options.addedTimeoutMs ?? DEFAULT_ADDED_TIMEOUT_MS);
    // Until the write starts, nothing can be stored: a lost `ready_to_use` is safe to retry.
    let bytesSent = false;

    try {
      const connInfo = await this.startUpload(image, options);
      bytesSent = true;
      await this.writeUpload(
        connInfo,
        { image, fileType: options.fileType },
        { timeoutMs: UPLOAD_REQUEST_TIMEOUT_MS },
      );
      added.arm();

      return await added.result;
    } catch (err) {
      added.cancel();
      if (!MAYBE_STORED.some((code) => isErrorCode(err, code))) {
        throw err;
      }

      throw await this.settleFromGallery(before, err, { bytesSent, options });
    }
  }

  /**
   * 0.97: the image travels inside the request, one binary WS frame (§4.5); the answer under
   * the request id must name an artwork that was not in the gallery before to confirm it.
   */
  private async uploadInband(
    image: Buffer,
    options: UploadOptions,
    before: Set<string>,
  ): Promise<UploadedArtwork> {
    let fields: Record<string, unknown>;
    try {
      const reply = await this.requester.callWithBinary(
        REQUEST,
        {
          file_type: options.fileType === 'png' ? 'PNG' : 'JPEG',
          matte_id: options.matteId ?? 'none',
        },
        {
          timeoutMs: options.addedTimeoutMs ?? DEFAULT_ADDED_TIMEOUT_MS,
          latchSilence: false,
          payload: image,
          capability: INBAND_UPLOAD,
        },
      );
      fields = reply.fields;
    } catch (err) {
      // The image was in the request: a transient error reply (-1, -10) may follow a store too.
      const transientRefusal = err instanceof TvRequestError && err.transient;
      if (!transientRefusal && !MAYBE_STORED.some((code) => isErrorCode(err, code))) {
        throw err;
      }

      throw await this.settleFromGallery(before, err, { bytesSent: true, options });
    }

    const added = imageAddedSchema.safeParse(fields);
    if (added.success && !before.has(added.data.content_id)) {
      return toUploaded(added.data);
    }
    const cause = tvBadReply(
      REQUEST,
      added.success
        ? new Error('the reply names an artwork listed before the upload')
        : added.error,
    );

    throw await this.settleFromGallery(before, cause, { bytesSent: true, options });
  }

  private async startUpload(image: Buffer, options: UploadOptions): Promise<D2dConnInfo> {
    const reply = await this.requester.call(
      REQUEST,
      {
        file_type: options.fileType,
        file_size: image.length,
        image_date: options.imageDate ?? imageDateNow(),
        matte_id: options.matteId ?? 'none',
        portrait_matte_id: options.portraitMatteId ?? 'none',
        conn_info: { d2d_mode: 'socket', connection_id: randomInt(0, 2 ** 32), id: randomUUID() },
      },
      // A lost reply is handled by the gallery check, not by latching "unsupported".
      { timeoutMs: UPLOAD_REQUEST_TIMEOUT_MS, latchSilence: false },
    );
    const raw = parseReply(REQUEST, connInfoReplySchema, reply).conn_info;
    try {
      return parseConnInfo(raw);
    } catch (err) {
      throw tvBadReply(REQUEST, err);
    }
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
        resolve(toUploaded(parsed.data));
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

  /**
   * The gallery decides after a grace wait. When it cannot be read, an upload whose bytes never
   * went out keeps its own (transient) error; otherwise the outcome is unknown, not retryable.
   */
  private async settleFromGallery(
    before: Set<string>,
    cause: unknown,
    context: { bytesSent: boolean; options: UploadOptions },
  ): Promise<Error> {
    await sleep(context.options.galleryGraceMs ?? DEFAULT_GALLERY_GRACE_MS);
    let fresh: string[];
    try {
      fresh = (await this.galleryIds()).filter((id) => !before.has(id));
    } catch (err) {
      if (!context.bytesSent && cause instanceof Error) {
        return cause;
      }
      return new DocentError('TV_UPLOAD_UNCONFIRMED', 'upload outcome unknown: gallery not read', {
        cause: err,
      });
    }
    if (fresh.length > 0) {
      return new DocentError(
        'TV_UPLOAD_UNCONFIRMED',
        `upload stored as ${fresh.join(', ')} without confirmation; not uploading again`,
        { cause },
      );
    }

    return new DocentError('TV_UPLOAD_LOST', 'upload not stored on the TV', {
      transient: true,
      cause,
    });
  }
}

function toUploaded(added: z.output<typeof imageAddedSchema>): UploadedArtwork {
  return {
    contentId: added.content_id,
    categoryId: added.category_id,
    width: added.width ?? null,
    height: added.height ?? null,
  };
}

function imageDateNow(): string {
  const d = new Date();
  const two = (n: number): string => String(n).padStart(2, '0');

  return `${d.getFullYear()}:${two(d.getMonth() + 1)}:${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
