/**
 * The last state of one TV session that the catalogue does not hold: slideshow, art settings, photo filters, favourites and the last error. Loaded at start so Home Assistant sees
 * it before the TV answers (architecture rule 7); written atomically (rule 8).
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { encodeSafeName } from '../thumbnails/safe-name.js';
import type { SlideshowStatus } from '../tv/types.js';
import type { FeatureSnapshot } from './tv-features.js';

export interface SessionSnapshot {
  slideshow: SlideshowStatus | null;
  lastSlideshowMinutes: number | null;
  lastError: { code: string; message: string; at: string } | null;
  features: FeatureSnapshot;
}

const range = z
  .object({ value: z.number(), min: z.number().nullable(), max: z.number().nullable() })
  .nullable();

/** On disk the keys are snake_case, like everything a user may read. */
const fileSchema = z.object({
  version: z.literal(1),
  slideshow: z
    .object({ value: z.string(), category_id: z.string().nullable(), type: z.string().nullable() })
    .nullable(),
  last_slideshow_minutes: z.number().int().positive().nullable(),
  last_error: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
  features: z.object({
    brightness: range,
    color_temperature: range,
    photo_filters: z.array(z.string()).nullable(),
    favourites: z.array(z.string()).nullable(),
    applied_filter: z.object({ content_id: z.string(), filter_id: z.string() }).nullable(),
  }),
});

type SessionFile = z.infer<typeof fileSchema>;

export class SessionStore {
  readonly filePath: string;

  constructor(
    options: { dataDir: string; tvId: string },
    private readonly deps: { logger: Logger },
  ) {
    this.filePath = path.join(options.dataDir, 'tvs', encodeSafeName(options.tvId), 'session.json');
  }

  /** The saved state, or null when there is none or it cannot be used. Never throws. */
  async load(): Promise<SessionSnapshot | null> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.deps.logger.warn({ err, path: this.filePath }, 'saved session state unreadable');
      }
      return null;
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      this.deps.logger.warn({ path: this.filePath }, 'saved session state invalid, ignored');
      return null;
    }

    return fromFile(parsed.data);
  }

  async save(snapshot: SessionSnapshot): Promise<void> {
    await mkdir(path.dirname(this.filePath), { recursive: true });
    await writeFileAtomic(this.filePath, `${JSON.stringify(toFile(snapshot), null, 2)}\n`);
  }
}

function fromFile(file: SessionFile): SessionSnapshot {
  const slideshow = file.slideshow;
  const applied = file.features.applied_filter;

  return {
    slideshow: slideshow
      ? { value: slideshow.value, categoryId: slideshow.category_id, type: slideshow.type }
      : null,
    lastSlideshowMinutes: file.last_slideshow_minutes,
    lastError: file.last_error,
    features: {
      brightness: file.features.brightness,
      colorTemperature: file.features.color_temperature,
      photoFilters: file.features.photo_filters,
      favourites: file.features.favourites,
      applied: applied ? { contentId: applied.content_id, filterId: applied.filter_id } : null,
    },
  };
}

function toFile(snapshot: SessionSnapshot): SessionFile {
  const slideshow = snapshot.slideshow;
  const applied = snapshot.features.applied;

  return {
    version: 1,
    slideshow: slideshow
      ? { value: slideshow.value, category_id: slideshow.categoryId, type: slideshow.type }
      : null,
    last_slideshow_minutes: snapshot.lastSlideshowMinutes,
    last_error: snapshot.lastError,
    features: {
      brightness: snapshot.features.brightness,
      color_temperature: snapshot.features.colorTemperature,
      photo_filters: snapshot.features.photoFilters,
      favourites: snapshot.features.favourites,
      applied_filter: applied
        ? { content_id: applied.contentId, filter_id: applied.filterId }
        : null,
    },
  };
}
