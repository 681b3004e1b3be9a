import type { TvStatePayload } from '../mqtt/state-payload.js';
import type { Lane } from '../queue/types.js';
import type { ConnectionState, CurrentArtwork, SlideshowStatus } from '../tv/types.js';
import type { BrowserView } from './artwork-browser.js';

/** What one TV session knows, in Docent's words. Turned into the retained state JSON by `toStatePayload`. */
export interface TvStateView {
  connection: ConnectionState;
  artMode: 'on' | 'off' | null;
  current: CurrentArtwork | null;
  slideshow: SlideshowStatus | null;
  queue: Record<Lane, number>;
  sync: { done: number; total: number; running: boolean; failed: number };
  catalogSize: number;
  lastError: { code: string; message: string; at: string } | null;
  /** AI description of the current artwork (`summary` + attributes), when there is one. */
  description: ({ summary: string } & Record<string, unknown>) | null;
  currentTitle: { title: string; artist: string } | null;
  browser: BrowserView;
}

/** `power` as far as the art channel can tell; the tri-state power model is TODO(#4). */
function powerOf(connection: ConnectionState): 'on' | 'standby' | 'off' | null {
  if (connection === 'ready') return 'on';
  if (connection === 'standby') return 'standby';
  if (connection === 'offline') return 'off';

  return null;
}

/** The retained `docent/<tv>/state` payload. Keys are snake_case: Home Assistant templates read them. */
export function toStatePayload(view: TvStateView, now: Date): TvStatePayload {
  const current = view.current;

  return {
    connection: view.connection,
    power: powerOf(view.connection),
    art_mode: view.artMode,
    artwork: current?.contentId ?? null,
    matte: current?.matteId ?? null,
    current: current
      ? {
          content_id: current.contentId,
          category_id: current.categoryId,
          matte_id: current.matteId,
          portrait_matte_id: current.portraitMatteId,
          content_type: current.contentType,
          ...view.currentTitle,
        }
      : null,
    slideshow: view.slideshow
      ? {
          value: view.slideshow.value,
          category_id: view.slideshow.categoryId,
          type: view.slideshow.type,
        }
      : null,
    queue: { ...view.queue },
    sync: { ...view.sync },
    catalog_size: view.catalogSize,
    last_error: view.lastError,
    description: view.description,
    browser: { ...view.browser },
    updated_at: now.toISOString(),
  };
}
