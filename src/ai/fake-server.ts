/**
 * A stand-in for the OpenAI chat completions endpoint, for development only: the demo
 * (`--ai-fake`) and the tests point the describer at it instead of the real API. It speaks
 * `POST /v1/chat/completions` with replies shaped like the real ones (`choices[0].message.content`
 * as a JSON string, `usage`) and can be switched to misbehave: malformed output, 429 with
 * `retry-after`, 5xx, a refused key, slow or held replies. Never used by production code paths.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export type FakeOpenAiBehaviour =
  /** Every request gets a valid description. */
  | { kind: 'happy' }
  /** Replies whose content does not match the requested schema. */
  | { kind: 'malformed' }
  /** The next `times` requests get 429 (with `retry-after` when given), then happy. */
  | { kind: 'rate-limited'; times: number; retryAfterSeconds?: number }
  /** The next `times` requests get 503, then happy. */
  | { kind: 'server-error'; times: number }
  /** 429 with OpenAI's `insufficient_quota` code, every time. */
  | { kind: 'quota-exhausted' }
  /** 401 every time, whatever the key. */
  | { kind: 'unauthorized' };

export interface FakeOpenAiStats {
  /** Chat completion requests received (any outcome). */
  requests: number;
  inFlight: number;
  /** The most requests handled at the same time. */
  maxInFlight: number;
}

export interface FakeOpenAiServer {
  /** Base URL for the openai client, e.g. `http://127.0.0.1:40123/v1`. */
  readonly baseUrl: string;
  readonly port: number;
  readonly stats: Readonly<FakeOpenAiStats>;
  setBehaviour(behaviour: FakeOpenAiBehaviour): void;
  /** Every reply waits this long first (real time). */
  setDelayMs(delayMs: number): void;
  /** From now on replies are held (the requests stay in flight) until `releaseReplies()`. */
  holdReplies(): void;
  /** Sends every held reply and stops holding. */
  releaseReplies(): void;
  resetStats(): void;
  close(): Promise<void>;
}

export interface FakeOpenAiOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** When set, requests with another bearer key get 401. */
  apiKey?: string;
  behaviour?: FakeOpenAiBehaviour;
  delayMs?: number;
}

const MAX_BODY_BYTES = 20 * 1024 * 1024;

const requestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(z.object({ role: z.string(), content: z.unknown() })).min(1),
  response_format: z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string(),
      strict: z.literal(true),
      schema: z.record(z.string(), z.unknown()),
    }),
  }),
});

const imagePartSchema = z.object({
  type: z.literal('image_url'),
  image_url: z.object({
    url: z.string().regex(/^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/=]+$/),
  }),
});

/** A few public-domain works the fake "recognises", chosen by image hash. */
const ARTWORKS = [
  [
    'The Starry Night',
    'Vincent van Gogh',
    '1889',
    'oil on canvas',
    'Post-Impressionism',
    'restless, dreamy',
  ],
  [
    'The Great Wave off Kanagawa',
    'Katsushika Hokusai',
    'c. 1831',
    'woodblock print',
    'Ukiyo-e',
    'dramatic',
  ],
  ['Water Lilies', 'Claude Monet', '1906', 'oil on canvas', 'Impressionism', 'calm, luminous'],
  ['The Kiss', 'Gustav Klimt', '1908', 'oil and gold leaf on canvas', 'Vienna Secession', 'tender'],
] as const;

export async function startFakeOpenAiServer(
  options: FakeOpenAiOptions = {},
): Promise<FakeOpenAiServer> {
  let behaviour: FakeOpenAiBehaviour = options.behaviour ?? { kind: 'happy' };
  let delayMs = options.delayMs ?? 0;
  const stats: FakeOpenAiStats = { requests: 0, inFlight: 0, maxInFlight: 0 };
  const timers = new Set<NodeJS.Timeout>();
  let holding = false;
  const held = new Set<() => void>();
  const release = (): void => {
    holding = false;
    for (const resume of held) resume();
    held.clear();
  };

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      sendError(res, 404, 'not_found', 'only POST /v1/chat/completions is served');
      return;
    }
    stats.requests += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      const body = await readBody(req);
      if (delayMs > 0) await wait(delayMs);
      if (holding) await new Promise<void>((resume) => held.add(resume));
      reply(res, body);
    } finally {
      stats.inFlight -= 1;
    }
  };

  const reply = (res: ServerResponse, body: Buffer | null): void => {
    if (body === null) {
      sendError(res, 413, 'too_large', 'request body too large');
      return;
    }
    const auth = res.req.headers.authorization ?? '';
    if (
      behaviour.kind === 'unauthorized' ||
      (options.apiKey !== undefined && auth !== `Bearer ${options.apiKey}`)
    ) {
      // Echoes the presented key in full: a worse case than the real API's masked echo, so
      // tests can prove the key never reaches a log line or a result message.
      const presented = auth.replace(/^Bearer /, '');
      sendError(res, 401, 'invalid_api_key', `Incorrect API key provided: ${presented}.`);
      return;
    }
    if (behaviour.kind === 'quota-exhausted') {
      sendError(res, 429, 'insufficient_quota', 'You exceeded your current quota.');
      return;
    }
    if (behaviour.kind === 'rate-limited' && behaviour.times > 0) {
      behaviour = { ...behaviour, times: behaviour.times - 1 };
      const headers: Record<string, string> =
        behaviour.retryAfterSeconds === undefined
          ? {}
          : { 'retry-after': String(behaviour.retryAfterSeconds) };
      sendError(res, 429, 'rate_limit_exceeded', 'Rate limit reached for requests.', headers);
      return;
    }
    if (behaviour.kind === 'server-error' && behaviour.times > 0) {
      behaviour = { ...behaviour, times: behaviour.times - 1 };
      sendError(res, 503, 'server_error', 'The server is overloaded.');
      return;
    }

    const request = parseRequest(body);
    if (typeof request === 'string') {
      sendError(res, 400, 'invalid_request', request);
      return;
    }

    const content =
      behaviour.kind === 'malformed' ? malformedContent() : describeImage(request.imageUrl);
    sendJson(res, 200, {
      id: `chatcmpl-fake-${stats.requests}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [
        { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 2900, completion_tokens: 140, total_tokens: 3040 },
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'server_error', 'fake server failed');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = isAddressInfo(address) ? address.port : 0;
  const host = options.host ?? '127.0.0.1';

  return {
    baseUrl: `http://${host}:${port}/v1`,
    port,
    stats,
    setBehaviour(next) {
      behaviour = next;
    },
    setDelayMs(next) {
      delayMs = next;
    },
    holdReplies() {
      holding = true;
    },
    releaseReplies: release,
    resetStats() {
      stats.requests = 0;
      stats.maxInFlight = stats.inFlight;
    },
    async close() {
      release();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The request's model and image URL, or why the request is not one the describer should send. */
function parseRequest(body: Buffer): { model: string; imageUrl: string } | string {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) return `unexpected request: ${parsed.error.issues[0]?.message ?? 'invalid'}`;

  for (const message of parsed.data.messages) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content) {
      const image = imagePartSchema.safeParse(part);
      if (image.success) return { model: parsed.data.model, imageUrl: image.data.image_url.url };
    }
  }

  return 'no image_url part with a base64 data URL';
}

function describeImage(imageUrl: string): string {
  const digest = createHash('sha256').update(imageUrl).digest();
  const pick = ARTWORKS[(digest[0] ?? 0) % ARTWORKS.length] ?? ARTWORKS[0];
  const [title, artist, year, medium, style, mood] = pick;

  return JSON.stringify({
    title,
    artist,
    year,
    medium,
    style,
    mood,
    description: `${title} by ${artist}, made in ${year}. A well-known work of ${style}.`,
    tags: [style.toLowerCase(), medium.split(' ')[0] ?? 'art', 'famous'],
    confidence: 0.9,
  });
}

function isAddressInfo(address: AddressInfo | string | null): address is AddressInfo {
  return typeof address === 'object' && address !== null;
}

function malformedContent(): string {
  return JSON.stringify({ title: 42, painter: 'someone', confidence: 'very' });
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(
    res,
    status,
    { error: { message, type: 'invalid_request_error', param: null, code } },
    headers,
  );
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
