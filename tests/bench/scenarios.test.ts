import { Cleanup } from '../../bench/cleanup.js';
import { runDocentScenario } from '../../bench/scenario-docent.js';
import { runNaiveScenario } from '../../bench/scenario-naive.js';
import { planSelects, seededRandom } from '../../bench/stats.js';
import { silentLogger } from '../../src/log.js';

const ARTWORKS = 20;
const SCALE = 0.2;

describe('bench scenarios on a small catalog', () => {
  const cleanup = new Cleanup();
  const random = seededRandom(1);
  const duringSync = planSelects(ARTWORKS, 3, 30, random);
  const idle = planSelects(ARTWORKS, 3, 10, random);

  afterEach(async () => {
    await cleanup.runAll(silentLogger());
  });

  it('runs the daemon once against the simulator with one art socket, then warm-starts from its cache', async () => {
    const result = await runDocentScenario(
      {
        artworks: ARTWORKS,
        daemon: 'tsx',
        latencyScale: SCALE,
        chunkTargetMs: 100,
        duringSync,
        idle,
        syncTimeoutMs: 30_000,
        selectTimeoutMs: 10_000,
      },
      { cleanup, log: silentLogger() },
    );

    expect(result.sockets).toEqual({ opened: 1, maxOpen: 1, dropped: 0 });
    expect(result.sync.thumbnails).toBe(ARTWORKS);
    expect(result.selects.filter((s) => s.phase === 'idle').map((s) => s.status)).toEqual([
      'ok',
      'ok',
      'ok',
    ]);
    expect(result.process?.peakRssBytes).toBeGreaterThan(0);
    expect(result.warmStart).toMatchObject({ thumbnailsSeen: ARTWORKS, error: null });
  }, 60_000);

  it('runs the naive client into dropped sockets during its prefetch', async () => {
    const result = await runNaiveScenario(
      {
        artworks: ARTWORKS,
        latencyScale: SCALE,
        duringSync: planSelects(ARTWORKS, 3, 5, seededRandom(2)),
        idle,
        syncTimeoutMs: 30_000,
        requestTimeoutMs: 5_000,
      },
      { cleanup, log: silentLogger() },
    );

    expect(result.sockets.opened).toBeGreaterThan(3);
    expect(result.sockets.maxOpen).toBe(2);
    expect(result.client.errors).toBeGreaterThan(0);
    expect(result.selects.filter((s) => s.phase === 'idle').every((s) => s.status === 'ok')).toBe(
      true,
    );
  }, 60_000);
});
