import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { checkDiscoverySet } from '../helpers/discovery-checker.js';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, unknown>;
const SELECTS = 6;

/** Median latency of `SELECTS` selects on the harness's main TV, each checked on the simulator. */
async function medianSelectMs(h: Harness, tag: string): Promise<number> {
  const ids = h.sim.contentIds();
  const latencies: number[] = [];
  for (let i = 0; i < SELECTS; i += 1) {
    const target = ids[(i * 3 + 1) % ids.length] as string;
    const { result, latencyMs } = await h.command({
      action: 'select',
      content_id: target,
      id: `${tag}-${i}`,
    });
    expect(result).toMatchObject({ status: 'ok' });
    expect(h.sim.state().currentContentId).toBe(target);
    latencies.push(latencyMs);
  }
  latencies.sort((a, b) => a - b);

  return latencies[Math.floor(latencies.length / 2)] ?? Number.POSITIVE_INFINITY;
}

describe('one daemon, several TVs', () => {
  let broker: TestBroker;
  let healthy: SimulatedFrame;
  let broken: SimulatedFrame;

  beforeAll(async () => {
    broker = await startMosquitto();
    healthy = await startSimulatedFrame({ artworks: 40, latency: 'realistic', latencyScale: 0.1 });
    broken = await startSimulatedFrame({ artworks: 40, latency: 'realistic', latencyScale: 0.1 });
  });

  afterAll(async () => {
    await healthy.stop();
    await broken.stop();
    await broker.stop();
  });

  test('a TV that is off leaves the other TV as fast as when it is alone', async () => {
    const alone = await startHarness({ broker, sim: healthy });
    let baselineMs: number;
    try {
      await alone.waitForState((s) => s.connection === 'ready' && s.catalog_size === 40);
      baselineMs = await medianSelectMs(alone, 'alone');
    } finally {
      await alone.stop();
    }

    broken.setPower('off');
    const both = await startHarness({
      broker,
      sim: healthy,
      extraTvs: [{ id: 'hall', name: 'Hall Frame', sim: broken }],
    });
    try {
      await both.waitForState((s) => s.connection === 'ready' && s.catalog_size === 40);
      // A command for the dead TV is queued on its own lanes while the other TV works.
      const deadCommand = both.recorder.publish(
        'docent/hall/command',
        JSON.stringify({ action: 'select', content_id: 'MY_F0001', id: 'dead-1' }),
        { qos: 1 },
      );
      const withBrokenMs = await medianSelectMs(both, 'both');

      // Generous: the point is "not blocked for seconds", not a benchmark.
      expect(withBrokenMs).toBeLessThan(baselineMs * 3 + 250);

      await deadCommand;
      const dead = await both.recorder.waitFor(
        (m) => m.topic === 'docent/hall/command/result' && m.payload.includes('dead-1'),
        15_000,
      );
      expect(JSON.parse(dead.payload.toString())).toMatchObject({
        id: 'dead-1',
        status: 'expired',
      });

      const hallState = both.recorder.on('docent/hall/state').at(-1);
      expect(JSON.parse(hallState?.payload.toString() ?? '{}')).toMatchObject({
        connection: expect.not.stringMatching(/^ready$/),
      });
      const hallAvailability = both.recorder.on('docent/hall/availability').at(-1);
      expect(hallAvailability?.payload.toString()).toBe('offline');
      expect(broken.counters().artConnectionsOpened).toBe(0);
    } finally {
      await both.stop();
      broken.setPower('on');
    }
  }, 60_000);

  test('each TV is its own device, and the pair validates with unique ids', async () => {
    const both = await startHarness({
      broker,
      sim: healthy,
      extraTvs: [{ id: 'hall', name: 'Hall Frame', sim: broken }],
    });
    try {
      const topics = ['frame', 'hall'].map((tv) => `homeassistant/device/docent_${tv}/config`);
      const messages = await Promise.all(
        topics.map(async (topic) => {
          const msg = await both.recorder.waitFor((m) => m.topic === topic && m.retain, 5_000);
          return { topic, payload: JSON.parse(msg.payload.toString()) as Json };
        }),
      );

      expect(checkDiscoverySet(messages)).toEqual([]);
      expect(messages.map((m) => (m.payload.device as Json).identifiers)).toEqual([
        ['docent_frame'],
        ['docent_hall'],
      ]);
      await both.waitForState((s) => s.connection === 'ready');
      const hall = await both.recorder.waitFor(
        (m) =>
          m.topic === 'docent/hall/state' &&
          m.payload.includes('"ready"') &&
          m.payload.includes('"catalog_size":40'),
        15_000,
      );
      expect(JSON.parse(hall.payload.toString())).toMatchObject({ artwork: expect.any(String) });
    } finally {
      await both.stop();
    }
  }, 60_000);
});
