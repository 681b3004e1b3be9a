import { z } from 'zod';
import type { FrameModel } from './frame-model.js';
import { isOldGeneration, tvJson } from './messages.js';
import type { SimProfile } from './profile.js';
import {
  type Handler,
  type Inner,
  invalid,
  type RequestOutcome,
  reply,
  silent,
  systemFail,
} from './request-outcome.js';

const onOff = z.enum(['on', 'off']);
const intValue = z.object({ value: z.union([z.number().int(), z.string().regex(/^-?\d+$/)]) });
const motionTimer = z.object({
  value: z.enum(['off', '5', '15', '30', '60', '120', '180', '240', 'always']),
});
const sensitivity = z.object({ value: z.enum(['1', '2', '3']) });
const slideshowSchema = z.object({
  value: z.string().regex(/^(off|\d+)$/),
  category_id: z.string().optional(),
  sub_category_id: z.string().optional(),
  type: z.enum(['slideshow', 'shuffleslideshow', '']).optional(),
});
const pictureMode = z.object({ art_picture_mode: z.number().int().min(0).max(10) });

const COLOR_TEMPERATURE_MIN = -5;
const COLOR_TEMPERATURE_MAX = 5;
const MOTION_TIMERS = ['off', '5', '15', '30', '60', '120', '240'];

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

/** Settings items, values as strings, with min/max (§3.5, DEC, FAB#82). */
function settingsList(model: FrameModel, profile: SimProfile): Inner[] {
  const s = model.settings;

  return [
    {
      item: 'brightness',
      value: String(s.brightness),
      min: '0',
      max: String(profile.brightnessMax),
    },
    {
      item: 'color_temperature',
      value: String(s.colorTemperature),
      min: String(COLOR_TEMPERATURE_MIN),
      max: String(COLOR_TEMPERATURE_MAX),
    },
    { item: 'motion_sensitivity', value: s.motionSensitivity, min: '1', max: '3' },
    { item: 'motion_timer', value: s.motionTimer, valid_values: JSON.stringify(MOTION_TIMERS) },
    { item: 'brightness_sensor_setting', value: s.brightnessSensor },
  ];
}

function rangedInt(value: unknown, min: number, max: number): number | undefined {
  const parsed = intValue.safeParse({ value });
  if (!parsed.success) return undefined;
  const number = Number(parsed.data.value);

  return number >= min && number <= max ? number : undefined;
}

/** §3.6 as profiles differ: direct reply, broadcast only (2.x), or reply lagging the broadcast. */
function setArtMode(call: Parameters<Handler>[0], ctx: Parameters<Handler>[1]): RequestOutcome {
  const value = onOff.safeParse(call.request.value);
  if (!value.success) return invalid;
  const { model, profile } = ctx;
  if (model.artMode === value.data && profile.redundantArtModeSet === 'silent') return silent;

  model.artMode = value.data;
  const broadcasts = [{ event: 'art_mode_changed', status: value.data }];
  if (profile.artModeSetReply === 'broadcast-only') return { kind: 'events', broadcasts };
  if (profile.artModeSetReply === 'after-broadcast') {
    return {
      kind: 'reply',
      fields: { status: value.data },
      broadcasts,
      order: 'broadcast-first',
      lagMs: profile.artModeReplyLagMs,
    };
  }

  return reply({ status: value.data }, broadcasts);
}

function setSlideshow(call: Parameters<Handler>[0], ctx: Parameters<Handler>[1]): RequestOutcome {
  const params = slideshowSchema.safeParse(call.request);
  if (!params.success) return invalid;

  ctx.model.slideshow = {
    value: params.data.value,
    categoryId: params.data.category_id ?? '',
    subCategoryId: params.data.sub_category_id ?? '',
    type: params.data.type ?? (params.data.value === 'off' ? '' : 'slideshow'),
  };
  ctx.slideshowChanged();
  const fields = slideshowFields(ctx.model);
  const event = isOldGeneration(ctx.profile) ? 'auto_rotation_changed' : 'slideshow_changed';
  const broadcast = {
    event,
    value: fields.value,
    category_id: fields.category_id,
    sub_category_id: fields.sub_category_id,
    type: fields.type,
  };

  return reply(fields, [broadcast]);
}

export const STATUS_HANDLERS: Record<string, Handler> = {
  // Old firmware answers the new name with an error (NW `art.py`, §3.3).
  api_version: (_call, ctx) =>
    isOldGeneration(ctx.profile) ? systemFail : reply({ version: ctx.profile.apiVersion }),
  get_api_version: (_call, ctx) => reply({ version: ctx.profile.apiVersion }),
  get_device_info: (_call, ctx) => {
    const info = { ...ctx.profile.deviceInfo };
    // The rotation the panel is in now, not the profile's snapshot (§5 `rotation_changed`).
    if ('current_rotation_status' in info) info.current_rotation_status = ctx.model.rotation;

    return reply(info);
  },
  get_artmode_status: (_call, ctx) => reply({ value: ctx.model.artMode }),
  set_artmode_status: setArtMode,
  get_artmode_settings: (_call, ctx) =>
    reply({ data: tvJson(settingsList(ctx.model, ctx.profile), ctx.profile) }),
  get_brightness: (_call, ctx) => reply({ value: String(ctx.model.settings.brightness) }),
  set_brightness: (call, ctx) => {
    const value = rangedInt(call.request.value, 0, ctx.profile.brightnessMax);
    if (value === undefined) return invalid;
    ctx.model.settings.brightness = value;
    // OH: old firmware also broadcasts the change (§3.4 table, §5).
    const old = isOldGeneration(ctx.profile);

    return reply({ value: String(value) }, old ? [{ event: 'brightness_changed', value }] : []);
  },
  get_color_temperature: (_call, ctx) =>
    reply({ value: String(ctx.model.settings.colorTemperature) }),
  set_color_temperature: (call, ctx) => {
    const value = rangedInt(call.request.value, COLOR_TEMPERATURE_MIN, COLOR_TEMPERATURE_MAX);
    if (value === undefined) return invalid;
    ctx.model.settings.colorTemperature = value;
    // OH: old firmware also broadcasts the change (§3.4 table, §5).
    const old = isOldGeneration(ctx.profile);

    return reply(
      { value: String(value) },
      old ? [{ event: 'color_temperature_changed', value }] : [],
    );
  },
  set_motion_timer: (call, ctx) => {
    const params = motionTimer.safeParse(call.request);
    if (!params.success) return invalid;
    ctx.model.settings.motionTimer = params.data.value;

    return reply({ value: params.data.value });
  },
  set_motion_sensitivity: (call, ctx) => {
    const params = sensitivity.safeParse(call.request);
    if (!params.success) return invalid;
    ctx.model.settings.motionSensitivity = params.data.value;

    return reply({ value: params.data.value });
  },
  set_brightness_sensor_setting: (call, ctx) => {
    const value = onOff.safeParse(call.request.value);
    if (!value.success) return invalid;
    ctx.model.settings.brightnessSensor = value.data;

    return reply({ value: value.data });
  },
  reset_brightness: (_call, ctx) => {
    ctx.model.settings.brightness = Math.round(ctx.profile.brightnessMax / 2);

    return reply({ brightness_value: String(ctx.model.settings.brightness) });
  },
  get_current_rotation: (_call, ctx) => reply({ current_rotation_status: ctx.model.rotation }),
  get_art_picture_mode: (_call, ctx) =>
    reply({ art_picture_mode: ctx.model.settings.artPictureMode }),
  set_art_picture_mode: (call, ctx) => {
    const params = pictureMode.safeParse(call.request);
    if (!params.success) return invalid;
    ctx.model.settings.artPictureMode = params.data.art_picture_mode;

    return reply({ value: params.data.art_picture_mode });
  },
  get_slideshow_status: (_call, ctx) => reply(slideshowFields(ctx.model)),
  set_slideshow_status: setSlideshow,
  get_auto_rotation_status: (_call, ctx) => reply(slideshowFields(ctx.model)),
  set_auto_rotation_status: setSlideshow,
};
