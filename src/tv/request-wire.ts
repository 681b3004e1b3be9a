import type { Logger } from '../log.js';
import type { Clock } from '../util/clock.js';
import { TvRequestError, tvDisconnected, tvTimeout } from './errors.js';
import {
  type ArtMessageFrame,
  decodeFrame,
  encodeArtRequest,
  encodeRawArtRequest,
} from './protocol.js';
import type { SocketSession } from './socket-session.js';

/** A reply's inner fields, and the bytes of a 0.97 in-band binary reply (§4.5). */
export interface WireReply {
  fields: Record<string, unknown>;
  bytes: Buffer | null;
}

/**
 * What goes out: inner params (encoded as JSON with the ids), optionally with a 0.97 in-band
 * payload (§4.5); or `rawData` sent verbatim as `params.data`.
 */
export type OutgoingBody =
  | { params: Record<string, unknown>; payload?: Buffer | null }
  | { rawData: string };

interface PendingRequest {
  name: string;
  requestId: string;
  /** `params.data` as sent, matched against an error's `request_data` when no id came back. */
  data: string;
  settled: boolean;
  resolve(reply: WireReply): void;
  reject(err: Error): void;
}

/** Ids of requests that timed out, kept to tell a late reply from a stray one in the logs. */
const LATE_ID_MEMORY = 32;

/**
 * Request/reply correlation on one art socket: one request on the wire at a time, matched by
 * `request_id`, else by the `id` old firmware echoes (§3.2); settled exactly once by a reply,
 * an error reply, a timeout or the socket closing.
 */
export class RequestWire {
  /** Called after a timeout, with the request name (liveness counts them). */
  onTimeout: (name: string) => void = () => {};
  /** Called on every reply, error replies included (proof the art app is alive). */
  onAnswer: () => void = () => {};
  private pending: PendingRequest | null = null;
  private readonly lateRequestIds: string[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * Sends one request; the caller guarantees nothing else is on the wire. With `payload` the
   * request goes as a 0.97 in-band binary frame (§4.5): uint16 BE envelope length, the compact
   * envelope, then the payload bytes.
   */
  exchange(
    session: SocketSession,
    name: string,
    body: OutgoingBody,
    timeoutMs: number,
  ): Promise<WireReply> {
    const { requestId, data, text } =
      'rawData' in body ? encodeRawArtRequest(body.rawData) : encodeArtRequest(name, body.params);
    const payload = 'payload' in body ? (body.payload ?? null) : null;

    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => this.timedOut(pending, timeoutMs), timeoutMs);
      const settle = (fn: () => void): void => {
        if (pending.settled) {
          return;
        }
        pending.settled = true;
        this.clock.clearTimeout(timer);
        fn();
      };
      const pending: PendingRequest = {
        name,
        requestId,
        data,
        settled: false,
        resolve: (reply) => settle(() => resolve(reply)),
        reject: (err) => settle(() => reject(err)),
      };

      if (session.isClosed) {
        pending.reject(tvDisconnected(name));
        return;
      }
      this.pending = pending;
      this.log.debug({ request: name }, 'tv request sent');
      const message = payload ? inbandFrame(text, payload) : text;
      session.send(message, (err) => {
        if (err && this.pending === pending) {
          this.pending = null;
          pending.reject(tvDisconnected(name));
        }
      });
    });
  }

  /**
   * Hands a `d2d_service_message` to the pending request when it carries its id. Returns true
   * when the frame was consumed (a reply, current or late), false for an event.
   */
  takeArtMessage(frame: ArtMessageFrame, bytes: Buffer | null = null): boolean {
    const pending = this.pending;
    const matches =
      pending !== null &&
      (frame.requestId === pending.requestId ||
        (frame.requestId === null && frame.id === pending.requestId) ||
        isEchoOfUnreadable(frame, pending));
    if (pending && matches) {
      this.pending = null;
      this.onAnswer();
      if (frame.error) {
        pending.reject(new TvRequestError(pending.name, frame.error.code));
      } else {
        pending.resolve({ fields: frame.fields, bytes });
      }
      return true;
    }

    const correlationId = frame.requestId ?? frame.id;
    if (correlationId === null) {
      return false;
    }

    const late = this.lateRequestIds.includes(correlationId);
    this.log.debug({ event: frame.event, late }, 'tv reply without pending request dropped');

    return true;
  }

  /**
   * A 0.97 in-band binary frame (§4.5): uint16 BE length, that many bytes of the JSON envelope
   * (its trailing newline counted), then the payload. Returns false when it is not one.
   */
  takeBinary(data: Buffer): boolean {
    if (data.length < 2) {
      return false;
    }
    const length = data.readUInt16BE(0);
    if (data.length < 2 + length) {
      return false;
    }
    const frame = decodeFrame(data.subarray(2, 2 + length).toString('utf8'));
    if (frame.kind !== 'art') {
      return false;
    }

    return this.takeArtMessage(frame, Buffer.from(data.subarray(2 + length)));
  }

  /** The socket closed: the pending request, if any, fails with TV_DISCONNECTED. */
  disconnect(): void {
    const pending = this.pending;
    this.pending = null;
    pending?.reject(tvDisconnected(pending.name));
  }

  private timedOut(pending: PendingRequest, timeoutMs: number): void {
    if (this.pending === pending) {
      this.pending = null;
    }
    this.lateRequestIds.push(pending.requestId);
    if (this.lateRequestIds.length > LATE_ID_MEMORY) {
      this.lateRequestIds.shift();
    }
    pending.reject(tvTimeout(pending.name, timeoutMs));
    this.onTimeout(pending.name);
  }
}

/**
 * An error without ids whose `request_data` is exactly what the pending request sent: the TV
 * could not read the data (-6, §3.3), so it had no id to echo. Only one request is ever on the
 * wire, and the echo names it byte for byte.
 */
function isEchoOfUnreadable(frame: ArtMessageFrame, pending: PendingRequest): boolean {
  return (
    frame.error !== null &&
    frame.requestId === null &&
    frame.id === null &&
    frame.fields.request_data === pending.data
  );
}

function inbandFrame(envelope: string, payload: Buffer): Buffer {
  const json = Buffer.from(envelope, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(json.length, 0);

  return Buffer.concat([length, json, payload]);
}
