import type { Artwork } from './catalogue.js';
import type { FrameModel } from './frame-model.js';
import type { InnerRequest } from './messages.js';
import type { SimProfile } from './profile.js';
import type { SimSwitches } from './switches.js';

/** Error codes the art app answers with (frame-protocol §3.3). */
export const ERROR_SYSTEM_FAIL = '-1';
export const ERROR_FILE_NOT_FOUND = '-4';
export const ERROR_REQUEST_PARSE_FAIL = '-6';
export const ERROR_INVALID_PARAMETER = '-7';
export const ERROR_SSO_REQUIRED = '-8';
export const ERROR_NOT_SUPPORTED_API = '-9';
export const ERROR_TEMPORARILY_UNAVAILABLE = '-10';
export const ERROR_PREVIEW_NOT_STARTED = '-13';

export interface ConnInfo {
  ip: string;
  port: number;
  key: string;
  secured: boolean;
}

/** What an upload header announced and the TV received (§4.3). */
export interface UploadSpec {
  fileType: string;
  fileSize: number;
  matteId: string;
  portraitMatteId: string;
  imageDate: string | undefined;
}

/** How an upload ended: stored and decoded, or stored as a grey entry without `image_added`. */
export type UploadResult = { kind: 'added'; artwork: Artwork } | { kind: 'broken' };

export interface ArtRequestContext {
  model: FrameModel;
  profile: SimProfile;
  switches: SimSwitches;
  /** Opens a one-shot d2d listener that will stream these thumbnails (§4.2). */
  openThumbnailTransfer(artworks: Artwork[]): Promise<ConnInfo>;
  /** Opens a one-shot d2d listener that receives one upload (§4.3). */
  openUpload(spec: UploadSpec, onDone: (result: UploadResult) => void): Promise<ConnInfo>;
  /** Stores in-band upload bytes (0.97, §4.5). */
  storeUpload(spec: UploadSpec, bytes: Buffer): Promise<UploadResult>;
  thumbnailJpeg(artwork: Artwork): Promise<Buffer>;
  /** The slideshow settings changed: re-arm the slideshow ticks (§5). */
  slideshowChanged(): void;
  /** Counts `get_thumbnail_list` calls for the intermittent failure switch. */
  nextThumbnailCall(): number;
}

export type Inner = Record<string, unknown>;

/** One request being served: its parsed data and a way to answer it later (uploads). */
export interface RequestCall {
  request: InnerRequest;
  dataText: string;
  /** Image bytes that came with a 0.97 in-band binary request (§4.5). */
  binary?: Buffer;
  /**
   * Later messages for this request (uploads): `broadcasts` to every client, then `fields` as a
   * reply to the requester (or everyone, if it left) with the echoed ids; no reply if undefined.
   */
  replyLater(fields: Inner | undefined, broadcasts: Inner[]): void;
}

/**
 * What the art app does with one request; the channel adds `event` (the request's reply name
 * unless `event` is set) and the echoed ids.
 * - `reply`: `broadcasts` follow the reply, or precede it by `lagMs` with `order` (§3.6);
 * - `events`: only broadcasts, no direct reply (2.x `set_artmode_status`, §3.6);
 * - `binary`: a 0.97 in-band binary reply (§4.5).
 */
export type RequestOutcome =
  | {
      kind: 'reply';
      fields: Inner;
      broadcasts: Inner[];
      event?: string;
      order?: 'reply-first' | 'broadcast-first';
      lagMs?: number;
    }
  | { kind: 'events'; broadcasts: Inner[] }
  | { kind: 'binary'; fields: Inner; bytes: Buffer }
  | { kind: 'error'; code: string }
  | { kind: 'silent' };

export type Handler = (
  call: RequestCall,
  ctx: ArtRequestContext,
) => RequestOutcome | Promise<RequestOutcome>;

export const reply = (fields: Inner, broadcasts: Inner[] = []): RequestOutcome => ({
  kind: 'reply',
  fields,
  broadcasts,
});
export const invalid: RequestOutcome = { kind: 'error', code: ERROR_INVALID_PARAMETER };
export const notFound: RequestOutcome = { kind: 'error', code: ERROR_FILE_NOT_FOUND };
export const systemFail: RequestOutcome = { kind: 'error', code: ERROR_SYSTEM_FAIL };
export const silent: RequestOutcome = { kind: 'silent' };

/** Requests that change state; in standby they "do not take effect" (§3.6, §6.5, XW#108). */
export const WRITE_REQUESTS: ReadonlySet<string> = new Set([
  'set_artmode_status',
  'select_image',
  'change_matte',
  'set_slideshow_status',
  'set_auto_rotation_status',
  'change_favorite',
  'send_image',
  'delete_image_list',
]);

/** `category_id` is what 4.x+ reads; older sets also take `category` (§3.5, samsungtvws). */
export function requestedCategory(request: InnerRequest, profile: SimProfile): string | undefined {
  const category =
    profile.categoryParam === 'category_id-only'
      ? request.category_id
      : (request.category_id ?? request.category);

  return typeof category === 'string' ? category : undefined;
}
