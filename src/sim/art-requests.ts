import { z } from 'zod';
import {
  type Artwork,
  contentListItem,
  isKnownMatte,
  isPortrait,
  MATTE_COLORS,
  MATTE_TYPES,
  matteType,
  PORTRAIT_REFUSED_MATTE_TYPES,
} from './catalogue.js';
import type { FrameModel } from './frame-model.js';
import { type InnerRequest, tvJson } from './messages.js';
import type { SimProfile } from './profile.js';

/** Error codes the art app answers with (frame-protocol §3.3). */
export const ERROR_SYSTEM_FAIL = '-1';
export const ERROR_FILE_NOT_FOUND = '-4';
export const ERROR_REQUEST_PARSE_FAIL = '-6';
export const ERROR_INVALID_PARAMETER = '-7';
export const ERROR_NOT_SUPPORTED_API = '-9';

export interface ConnInfo {
  ip: string;
  port: number;
  key: string;
  secured: boolean;
}

export interface ArtRequestContext {
  model: FrameModel;
  profile: SimProfile;
  /** Opens a one-shot d2d listener that will stream these thumbnails (§4.2). */
  openThumbnailTransfer(artworks: Artwork[]): Promise<ConnInfo>;
}

type Inner = Record<string, unknown>;

/** What the art app does with one request; the channel adds `event` and the echoed ids. */
export type RequestOutcome =
  | { kind: 'reply'; fields: Inner; broadcasts: Inner[] }
  | { kind: 'error'; code: string }
  | { kind: 'silent' };

type Handler = (
  request: InnerRequest,
  ctx: ArtRequestContext,
) => RequestOutcome | Promise<RequestOutcome>;

const onOff = z.enum(['on', 'off']);
const selectImageSchema = z.object({
  content_id: z.string(),
  category_id: z.string().nullish(),
  show: z.boolean().optional(),
});
const changeMatteSchema = z.object({
  content_id: z.string(),
  matte_id: z.string(),
  portrait_matte_id: z.string().optional(),
});
const slideshowSchema = z.object({
  value: z.string().regex(/^(off|\d+)$/),
  category_id: z.string().optional(),
  sub_category_id: z.string().optional(),
  type: z.enum(['slideshow', 'shuffleslideshow', '']).optional(),
});
const favouriteSchema = z.object({ content_id: z.string(), status: onOff });
const thumbnailListSchema = z.object({
  content_id_list: z.array(z.object({ content_id: z.string() })).min(1),
  conn_info: z.unknown().optional(),
});

/** Requests that change state; in standby they "do not take effect" (§3.6, §6.5, XW#108). */
export const WRITE_REQUESTS: ReadonlySet<string> = new Set([
  'set_artmode_status',
  'select_image',
  'change_matte',
  'set_slideshow_status',
  'change_favorite',
]);

const reply = (fields: Inner, broadcasts: Inner[] = []): RequestOutcome => ({
  kind: 'reply',
  fields,
  broadcasts,
});
const invalid: RequestOutcome = { kind: 'error', code: ERROR_INVALID_PARAMETER };
const notFound: RequestOutcome = { kind: 'error', code: ERROR_FILE_NOT_FOUND };

/** `category_id` is what 4.x reads; older clients send `category` (§3.5, samsungtvws). */
function requestedCategory(request: InnerRequest): string | undefined {
  const category = request.category_id ?? request.category;

  return typeof category === 'string' ? category : undefined;
}

function slideshowFields(model: FrameModel): Inner {
  return {
    value: model.slideshow.value,
    category_id: model.slideshow.categoryId,
    sub_category_id: model.slideshow.subCategoryId,
    current_content_id: model.slideshow.value === 'off' ? '' : model.currentContentId,
    type: model.slideshow.type,
    content_list: '',
  };
}

const HANDLERS: Record<string, Handler> = {
  api_version: (_request, ctx) => reply({ version: ctx.profile.apiVersion }),
  // 4.x firmware never answers the old name (NW `art.py` comment, §3.3).
  get_api_version: () => ({ kind: 'silent' }),
  get_device_info: (_request, ctx) => reply({ ...ctx.profile.deviceInfo }),
  get_artmode_status: (_request, ctx) => reply({ value: ctx.model.artMode }),
  set_artmode_status: (request, ctx) => {
    const value = onOff.safeParse(request.value);
    if (!value.success) return invalid;
    const redundant = ctx.model.artMode === value.data;
    if (redundant && ctx.profile.redundantArtModeSet === 'silent') return { kind: 'silent' };

    ctx.model.artMode = value.data;

    return reply({ status: value.data }, [{ event: 'art_mode_changed', status: value.data }]);
  },
  get_content_list: (request, ctx) => {
    const items = ctx.model.list(requestedCategory(request)).map(contentListItem);

    return reply({ content_list: tvJson(items, ctx.profile) });
  },
  get_current_artwork: (_request, ctx) => {
    const artwork = ctx.model.current();

    return reply({
      content_id: ctx.model.currentContentId,
      matte_id: artwork?.matteId ?? 'none',
      portrait_matte_id: artwork?.portraitMatteId ?? 'none',
      category_id: artwork?.categoryId ?? '',
      content_type: artwork?.contentType ?? 'na',
    });
  },
  select_image: (request, ctx) => {
    const params = selectImageSchema.safeParse(request);
    if (!params.success) return invalid;
    const artwork = ctx.model.find(params.data.content_id);
    // Unknown ids: FILE_NOT_FOUND is the code whose name fits (§3.3); no capture shows it.
    if (!artwork) return notFound;

    ctx.model.currentContentId = artwork.contentId;
    const shown = params.data.show !== false && ctx.model.artMode === 'on' ? 'Yes' : 'No';
    const mattes = { matte_id: artwork.matteId, portrait_matte_id: artwork.portraitMatteId };

    return reply(
      {
        content_id: artwork.contentId,
        category_id: artwork.categoryId,
        sub_category_id: '',
        ...mattes,
        is_shown: shown,
      },
      [{ event: 'image_selected', content_id: artwork.contentId, ...mattes, is_shown: shown }],
    );
  },
  get_matte_list: (_request, ctx) =>
    reply({
      matte_type_list: tvJson(
        MATTE_TYPES.map((type) => ({ matte_type: type })),
        ctx.profile,
      ),
      matte_color_list: tvJson(MATTE_COLORS, ctx.profile),
    }),
  change_matte: (request, ctx) => {
    const params = changeMatteSchema.safeParse(request);
    if (!params.success) return invalid;
    const artwork = ctx.model.find(params.data.content_id);
    if (!artwork) return notFound;
    const portraitMatte = params.data.portrait_matte_id ?? artwork.portraitMatteId;
    if (!isKnownMatte(params.data.matte_id) || !isKnownMatte(portraitMatte)) return invalid;
    // NW#7: a matte that does not suit the image size is refused with -7.
    if (isPortrait(artwork) && PORTRAIT_REFUSED_MATTE_TYPES.has(matteType(params.data.matte_id))) {
      return invalid;
    }

    artwork.matteId = params.data.matte_id;
    artwork.portraitMatteId = portraitMatte;
    const fields = {
      content_id: artwork.contentId,
      matte_id: artwork.matteId,
      portrait_matte_id: artwork.portraitMatteId,
    };

    return reply(fields, [{ event: 'matte_changed', ...fields }]);
  },
  get_slideshow_status: (_request, ctx) => reply(slideshowFields(ctx.model)),
  set_slideshow_status: (request, ctx) => {
    const params = slideshowSchema.safeParse(request);
    if (!params.success) return invalid;

    ctx.model.slideshow = {
      value: params.data.value,
      categoryId: params.data.category_id ?? '',
      subCategoryId: params.data.sub_category_id ?? '',
      type: params.data.type ?? (params.data.value === 'off' ? '' : 'slideshow'),
    };
    const fields = slideshowFields(ctx.model);
    const broadcast = {
      event: 'slideshow_changed',
      value: fields.value,
      category_id: fields.category_id,
      sub_category_id: fields.sub_category_id,
      type: fields.type,
    };

    return reply(fields, [broadcast]);
  },
  change_favorite: (request, ctx) => {
    const params = favouriteSchema.safeParse(request);
    if (!params.success) return invalid;
    if (!ctx.model.find(params.data.content_id)) return notFound;

    ctx.model.setFavourite(params.data.content_id, params.data.status === 'on');
    const fields = { content_id: params.data.content_id, status: params.data.status };

    return reply(fields, [{ event: 'favorite_changed', ...fields }]);
  },
  get_thumbnail_list: async (request, ctx) => {
    const params = thumbnailListSchema.safeParse(request);
    if (!params.success) return invalid;
    const artworks: Artwork[] = [];
    for (const { content_id } of params.data.content_id_list) {
      const artwork = ctx.model.find(content_id);
      if (!artwork) return notFound;
      artworks.push(artwork);
    }

    const connInfo = await ctx.openThumbnailTransfer(artworks);

    // conn_info travels as a JSON string inside the data string (§4.1).
    return reply({ conn_info: JSON.stringify(connInfo) });
  },
};

/** How many items a request works on, for its service time (see latency.ts). */
export function requestItems(request: InnerRequest, model: FrameModel): number {
  if (request.request === 'get_content_list') return model.list(requestedCategory(request)).length;
  if (request.request === 'get_thumbnail_list') {
    const list = request.content_id_list;

    return Array.isArray(list) ? list.length : 0;
  }

  return 1;
}

/** Runs one art request against the model. */
export async function handleArtRequest(
  request: InnerRequest,
  ctx: ArtRequestContext,
): Promise<RequestOutcome> {
  if (ctx.model.power === 'standby' && WRITE_REQUESTS.has(request.request)) {
    return { kind: 'silent' };
  }
  const handler = HANDLERS[request.request];
  if (!handler) {
    return ctx.profile.unknownRequest === 'error-9'
      ? { kind: 'error', code: ERROR_NOT_SUPPORTED_API }
      : { kind: 'silent' };
  }

  return handler(request, ctx);
}
