import { z } from 'zod';
import { DocentError } from '../errors.js';
import { type Logger, silentLogger } from '../log.js';
import { ArtDeviceApi } from './art-api-device.js';
import { ArtMattesApi } from './art-api-mattes.js';
import { ArtSettingsApi } from './art-api-settings.js';
import { ArtSlideshowApi, type SlideshowSettings } from './art-api-slideshow.js';
import { ArtTransfersApi, type ThumbnailDownload } from './art-api-transfers.js';
import {
  ArtUploadApi,
  type UploadedArtwork,
  type UploadOptions,
  type UploadWriter,
} from './art-api-upload.js';
import { type ArtChannel, ArtRequester, isErrorCode } from './art-requester.js';
import {
  checkEcho,
  numberLike,
  onOffText,
  optionalText,
  parseNested,
  parseReply,
} from './art-schemas.js';
import type { ArtGeneration } from './capabilities.js';
import { TvCapabilities } from './capabilities.js';
import { TvRequestError } from './errors.js';
import { type MatteCatalog, type Orientation, orientationOf } from './mattes.js';
import type {
  ArtEvent,
  Artwork,
  CurrentArtwork,
  MatteOptions,
  SlideshowStatus,
  ThumbnailFile,
} from './types.js';

export type { ArtDeviceInfo } from './art-api-device.js';
export type { ArtModeSettings, RangeSetting } from './art-api-settings.js';
export type { SlideshowSettings } from './art-api-slideshow.js';
export type { UploadedArtwork, UploadOptions, UploadWriter } from './art-api-upload.js';
export type { ArtChannel } from './art-requester.js';
export type { MatteCatalog, MatteColor, Orientation } from './mattes.js';

/** What `select_image` reports back (§3.5). */
export interface SelectedArtwork {
  contentId: string;
  matteId: string | null;
  portraitMatteId: string | null;
  /** False when the TV selected without showing it (`show: false`, or not in art mode). */
  isShown: boolean | null;
}

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
const selectReplySchema = z.looseObject({
  content_id: z.string().optional(),
  matte_id: optionalText,
  portrait_matte_id: optionalText,
  is_shown: optionalText,
});
/**
 * `value` `on`/`off`; 3.50.104 firmware also says `nav` (art UI open, not fullscreen), which
 * Docent counts as on; some clients read a `status` field instead, so it is accepted too (§3.5).
 */
const artModeText = z
  .string()
  .transform((v) => (v.toLowerCase() === 'nav' ? 'on' : v))
  .pipe(onOffText);
const artModeSchema = z
  .looseObject({ value: artModeText.optional(), status: artModeText.optional() })
  .transform((r) => r.value ?? r.status)
  .pipe(z.enum(['on', 'off']));
/** §3.6: the direct reply carries `status` (FAB's client also reads `value`), `on`/`off`. */
const artModeSetSchema = z
  .looseObject({ status: artModeText.optional(), value: artModeText.optional() })
  .transform((r) => r.status ?? r.value)
  .pipe(z.enum(['on', 'off']));
const versionSchema = z.looseObject({ version: z.string().min(1) });
const contentListReplySchema = z.looseObject({ content_list: z.unknown() });
const filterListSchema = z.looseObject({ filter_list: z.unknown() });
const filterItemsSchema = z.array(z.looseObject({ filter_id: z.string().min(1) }));
const filterSetSchema = z.looseObject({ content_id: optionalText, filter_id: optionalText });
const favouriteReplySchema = z.looseObject({
  content_id: z.string().optional(),
  status: onOffText.optional(),
});
const deleteReplySchema = z.looseObject({ content_id_list: z.unknown() });
const deletedItemsSchema = z.array(z.looseObject({ content_id: z.string() }));

/** A 2022 set took ~1.1 s for ~115 items; clients allow 4–15 s (frame-protocol.md §7). */
const CONTENT_LIST_TIMEOUT_MS = 15_000;
/** Short: 4.x sets stay silent on the request name they do not know (§3.3). */
const VERSION_PROBE_TIMEOUT_MS = 2000;
/** Recently-set categories repeat artworks listed elsewhere on 5.x (§3.5, §3.7). */
const RECENTS_CATEGORIES = new Set(['MY-C0008', 'MY-C0009']);
const MY_PHOTOS = 'MY-C0002';

export interface FrameArtApiOptions {
  /** Shared with the rest of Docent for this TV; a private in-memory one when absent. */
  capabilities?: TvCapabilities;
  logger?: Logger;
  /** The d2d upload writer (§4.3); tests stand in for the socket with one. Default: the real one. */
  uploadWriter?: UploadWriter;
}

/**
 * Typed art requests over one connection (frame-protocol.md §3.5). Every reply is parsed with
 * zod; a reply that does not fit rejects with TV_BAD_REPLY naming the request. Requests this TV
 * is known not to support reject with TV_UNSUPPORTED before the TV is asked.
 */
export class FrameArtApi {
  readonly capabilities: TvCapabilities;
  /** Brightness, colour temperature, motion and sensor settings. */
  readonly settings: ArtSettingsApi;
  /** Device info, panel rotation, 5.x per-category mattes. */
  readonly device: ArtDeviceApi;
  private readonly requester: ArtRequester;
  private readonly slideshow: ArtSlideshowApi;
  private readonly transfers: ArtTransfersApi;
  private readonly uploads: ArtUploadApi;
  private readonly mattes: ArtMattesApi;
  private readonly dimensions = new Map<string, Orientation>();
  private detecting: Promise<ArtGeneration | null> | null = null;

  constructor(
    private readonly channel: ArtChannel,
    options: FrameArtApiOptions = {},
  ) {
    const logger = options.logger ?? silentLogger();
    this.capabilities = options.capabilities ?? new TvCapabilities({ logger });
    this.requester = new ArtRequester(channel, this.capabilities, logger);
    this.requester.beforeChoice = () => this.detectQuietly();
    this.settings = new ArtSettingsApi(this.requester);
    this.device = new ArtDeviceApi(this.requester);
    this.mattes = new ArtMattesApi(this.requester);
    this.slideshow = new ArtSlideshowApi(this.requester);
    this.transfers = new ArtTransfersApi(this.requester);
    this.uploads = new ArtUploadApi(
      this.requester,
      async () => (await this.getContentList(MY_PHOTOS)).map((a) => a.contentId),
      options.uploadWriter,
    );
  }

  /**
   * Reads the API version once per instance and records it, so requests the generation lacks
   * are not sent. Failures leave the generation to the model code (or unknown).
   */
  async detect(): Promise<ArtGeneration | null> {
    this.detecting ??= this.getApiVersion().then(
      () => this.capabilities.generation,
      (err: unknown) => {
        this.detecting = null;
        if (isErrorCode(err, 'TV_NOT_READY') || isErrorCode(err, 'TV_DISCONNECTED')) {
          throw err;
        }

        return this.capabilities.generation;
      },
    );

    return this.detecting;
  }

  /** `api_version` (4.x+), falling back to `get_api_version` (old API), §3.4. */
  async getApiVersion(): Promise<string> {
    const caps = this.capabilities;
    for (const request of ['api_version', 'get_api_version']) {
      if (!caps.isOffered(request) && caps.observed(request) !== null) {
        continue;
      }
      try {
        const reply = await this.channel.request(
          request,
          {},
          { timeoutMs: VERSION_PROBE_TIMEOUT_MS },
        );
        const version = parseReply(request, versionSchema, reply).version;
        caps.noteAnswered(request);
        caps.setApiVersion(version);

        return version;
      } catch (err) {
        if (!(err instanceof TvRequestError) && !isErrorCode(err, 'TV_TIMEOUT')) {
          throw err;
        }
      }
    }

    throw new DocentError(
      'TV_UNSUPPORTED',
      'the TV answers neither api_version nor get_api_version',
    );
  }

  async getArtModeStatus(): Promise<'on' | 'off'> {
    const reply = await this.requester.call('get_artmode_status');

    return parseReply('get_artmode_status', artModeSchema, reply);
  }

  /**
   * Sends `"on"`/`"off"` as strings (a boolean gets -7, §3.6). Confirmation is the direct reply
   * or the `art_mode_changed` broadcast, whichever comes first: 2020/2021 sets send only the
   * broadcast and a 2024 set's reply trails it by up to ~13 s (§3.6, §7 Q5). 5.x never answers a
   * redundant set, so the TV is asked for its state first when `checkFirst` is on.
   */
  async setArtMode(
    on: boolean,
    opts: { timeoutMs?: number; checkFirst?: boolean } = {},
  ): Promise<void> {
    const value = on ? 'on' : 'off';
    if (opts.checkFirst && (await this.getArtModeStatus()) === value) {
      return;
    }
    let onEvent: ((event: ArtEvent) => void) | null = null;
    const broadcast = new Promise<void>((resolve) => {
      onEvent = (event) => {
        if (event.event === 'art_mode_changed' && event.fields.status === value) {
          resolve();
        }
      };
      this.channel.on('event', onEvent);
    });
    const request = 'set_artmode_status';
    const reply = this.requester
      .call(
        request,
        { value },
        {
          ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
          latchSilence: false,
        },
      )
      .then((fields) =>
        checkEcho(request, 'status', value, parseReply(request, artModeSetSchema, fields)),
      );
    // Once the broadcast confirmed the change, the reply's own fate no longer matters to
    // the caller; it still ends (reply or timeout) inside the connection, which logs it.
    reply.catch(() => undefined);

    try {
      await Promise.race([reply, broadcast]);
    } finally {
      if (onEvent) {
        this.channel.off('event', onEvent);
      }
    }
  }

  /**
   * `content_list` is a JSON string inside the reply (§3.5, §3.7). An artwork listed twice (5.x
   * puts recents, relabelled `MY-C0008`, in front of the unfiltered list) appears once, under
   * its own category.
   */
  async getContentList(categoryId?: string, opts: { timeoutMs?: number } = {}): Promise<Artwork[]> {
    const request = 'get_content_list';
    const params = categoryId === undefined ? {} : { category_id: categoryId };
    const reply = await this.requester.call(request, params, {
      timeoutMs: opts.timeoutMs ?? CONTENT_LIST_TIMEOUT_MS,
    });
    const listText = parseReply(request, contentListReplySchema, reply).content_list;
    const items = parseNested(request, z.array(contentItemSchema), listText);

    const byId = new Map<string, Artwork>();
    for (const item of items) {
      const artwork = toArtwork(item, categoryId);
      const seen = byId.get(artwork.contentId);
      if (!seen || RECENTS_CATEGORIES.has(seen.categoryId)) {
        byId.set(artwork.contentId, artwork);
      }
      const orientation = orientationOf(artwork.width, artwork.height);
      if (orientation) {
        this.dimensions.set(artwork.contentId, orientation);
      }
    }

    return [...byId.values()];
  }

  /** Category ids that hold at least one artwork, from the unfiltered list. */
  async getCategories(): Promise<string[]> {
    const artworks = await this.getContentList();

    return [...new Set(artworks.map((a) => a.categoryId).filter((c) => c !== ''))].sort();
  }

  async getCurrentArtwork(): Promise<CurrentArtwork> {
    const reply = await this.requester.call('get_current_artwork');
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
  ): Promise<SelectedArtwork> {
    const reply = await this.requester.call('select_image', {
      content_id: contentId,
      category_id: options.categoryId ?? null,
      show: options.show ?? true,
    });
    const fields = parseReply('select_image', selectReplySchema, reply);

    return {
      contentId: fields.content_id ?? contentId,
      matteId: fields.matte_id,
      portraitMatteId: fields.portrait_matte_id,
      isShown: fields.is_shown === null ? null : fields.is_shown.toLowerCase() === 'yes',
    };
  }

  /** Deletes artworks; resolves with the ids the TV echoed as deleted (XW compares, §3.5). */
  async deleteArtworks(contentIds: string[]): Promise<string[]> {
    if (contentIds.length === 0) {
      return [];
    }
    const request = 'delete_image_list';
    const reply = await this.requester.call(request, {
      content_id_list: contentIds.map((id) => ({ content_id: id })),
    });
    const echoed = parseNested(
      request,
      deletedItemsSchema,
      parseReply(request, deleteReplySchema, reply).content_id_list,
    ).map((item) => item.content_id);
    for (const id of echoed) {
      this.dimensions.delete(id);
    }

    return echoed;
  }

  /** `change_favorite` with `"on"`/`"off"` (§3.5); resolves with the state the TV reports. */
  async setFavourite(contentId: string, on: boolean): Promise<boolean> {
    const reply = await this.requester.call('change_favorite', {
      content_id: contentId,
      status: on ? 'on' : 'off',
    });
    const status = parseReply('change_favorite', favouriteReplySchema, reply).status;

    return (status ?? (on ? 'on' : 'off')) === 'on';
  }

  async getPhotoFilters(): Promise<string[]> {
    const request = 'get_photo_filter_list';
    const reply = await this.requester.call(request);
    const items = parseNested(
      request,
      filterItemsSchema,
      parseReply(request, filterListSchema, reply).filter_list,
    );

    return items.map((item) => item.filter_id);
  }

  /** Refuses a filter the TV did not list before asking it (-7 otherwise, §3.3). */
  async applyPhotoFilter(contentId: string, filterId: string): Promise<void> {
    const filters = await this.getPhotoFilters();
    if (!filters.includes(filterId)) {
      throw new DocentError(
        'TV_INVALID_VALUE',
        `photo filter ${filterId} is not offered by this TV`,
      );
    }

    const request = 'set_photo_filter';
    const reply = await this.requester.call(request, {
      content_id: contentId,
      filter_id: filterId,
    });
    const echoed = parseReply(request, filterSetSchema, reply);
    checkEcho(request, 'content_id', contentId, echoed.content_id);
    checkEcho(request, 'filter_id', filterId, echoed.filter_id);
  }

  /** Matte types and colour names (colour swatches: `getMatteCatalog`). */
  async getMatteList(): Promise<MatteOptions> {
    const catalog = await this.getMatteCatalog();

    return { types: catalog.types, colors: catalog.colors.map((c) => c.id) };
  }

  /** Matte types, and colours with swatches where the TV sends them (§3.5). */
  async getMatteCatalog(): Promise<MatteCatalog> {
    return this.mattes.getCatalog();
  }

  /**
   * Changes the landscape matte and, when given, the portrait matte (§3.5); combinations unfit
   * for the image's orientation are refused with TV_MATTE_INVALID before asking (ArtMattesApi).
   */
  async changeMatte(
    contentId: string,
    matteId: string,
    portraitMatteId?: string,
    options: { orientation?: Orientation } = {},
  ): Promise<void> {
    const orientation = options.orientation ?? this.dimensions.get(contentId) ?? null;

    await this.mattes.change(contentId, matteId, portraitMatteId, orientation);
  }

  /** Slideshow status; on old firmware read as auto-rotation (§3.4), detected once. */
  async getSlideshowStatus(): Promise<SlideshowStatus> {
    return this.slideshow.get();
  }

  async setSlideshowStatus(settings: SlideshowSettings): Promise<SlideshowStatus> {
    return this.slideshow.set(settings);
  }

  /**
   * Thumbnails over d2d or in-band (§4.2, §4.5), by whichever request this set supports.
   * `timeoutMs` bounds each request and, separately, each stream.
   */
  async getThumbnails(
    contentIds: string[],
    options: { timeoutMs: number },
  ): Promise<ThumbnailFile[]> {
    const download = await this.requestThumbnails(contentIds, options);

    return download();
  }

  /**
   * Like `getThumbnails`, but resolves once the TV has answered the request, with the d2d
   * download left to the caller (see `ArtTransfersApi.requestThumbnails`).
   */
  async requestThumbnails(
    contentIds: string[],
    options: { timeoutMs: number },
  ): Promise<ThumbnailDownload> {
    if (contentIds.length > 0) {
      await this.requester.beforeChoice();
    }

    return this.transfers.requestThumbnails(contentIds, options.timeoutMs);
  }

  async getThumbnail(contentId: string, options: { timeoutMs: number }): Promise<ThumbnailFile> {
    const [file] = await this.getThumbnails([contentId], options);
    if (!file) {
      throw new DocentError('TV_BAD_REPLY', `no thumbnail for ${contentId}`);
    }

    return file;
  }

  /**
   * See ArtUploadApi: success only on a confirmation naming a new artwork; when the outcome is
   * unclear the gallery is read (after `galleryGraceMs`), never a blind second upload.
   */
  async upload(image: Buffer, options: UploadOptions): Promise<UploadedArtwork> {
    return this.uploads.upload(image, options);
  }

  /** Detection failures never block the request that triggered it. */
  private async detectQuietly(): Promise<void> {
    try {
      await this.detect();
    } catch {
      // The request itself reports the connection problem.
    }
  }
}

function toArtwork(
  item: z.output<typeof contentItemSchema>,
  categoryId: string | undefined,
): Artwork {
  return {
    contentId: item.content_id,
    categoryId: item.category_id ?? categoryId ?? '',
    width: item.width ?? null,
    height: item.height ?? null,
    matteId: item.matte_id,
    portraitMatteId: item.portrait_matte_id,
    imageDate: item.image_date,
    contentType: item.content_type,
  };
}
