/**
 * Docent's vocabulary for what the TV reports, shared by tv/, catalog/, thumbnails/ and mqtt/.
 * The TV's own field names (snake_case, strings for numbers and booleans) are turned into
 * these in tv/ and nowhere else.
 */

/** The supervised art-channel connection's one state field. */
export type ConnectionState =
  | 'offline' // TV not reachable (REST and socket fail)
  | 'standby' // TV answers REST with PowerState=standby; art socket not usable
  | 'connecting' // socket opening or waiting for ms.channel.connect / ready
  | 'pairing' // waiting for the user to allow Docent on the TV
  | 'ready' // handshake done; requests may be sent
  | 'backoff' // waiting before the next connect attempt; the old socket is closed
  | 'dormant'; // given up after repeated hard failures; one probe allowed on demand

/** One artwork as the TV lists it (`get_content_list`). */
export interface Artwork {
  contentId: string;
  categoryId: string;
  width: number | null;
  height: number | null;
  matteId: string | null;
  portraitMatteId: string | null;
  /** `YYYY:MM:DD hh:mm:ss` as the TV sends it, when it does. */
  imageDate: string | null;
  contentType: string | null;
}

export interface CurrentArtwork {
  contentId: string;
  categoryId: string | null;
  matteId: string | null;
  portraitMatteId: string | null;
  contentType: string | null;
}

export interface MatteOptions {
  types: string[];
  colors: string[];
}

export interface SlideshowStatus {
  /** `off`, or the interval in minutes as the TV gives it (`"15"`). */
  value: string;
  categoryId: string | null;
  type: string | null;
}

/** One thumbnail as received over the d2d socket. */
export interface ThumbnailFile {
  contentId: string;
  fileType: string;
  data: Buffer;
}

/**
 * An unsolicited message from the art app (`d2d_service_message` without a pending request),
 * with the inner `event` name and the rest of its fields as sent.
 */
export interface ArtEvent {
  event: string;
  fields: Record<string, unknown>;
}
