import http from 'node:http';
import { z } from 'zod';
import type { Logger } from '../log.js';
import type { CatalogueSource, SimulatedFrame } from './sim-types.js';
import { switchesPatchSchema } from './switches.js';

export interface ControlApi {
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

const powerSchema = z.strictObject({ power: z.enum(['on', 'standby', 'off']) });
const artModeSchema = z.strictObject({ on: z.boolean() });
const showSchema = z.strictObject({ content_id: z.string().min(1) });
const rotationSchema = z.strictObject({ rotation: z.union([z.literal(1), z.literal(2)]) });
const catalogueSchema = z.union([
  z.strictObject({
    artworks: z.number().int().min(0).max(100_000),
    seed: z.number().int().min(0).optional(),
    store_artworks: z.number().int().min(0).max(10_000).optional(),
  }),
  z.strictObject({ folder: z.string().min(1) }),
]);

type Route = (frame: SimulatedFrame, body: unknown) => Promise<unknown> | unknown;

function parsed<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new BadRequest(z.prettifyError(result.error));

  return result.data;
}

class BadRequest extends Error {}

function catalogueSource(body: z.infer<typeof catalogueSchema>): CatalogueSource {
  if ('folder' in body) return { kind: 'folder', path: body.folder };

  return {
    kind: 'generated',
    artworks: body.artworks,
    ...(body.seed === undefined ? {} : { seed: body.seed }),
    ...(body.store_artworks === undefined ? {} : { storeArtworks: body.store_artworks }),
  };
}

/** `METHOD /path` → handler. Bodies are JSON; every answer is JSON. */
const ROUTES: Record<string, Route> = {
  'GET /counters': (frame) => frame.counters(),
  'POST /counters/reset': (frame) => {
    frame.resetCounters();
    return frame.counters();
  },
  'GET /state': (frame) => frame.state(),
  'GET /switches': (frame) => frame.switches(),
  'POST /switches': (frame, body) => {
    const patch = parsed(switchesPatchSchema, body);
    frame.setSwitches(patch);
    return frame.switches();
  },
  'GET /profile': (frame) => frame.profile,
  'POST /power': (frame, body) => {
    frame.setPower(parsed(powerSchema, body).power);
    return frame.state();
  },
  'POST /art-mode': (frame, body) => {
    frame.setArtMode(parsed(artModeSchema, body).on);
    return frame.state();
  },
  'POST /show': (frame, body) => {
    const { content_id } = parsed(showSchema, body);
    if (!frame.contentIds().includes(content_id)) throw new BadRequest('unknown content_id');
    frame.showArtwork(content_id);
    return frame.state();
  },
  'POST /rotation': (frame, body) => {
    frame.setRotation(parsed(rotationSchema, body).rotation);
    return frame.state();
  },
  'POST /panel-sleep': (frame) => {
    frame.sleepPanel();
    return frame.state();
  },
  'POST /drop-art': (frame) => {
    frame.dropArtConnections();
    return frame.counters();
  },
  'POST /revoke-tokens': (frame) => {
    frame.revokeTokens();
    return {};
  },
  'POST /catalogue': async (frame, body) => {
    const artworks = await frame.loadCatalogue(catalogueSource(parsed(catalogueSchema, body)));
    return { artworks };
  },
};

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BadRequest('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        resolve({});
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new BadRequest('body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function answer(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * The simulator's control API on loopback, for tests and the benchmark: counters, state,
 * switches, power, art mode, catalogue loading. Always bound to 127.0.0.1.
 */
export async function startControlApi(deps: {
  frame: SimulatedFrame;
  port: number;
  logger: Logger;
}): Promise<ControlApi> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    const route = ROUTES[`${req.method ?? 'GET'} ${path}`];
    if (!route) {
      answer(res, 404, { error: 'no such route', routes: Object.keys(ROUTES) });
      return;
    }
    readBody(req)
      .then((body) => route(deps.frame, body))
      .then(
        (result) => answer(res, 200, result),
        (err: unknown) => {
          const status = err instanceof BadRequest ? 400 : 500;
          if (status === 500) deps.logger.warn({ err, path }, 'control request failed');
          answer(res, status, { error: err instanceof Error ? err.message : String(err) });
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : deps.port;

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
