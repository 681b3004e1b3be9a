import { z } from 'zod';
import type { SimProfile } from './profile.js';

/** Outer text frame a client sends on a channel (frame-protocol §3.1, §6.3). */
const channelMessageSchema = z.object({
  method: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});

export type ChannelMessage = z.infer<typeof channelMessageSchema>;

const artRequestEnvelopeSchema = z.object({
  event: z.literal('art_app_request'),
  to: z.string().optional(),
  data: z.string(),
});

const innerRequestSchema = z.looseObject({
  request: z.string().min(1),
  id: z.string().optional(),
  request_id: z.string().optional(),
});

export type InnerRequest = z.infer<typeof innerRequestSchema>;

/** A parsed art request, or the raw data string when it could not be parsed (-6). */
export type ParsedArtRequest =
  | { kind: 'request'; request: InnerRequest; dataText: string }
  | { kind: 'malformed'; dataText: string };

export function parseChannelMessage(text: string): ChannelMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = channelMessageSchema.safeParse(value);

  return parsed.success ? parsed.data : undefined;
}

/**
 * `params.data` must be a JSON string holding an object with `request` (§3.1); anything else
 * is what the TV answers with REQUEST_PARSE_FAIL (-6, OLLO#19). Returns undefined when the
 * message is not an art request at all.
 */
export function parseArtRequest(message: ChannelMessage): ParsedArtRequest | undefined {
  if (message.method !== 'ms.channel.emit') return undefined;

  const envelope = artRequestEnvelopeSchema.safeParse(message.params);
  if (!envelope.success) {
    const event = message.params?.event;
    if (event !== 'art_app_request') return undefined;
    const data = message.params?.data;

    return { kind: 'malformed', dataText: typeof data === 'string' ? data : JSON.stringify(data) };
  }

  const dataText = envelope.data.data;
  let value: unknown;
  try {
    value = JSON.parse(dataText);
  } catch {
    return { kind: 'malformed', dataText };
  }
  const inner = innerRequestSchema.safeParse(value);

  return inner.success
    ? { kind: 'request', request: inner.data, dataText }
    : { kind: 'malformed', dataText };
}

/** JSON the way this firmware writes inner data and nested lists (§2.1). */
export function tvJson(value: unknown, profile: SimProfile): string {
  return profile.dataIndent > 0
    ? JSON.stringify(value, null, profile.dataIndent)
    : JSON.stringify(value);
}

/** A whole text frame, with the trailing newline some firmware adds (§2.1). */
export function frameText(message: unknown, profile: SimProfile): string {
  const text = JSON.stringify(message);

  return profile.frameTrailingNewline ? `${text}\n` : text;
}

/** `d2d_service_message` envelope around inner art data (§3.2). */
export function d2dMessage(inner: Record<string, unknown>, hostId: string, profile: SimProfile) {
  return { data: tvJson(inner, profile), event: 'd2d_service_message', from: hostId };
}

/**
 * Correlation fields a reply echoes: `request_id` from 4.x on, `id` where the profile says so.
 * Old firmware knows only `id` (TAV-PR108), so a `request_id`-only client cannot match there.
 * 5.x firmware fills a missing `request_id` in itself, from its tick counter (§3.1, DEC; FAB
 * `ART_APP_3.50.106.md`), so such a reply carries an id the client never sent.
 */
export function echoFields(
  request: { id?: string | undefined; request_id?: string | undefined },
  profile: SimProfile,
): Record<string, string> {
  const fields: Record<string, string> = {};
  const old = profile.generation === '0.97' || profile.generation === '2.x';
  if (request.request_id !== undefined && !old) fields.request_id = request.request_id;
  if (request.request_id === undefined && profile.generation === '5.x') {
    fields.request_id = madeUpRequestId();
  }
  if (profile.echoId && request.id !== undefined) fields.id = request.id;

  return fields;
}

let ticksSeen = 0;

/** Milliseconds since start-up, as a string, never the same twice (the firmware's tick id). */
function madeUpRequestId(): string {
  ticksSeen = Math.max(ticksSeen + 1, Math.round(performance.now()));

  return String(ticksSeen);
}

/** Reply names of old firmware (0.97, 2.x), §3.4 table; 4.x+ answer with the request name. */
const OLD_REPLY_NAMES: Record<string, string> = {
  get_artmode_status: 'artmode_status',
  get_current_artwork: 'current_artwork',
  get_content_list: 'content_list',
  get_thumbnail: 'thumbnail',
  get_thumbnail_list: 'thumbnail',
  get_auto_rotation_status: 'auto_rotation_status',
  get_brightness: 'brightness',
  get_color_temperature: 'color_temperature',
  get_api_version: 'api_version',
};

/** Broadcast names of old firmware (§3.4 table). */
const OLD_BROADCAST_NAMES: Record<string, string> = {
  slideshow_changed: 'auto_rotation_changed',
  slideshow_image_changed: 'auto_rotation_image_changed',
};

export function isOldGeneration(profile: SimProfile): boolean {
  return profile.generation === '0.97' || profile.generation === '2.x';
}

export function replyEventName(request: string, profile: SimProfile): string {
  return isOldGeneration(profile) ? (OLD_REPLY_NAMES[request] ?? request) : request;
}

export function broadcastEventName(event: string, profile: SimProfile): string {
  return isOldGeneration(profile) ? (OLD_BROADCAST_NAMES[event] ?? event) : event;
}
