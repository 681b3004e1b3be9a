import { NaiveClient } from '../../bench/naive-client.js';
import type { SimProfile, SimulatedFrame } from '../../src/sim/index.js';
import { startSimulatedFrame } from '../../src/sim/index.js';

/** Starts the prefetch, clicks once 60 ms into it, then stops the client and lets it settle. */
async function clickDuringPrefetch(frame: SimulatedFrame, naive: NaiveClient): Promise<void> {
  const ids = frame.contentIds();
  const prefetch = naive.prefetchThumbnails(ids);
  await new Promise((resolve) => setTimeout(resolve, 60));
  await naive.select(ids[3] ?? '').catch(() => undefined);
  naive.stop();
  await prefetch;
}

describe('naive reference client', () => {
  let sim: SimulatedFrame | undefined;
  let client: NaiveClient | undefined;

  afterEach(async () => {
    client?.stop();
    client = undefined;
    await sim?.stop();
    sim = undefined;
  });

  async function setUp(
    artworks: number,
    latency: 'none' | 'realistic',
    latencyScale: number,
    profile: Partial<SimProfile> = {},
  ) {
    const frame = await startSimulatedFrame({ artworks, latency, latencyScale, profile });
    sim = frame;
    const naive = new NaiveClient({
      host: frame.host,
      port: frame.securePort,
      secure: true,
      latencyScale,
      requestTimeoutMs: 5_000,
    });
    client = naive;

    return { frame, naive };
  }

  it('opens a new art socket for every operation', async () => {
    const { frame, naive } = await setUp(12, 'none', 1);

    const ids = await naive.loadCatalog();
    const target = ids[5] ?? '';
    await naive.select(target);

    expect(ids).toEqual(frame.contentIds());
    expect(frame.state().currentContentId).toBe(target);
    expect(frame.counters().artConnectionsOpened).toBe(2);
    expect(naive.counters()).toMatchObject({ socketsOpened: 2, errors: 0, operations: 2 });
  });

  it('prefetches every thumbnail in batches of ten when nothing else runs', async () => {
    const { frame, naive } = await setUp(25, 'none', 1);

    const result = await naive.prefetchThumbnails(frame.contentIds());

    expect(result).toEqual({ batches: 3, failedBatches: 0, thumbnails: 25 });
    expect(frame.counters().thumbnailsSent).toBe(25);
    expect(frame.counters().artConnectionsOpened).toBe(3);
  });

  it('counts the dropped sockets when a click lands during a prefetch batch (drop-all TV)', async () => {
    const { frame, naive } = await setUp(40, 'realistic', 0.2, { multiClientPolicy: 'drop-all' });

    await clickDuringPrefetch(frame, naive);

    expect(frame.counters().maxArtConnectionsOpen).toBeGreaterThanOrEqual(2);
    expect(frame.counters().artConnectionsDropped).toBeGreaterThanOrEqual(2);
    expect(naive.counters().errorsByCode.SOCKET_CLOSED).toBeGreaterThanOrEqual(1);
  });

  it('loses the reply of a click that lands during a prefetch batch (misrouting TV)', async () => {
    const { frame, naive } = await setUp(40, 'realistic', 0.2, {
      multiClientPolicy: 'misroute-then-refuse',
    });

    await clickDuringPrefetch(frame, naive);

    expect(frame.counters().maxArtConnectionsOpen).toBeGreaterThanOrEqual(2);
    expect(frame.counters().artConnectionsDropped).toBe(0);
    expect(naive.counters().errors).toBeGreaterThanOrEqual(1);
  });

  it('sleeps between tries while holding the lock, so the next click waits', async () => {
    const { naive } = await setUp(5, 'none', 0.05);
    const finished: string[] = [];

    const failing = naive.select('MY_F9999').then(
      () => finished.push('unknown ok'),
      () => finished.push('unknown failed'),
    );
    const good = naive.select('MY_F0001').then(() => finished.push('good ok'));
    const started = Date.now();
    await Promise.all([failing, good]);

    expect(finished).toEqual(['unknown failed', 'good ok']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 100 - 5);
    expect(naive.counters()).toMatchObject({ errors: 3, failedOperations: 1 });
    expect(naive.counters().errorsByCode.TV_ERROR).toBe(3);
  });
});
