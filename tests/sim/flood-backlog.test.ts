import type { SimSwitches } from '../../src/sim/index.js';
import { innerRequestId, type RawClient } from './raw-client.js';
import { noFrameFor, SimFixture } from './sim-fixture.js';

/** A `floodBacklogMax` to test: requests one client may have waiting, besides the one served. */
const BACKLOG_MAX = 32;
const EXTRA = 3;

/**
 * One slow request holds the art app while a pipelined burst piles up behind it, so the whole
 * burst is waiting at once however slowly the test machine sends it (300 ms vs ~1 ms a request).
 */
const HELD = {
  latency: 'realistic',
  latencyScale: 0.25,
  profile: { serviceMsOverrides: { get_device_info: 1200, get_artmode_status: 4 } },
} as const;

function burstBehindSlowRequest(client: RawClient, waiting: number): string[] {
  const held = client.request('get_device_info');

  return [held, ...Array.from({ length: waiting }, () => client.request('get_artmode_status'))];
}

function answered(client: RawClient, ids: string[]): string[] {
  const seen = new Set(client.frames.map(innerRequestId));

  return ids.filter((id) => seen.has(id));
}

/**
 * §8 item 9 says "queue, do not drop", and so do the simulator's defaults; `floodBacklogMax`
 * caps one client's waiting requests under `trace` for tests of a client's timeouts (see
 * src/sim/README.md, "Queue or drop").
 */
describe('the backlog cap of a pipelined flood (floodBacklogMax)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());
  const capped = { floodReplyOrder: 'trace', floodBacklogMax: BACKLOG_MAX } as const;

  it('queues every request by default, on the profiles that answer floods out of order too', async () => {
    await fx.start({ ...HELD, profileName: '2022' });
    const client = await fx.art();
    const ids = burstBehindSlowRequest(client, BACKLOG_MAX + EXTRA);
    await client.waitUntil(() => answered(client, ids).length === ids.length, 3000);

    expect(fx.frame.switches()).toMatchObject({ floodReplyOrder: 'trace', floodBacklogMax: 0 });
    expect(fx.frame.counters().requestsDropped).toBe(0);
  });

  it('trace with a cap: answers the request in service and every waiting one up to the cap', async () => {
    await fx.start({ ...HELD, switches: capped });
    const client = await fx.art();
    const ids = burstBehindSlowRequest(client, BACKLOG_MAX);
    await client.waitUntil(() => answered(client, ids).length === ids.length, 3000);

    expect(fx.frame.counters().requestsDropped).toBe(0);
  });

  it('trace with a cap: the arrivals past the cap are the ones left unanswered', async () => {
    await fx.start({ ...HELD, switches: capped });
    const client = await fx.art();
    const ids = burstBehindSlowRequest(client, BACKLOG_MAX + EXTRA);
    const kept = ids.slice(0, 1 + BACKLOG_MAX);
    await client.waitUntil(() => answered(client, kept).length === kept.length, 3000);
    await noFrameFor(client, 100);

    expect(answered(client, ids)).toEqual(kept);
    expect(fx.frame.counters()).toMatchObject({
      requestsDropped: EXTRA,
      requests: { get_device_info: 1, get_artmode_status: BACKLOG_MAX + EXTRA },
    });
  });

  it.each<[string, Partial<SimSwitches>]>([
    ['fifo', { floodReplyOrder: 'fifo' }],
    ['trace without a cap', { floodReplyOrder: 'trace', floodBacklogMax: 0 }],
  ])('%s: the same flood is answered in full, nothing dropped', async (_, switches) => {
    await fx.start({ ...HELD, switches });
    const client = await fx.art();
    const ids = burstBehindSlowRequest(client, BACKLOG_MAX + EXTRA);
    await client.waitUntil(() => answered(client, ids).length === ids.length, 3000);

    expect(fx.frame.counters().requestsDropped).toBe(0);
  });
});
