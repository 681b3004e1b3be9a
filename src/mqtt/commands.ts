/**
 * The one parser for `docent/<tv>/command` payloads. Every HA entity publishes here through its
 * `command_template`/`payload_on`/`payload_press` (see entities.ts), and automations may publish
 * the same JSON directly. Keys on the wire are snake_case; the parsed command is camelCase.
 */
import { z } from 'zod';
import { formatIssues, requiredErrorMap } from '../config/issues.js';
import { minutesOfLabel } from './slideshow-labels.js';

/** Payloads above this are refused before JSON parsing. */
export const MAX_COMMAND_BYTES = 16 * 1024;

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

const commandId = z
  .string()
  .regex(ID_PATTERN, 'must be 1-64 characters of A-Z a-z 0-9 _ . : -')
  .optional();

// Content and matte ids come from the TV (`MY_F0001`, `SAM-S0700`, `shadowbox_polar`); only
// reject what cannot be one: empty, very long, or containing control characters.
const tvId = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !hasControlCharacters(value), 'must not contain control characters');

function hasControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }

  return false;
}

const onOff = z.union(
  [z.boolean(), z.enum(['on', 'off', 'ON', 'OFF']).transform((v) => v.toLowerCase() === 'on')],
  { error: "must be true, false, 'on' or 'off'" },
);

const slideshowValue = z.union(
  [
    z.literal(['off', 'OFF', 'Off']).transform((): 'off' => 'off'),
    z.literal(['on', 'ON', 'On']).transform((): 'on' => 'on'),
    z.number().int().min(1).max(10_080),
    z
      .string()
      .regex(/^[0-9]{1,5}$/, "must be 'off' or a number of minutes")
      .transform(Number)
      .pipe(z.number().int().min(1).max(10_080)),
    // The interval select sends its label ("15 minutes", "1 hour"): slideshow-labels.ts.
    z
      .string()
      .refine((label) => minutesOfLabel(label) !== null, 'not an interval label')
      .transform((label) => minutesOfLabel(label) ?? 0)
      .pipe(z.number().int().min(1).max(10_080)),
  ],
  {
    error:
      "must be 'off', 'on', a whole number of minutes from 1 to 10080 or a label like '1 hour'",
  },
);

const ACTIONS = [
  'select',
  'matte',
  'art_mode',
  'slideshow',
  'refresh',
  'sync_thumbnails',
  'describe',
  'next',
  'previous',
  'shuffle',
  'wake',
  'search',
  'browse_filter',
  'browse_pick',
  'show_pick',
  'brightness',
  'color_temperature',
  'photo_filter',
  'favourite',
  'power',
  'pair',
  'reconnect',
];

/** Longest search text; also the `max` of the search `text` entity (HA's ceiling is 255). */
export const MAX_SEARCH_CHARS = 64;

const wireSchema = z.discriminatedUnion(
  'action',
  [
    z.strictObject({
      action: z.literal('select'),
      id: commandId,
      content_id: tvId(128),
      show: z.boolean().optional(),
    }),
    z.strictObject({
      action: z.literal('matte'),
      id: commandId,
      matte_id: tvId(64),
      portrait_matte_id: tvId(64).optional(),
      content_id: tvId(128).optional(),
    }),
    z.strictObject({ action: z.literal('art_mode'), id: commandId, on: onOff }),
    z.strictObject({
      action: z.literal('slideshow'),
      id: commandId,
      // Absent: keep the interval (or `off`) the TV has, e.g. when only `shuffle` changes.
      value: slideshowValue.optional(),
      category_id: tvId(64).optional(),
      shuffle: z.boolean().optional(),
    }),
    z.strictObject({ action: z.literal('refresh'), id: commandId }),
    z.strictObject({ action: z.literal('sync_thumbnails'), id: commandId }),
    z.strictObject({
      action: z.literal('describe'),
      id: commandId,
      content_id: tvId(128).optional(),
    }),
    z.strictObject({ action: z.literal('next'), id: commandId }),
    z.strictObject({ action: z.literal('previous'), id: commandId }),
    z.strictObject({ action: z.literal('shuffle'), id: commandId }),
    z.strictObject({ action: z.literal('wake'), id: commandId }),
    z.strictObject({
      action: z.literal('search'),
      id: commandId,
      // Empty clears the search. HA's text entity sends whatever the user typed.
      query: z
        .string()
        .max(MAX_SEARCH_CHARS)
        .refine((value) => !hasControlCharacters(value), 'must not contain control characters'),
    }),
    z.strictObject({ action: z.literal('browse_filter'), id: commandId, filter: tvId(64) }),
    z.strictObject({ action: z.literal('browse_pick'), id: commandId, content_id: tvId(128) }),
    z.strictObject({ action: z.literal('show_pick'), id: commandId }),
    // The TV's own range (0–10 or 0–50, colour temperature around 0) is checked in tv/.
    z.strictObject({
      action: z.literal('brightness'),
      id: commandId,
      value: z.number().int().min(0).max(100),
    }),
    z.strictObject({
      action: z.literal('color_temperature'),
      id: commandId,
      value: z.number().int().min(-100).max(100),
    }),
    z.strictObject({
      action: z.literal('photo_filter'),
      id: commandId,
      filter_id: tvId(64),
      content_id: tvId(128).optional(),
    }),
    z.strictObject({
      action: z.literal('favourite'),
      id: commandId,
      on: onOff,
      content_id: tvId(128).optional(),
    }),
    z.strictObject({
      action: z.literal('power'),
      id: commandId,
      value: z.enum(['off', 'watching', 'art']),
    }),
    z.strictObject({ action: z.literal('pair'), id: commandId }),
    z.strictObject({ action: z.literal('reconnect'), id: commandId }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? `must be one of ${ACTIONS.join(', ')}` : undefined,
  },
);

type WireCommand = z.output<typeof wireSchema>;

/** A validated command. `id` is the caller's correlation id, or null when none was sent. */
export type Command =
  | { action: 'select'; id: string | null; contentId: string; show: boolean }
  | {
      action: 'matte';
      id: string | null;
      matteId: string;
      /** For portrait artworks; left as the TV has it when null. */
      portraitMatteId: string | null;
      contentId: string | null;
    }
  | { action: 'art_mode'; id: string | null; on: boolean }
  | {
      action: 'slideshow';
      id: string | null;
      /**
       * `'off'`, the interval in minutes, `'on'` (the last interval used, or 15 minutes), or
       * null to keep what the TV has.
       */
      value: 'off' | 'on' | number | null;
      categoryId: string | null;
      shuffle: boolean | null;
    }
  | { action: 'refresh'; id: string | null }
  | { action: 'sync_thumbnails'; id: string | null }
  /** Describe an artwork with AI (the current one when `contentId` is null). */
  | { action: 'describe'; id: string | null; contentId: string | null }
  /** Show the artwork after (or before) the current one, in catalogue order. */
  | { action: 'next' | 'previous'; id: string | null }
  /** Show a random artwork of the catalogue other than the current one. */
  | { action: 'shuffle'; id: string | null }
  /** Wake the TV from off or deep standby (Wake-on-LAN). */
  | { action: 'wake'; id: string | null }
  /** Narrow the artwork browser (and the artwork select's options) to ids matching `query`. */
  | { action: 'search'; id: string | null; query: string }
  /** Narrow the artwork browser to one filter: `all`, `favourites` or a category id. */
  | { action: 'browse_filter'; id: string | null; filter: string }
  /** Choose an artwork in the browser; its thumbnail becomes the preview image. */
  | { action: 'browse_pick'; id: string | null; contentId: string }
  /** Send the artwork chosen in the browser to the TV. */
  | { action: 'show_pick'; id: string | null }
  /** Art-mode brightness / colour temperature, within the range the TV reports. */
  | { action: 'brightness' | 'color_temperature'; id: string | null; value: number }
  /** Apply a photo filter to an artwork (the current one when `contentId` is null). */
  | { action: 'photo_filter'; id: string | null; filterId: string; contentId: string | null }
  /** Add an artwork to (or remove it from) the TV's favourites; the current one by default. */
  | { action: 'favourite'; id: string | null; on: boolean; contentId: string | null }
  /** Bring the TV to off (standby), TV mode or art mode from whatever it is now. */
  | { action: 'power'; id: string | null; value: 'off' | 'watching' | 'art' }
  /** Ask the TV to allow Docent (its on-screen prompt) and keep the token it gives. */
  | { action: 'pair'; id: string | null }
  /** Let one connection attempt through now, also out of `dormant`. */
  | { action: 'reconnect'; id: string | null };

export type CommandAction = Command['action'];

export type ParseCommandResult =
  | { ok: true; command: Command }
  | { ok: false; id: string | null; error: { code: 'BAD_COMMAND'; message: string } };

/**
 * Parses one command payload. Never throws: non-JSON, non-object, unknown action, wrong field
 * types and oversize payloads give `ok: false` with a message naming the field. The command's
 * `id` is recovered whenever the payload is a JSON object with a valid `id`, so the result can
 * carry it.
 */
export function parseCommand(payload: Buffer): ParseCommandResult {
  if (payload.length > MAX_COMMAND_BYTES) {
    return bad(null, `payload is ${payload.length} bytes; the limit is ${MAX_COMMAND_BYTES}`);
  }

  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return bad(null, 'payload is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return bad(null, 'payload must be a JSON object with an "action" field');
  }

  const parsed = wireSchema.safeParse(json, { error: requiredErrorMap });
  if (!parsed.success) {
    return bad(recoverId(json), formatIssues(parsed.error.issues).join('; '));
  }

  return { ok: true, command: fromWire(parsed.data) };
}

function fromWire(wire: WireCommand): Command {
  const id = wire.id ?? null;
  switch (wire.action) {
    case 'select':
      return { action: 'select', id, contentId: wire.content_id, show: wire.show ?? true };
    case 'matte':
      return {
        action: 'matte',
        id,
        matteId: wire.matte_id,
        portraitMatteId: wire.portrait_matte_id ?? null,
        contentId: wire.content_id ?? null,
      };
    case 'art_mode':
      return { action: 'art_mode', id, on: wire.on };
    case 'slideshow':
      return {
        action: 'slideshow',
        id,
        value: wire.value ?? null,
        categoryId: wire.category_id ?? null,
        shuffle: wire.shuffle ?? null,
      };
    case 'refresh':
      return { action: 'refresh', id };
    case 'sync_thumbnails':
      return { action: 'sync_thumbnails', id };
    case 'describe':
      return { action: 'describe', id, contentId: wire.content_id ?? null };
    case 'next':
    case 'previous':
    case 'shuffle':
    case 'wake':
    case 'show_pick':
      return { action: wire.action, id };
    case 'search':
      return { action: 'search', id, query: wire.query.trim() };
    case 'browse_filter':
      return { action: 'browse_filter', id, filter: wire.filter };
    case 'browse_pick':
      return { action: 'browse_pick', id, contentId: wire.content_id };
    case 'brightness':
    case 'color_temperature':
      return { action: wire.action, id, value: wire.value };
    case 'photo_filter':
      return {
        action: 'photo_filter',
        id,
        filterId: wire.filter_id,
        contentId: wire.content_id ?? null,
      };
    case 'favourite':
      return { action: 'favourite', id, on: wire.on, contentId: wire.content_id ?? null };
    case 'power':
      return { action: 'power', id, value: wire.value };
    case 'pair':
    case 'reconnect':
      return { action: wire.action, id };
  }
}

function recoverId(json: object): string | null {
  const id = commandId.safeParse('id' in json ? json.id : undefined);

  return id.success ? (id.data ?? null) : null;
}

function bad(id: string | null, message: string): ParseCommandResult {
  return { ok: false, id, error: { code: 'BAD_COMMAND', message } };
}
