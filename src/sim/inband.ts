import { type ChannelMessage, parseChannelMessage } from './messages.js';

const U16_BYTES = 2;

/**
 * A 0.97 in-band binary upload (§4.5): `uint16 BE L`, `L` bytes of the compact JSON of the
 * `ms.channel.emit` envelope, then the image bytes. Undefined when the frame is not one.
 */
export function parseInbandFrame(
  frame: Buffer,
): { message: ChannelMessage; bytes: Buffer } | undefined {
  if (frame.length < U16_BYTES) return undefined;
  const length = frame.readUInt16BE(0);
  if (frame.length < U16_BYTES + length) return undefined;
  const message = parseChannelMessage(frame.subarray(U16_BYTES, U16_BYTES + length).toString());
  if (!message) return undefined;

  return { message, bytes: frame.subarray(U16_BYTES + length) };
}

/**
 * The 0.97 binary thumbnail reply (§4.5): `uint16 BE L`, the JSON `d2d_service_message`
 * envelope plus a trailing `\n` counted in L, then the JPEG.
 */
export function inbandThumbnailFrame(envelope: unknown, jpeg: Buffer): Buffer {
  const json = Buffer.from(`${JSON.stringify(envelope)}\n`, 'utf8');
  const length = Buffer.alloc(U16_BYTES);
  length.writeUInt16BE(json.length, 0);

  return Buffer.concat([length, json, jpeg]);
}
