import { z } from 'zod';
import {
  ERROR_PREVIEW_NOT_STARTED,
  ERROR_SSO_REQUIRED,
  type Handler,
  notFound,
  type RequestOutcome,
  reply,
  systemFail,
} from './request-outcome.js';

/**
 * Requests 2025 firmware maps that the older sets never had (frame-protocol §3.5 "Transfers",
 * DEC): preview, multi-image upload, filter thumbnails, store/SSO and Ambient requests. DEC names
 * them but shows no reply shapes, so every answer here is the smallest plausible one, chosen by
 * us; the codes come from the decompiled table (§3.3). What matters is that 5.x never answers
 * them with -9, as it does for requests it does not map.
 */

const contentIdSchema = z.object({ content_id: z.string() });
const ART_APP_ID = 'org.tizen.art-app';

const ssoRequired: RequestOutcome = { kind: 'error', code: ERROR_SSO_REQUIRED };

/** `preview_image` shows an artwork inside a preview: -13 until `start_preview` (§3.3 code). */
const previewImage: Handler = ({ request }, ctx) => {
  if (!ctx.model.previewing) return { kind: 'error', code: ERROR_PREVIEW_NOT_STARTED };
  const params = contentIdSchema.safeParse(request);
  if (!params.success || !ctx.model.find(params.data.content_id)) return notFound;

  return reply({ content_id: params.data.content_id });
};

export const FIVE_X_HANDLERS: Record<string, Handler> = {
  // §5: `preview_started` / `preview_stopped` are broadcasts of the 5.x event list (DEC).
  start_preview: (_call, ctx) => {
    ctx.model.previewing = true;

    return reply({}, [{ event: 'preview_started' }]);
  },
  stop_preview: (_call, ctx) => {
    if (!ctx.model.previewing) return { kind: 'error', code: ERROR_PREVIEW_NOT_STARTED };
    ctx.model.previewing = false;

    return reply({}, [{ event: 'preview_stopped' }]);
  },
  preview_image: previewImage,
  // Multi-image uploads and filter thumbnails need d2d flows no source describes: the catch-all
  // SYSTEM_FAIL a real set gives for paths it cannot take (§7 Q2).
  send_image_list: () => systemFail,
  send_image_list_with_launch: () => systemFail,
  get_photo_filter_thumbnail_list: () => systemFail,
  // Nothing is ever being uploaded as a list here, so there is nothing to cancel.
  cancel_image_list: () => reply({}),
  // Store and account requests need a Samsung account the simulated set never has (-8, §3.3).
  buy_content: () => ssoRequired,
  subscribe: () => ssoRequired,
  get_sso_login_status: () => ssoRequired,
  // Ambient requests (DEC): the art app is what runs whenever it can answer at all.
  tv_information: (_call, ctx) =>
    reply({
      model_name: ctx.profile.modelName,
      model_code: ctx.profile.modelCode,
      resolution: '3840x2160',
    }),
  current_app: (_call, ctx) => reply({ value: ctx.model.artMode === 'on' ? ART_APP_ID : '' }),
  update_ambient_setting: () => reply({}),
};

/** The names above, for `request-support.ts`. */
export const FIVE_X_REQUESTS: readonly string[] = Object.keys(FIVE_X_HANDLERS);
