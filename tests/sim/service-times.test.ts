import { randomUUID } from 'node:crypto';
import { SimFixture } from './sim-fixture.js';

/** §7 Q3 and latency.ts: one request at a time, service times by kind and size, no drops. */
describe('service times and queueing inside the TV', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('serves status reads fast and thumbnail lists per item', async () => {
    await fx.start({ latency: 'realistic', latencyScale: 0.5 });
    const client = await fx.art();
    const timeOf = async (request: string, params = {}) => {
      const before = fx.frame.counters().serviceMs;
      await client.reply(client.request(request, params));

      return fx.frame.counters().serviceMs - before;
    };
    const list = (n: number) => ({
      content_id_list: Array.from({ length: n }, (_, i) => ({ content_id: `MY_F000${i + 1}` })),
      conn_info: { d2d_mode: 'socket', connection_id: 7, id: randomUUID() },
    });

    expect(await timeOf('get_artmode_status')).toBe(10);
    const one = await timeOf('get_thumbnail_list', list(1));
    const four = await timeOf('get_thumbnail_list', list(4));
    expect(four - one).toBe(150);
  });

  it('uses the model figure where one exists: get_current_artwork ~0.9 s on 2024', async () => {
    const serviceOf = async (name: '2022' | '2024') => {
      await fx.start({ profileName: name, latency: 'fast' });
      const client = await fx.art(name === '2022');
      await client.reply(client.request('get_current_artwork'));
      const ms = fx.frame.counters().serviceMs;
      await fx.stop();

      return ms;
    };

    expect(await serviceOf('2022')).toBe(15);
    expect(await serviceOf('2024')).toBe(45);
  });

  it('fifo: queues a burst instead of dropping it, every request answered, one at a time', async () => {
    await fx.start({ artworks: 20, latency: 'fast', switches: { floodReplyOrder: 'fifo' } });
    const client = await fx.art();
    const ids = Array.from({ length: 30 }, () => client.request('get_content_list'));
    const startedAt = Date.now();
    await Promise.all(ids.map((id) => client.reply(id, 5000)));

    // 20 items ≈ 174 ms realistic, 9 ms fast, so 30 in a row take at least ~270 ms.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    expect(fx.frame.counters().requests.get_content_list).toBe(30);
    expect(fx.frame.counters().serviceMs).toBe(30 * 9);
  });

  it('counts bytes sent and art sockets opened at once', async () => {
    await fx.start({ profile: { multiClientPolicy: 'allow' } });
    const first = await fx.art();
    await fx.art();
    await first.reply(first.request('get_content_list'));
    const counters = fx.frame.counters();

    expect(counters.maxArtConnectionsOpen).toBe(2);
    const received = first.frames.reduce((sum, f) => sum + Buffer.byteLength(f.text), 0);
    expect(counters.bytesSent).toBeGreaterThanOrEqual(received);
  });

  // Upper bounds are generous (3× the configured time) so a loaded machine does not flake them;
  // they still catch a service time applied twice, or a reply that waits for something else.
  const elapsedMs = async (client: Awaited<ReturnType<SimFixture['art']>>, request: string) => {
    const sentAt = Date.now();
    await client.reply(client.request(request), 5000);

    return Date.now() - sentAt;
  };

  it('answers a single request within 3× its service time', async () => {
    await fx.start({ latency: 'realistic', latencyScale: 2, artworks: 230 });
    const client = await fx.art();

    const matteMs = await elapsedMs(client, 'get_matte_list');
    expect(matteMs).toBeGreaterThanOrEqual(200 - 5);
    expect(matteMs).toBeLessThanOrEqual(3 * 200);
    await fx.stop();

    // ~1 s per 115 items realistic: 230 items at 0.1 → 200 ms.
    await fx.start({ latency: 'realistic', latencyScale: 0.1, artworks: 230 });
    const lister = await fx.art();
    const listMs = await elapsedMs(lister, 'get_content_list');
    expect(listMs).toBeGreaterThanOrEqual(200 - 5);
    expect(listMs).toBeLessThanOrEqual(3 * 200);
  });

  it('works through a burst within 3× the sum of its service times', async () => {
    await fx.start({ latency: 'realistic', switches: { floodReplyOrder: 'fifo' } });
    const client = await fx.art();
    const sentAt = Date.now();
    const ids = Array.from({ length: 5 }, () => client.request('get_matte_list'));
    await Promise.all(ids.map((id) => client.reply(id, 5000)));
    const totalMs = Date.now() - sentAt;

    expect(totalMs).toBeGreaterThanOrEqual(5 * 100 - 5);
    expect(totalMs).toBeLessThanOrEqual(3 * 5 * 100);
  });

  it('2024: the lagging set_artmode_status reply comes within 3× the configured lag', async () => {
    await fx.start({ profileName: '2024', profile: { artModeReplyLagMs: 150 } });
    const client = await fx.art(false);
    const id = client.request('set_artmode_status', { value: 'off' });
    await client.broadcast('art_mode_changed');
    const broadcastAt = Date.now();
    await client.reply(id, 2000);

    expect(Date.now() - broadcastAt).toBeLessThanOrEqual(3 * 150);
  });
});
