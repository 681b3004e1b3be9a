/**
 * The one parser for `docent/<tv>/command` payloads. Every HA entity publishes here through its
 * `command_template`/`payload_on`/`payload_press` (see entities.ts), and automations may publish
 * the same JSON directly. Keys on the wire are snake_case; the parsed command is camelCase.
 */
import { z } from 'zod';
import { formatIssues, requiredErrorMap } from '../config/issues.js';

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
    z.number().int().min(1).max(10_080),
    z
      .string()
      .regex(/^[0-9]{1,5}$/, "must be 'off' or a number of minutes")
      .transform(Number)
      .pipe(z.number().int().min(1).max(10_080)),
  ],
  { error: "must be 'off' or a whole number of minutes from 1 to 10080" },
);

const ACTIONS = [
  'select',
  'matte',
  'art_mode',
  'slideshow',
  'refresh',
  'sync_thumbnails',
  'describe',
];

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
      content_id: tvId(128).optional(),
    }),
    z.strictObject({ action: z.literal('art_mode'), id: commandId, on: onOff }),
    z.strictObject({
      action: z.literal('slideshow'),
      id: commandId,
      value: slideshowValue,
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
  | { action: 'matte'; id: string | null; matteId: string; contentId: string | null }
  | { action: 'art_mode'; id: string | null; on: boolean }
  | {
      action: 'slideshow';
      id: string | null;
      /** `'off'`, or the interval in minutes. */
      value: 'off' | number;
      categoryId: string | null;
      shuffle: boolean | null;
    }
  | { action: 'refresh'; id: string | null }
  | { action: 'sync_thumbnails'; id: string | null }
  /** Describe an artwork with AI (the current one when `contentId` is null). */
  | { action: 'describe'; id: string | null; contentId: string | null };

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
      return { action: 'matte', id, matteId: wire.matte_id, contentId: wire.content_id ?? null };
    case 'art_mode':
      return { action: 'art_mode', id, on: wire.on };
    case 'slideshow':
      return {
        action: 'slideshow',
        id,
        value: wire.value,
        categoryId: wire.category_id ?? null,
        shuffle: wire.shuffle ?? null,
      };
    case 'refresh':
      return { action: 'refresh', id };
    case 'sync_thumbnails':
      return { action: 'sync_thumbnails', id };
    case 'describe':
      return { action: 'describe', id, contentId: wire.content_id ?? null };
  }
}

function recoverId(json: object): string | null {
  const id = commandId.safeParse('id' in json ? json.id : undefined);

  return id.success ? (id.data ?? null) : null;
}

function bad(id: string | null, message: string): ParseCommandResult {
  return { ok: false, id, error: { code: 'BAD_COMMAND', message } };
}
