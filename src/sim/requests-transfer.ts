import { z } from 'zod';
import type { Artwork } from './catalogue.js';
import {
  type ArtRequestContext,
  type Handler,
  type Inner,
  invalid,
  notFound,
  type RequestCall,
  type RequestOutcome,
  reply,
  silent,
  systemFail,
  type UploadResult,
  type UploadSpec,
} from './request-outcome.js';

const thumbnailListSchema = z.object({
  content_id_list: z.array(z.object({ content_id: z.string() })).min(1),
  conn_info: z.unknown().optional(),
});
const thumbnailSchema = z.object({ content_id: z.string() });
const sendImageSchema = z.object({
  file_type: z.string(),
  file_size: z.union([z.number().int().min(0), z.string().regex(/^\d+$/)]).optional(),
  matte_id: z.string().optional(),
  portrait_matte_id: z.string().optional(),
  image_date: z.string().optional(),
  conn_info: z.unknown().optional(),
});

/** Art Store items have a thumbnail only once displayed (§7 Q7, DEC). */
function uncached(artworks: Artwork[], ctx: ArtRequestContext): boolean {
  if (!ctx.switches.uncachedStoreThumbnails) return false;

  return artworks.some(
    (a) => a.contentId.startsWith('SAM-') && !ctx.model.displayed.has(a.contentId),
  );
}

function findAll(ids: string[], ctx: ArtRequestContext): Artwork[] | undefined {
  const artworks: Artwork[] = [];
  for (const id of ids) {
    const artwork = ctx.model.find(id);
    if (!artwork) return undefined;
    artworks.push(artwork);
  }

  return artworks;
}

/** Fields of `image_added` and the new-firmware `send_image` reply (§4.3, DEC). */
function addedFields(artwork: Artwork): Inner {
  return {
    content_id: artwork.contentId,
    category_id: artwork.categoryId,
    matte_id: artwork.matteId,
    portrait_matte_id: artwork.portraitMatteId,
    width: artwork.width,
    height: artwork.height,
  };
}

function uploadSpec(params: z.infer<typeof sendImageSchema>): UploadSpec | undefined {
  // §4.3: `jpg`/`png` in lower case (clients map `jpeg` to `jpg`); 0.97 sends `JPEG` (§4.5).
  const lower = params.file_type.toLowerCase();
  const fileType = lower === 'jpeg' ? 'jpg' : lower;
  if (fileType !== 'jpg' && fileType !== 'png') return undefined;

  return {
    fileType,
    fileSize: Number(params.file_size ?? 0),
    matteId: params.matte_id ?? 'none',
    portraitMatteId: params.portrait_matte_id ?? 'none',
    imageDate: params.image_date,
  };
}

/** 0.97: the image came inside the binary WS frame; the reply is `image_added` under its id. */
async function inbandUpload(call: RequestCall, spec: UploadSpec, ctx: ArtRequestContext) {
  if (call.request.conn_info !== undefined || !call.binary) return systemFail;
  const result = await ctx.storeUpload(spec, call.binary);
  if (result.kind === 'broken' || ctx.switches.uploadNoImageAdded) return silent;

  return {
    kind: 'reply',
    event: 'image_added',
    fields: addedFields(result.artwork),
    broadcasts: [],
  } satisfies RequestOutcome;
}

async function sendImage(call: RequestCall, ctx: ArtRequestContext): Promise<RequestOutcome> {
  const params = sendImageSchema.safeParse(call.request);
  if (!params.success) return invalid;
  const spec = uploadSpec(params.data);
  if (!spec) return invalid;
  // XW#120, FAB: a 2019 set refuses d2d uploads with -1.
  if (ctx.profile.transfers === 'inband') return inbandUpload(call, spec, ctx);

  const onDone = (result: UploadResult): void => {
    if (result.kind === 'broken' || ctx.switches.uploadNoImageAdded) return;
    const fields = addedFields(result.artwork);
    const event = { event: 'image_added', ...fields };
    const newFirmware = ctx.profile.generation === '4.x' || ctx.profile.generation === '5.x';
    call.replyLater(newFirmware ? fields : undefined, [event]);
  };
  const connInfo = await ctx.openUpload(spec, onDone);

  return {
    kind: 'reply',
    event: 'ready_to_use',
    fields: { conn_info: JSON.stringify(connInfo) },
    broadcasts: [],
  };
}

async function thumbnailList(call: RequestCall, ctx: ArtRequestContext): Promise<RequestOutcome> {
  const params = thumbnailListSchema.safeParse(call.request);
  if (!params.success) return invalid;
  const artworks = findAll(
    params.data.content_id_list.map((item) => item.content_id),
    ctx,
  );
  if (!artworks) return notFound;
  const mode = ctx.switches.thumbnailList;
  if (mode === 'error-1') return systemFail;
  const every = ctx.switches.thumbnailIntermittentEvery;
  if (mode === 'intermittent' && ctx.nextThumbnailCall() % every === 0) return systemFail;
  if (uncached(artworks, ctx)) return systemFail;

  const connInfo = await ctx.openThumbnailTransfer(artworks);

  // conn_info travels as a JSON string inside the data string (§4.1).
  return reply({ conn_info: JSON.stringify(connInfo) });
}

async function thumbnail(call: RequestCall, ctx: ArtRequestContext): Promise<RequestOutcome> {
  if (ctx.switches.thumbnailSingle === 'silent') return silent;
  const params = thumbnailSchema.safeParse(call.request);
  if (!params.success) return invalid;
  const artwork = ctx.model.find(params.data.content_id);
  if (!artwork) return notFound;
  if (uncached([artwork], ctx)) return systemFail;

  if (ctx.profile.transfers === 'inband') {
    const bytes = await ctx.thumbnailJpeg(artwork);

    return { kind: 'binary', fields: { content_id: artwork.contentId, file_type: 'jpg' }, bytes };
  }
  const connInfo = await ctx.openThumbnailTransfer([artwork]);

  return reply({ conn_info: JSON.stringify(connInfo) });
}

export const TRANSFER_HANDLERS: Record<string, Handler> = {
  get_thumbnail_list: thumbnailList,
  get_thumbnail: thumbnail,
  send_image: sendImage,
};
