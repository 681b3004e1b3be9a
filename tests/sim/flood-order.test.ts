import { PROFILE_NAMES, PROFILES } from '../../src/sim/index.js';
import { innerRequestId, type RawClient, sleep } from './raw-client.js';
import { SimFixture } from './sim-fixture.js';

/** get_matte_list is ~100 ms in the realistic table; at 0.5 each request takes 50 ms. */
const SERVICE = { latency: 'realistic', latencyScale: 0.5 } as const;
const SERVICE_MS = 50;

/** The request numbers (1-based, in sending order) in the order their replies arrived. */
function replyOrder(client: RawClient, ids: string[]): number[] {
  return client.frames.flatMap((frame) => {
    const at = ids.indexOf(String(innerRequestId(frame)));

    return at < 0 ? [] : [at + 1];
  });
}

function burst(client: RawClient, count: number): string[] {
  return Array.from({ length: count }, () => client.request('get_matte_list'));
}

/** §3.2 and the 2022 captures: replies to a pipelined flood come back reversed, some never. */
describe('replies to pipelined requests (switch floodReplyOrder)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('trace: serves the newest waiting request first, so a burst comes back reversed', async () => {
    await fx.start({ ...SERVICE, switches: { floodReplyOrder: 'trace' } });
    const client = await fx.art();
    const ids = burst(client, 8);
    await client.waitUntil(() => replyOrder(client, ids).length === 8, 3000);

    expect(replyOrder(client, ids)).toEqual([1, 8, 7, 6, 5, 4, 3, 2]);
  });

  it('trace: a request arriving meanwhile jumps the older ones (the interleaved runs)', async () => {
    await fx.start({ ...SERVICE, switches: { floodReplyOrder: 'trace' } });
    const client = await fx.art();
    const ids = burst(client, 5);
    // Request 5 is served from 50 to 100 ms; 6 arrives in the middle of it.
    await sleep(SERVICE_MS * 1.5);
    ids.push(client.request('get_matte_list'));
    await client.waitUntil(() => replyOrder(client, ids).length === 6, 3000);

    expect(replyOrder(client, ids)).toEqual([1, 5, 6, 4, 3, 2]);
  });

  it('trace: a flood past the backlog cap is dropped unanswered', async () => {
    await fx.start({ ...SERVICE, switches: { floodReplyOrder: 'trace', floodBacklogMax: 4 } });
    const client = await fx.art();
    const ids = burst(client, 10);
    await client.waitUntil(() => replyOrder(client, ids).length === 5, 3000);
    await sleep(SERVICE_MS * 3);

    expect(replyOrder(client, ids)).toEqual([1, 5, 4, 3, 2]);
    expect(fx.frame.counters()).toMatchObject({
      requestsDropped: 5,
      requests: { get_matte_list: 10 },
    });
  });

  it('fifo: the same burst comes back in arrival order, none lost', async () => {
    await fx.start({ ...SERVICE, switches: { floodReplyOrder: 'fifo', floodBacklogMax: 4 } });
    const client = await fx.art();
    const ids = burst(client, 8);
    await client.waitUntil(() => replyOrder(client, ids).length === 8, 3000);

    expect(replyOrder(client, ids)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(fx.frame.counters().requestsDropped).toBe(0);
  });

  it('a client that waits for each reply sees every one, in order, under trace', async () => {
    await fx.start({
      latency: 'fast',
      switches: { floodReplyOrder: 'trace', floodBacklogMax: 1 },
    });
    const client = await fx.art();
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const id = client.request(i % 2 === 0 ? 'get_content_list' : 'get_artmode_status');
      ids.push(id);
      await client.reply(id);
    }

    expect(replyOrder(client, ids)).toEqual(ids.map((_, i) => i + 1));
    expect(fx.frame.counters().requestsDropped).toBe(0);
  });

  it('keeps the order between clients: only one client’s own backlog is reversed', async () => {
    await fx.start({
      ...SERVICE,
      profile: { multiClientPolicy: 'allow' },
      switches: { floodReplyOrder: 'trace' },
    });
    const first = await fx.art();
    const second = await fx.art();
    const a = burst(first, 3);
    await sleep(SERVICE_MS / 5);
    const b = second.request('get_matte_list');
    await second.reply(b, 3000);
    await first.waitUntil(() => replyOrder(first, a).length === 3, 3000);

    // a1 runs first; then a3 (newest of the oldest client's waiting requests), a2, and only
    // then the second client's request, which arrived after them.
    expect(replyOrder(first, a)).toEqual([1, 3, 2]);
    expect(second.frames.filter((f) => innerRequestId(f) === b)).toHaveLength(1);
    // §8 item 10: the first client's replies all left before `b`'s, and none reached `second`.
    expect(replyOrder(second, a)).toEqual([]);
  });
});

describe('floodReplyOrder per profile (evidence: the 2022 captures are of a 4.x set)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it.each(PROFILE_NAMES)('%s', async (name) => {
    await fx.start({ profileName: name });
    const expected = PROFILES[name].generation === '4.x' ? 'trace' : 'fifo';

    expect(fx.frame.switches().floodReplyOrder).toBe(expected);
  });
});
