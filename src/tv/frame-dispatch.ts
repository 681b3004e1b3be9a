import type { Logger } from '../log.js';
import { type ChannelFrame, decodeFrame } from './protocol.js';
import type { RequestWire } from './request-wire.js';
import type { SocketSession } from './socket-session.js';
import type { ArtEvent } from './types.js';

/** Where FrameConnection routes what arrives on its socket. */
export interface FrameTargets {
  log: Logger;
  requests: RequestWire;
  /** The socket is past its handshake. */
  isReady(): boolean;
  heard(): void;
  event(event: ArtEvent): void;
  token(token: string): void;
  /** The TV refused the channel after it was ready. */
  refused(reason: string): void;
}

/** One text frame: channel events feed the handshake, replies the pending request, the rest are art events. */
export function dispatchText(session: SocketSession, text: string, to: FrameTargets): void {
  to.log.trace({ frame: text.slice(0, 500) }, 'tv frame received');
  to.heard();

  const frame = decodeFrame(text);
  switch (frame.kind) {
    case 'junk':
      to.log.warn({ reason: frame.reason, frame: text.slice(0, 200) }, 'tv frame ignored');
      return;
    case 'channel':
      dispatchChannel(session, frame, to);
      return;
    case 'art':
      if (!to.requests.takeArtMessage(frame)) {
        to.log.debug({ event: frame.event }, 'tv art event');
        to.event({ event: frame.event, fields: frame.fields });
      }
      return;
  }
}

/** A binary frame: a 0.97 in-band reply (§4.5), else dropped. */
export function dispatchBinary(data: Buffer, to: FrameTargets): void {
  to.heard();
  if (!to.requests.takeBinary(data)) {
    to.log.debug({ bytes: data.length }, 'tv binary frame ignored');
  }
}

function dispatchChannel(session: SocketSession, frame: ChannelFrame, to: FrameTargets): void {
  if (frame.token) {
    to.token(frame.token);
  }
  if (frame.event === 'ms.channel.clientConnect' || frame.event === 'ms.channel.clientDisconnect') {
    to.log.debug({ event: frame.event }, 'tv channel client change');
    return;
  }
  if (!to.isReady()) {
    session.pushChannelFrame(frame);
    return;
  }

  if (frame.event === 'ms.channel.timeOut' || frame.event === 'ms.channel.unauthorized') {
    to.log.warn({ event: frame.event }, 'tv channel refused after ready');
    to.refused(frame.event);
    return;
  }
  to.log.debug({ event: frame.event }, 'tv channel event');
}
