import { type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';

const requestEnvelopeSchema = z.object({
  params: z.object({ data: z.string() }),
});
const innerRequestSchema = z.looseObject({ request: z.string(), request_id: z.string() });

export type InnerRequest = z.infer<typeof innerRequestSchema>;

/**
 * A scriptable stand-in for the TV's art channel, for handshake and correlation cases the
 * simulator does not switch on. Each test says what the TV does on connect and per request.
 */
export class FakeTv {
  readonly urls: string[] = [];
  openNow = 0;
  maxOpen = 0;
  private readonly server: WebSocketServer;

  private constructor(
    server: WebSocketServer,
    readonly port: number,
  ) {
    this.server = server;
  }

  /** `onRequest` gets the image bytes of a 0.97 in-band binary request (§4.5), else null. */
  static async start(script: {
    onConnect(ws: WebSocket): void;
    onRequest?(ws: WebSocket, request: InnerRequest, bytes: Buffer | null): void;
  }): Promise<FakeTv> {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const address = server.address();
    const tv = new FakeTv(server, typeof address === 'object' && address ? address.port : 0);
    server.on('connection', (ws, req) => {
      tv.urls.push(req.url ?? '');
      tv.openNow += 1;
      tv.maxOpen = Math.max(tv.maxOpen, tv.openNow);
      ws.on('close', () => {
        tv.openNow -= 1;
      });
      ws.on('message', (data, isBinary) => {
        const frame = Buffer.isBuffer(data) ? data : Buffer.from(data.toString());
        const split = isBinary ? splitInband(frame) : { text: frame.toString(), bytes: null };
        if (!split) return;
        const envelope = requestEnvelopeSchema.safeParse(parseOrNull(split.text));
        if (!envelope.success) return;
        const inner = innerRequestSchema.safeParse(parseOrNull(envelope.data.params.data));
        if (inner.success) script.onRequest?.(ws, inner.data, split.bytes);
      });
      script.onConnect(ws);
    });

    return tv;
  }

  async stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function sendConnect(ws: WebSocket, extra: Record<string, unknown> = {}): void {
  ws.send(
    JSON.stringify({ event: 'ms.channel.connect', data: { id: 'c1', clients: [], ...extra } }),
  );
}

export function sendReady(ws: WebSocket): void {
  ws.send(JSON.stringify({ event: 'ms.channel.ready', data: {} }));
}

export function sendArt(ws: WebSocket, inner: Record<string, unknown>): void {
  ws.send(JSON.stringify({ event: 'd2d_service_message', data: JSON.stringify(inner, null, 2) }));
}

/** uint16 BE envelope length, the envelope, then the payload (§4.5). */
function splitInband(frame: Buffer): { text: string; bytes: Buffer } | null {
  if (frame.length < 2) return null;
  const length = frame.readUInt16BE(0);
  if (frame.length < 2 + length) return null;

  return {
    text: frame.subarray(2, 2 + length).toString('utf8'),
    bytes: frame.subarray(2 + length),
  };
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
