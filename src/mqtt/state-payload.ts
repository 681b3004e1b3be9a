/**
 * The retained `docent/<tv>/state` JSON. The TV session produces it; the HA entities read it
 * through the `value_template`s in entities.ts, so a field renamed here must be renamed there.
 * Keys are snake_case because HA templates and users see them.
 */
import { z } from 'zod';
import { AI_STATUSES } from '../ai/usage-view.js';
import { PAIRING_STATES, POWER_STATES } from './entities-art.js';

const onOff = z.enum(['on', 'off']);

export const tvStatePayloadSchema = z.object({
  connection: z.enum([
    'offline',
    'standby',
    'connecting',
    'pairing',
    'ready',
    'backoff',
    'dormant',
  ]),
  /** `off` (standby or unreachable), `watching` (TV mode) or `art`; null before it is known. */
  power: z.enum(POWER_STATES).nullable(),
  /** The TV's pairing prompt and token (tv/remote-control.ts). */
  pairing: z.enum(PAIRING_STATES),
  art_mode: onOff.nullable(),
  /** Content id shown, or null when unknown. Read by the artwork select. */
  artwork: z.string().nullable(),
  /** Matte id of the shown artwork. Read by the matte select. */
  matte: z.string().nullable(),
  /** Becomes the current-artwork sensor's attributes; keep it small (16 KB recorder limit). */
  current: z
    .object({
      content_id: z.string(),
      matte_id: z.string().nullable(),
      category_id: z.string().nullable(),
    })
    .loose()
    .nullable(),
  /**
   * `value` is the TV's own (`off` or minutes); `state`, `interval` (a label such as "15 minutes",
   * the last one used while off) and `order` are what the slideshow entities show.
   */
  slideshow: z
    .object({
      value: z.string(),
      category_id: z.string().nullable(),
      type: z.string().nullable(),
      state: onOff,
      interval: z.string().nullable(),
      order: z.string().nullable(),
    })
    .nullable(),
  /** Art-mode settings, in the TV's own ranges (the number entities carry min/max). */
  brightness: z.number().nullable(),
  color_temperature: z.number().nullable(),
  /** The filter Docent last applied to the shown artwork (the TV does not report one). */
  photo_filter: z.string().nullable(),
  /** Whether the shown artwork is a favourite; null while the favourites are not known. */
  favourite: onOff.nullable(),
  queue: z.object({ user: z.number().int(), sync: z.number().int(), background: z.number().int() }),
  sync: z.object({
    done: z.number().int(),
    total: z.number().int(),
    running: z.boolean(),
    /** Thumbnails the TV would not give (the failed-thumbnails sensor). */
    failed: z.number().int(),
  }),
  catalog_size: z.number().int(),
  /** The last command or sync error, for the diagnostics sensor. */
  last_error: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
  /** AI description of the shown artwork: `summary` is the sensor state (≤ 255 characters). */
  description: z
    .object({ summary: z.string().max(255) })
    .loose()
    .nullable(),
  /**
   * The AI service and the daemon's token budget (the AI diagnostic sensors); null without an
   * API key. Tokens count from zero each UTC day and month; a null limit means no cap.
   */
  ai: z
    .object({
      status: z.enum(AI_STATUSES),
      tokens_today: z.number().int(),
      tokens_month: z.number().int(),
      daily_limit: z.number().int().nullable(),
      monthly_limit: z.number().int().nullable(),
      requests_today: z.number().int(),
      last_error: z.string().nullable(),
    })
    .nullable(),
  /**
   * The HA artwork browser: search text (the text entity), filter and pick (selects), and how
   * many artworks match (the select options hold at most the first 100).
   */
  browser: z.object({
    query: z.string(),
    filter: z.string(),
    pick: z.string().nullable(),
    matches: z.number().int(),
  }),
  /** ISO 8601 with time zone. */
  updated_at: z.string(),
});

export type TvStatePayload = z.infer<typeof tvStatePayloadSchema>;

export function encodeTvState(state: TvStatePayload): string {
  return JSON.stringify(state);
}
