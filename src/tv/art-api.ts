import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DocentError } from '../errors.js';
import { parseConnInfo, readThumbnailStream } from './d2d.js';
import { TvRequestError, tvBadReply } from './errors.js';
import { parseJson } from './protocol.js';
import type {
  ArtEvent,
  Artwork,
  CurrentArtwork,
  MatteOptions,
  SlideshowStatus,
  ThumbnailFile,
} from './types.js';

/** What FrameArtApi needs from a connection (FrameConnection provides it). */
export interface ArtChannel {
  request(
    name: string,
    params?: Record<string, unknown>,
    opts?: { timeoutMs?: number },
  ): Promise<Record<string, unknown>>;
  on(event: 'event', listener: (event: ArtEvent) => void): unknown;
  off(event: 'event', listener: (event: ArtEvent) => void): unknown;
}

export interface SlideshowSettings {
  /** `off`, or the interval in minutes (UI presets 3, 15, 60, 720, 1440, 10080; §3.5). */
  value: 'off' | number;
  categoryId: string;
  shuffle: boolean;
}

/** Widths, heights and similar arrive as numbers or numeric strings (§3.7, samsungtvws seq 12). */
const numberLike = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);
/** Optional text the TV sends as `""` when unset (thread-snippets seq 7). */
const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v ? v : null));

const contentItemSchema = z.looseObject({
  content_id: z.string().min(1),
  category_id: z.string().nullish(),
  width: numberLike.nullish(),
  height: numberLike.nullish(),
  matte_id: optionalText,
  portrait_matte_id: optionalText,
  image_date: optionalText,
  content_type: optionalText,
});

const currentArtworkSchema = z.looseObject({
  content_id: z.string().min(1),
  category_id: optionalText,
  matte_id: optionalText,
  portrait_matte_id: optionalText,
  content_type: optionalText,
});

const slideshowSchema = z.looseObject({
  value: z.string(),
  category_id: optionalText,
  type: optionalText,
});

const artModeSchema = z.looseObject({ value: z.enum(['on', 'off']) });
const versionSchema = z.looseObject({ version: z.string().min(1) });
const connInfoReplySchema = z.looseObject({ conn_info: z.unknown() });
const matteListSchema = z.looseObject({
  matte_type_list: z.string(),
  matte_color_list: z.string(),
});
const matteTypesSchema = z.array(z.looseObject({ matte_type: z.string() }));
const matteColorsSchema = z.array(z.looseObject({ color: z.string() }));
const contentListReplySchema = z.looseObject({ content_list: z.string() });

/** A 2022 set took ~1.1 s for ~115 items; clients allow 4–15 s (frame-protocol.md §7). */
const CONTENT_LIST_TIMEOUT_MS = 15_000;
/** Short: 4.x sets stay silent on the request name they do not know (§3.3). */
const VERSION_PROBE_TIMEOUT_MS = 2000;

/**
 * Typed art requests over one connection. Every reply is parsed with zod; a reply that does
 * not fit rejects with TV_BAD_REPLY naming the request.
 */
export class FrameArtApi {
  constructor(private readonly channel: ArtChannel) {}

  /** `api_version` (4.x+), falling back to `get_api_version` (2.x), §3.4. */
  async getApiVersion(): Promise<string> {
    try {
      const reply = await this.channel.request(
        'api_version',
        {},
        {
          timeoutMs: VERSION_PROBE_TIMEOUT_MS,
        },
      );

      return parseReply('api_version', versionSchema, reply).version;
    } catch (err) {
      if (!(err instanceof TvRequestError) && !isCode(err, 'TV_TIMEOUT')) {
        throw err;
      }
    }
    const reply = await this.channel.request('get_api_version');

    return parseReply('get_api_version', versionSchema, reply).version;
  }

  async getArtModeStatus(): Promise<'on' | 'off'> {
    const reply = await this.channel.request('get_artmode_status');

    return parseReply('get_artmode_status', artModeSchema, reply).value;
  }

  /**
   * Sends `"on"`/`"off"` as strings (a boolean gets -7, §3.6). Confirmation is the direct reply
   * or the `art_mode_changed` broadcast, whichever comes first: 2020/2021 sets send only the
   * broadcast and a 2024 set's reply trails it by up to ~13 s (§3.6, §7 Q5).
   */
  async setArtMode(on: boolean, opts: { timeoutMs?: number } = {}): Promise<void> {
    const value = on ? 'on' : 'off';
    let onEvent: ((event: ArtEvent) => void) | null = null;
    const broadcast = new Promise<void>((resolve) => {
      onEvent = (event) => {
        if (event.event === 'art_mode_changed' && event.fields.status === value) {
          resolve();
        }
      };
      this.channel.on('event', onEvent);
    });
    const reply = this.channel.request('set_artmode_status', { value }, opts);
    // Once the broadcast confirmed the change, the reply's own fate no longer matters to
    // the caller; it still ends (reply or timeout) inside the connection, which logs it.
    reply.catch(() => undefined);

    try {
      await Promise.race([reply.then(() => undefined), broadcast]);
    } finally {
      if (onEvent) {
        this.channel.off('event', onEvent);
      }
    }
  }

  /** `content_list` is a JSON string inside the reply (§3.5, §3.7). */
  async getContentList(categoryId?: string, opts: { timeoutMs?: number } = {}): Promise<Artwork[]> {
    const params = categoryId === undefined ? {} : { category_id: categoryId };
    const reply = await this.channel.request('get_content_list', params, {
      timeoutMs: opts.timeoutMs ?? CONTENT_LIST_TIMEOUT_MS,
    });
    const listText = parseReply('get_content_list', contentListReplySchema, reply).content_list;
    const items = parseReply('get_content_list', z.array(contentItemSchema), parseJson(listText));

    return items.map((item) => ({
      contentId: item.content_id,
      categoryId: item.category_id ?? categoryId ?? '',
      width: item.width ?? null,
      height: item.height ?? null,
      matteId: item.matte_id,
      portraitMatteId: item.portrait_matte_id,
      imageDate: item.image_date,
      contentType: item.content_type,
    }));
  }

  async getCurrentArtwork(): Promise<CurrentArtwork> {
    const reply = await this.channel.request('get_current_artwork');
    const fields = parseReply('get_current_artwork', currentArtworkSchema, reply);

    return {
      contentId: fields.content_id,
      categoryId: fields.category_id,
      matteId: fields.matte_id,
      portraitMatteId: fields.portrait_matte_id,
      contentType: fields.content_type,
    };
  }

  /** `show: false` selects without switching the screen (§3.5). */
  async selectImage(
    contentId: string,
    options: { show?: boolean; categoryId?: string | null } = {},
  ): Promise<void> {
    await this.channel.request('select_image', {
      content_id: contentId,
      category_id: options.categoryId ?? null,
      show: options.show ?? true,
    });
  }

  async getMatteList(): Promise<MatteOptions> {
    // TODO(#2): 0.97 sets (2019) answer with one `matte_list` field instead (§3.5); parse it
    // when that profile is supported.
    const reply = await this.channel.request('get_matte_list');
    const lists = parseReply('get_matte_list', matteListSchema, reply);
    const types = parseReply('get_matte_list', matteTypesSchema, parseJson(lists.matte_type_list));
    const colors = parseReply(
      'get_matte_list',
      matteColorsSchema,
      parseJson(lists.matte_color_list),
    );

    return { types: types.map((t) => t.matte_type), colors: colors.map((c) => c.color) };
  }

  /** A matte that does not suit the image size is refused with -7 (§3.5, NW#7). */
  async changeMatte(contentId: string, matteId: string, portraitMatteId?: string): Promise<void> {
    const params: Record<string, unknown> = { content_id: contentId, matte_id: matteId };
    if (portraitMatteId !== undefined) {
      params.portrait_matte_id = portraitMatteId;
    }

    await this.channel.request('change_matte', params);
  }

  async getSlideshowStatus(): Promise<SlideshowStatus> {
    const reply = await this.channel.request('get_slideshow_status');

    return toSlideshowStatus(parseReply('get_slideshow_status', slideshowSchema, reply));
  }

  async setSlideshowStatus(settings: SlideshowSettings): Promise<SlideshowStatus> {
    const reply = await this.channel.request('set_slideshow_status', {
      value: String(settings.value),
      category_id: settings.categoryId,
      sub_category_id: '',
      type: settings.shuffle ? 'shuffleslideshow' : 'slideshow',
    });

    return toSlideshowStatus(parseReply('set_slideshow_status', slideshowSchema, reply));
  }

  /**
   * `get_thumbnail_list`, then the d2d stream (§4.1, §4.2). `timeoutMs` bounds the request and,
   * separately, the stream.
   */
  async getThumbnails(
    contentIds: string[],
    options: { timeoutMs: number },
  ): Promise<ThumbnailFile[]> {
    if (contentIds.length === 0) {
      return [];
    }

    const reply = await this.channel.request(
      'get_thumbnail_list',
      {
        content_id_list: contentIds.map((id) => ({ content_id: id })),
        conn_info: { d2d_mode: 'socket', connection_id: randomInt(0, 2 ** 32), id: randomUUID() },
      },
      { timeoutMs: options.timeoutMs },
    );
    const raw = parseReply('get_thumbnail_list', connInfoReplySchema, reply).conn_info;
    let connInfo: ReturnType<typeof parseConnInfo>;
    try {
      connInfo = parseConnInfo(raw);
    } catch (err) {
      throw tvBadReply('get_thumbnail_list', err);
    }

    return readThumbnailStream(connInfo, { timeoutMs: options.timeoutMs });
  }
}

function parseReply<T extends z.ZodType>(request: string, schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw tvBadReply(request, parsed.error);
  }

  return parsed.data;
}

function toSlideshowStatus(fields: z.output<typeof slideshowSchema>): SlideshowStatus {
  return { value: fields.value, categoryId: fields.category_id, type: fields.type };
}

function isCode(err: unknown, code: string): boolean {
  return err instanceof DocentError && err.code === code;
}
