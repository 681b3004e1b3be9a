import type { AiUsageView } from '../ai/usage-view.js';
import { intervalLabel, ORDER_IN_ORDER, ORDER_SHUFFLE } from '../mqtt/slideshow-labels.js';
import type { TvStatePayload } from '../mqtt/state-payload.js';
import type { Lane } from '../queue/types.js';
import type { TvPower } from '../tv/power.js';
import type { PairingState } from '../tv/remote-control.js';
import type { ConnectionState, CurrentArtwork, SlideshowStatus } from '../tv/types.js';
import type { BrowserView } from './artwork-browser.js';
import type { FeatureState } from './tv-features.js';

/** What one TV session knows, in Docent's words. Turned into the retained state JSON by `toStatePayload`. */
export interface TvStateView {
  connection: ConnectionState;
  /** Tri-state power from REST, the art channel and its events; null before the first read. */
  power: TvPower | null;
  pairing: PairingState;
  artMode: 'on' | 'off' | null;
  current: CurrentArtwork | null;
  slideshow: SlideshowStatus | null;
  /** The interval of the last slideshow that ran, in minutes, shown while the slideshow is off. */
  lastSlideshowMinutes: number | null;
  features: FeatureState;
  queue: Record<Lane, number>;
  sync: { done: number; total: number; running: boolean; failed: number };
  catalogSize: number;
  lastError: { code: string; message: string; at: string } | null;
  /** AI description of the current artwork (`summary` + attributes), when there is one. */
  description: ({ summary: string } & Record<string, unknown>) | null;
  currentTitle: { title: string; artist: string } | null;
  /** The AI service's status and the token budget; null without an API key. */
  ai: AiUsageView | null;
  browser: BrowserView;
}

/**
 * Power as Home Assistant should see it. A TV that is not reachable at all is `off` whatever
 * was last read; while the art channel is up but power has not been read yet, art mode says it.
 */
function powerOf(view: TvStateView): TvPower | null {
  if (view.connection === 'offline') return 'off';
  if (view.power !== null) return view.power;
  if (view.connection !== 'ready' || view.artMode === null) return null;

  return view.artMode === 'on' ? 'art' : 'watching';
}

/** The slideshow's minutes when it runs (`"15"`), else null. */
export function slideshowMinutes(slideshow: SlideshowStatus | null): number | null {
  return slideshow && /^[0-9]+$/.test(slideshow.value) ? Number(slideshow.value) : null;
}

function slideshowOf(view: TvStateView): TvStatePayload['slideshow'] {
  const slideshow = view.slideshow;
  if (!slideshow) return null;

  const minutes = slideshowMinutes(slideshow) ?? view.lastSlideshowMinutes;

  return {
    value: slideshow.value,
    category_id: slideshow.categoryId,
    type: slideshow.type,
    state: slideshow.value === 'off' ? 'off' : 'on',
    interval: minutes === null ? null : intervalLabel(minutes),
    order: slideshow.type === 'shuffleslideshow' ? ORDER_SHUFFLE : ORDER_IN_ORDER,
  };
}

/** The retained `docent/<tv>/state` payload. Keys are snake_case: Home Assistant templates read them. */
export function toStatePayload(view: TvStateView, now: Date): TvStatePayload {
  const current = view.current;

  return {
    connection: view.connection,
    power: powerOf(view),
    pairing: view.pairing,
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
    slideshow: slideshowOf(view),
    brightness: view.features.brightness,
    color_temperature: view.features.colorTemperature,
    photo_filter: view.features.photoFilter,
    favourite: view.features.favourite,
    queue: { ...view.queue },
    sync: { ...view.sync },
    catalog_size: view.catalogSize,
    last_error: view.lastError,
    description: view.description,
    ai: view.ai ? { ...view.ai } : null,
    browser: { ...view.browser },
    updated_at: now.toISOString(),
  };
}
