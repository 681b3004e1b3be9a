import type { TvEvent } from '../tv/events.js';
import type { CurrentArtwork, SlideshowStatus } from '../tv/types.js';

/** What one TV event changes in a session's view of the TV. */
export interface EventEffect {
  artMode?: 'on' | 'off';
  current?: CurrentArtwork;
  slideshow?: SlideshowStatus;
  /** The catalogue changed on the TV (upload, delete): read it again. */
  rereadCatalog?: boolean;
  power?: 'standby' | 'wakeup';
  favourite?: { contentId: string; on: boolean };
  /** An art-mode setting the TV changed (older firmware broadcasts them, §5). */
  setting?: { name: 'brightness' | 'color_temperature'; value: number };
}

/**
 * The effect of a TV broadcast, given the artwork currently shown. Pure, so every event the TV
 * can send is covered by a table test.
 */
export function effectOf(event: TvEvent, shown: CurrentArtwork | null): EventEffect {
  switch (event.kind) {
    case 'art_mode':
      return { artMode: event.on ? 'on' : 'off' };
    case 'artwork': {
      // A slideshow step names only the content id; details of the same artwork are kept.
      const same = shown?.contentId === event.current.contentId ? shown : null;

      return {
        current: {
          contentId: event.current.contentId,
          categoryId: event.current.categoryId ?? same?.categoryId ?? null,
          matteId: event.current.matteId ?? same?.matteId ?? null,
          portraitMatteId: event.current.portraitMatteId ?? same?.portraitMatteId ?? null,
          contentType: same?.contentType ?? null,
        },
      };
    }
    case 'matte':
      if (!shown || (event.contentId && event.contentId !== shown.contentId)) return {};

      return {
        current: {
          ...shown,
          matteId: event.matteId ?? shown.matteId,
          portraitMatteId: event.portraitMatteId ?? shown.portraitMatteId,
        },
      };
    case 'slideshow':
      return {
        slideshow: { value: event.value, categoryId: event.categoryId, type: event.type },
      };
    case 'catalog_changed':
      return { rereadCatalog: true };
    case 'standby':
      return { power: 'standby' };
    case 'wakeup':
      return { power: 'wakeup' };
    case 'favourite':
      return { favourite: { contentId: event.contentId, on: event.on } };
    case 'setting':
      return { setting: { name: event.name, value: event.value } };
    case 'rotation':
    case 'recently_set':
      // Nothing Home Assistant is shown depends on them.
      return {};
  }
}
