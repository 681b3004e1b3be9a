import type { SelectRecord } from '../../bench/results.js';
import type { DocentResult } from '../../bench/scenario-docent.js';
import type { NaiveResult } from '../../bench/scenario-naive.js';
import { checkTargets, figuresOf, renderTable, type SizeResult } from '../../bench/table.js';

function selects(phase: SelectRecord['phase'], latencies: number[]): SelectRecord[] {
  return latencies.map((latencyMs) => ({ phase, contentId: 'MY_F0001', status: 'ok', latencyMs }));
}

function docent(overrides: Partial<DocentResult> = {}): DocentResult {
  return {
    entry: 'src/main.ts',
    selects: [...selects('sync', [100, 120, 140]), ...selects('idle', [100, 100, 100])],
    sockets: { opened: 1, maxOpen: 1, dropped: 0 },
    sync: { durationMs: 11_000, serviceLowerBoundMs: 10_000, thumbnails: 524 },
    process: { peakRssBytes: 100 * 1024 * 1024, cpuMs: 4_000 },
    discoveryBytes: 20_964,
    warmStart: {
      discoveryMs: 400,
      catalogMs: 500,
      thumbnailsMs: 900,
      thumbnailsExpected: 524,
      thumbnailsSeen: 524,
      error: null,
    },
    ...overrides,
  };
}

const naive: NaiveResult = {
  selects: [...selects('sync', [1000, 3000]), ...selects('idle', [50])],
  sockets: { opened: 80, maxOpen: 2, dropped: 40 },
  sync: { durationMs: 30_000, serviceLowerBoundMs: 15_000, thumbnails: 400 },
  prefetch: { batches: 53, failedBatches: 12, thumbnails: 400 },
  client: {
    operations: 70,
    socketsOpened: 80,
    errors: 33,
    errorsByCode: { SOCKET_CLOSED: 33 },
    failedOperations: 12,
    thumbnailsReceived: 400,
  },
  prefetchTimedOut: false,
};

describe('bench table and targets', () => {
  it('passes every target for a run that meets them', () => {
    const results: SizeResult[] = [
      { artworks: 5000, docent: { ok: true, value: docent() }, naive: { ok: true, value: naive } },
    ];

    const checks = checkTargets(results);

    expect(checks.map((c) => c.verdict)).toEqual(['PASS', 'PASS', 'PASS', 'PASS', 'PASS']);
  });

  it('misses the socket, sync, warm start and memory targets when they are exceeded', () => {
    const slow = docent({
      sockets: { opened: 2, maxOpen: 2, dropped: 2 },
      sync: { durationMs: 12_000, serviceLowerBoundMs: 10_000, thumbnails: 5000 },
      process: { peakRssBytes: 200 * 1024 * 1024, cpuMs: 1 },
      selects: [...selects('sync', [100, 400]), ...selects('idle', [100, 100])],
    });
    const checks = checkTargets([
      { artworks: 5000, docent: { ok: true, value: slow }, naive: { ok: true, value: naive } },
    ]);

    expect(checks.filter((c) => c.verdict === 'MISS').map((c) => c.target)).toEqual([
      'select p99 during sync <= 1.5 x idle',
      'exactly one art socket opened, never two open',
      'sync time <= 1.15 x TV service lower bound',
      'peak RSS <= 150 MB',
    ]);
  });

  it('applies the latency ratio target only to 524 and 5,000 artworks', () => {
    const checks = checkTargets([
      { artworks: 61, docent: { ok: true, value: docent() }, naive: { ok: true, value: naive } },
    ]);

    expect(checks.some((c) => c.target.startsWith('select p99'))).toBe(false);
  });

  it('derives the ratios from the raw figures', () => {
    const figures = figuresOf(naive);

    expect(figures.p50Ratio).toBe(20);
    expect(figures.p99Ratio).toBe(60);
    expect(figures.syncRatio).toBe(2);
    expect(figures).toMatchObject({ okDuringSync: 2, firedDuringSync: 2, okIdle: 1, firedIdle: 1 });
  });

  it('prints one column per size and client, and says which run failed', () => {
    const table = renderTable([
      {
        artworks: 61,
        docent: { ok: false, error: 'daemon exited\n  at x' },
        naive: { ok: true, value: naive },
      },
    ]);

    expect(table.split('\n')[0]).toMatch(/metric\s+61 docent\s+61 naive/);
    expect(table).toMatch(/art sockets opened\s+failed\s+80/);
    expect(table).toContain('61 docent failed: daemon exited at x');
  });

  it('reports the largest discovery payload of a Docent run', () => {
    const table = renderTable([
      { artworks: 5000, docent: { ok: true, value: docent() }, naive: { ok: true, value: naive } },
    ]);

    expect(table).toMatch(/largest discovery payload \(bytes\)\s+20964\s/);
  });
});
