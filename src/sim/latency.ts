/**
 * Service times of the simulated art app: how long the TV works on one request before it
 * replies. Requests are served one at a time (frame-protocol §7 Q3), so these add up.
 *
 * Assumptions, from the single-report latency table in frame-protocol §7 and LOG22:
 * - status reads ~20 ms (`get_artmode_status` round trip ~16 ms, NW#3);
 * - `get_device_info` ~90 ms (LOG22);
 * - `get_current_artwork` ~300 ms (a 2024 set took ~0.9 s, FAB#264; 2022–23 assumed faster);
 * - `get_content_list` ~1 s per 115 items (~1.1 s for ~115 items, LOG22);
 * - `get_matte_list` ~100 ms and writes (`select_image`, `change_matte`, `set_*`) ~150 ms: no
 *   measurement exists, chosen between the status read and the content list;
 * - `get_thumbnail_list` ~80 ms + ~100 ms per item (a good single thumbnail took ~1 s end to end
 *   including transfer, FAB#14; the transfer itself happens on the d2d socket afterwards).
 * 'fast' divides every figure by 20; 'none' makes every service time 0.
 */
export type LatencyMode = 'none' | 'fast' | 'realistic';

export interface ServiceTimeInput {
  request: string;
  /** Items the request works on: list length for content lists, ids for thumbnail lists. */
  items: number;
  /** A model's own realistic figure for this request (profile `serviceMsOverrides`). */
  realisticMs?: number | undefined;
}

const STATUS_READ_MS = 20;
const WRITE_MS = 150;
const CONTENT_LIST_MS_PER_ITEM = 1000 / 115;
const THUMBNAIL_LIST_BASE_MS = 80;
const THUMBNAIL_LIST_MS_PER_ITEM = 100;
const FAST_DIVISOR = 20;

const FIXED_MS: Record<string, number> = {
  api_version: STATUS_READ_MS,
  get_api_version: STATUS_READ_MS,
  get_artmode_status: STATUS_READ_MS,
  get_slideshow_status: STATUS_READ_MS,
  get_artmode_settings: STATUS_READ_MS,
  get_device_info: 90,
  get_current_artwork: 300,
  get_matte_list: 100,
  select_image: WRITE_MS,
  change_matte: WRITE_MS,
  change_favorite: WRITE_MS,
  set_artmode_status: WRITE_MS,
  set_slideshow_status: WRITE_MS,
  send_image: WRITE_MS,
  delete_image_list: WRITE_MS,
  // One item on the old single-thumbnail path (§4.2).
  get_thumbnail: THUMBNAIL_LIST_BASE_MS + THUMBNAIL_LIST_MS_PER_ITEM,
};

function realisticMs(input: ServiceTimeInput): number {
  if (input.request === 'get_content_list') {
    return Math.max(STATUS_READ_MS, Math.round(input.items * CONTENT_LIST_MS_PER_ITEM));
  }
  if (input.request === 'get_thumbnail_list') {
    return THUMBNAIL_LIST_BASE_MS + THUMBNAIL_LIST_MS_PER_ITEM * input.items;
  }
  if (input.request.startsWith('set_')) return FIXED_MS[input.request] ?? WRITE_MS;

  return FIXED_MS[input.request] ?? STATUS_READ_MS;
}

/** Milliseconds the simulated TV spends on one request before answering it. */
export function serviceTimeMs(input: ServiceTimeInput, mode: LatencyMode, scale: number): number {
  if (mode === 'none') return 0;

  const base = input.realisticMs ?? realisticMs(input);
  const modeMs = mode === 'fast' ? base / FAST_DIVISOR : base;

  return Math.max(0, Math.round(modeMs * scale));
}
