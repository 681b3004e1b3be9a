import { z } from 'zod';
import { isFallbackWorthy } from './art-api-settings.js';
import type { ArtRequester } from './art-requester.js';
import { optionalText, parseReply } from './art-schemas.js';
import type { SlideshowStatus } from './types.js';

export interface SlideshowSettings {
  /** `off`, or the interval in minutes (UI presets 3, 15, 60, 720, 1440, 10080; §3.5). */
  value: 'off' | number;
  categoryId: string;
  shuffle: boolean;
}

type SlideshowApi = 'slideshow' | 'auto_rotation';

const REQUESTS: Record<SlideshowApi, { get: string; set: string }> = {
  slideshow: { get: 'get_slideshow_status', set: 'set_slideshow_status' },
  auto_rotation: { get: 'get_auto_rotation_status', set: 'set_auto_rotation_status' },
};

const slideshowSchema = z.looseObject({
  value: z.union([z.string(), z.number()]).transform(String),
  category_id: optionalText,
  type: optionalText,
});

/**
 * Slideshow (4.x+) or auto-rotation (old firmware), the same thing under two request families
 * (§3.4). The family the TV answers is detected once and remembered in its capabilities.
 */
export class ArtSlideshowApi {
  constructor(private readonly requester: ArtRequester) {}

  async get(): Promise<SlideshowStatus> {
    return this.withFamily(async (api) => {
      const request = REQUESTS[api].get;
      const reply = await this.requester.call(request);

      return toStatus(parseReply(request, slideshowSchema, reply));
    });
  }

  async set(settings: SlideshowSettings): Promise<SlideshowStatus> {
    if (settings.value !== 'off' && !(Number.isInteger(settings.value) && settings.value > 0)) {
      throw new RangeError(`slideshow interval ${settings.value} is not a whole number of minutes`);
    }
    const params = {
      value: String(settings.value),
      category_id: settings.categoryId,
      sub_category_id: '',
      type: settings.shuffle ? 'shuffleslideshow' : 'slideshow',
    };

    return this.withFamily(async (api) => {
      const request = REQUESTS[api].set;
      const reply = await this.requester.call(request, params);

      return toStatus(parseReply(request, slideshowSchema, reply));
    });
  }

  /** Tries the remembered family first, else the one the generation suggests, then the other. */
  private async withFamily<T>(run: (api: SlideshowApi) => Promise<T>): Promise<T> {
    await this.requester.beforeChoice();
    const caps = this.requester.capabilities;
    const first: SlideshowApi =
      caps.slideshowApi ?? (caps.isOffered('get_slideshow_status') ? 'slideshow' : 'auto_rotation');
    const second: SlideshowApi = first === 'slideshow' ? 'auto_rotation' : 'slideshow';

    try {
      const result = await run(first);
      caps.setSlideshowApi(first);

      return result;
    } catch (err) {
      if (caps.slideshowApi === first || !isFallbackWorthy(err)) {
        throw err;
      }
      if (!caps.isOffered(REQUESTS[second].get)) {
        throw err;
      }
    }

    const result = await run(second);
    caps.setSlideshowApi(second);

    return result;
  }
}

function toStatus(fields: z.output<typeof slideshowSchema>): SlideshowStatus {
  return { value: fields.value, categoryId: fields.category_id, type: fields.type };
}
