/**
 * Pure encode/decode of art-channel messages (frame-protocol.md §1.3, §2, §3).
 *
 * Word mapping, TV → Docent, noted here once:
 * - `content` / `content_id` → artwork (`contentId`)
 * - `artmode` → art mode
 * - `auto_rotation` (old API) → slideshow
 * - `matte` → matte
 * - `d2d_service_message` → a reply (carries our request id) or an art event (no id)
 * - `host` → the art app on the TV side of the channel
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const ART_CHANNEL = 'com.samsung.art-app';

/**
 * Old firmware (2.x, 0.97) names replies and broadcasts differently; Docent speaks the 4.x
 * names everywhere (frame-protocol.md §3.4 table).
 */
const OLD_EVENT_NAMES: Readonly<Record<string, string>> = {
  artmode_status: 'get_artmode_status',
  current_artwork: 'get_current_artwork',
  content_list: 'get_content_list',
  thumbnail: 'get_thumbnail_list',
  auto_rotation_status: 'get_slideshow_status',
  auto_rotation_changed: 'slideshow_changed',
  auto_rotation_image_changed: 'slideshow_image_changed',
};

export interface ArtChannelUrlOptions {
  host: string;
  port: number;
  secure: boolean;
  clientName: string;
  /** Appended as `&token=` only when given (§1.6: the 4.x art channel may stall with one). */
  token?: string | null;
}

/** `{ws|wss}://host:port/api/v2/channels/com.samsung.art-app?name=<base64>[&token=…]` (§1.3). */
export function buildArtChannelUrl(options: ArtChannelUrlOptions): string {
  const scheme = options.secure ? 'wss' : 'ws';
  const name = Buffer.from(options.clientName, 'utf8').toString('base64');
  const query = new URLSearchParams({ name });
  if (options.token) {
    query.set('token', options.token);
  }

  return `${scheme}://${options.host}:${options.port}/api/v2/channels/${ART_CHANNEL}?${query}`;
}

export interface EncodedRequest {
  /** Sent as both `id` (old firmware echoes it) and `request_id` (new firmware), §3.1. */
  requestId: string;
  /** `params.data` as sent; error replies echo it as `request_data` (§3.3). */
  data: string;
  text: string;
}

/** Builds the `ms.channel.emit` / `art_app_request` envelope; `params.data` is a JSON string. */
export function encodeArtRequest(
  name: string,
  params: Record<string, unknown> = {},
  requestId: string = randomUUID(),
): EncodedRequest {
  const data = JSON.stringify({ ...params, request: name, id: requestId, request_id: requestId });

  return encodeRawArtRequest(data, requestId);
}

/**
 * The same envelope around `data` as given, e.g. text that is not JSON (which the TV answers
 * with -6, §3.1). `requestId` is only Docent's handle: the TV cannot echo what it cannot read.
 */
export function encodeRawArtRequest(
  data: string,
  requestId: string = randomUUID(),
): EncodedRequest {
  const envelope = {
    method: 'ms.channel.emit',
    params: { event: 'art_app_request', to: 'host', data },
  };

  return { requestId, data, text: JSON.stringify(envelope) };
}

/** A channel-level event from the TV's `msf-server` (§2.2). */
export interface ChannelFrame {
  kind: 'channel';
  /** e.g. `ms.channel.connect`, `ms.channel.ready`, `ms.channel.timeOut`, `ms.error`. */
  event: string;
  data: unknown;
  /** Token handed out in `ms.channel.connect` data (string or bare number, §1.5). */
  token: string | null;
  /** Our client id from `ms.channel.connect` data. */
  clientId: string | null;
}

export interface TvErrorInfo {
  /** As sent, e.g. `"-1"` (a string on the wire, §3.3). */
  code: string;
  /** The failing request's name recovered from `request_data`, when it parses. */
  requestName: string | null;
}

/** A `d2d_service_message` from the art app: a reply when it carries an id, else an event. */
export interface ArtMessageFrame {
  kind: 'art';
  /** Inner `event`, old names mapped to 4.x names. */
  event: string;
  /** Inner `event` exactly as sent. */
  rawEvent: string;
  requestId: string | null;
  /** Old firmware echoes only this (§3.2). */
  id: string | null;
  /** Set when the inner event is `error`. */
  error: TvErrorInfo | null;
  /** Every inner field as sent (including `event`, `request_id`…). */
  fields: Record<string, unknown>;
}

export interface JunkFrame {
  kind: 'junk';
  reason: string;
}

export type DecodedFrame = ChannelFrame | ArtMessageFrame | JunkFrame;

const outerSchema = z.object({
  event: z.string(),
  data: z.unknown().optional(),
  from: z.string().optional(),
});

const innerSchema = z.looseObject({
  event: z.string(),
  request_id: z.string().optional(),
  id: z.string().optional(),
});

const connectDataSchema = z.looseObject({
  id: z.string().optional(),
  token: z.union([z.string(), z.number()]).optional(),
});

const errorFieldsSchema = z.looseObject({
  error_code: z.union([z.string(), z.number()]),
  request_data: z.string().optional(),
});

const requestDataSchema = z.looseObject({ request: z.string() });

/**
 * Classifies one inbound text frame. Never throws: anything that does not fit becomes `junk`
 * with a reason. Tolerates a trailing newline (a 2024 set ends frames with `\n`, §2.1) and
 * pretty-printed inner JSON.
 */
export function decodeFrame(text: string): DecodedFrame {
  const outerJson = parseJson(text);
  if (outerJson === undefined) {
    return junk('frame is not JSON');
  }

  const outer = outerSchema.safeParse(outerJson);
  if (!outer.success) {
    return junk('frame has no event name');
  }

  const { event, data } = outer.data;
  if (event !== 'd2d_service_message') {
    return decodeChannelFrame(event, data);
  }

  return decodeArtMessage(data);
}

function decodeChannelFrame(event: string, data: unknown): ChannelFrame {
  let token: string | null = null;
  let clientId: string | null = null;
  if (event === 'ms.channel.connect') {
    const parsed = connectDataSchema.safeParse(data);
    if (parsed.success) {
      token = parsed.data.token === undefined ? null : String(parsed.data.token);
      clientId = parsed.data.id ?? null;
    }
  }

  return { kind: 'channel', event, data: data ?? null, token, clientId };
}

function decodeArtMessage(data: unknown): ArtMessageFrame | JunkFrame {
  if (typeof data !== 'string') {
    return junk('d2d_service_message data is not a string');
  }

  const innerJson = parseJson(data);
  if (innerJson === undefined) {
    return junk('d2d_service_message data is not JSON');
  }

  const inner = innerSchema.safeParse(innerJson);
  if (!inner.success) {
    return junk('d2d_service_message data has no event name');
  }

  const fields = inner.data;
  const rawEvent = fields.event;

  return {
    kind: 'art',
    event: OLD_EVENT_NAMES[rawEvent] ?? rawEvent,
    rawEvent,
    requestId: fields.request_id ?? null,
    id: fields.id ?? null,
    error: rawEvent === 'error' ? decodeError(fields) : null,
    fields,
  };
}

function decodeError(fields: Record<string, unknown>): TvErrorInfo {
  const parsed = errorFieldsSchema.safeParse(fields);
  if (!parsed.success) {
    return { code: 'unknown', requestName: null };
  }

  const requestData = parsed.data.request_data;
  const request = requestData === undefined ? undefined : parseJson(requestData);
  const named = requestDataSchema.safeParse(request);

  return {
    code: String(parsed.data.error_code),
    requestName: named.success ? named.data.request : null,
  };
}

/** JSON.parse that returns undefined instead of throwing; trims the TV's trailing newline. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.trim());
  } catch {
    return undefined;
  }
}

function junk(reason: string): JunkFrame {
  return { kind: 'junk', reason };
}
