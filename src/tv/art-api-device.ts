import { z } from 'zod';
import type { ArtRequester } from './art-requester.js';
import { numberLike, parseNested, parseReply } from './art-schemas.js';

/** What the art app says about the panel (`get_device_info`, §3.5). */
export interface ArtDeviceInfo {
  rotation: 'landscape' | 'portrait' | null;
  brightnessSensor: boolean | null;
  motionSensor: boolean | null;
  colorTone: boolean | null;
  /** e.g. `UHD`. */
  resolution: string | null;
}

/** `"TRUE"`/`"FALSE"` (any case) or a boolean; anything else is unknown. */
const flag = z
  .union([z.boolean(), z.string()])
  .nullish()
  .transform((v) => {
    if (typeof v === 'boolean') return v;
    if (typeof v !== 'string') return null;
    const lower = v.toLowerCase();

    return lower === 'true' ? true : lower === 'false' ? false : null;
  });
const rotationSchema = numberLike.nullish().transform((v) => {
  if (v === 1) return 'landscape' as const;
  if (v === 2) return 'portrait' as const;

  return null;
});
const deviceInfoSchema = z.looseObject({
  current_rotation_status: rotationSchema,
  support_brightness_sensor: flag,
  support_motion_sensor: flag,
  support_color_tone: flag,
  resolution_type: z.string().nullish(),
});
const rotationReplySchema = z.looseObject({ current_rotation_status: rotationSchema });
const contentMatteReplySchema = z.looseObject({ content_matte_list: z.unknown() });
const contentMattesSchema = z.array(z.looseObject({ matte_id: z.string().min(1) }));

/** Panel facts: device info, rotation, and the 5.x per-category matte list. */
export class ArtDeviceApi {
  constructor(private readonly requester: ArtRequester) {}

  async getInfo(): Promise<ArtDeviceInfo> {
    const request = 'get_device_info';
    const info = parseReply(request, deviceInfoSchema, await this.requester.call(request));

    return {
      rotation: info.current_rotation_status,
      brightnessSensor: info.support_brightness_sensor,
      motionSensor: info.support_motion_sensor,
      colorTone: info.support_color_tone,
      resolution: info.resolution_type ?? null,
    };
  }

  /** 1 landscape, 2 portrait (§3.5). */
  async getRotation(): Promise<'landscape' | 'portrait' | null> {
    const request = 'get_current_rotation';

    return parseReply(request, rotationReplySchema, await this.requester.call(request))
      .current_rotation_status;
  }

  /** Matte ids offered for a category (5.x, DEC). */
  async getContentMatteList(categoryId = '', subCategoryId = ''): Promise<string[]> {
    const request = 'get_content_matte_list';
    const reply = await this.requester.call(request, {
      category_id: categoryId,
      sub_category_id: subCategoryId,
    });
    const list = parseReply(request, contentMatteReplySchema, reply).content_matte_list;

    return parseNested(request, contentMattesSchema, list).map((item) => item.matte_id);
  }
}
