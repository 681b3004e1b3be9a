import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { asObject, type Json } from './raw-client.js';
import { answerOf, SimFixture } from './sim-fixture.js';

function call(port: number, method: string, route: string, body?: unknown) {
  return new Promise<{ status: number; body: Json }>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: route, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: asObject(JSON.parse(Buffer.concat(chunks).toString())),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('control API on loopback', () => {
  const fx = new SimFixture();
  let port = 0;
  let dir: string | undefined;
  beforeEach(async () => {
    await fx.start({ controlPort: 0 });
    port = fx.frame.controlPort ?? 0;
  });
  afterEach(async () => {
    await fx.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads counters and state, and resets counters', async () => {
    const client = await fx.art();
    await answerOf(client, 'get_artmode_status');

    const counters = await call(port, 'GET', '/counters');
    expect(counters.body).toMatchObject({
      artConnectionsOpened: 1,
      requests: { get_artmode_status: 1 },
    });
    expect((await call(port, 'GET', '/state')).body).toMatchObject({ power: 'on', artMode: 'on' });
    expect((await call(port, 'POST', '/counters/reset')).body).toMatchObject({ requests: {} });
  });

  it('flips power and switches at run time and refuses unknown switches', async () => {
    const client = await fx.art();
    expect((await call(port, 'POST', '/power', { power: 'standby' })).body).toMatchObject({
      power: 'standby',
    });
    await client.broadcast('go_to_standby');

    const flipped = await call(port, 'POST', '/switches', { appWedged: true });
    expect(flipped.body).toMatchObject({ appWedged: true });
    expect(fx.frame.switches().appWedged).toBe(true);
    const refused = await call(port, 'POST', '/switches', { noSuchSwitch: 1 });
    expect(refused.status).toBe(400);
    expect((await call(port, 'POST', '/power', { power: 'sideways' })).status).toBe(400);
    expect((await call(port, 'GET', '/nowhere')).status).toBe(404);
  });

  it('loads a generated catalogue', async () => {
    const loaded = await call(port, 'POST', '/catalogue', { artworks: 12, store_artworks: 3 });

    expect(loaded.body).toEqual({ artworks: 15 });
    expect(fx.frame.contentIds().slice(0, 1)).toEqual(['MY_F0012']);
    expect(fx.frame.contentIds()).toContain('SAM-S2701');
  });

  it('loads a folder of real images, skipping what is not one', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'docent-sim-'));
    const image = (w: number, h: number) =>
      sharp({ create: { width: w, height: h, channels: 3, background: '#884422' } })
        .jpeg()
        .toBuffer();
    await writeFile(path.join(dir, 'a.jpg'), await image(300, 200));
    await writeFile(path.join(dir, 'b.jpg'), await image(200, 300));
    await writeFile(path.join(dir, 'notes.txt'), 'not an image');

    const loaded = await call(port, 'POST', '/catalogue', { folder: dir });
    expect(loaded.body).toEqual({ artworks: 2 });
    const client = await fx.art();
    const list = await answerOf(client, 'get_content_list');
    const items: unknown = JSON.parse(String(list?.content_list));
    const sizes = Array.isArray(items)
      ? items.map((i) => [asObject(i).width, asObject(i).height])
      : [];
    expect(sizes.sort()).toEqual([
      [200, 300],
      [300, 200],
    ]);
    const first = fx.frame.contentIds()[0] ?? '';
    const meta = await sharp(await fx.frame.thumbnailOf(first)).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(300);
  });
});
