import { z } from 'zod';
import { numberLike, onOffText } from './art-schemas.js';
import { parseJson } from './protocol.js';
import type { ArtEvent, CurrentArtwork } from './types.js';

/**
 * The unsolicited art-app broadcasts Docent acts on (frame-protocol.md §5), in Docent's words.
 * Old firmware names (`auto_rotation_*`) map onto the new ones (§3.4).
 */
export type TvEvent =
  | { kind: 'art_mode'; on: boolean }
  | {
      kind: 'artwork';
      current: Partial<CurrentArtwork> & { contentId: string };
      source: 'select' | 'slideshow';
    }
  | {
      kind: 'matte';
      contentId: string | null;
      matteId: string | null;
      portraitMatteId: string | null;
    }
  | { kind: 'slideshow'; value: string; categoryId: string | null; type: string | null }
  | { kind: 'standby' }
  | { kind: 'wakeup' }
  | {
      kind: 'catalog_changed';
      /** The artwork concerned, when the TV names one. */
      contentId: string | null;
      /** Set by `parseTvEvent` on every event it reads; hand-built events may leave it out. */
      change?: CatalogChange;
    }
  | { kind: 'favourite'; contentId: string; on: boolean }
  | { kind: 'setting'; name: 'brightness' | 'color_temperature'; value: number }
  | { kind: 'rotation'; rotation: 'landscape' | 'portrait' }
  /** `contentIds` newest first as listed; null when the TV sent no list Docent can read. */
  | { kind: 'recently_set'; contentIds: string[] | null };

/**
 * What changed the catalogue (§5): an upload stored (`image_added`), a delete (`image_deleted`),
 * a multi-image upload (`image_list_added` for the list, `image_of_list_added` per image), or
 * the user's own photos reset (`notify.reset_my_photo`). Each means: read the catalogue again.
 */
export type CatalogChange = 'added' | 'deleted' | 'list_added' | 'reset';

/**
 * Broadcasts that change nothing Docent shows today (§5), kept apart from `TvEvent` so that
 * code switching over every `TvEvent` kind goes on compiling until it decides what to do:
 * - `preview`: `preview_started` / `preview_stopped` (5.x, DEC);
 * - `server_sync`: `notify.sync_server` with `status` `start` / `finish` (DEC).
 */
export type TvNotice =
  | { kind: 'preview'; active: boolean }
  | { kind: 'server_sync'; phase: 'start' | 'finish' };

const text = z.union([z.string(), z.number()]).transform(String);
const optionalText = text.nullish().transform((v) => v ?? null);

const onOff = z.object({ status: z.string().optional(), value: z.string().optional() });
const selected = z.object({
  content_id: text,
  matte_id: optionalText,
  portrait_matte_id: optionalText,
  category_id: optionalText,
});
const slideshowImage = z.object({ current_content_id: text });
const matte = z.object({
  content_id: optionalText,
  matte_id: optionalText,
  portrait_matte_id: optionalText,
});
const slideshow = z.object({ value: text, category_id: optionalText, type: optionalText });
const contentRef = z.object({ content_id: optionalText });
const favourite = z.object({ content_id: text, status: onOffText });
const settingValue = z.object({ value: numberLike });
const rotation = z.object({ current_rotation_status: numberLike });
/** §5 names only the field; entries are read as content ids or `{content_id}` objects. */
const recentsList = z.array(
  z.union([z.string().min(1), z.looseObject({ content_id: z.string().min(1) })]),
);
const recents = z.object({ recently_set_list: z.unknown().optional() });
const syncStatus = z.object({
  status: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(['start', 'finish'])),
});

/** Parses one art event; null for events Docent does not act on or that do not fit their schema. */
export function parseTvEvent(event: ArtEvent): TvEvent | null {
  const fields = event.fields;

  switch (event.event) {
    case 'art_mode_changed': {
      const parsed = onOff.safeParse(fields);
      const value = parsed.success ? (parsed.data.status ?? parsed.data.value) : undefined;
      if (value !== 'on' && value !== 'off') return null;

      return { kind: 'art_mode', on: value === 'on' };
    }
    case 'image_selected': {
      const parsed = selected.safeParse(fields);
      if (!parsed.success) return null;

      const d = parsed.data;
      return {
        kind: 'artwork',
        source: 'select',
        current: {
          contentId: d.content_id,
          matteId: d.matte_id,
          portraitMatteId: d.portrait_matte_id,
          categoryId: d.category_id,
        },
      };
    }
    case 'slideshow_image_changed':
    case 'auto_rotation_image_changed': {
      const parsed = slideshowImage.safeParse(fields);
      if (!parsed.success) return null;

      return {
        kind: 'artwork',
        source: 'slideshow',
        current: { contentId: parsed.data.current_content_id },
      };
    }
    case 'matte_changed': {
      const parsed = matte.safeParse(fields);
      if (!parsed.success) return null;

      return {
        kind: 'matte',
        contentId: parsed.data.content_id,
        matteId: parsed.data.matte_id,
        portraitMatteId: parsed.data.portrait_matte_id,
      };
    }
    case 'slideshow_changed':
    case 'auto_rotation_changed': {
      const parsed = slideshow.safeParse(fields);
      if (!parsed.success) return null;

      const d = parsed.data;
      return { kind: 'slideshow', value: d.value, categoryId: d.category_id, type: d.type };
    }
    // `go_to_standby` also fires when the panel sleeps on its motion timer while art mode stays
    // on (frame-protocol.md §5); it is reported as standby, not as "art mode off".
    case 'go_to_standby':
      return { kind: 'standby' };
    case 'wakeup':
      return { kind: 'wakeup' };
    case 'image_added':
    case 'image_of_list_added':
      return catalogChanged(fields, 'added');
    case 'image_deleted':
      return catalogChanged(fields, 'deleted');
    case 'image_list_added':
      return catalogChanged(fields, 'list_added');
    case 'notify.reset_my_photo':
      return catalogChanged(fields, 'reset');
    case 'favorite_changed': {
      const parsed = favourite.safeParse(fields);
      if (!parsed.success) return null;

      return {
        kind: 'favourite',
        contentId: parsed.data.content_id,
        on: parsed.data.status === 'on',
      };
    }
    // Older firmware broadcasts setting changes; 4.x+ only answers the setter (§3.4 table, §5).
    case 'brightness_changed':
    case 'color_temperature_changed': {
      const parsed = settingValue.safeParse(fields);
      if (!parsed.success) return null;

      const name = event.event === 'brightness_changed' ? 'brightness' : 'color_temperature';
      return { kind: 'setting', name, value: parsed.data.value };
    }
    case 'rotation_changed': {
      // 1 landscape, 2 portrait, as in `get_current_rotation` (§3.5).
      const status = rotation.safeParse(fields).data?.current_rotation_status;
      if (status !== 1 && status !== 2) return null;

      return { kind: 'rotation', rotation: status === 1 ? 'landscape' : 'portrait' };
    }
    case 'recently_set_updated':
      return { kind: 'recently_set', contentIds: recentIds(fields) };
    default:
      return null;
  }
}

/** Parses one of the broadcasts in `TvNotice`; null for any other event or one that does not fit. */
export function parseTvNotice(event: ArtEvent): TvNotice | null {
  switch (event.event) {
    case 'preview_started':
    case 'preview_stopped':
      return { kind: 'preview', active: event.event === 'preview_started' };
    case 'notify.sync_server': {
      const parsed = syncStatus.safeParse(event.fields);

      return parsed.success ? { kind: 'server_sync', phase: parsed.data.status } : null;
    }
    default:
      return null;
  }
}

/** Whatever else the fields say, the catalogue changed: the event is never dropped for its shape. */
function catalogChanged(fields: Record<string, unknown>, change: CatalogChange): TvEvent {
  const contentId = contentRef.safeParse(fields).data?.content_id ?? null;

  return { kind: 'catalog_changed', contentId, change };
}

/** The recents list travels as a JSON string or an array (§5, like other lists, §3.5). */
function recentIds(fields: Record<string, unknown>): string[] | null {
  const raw = recents.safeParse(fields).data?.recently_set_list;
  const list = typeof raw === 'string' ? parseJson(raw) : raw;
  const parsed = recentsList.safeParse(list);
  if (!parsed.success) return null;

  return parsed.data.map((entry) => (typeof entry === 'string' ? entry : entry.content_id));
}
