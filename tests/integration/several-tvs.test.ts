import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { checkDiscoverySet } from '../helpers/discovery-checker.js';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto.js';
import { waitUntil } from '../helpers/wait-until.js';
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

/** What one bridge serving a healthy and a broken TV showed. */
interface BesideBroken {
  h: Harness;
  /** Median select on the healthy TV while the broken TV had a select pending. */
  selectMs: number;
  /** The result of that select for the broken TV. */
  hallResult: Json;
}

/**
 * Serves `healthy` (as `frame`) and `broken` (as `hall`) from one bridge, sends the broken TV a
 * select, then times the healthy TV's selects while it is pending. The caller stops the harness.
 */
async function selectsBeside(
  broker: TestBroker,
  healthy: SimulatedFrame,
  broken: SimulatedFrame,
): Promise<BesideBroken> {
  const h = await startHarness({
    broker,
    sim: healthy,
    extraTvs: [{ id: 'hall', name: 'Hall Frame', sim: broken }],
  });
  try {
    await h.waitForState((s) => s.connection === 'ready' && s.catalog_size === 40);
    // Queued on the broken TV's own lanes while the other TV works.
    await h.recorder.publish(
      'docent/hall/command',
      JSON.stringify({ action: 'select', content_id: 'MY_F0001', id: 'hall-1' }),
      { qos: 1 },
    );
    const selectMs = await medianSelectMs(h, 'beside');
    const hallResult = await h.recorder.waitFor(
      (m) => m.topic === 'docent/hall/command/result' && m.payload.includes('hall-1'),
      30_000,
    );

    return { h, selectMs, hallResult: JSON.parse(hallResult.payload.toString()) as Json };
  } catch (err) {
    await h.stop();
    throw err;
  }
}

/** The last payload on `topic`, as text. */
const latestText = (h: Harness, topic: string) => h.recorder.on(topic).at(-1)?.payload.toString();

/** The last state of the `hall` TV. */
const hallState = (h: Harness) => JSON.parse(latestText(h, 'docent/hall/state') ?? '{}') as Json;

/** Generous: the point is "not blocked for seconds", not a benchmark (the machine is shared). */
const asFastAs = (aloneMs: number) => aloneMs * 3 + 250;

describe('one daemon, several TVs', () => {
  let broker: TestBroker;
  let healthy: SimulatedFrame;
  let broken: SimulatedFrame;
  /** Median select on `healthy` served alone. */
  let aloneMs: number;

  beforeAll(async () => {
    broker = await startMosquitto();
    healthy = await startSimulatedFrame({ artworks: 40, latency: 'realistic', latencyScale: 0.1 });
    broken = await startSimulatedFrame({ artworks: 40, latency: 'realistic', latencyScale: 0.1 });

    const alone = await startHarness({ broker, sim: healthy });
    try {
      await alone.waitForState((s) => s.connection === 'ready' && s.catalog_size === 40);
      aloneMs = await medianSelectMs(alone, 'alone');
    } finally {
      await alone.stop();
    }
  }, 60_000);

  afterAll(async () => {
    await healthy.stop();
    await broken.stop();
    await broker.stop();
  });

  test('a TV that is off leaves the other TV as fast as when it is alone', async () => {
    broken.setPower('off');
    const { h, selectMs, hallResult } = await selectsBeside(broker, healthy, broken);
    try {
      expect(selectMs).toBeLessThan(asFastAs(aloneMs));
      expect(hallResult).toMatchObject({ id: 'hall-1', status: 'expired' });

      expect(hallState(h).connection).not.toBe('ready');
      expect(latestText(h, 'docent/hall/availability')).toBe('offline');
      expect(broken.counters().artConnectionsOpened).toBe(0);
    } finally {
      await h.stop();
      broken.setPower('on');
    }
  }, 60_000);

  // A TV that is on and takes the socket, but whose art app never answers (frame-protocol.md
  // §2.3, §7 Q9): the broken TV's session keeps timing out and reconnecting meanwhile.
  test.each([
    ['art app is wedged (socket and pings fine, no replies)', { appWedged: true }],
    ['art app never serves (connect, then nothing)', { artNeverServes: true }],
  ] as const)(
    'a TV whose %s leaves the other TV as fast as when it is alone',
    async (_, fault) => {
      const faulty = await startSimulatedFrame({
        artworks: 40,
        latency: 'realistic',
        latencyScale: 0.1,
        seed: 2,
        switches: fault,
      });
      try {
        const { h, selectMs, hallResult } = await selectsBeside(broker, healthy, faulty);
        try {
          expect(selectMs).toBeLessThan(asFastAs(aloneMs));
          // It really was broken, not off: the bridge reached it and got nothing back.
          expect(faulty.counters().artConnectionsOpened).toBeGreaterThanOrEqual(1);
          expect(hallResult).toMatchObject({
            id: 'hall-1',
            status: expect.stringMatching(/^(error|expired)$/),
          });
          // Truthful status (architecture rule 6): a TV that answers nothing does not stay `ready`.
          await waitUntil(
            () =>
              hallState(h).connection !== 'ready' &&
              latestText(h, 'docent/hall/availability') === 'offline',
            30_000,
            'the broken TV reading offline',
          );
          expect(hallState(h)).toMatchObject({ catalog_size: 0 });
        } finally {
          await h.stop();
        }
      } finally {
        await faulty.stop();
      }
    },
    60_000,
  );

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
