import fc from 'fast-check';
import { ChunkSizer } from '../../src/queue/chunk-sizer.js';

/** Feeds the sizer `chunks` chunks of a TV that needs `perItemMs(i)` per item; returns durations. */
function simulate(sizer: ChunkSizer, chunks: number, perItemMs: (chunk: number) => number) {
  const durationsMs: number[] = [];
  const sizes: number[] = [];
  for (let chunk = 0; chunk < chunks; chunk++) {
    const items = sizer.next();
    const durationMs = items * perItemMs(chunk);
    sizes.push(items);
    durationsMs.push(durationMs);
    sizer.record(items, durationMs);
  }

  return { durationsMs, sizes };
}

describe('ChunkSizer', () => {
  it('starts at the initial size, clamped to [min, max]', () => {
    expect(new ChunkSizer({ targetMs: 1_000 }).next()).toBe(4);
    expect(new ChunkSizer({ targetMs: 1_000, initial: 10 }).next()).toBe(10);
    expect(new ChunkSizer({ targetMs: 1_000, initial: 100, max: 20 }).next()).toBe(20);
    expect(new ChunkSizer({ targetMs: 1_000, initial: 0, min: 2 }).next()).toBe(2);
  });

  it.each([
    // [perItemMs, targetMs, expected size]
    [100, 1_000, 10],
    [300, 1_000, 3],
    [999, 1_000, 1],
    [5_000, 1_000, 1],
    [1, 1_000, 50],
    [0, 1_000, 50],
  ])(
    'sizes chunks from a measured %i ms per item (target %i ms) to %i items',
    (perItemMs, targetMs, size) => {
      const sizer = new ChunkSizer({ targetMs });

      sizer.record(4, 4 * perItemMs);

      expect(sizer.next()).toBe(size);
    },
  );

  it('follows a TV that slows down', () => {
    const sizer = new ChunkSizer({ targetMs: 2_000 });

    const fast = simulate(sizer, 5, () => 100);
    const slow = simulate(sizer, 6, () => 1_000);

    expect(fast.sizes.at(-1)).toBe(20);
    expect(slow.sizes.at(-1)).toBe(2);
    expect(slow.durationsMs.at(-1)).toBe(2_000);
  });

  it('ignores nonsense measurements', () => {
    const sizer = new ChunkSizer({ targetMs: 1_000 });
    sizer.record(10, 1_000);

    sizer.record(0, 500);
    sizer.record(5, -1);
    sizer.record(5, Number.NaN);
    sizer.record(5, Number.POSITIVE_INFINITY);

    expect(sizer.next()).toBe(10);
  });

  it.each([
    [{ targetMs: 0 }],
    [{ targetMs: -5 }],
    [{ targetMs: 1_000, min: 0 }],
    [{ targetMs: 1_000, min: 10, max: 5 }],
    [{ targetMs: 1_000, smoothing: 0 }],
  ])('rejects options %j', (options) => {
    expect(() => new ChunkSizer(options)).toThrow(RangeError);
  });

  it('keeps chunk durations near the target for any steady per-item time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 200, max: 5_000 }),
        fc.integer({ min: 1, max: 50 }),
        (perItemMs, targetMs, initial) => {
          const max = 50;
          const sizer = new ChunkSizer({ targetMs, initial, max });

          const { durationsMs, sizes } = simulate(sizer, 8, () => perItemMs);

          for (const [i, durationMs] of durationsMs.entries()) {
            if (i < 2) continue;
            if (perItemMs > targetMs) {
              expect(sizes[i]).toBe(1);
              expect(durationMs).toBe(perItemMs);
            } else if (max * perItemMs < 0.5 * targetMs) {
              expect(sizes[i]).toBe(max);
            } else {
              expect(durationMs).toBeGreaterThanOrEqual(0.5 * targetMs);
              expect(durationMs).toBeLessThanOrEqual(1.5 * targetMs);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays near the target when per-item times jitter by up to 5 %', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 200, max: 5_000 }),
        fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), {
          minLength: 12,
          maxLength: 12,
        }),
        (perItemMs, targetMs, jitter) => {
          const max = 10_000;
          const sizer = new ChunkSizer({ targetMs, max });

          const { durationsMs } = simulate(
            sizer,
            jitter.length,
            (chunk) => perItemMs * (1 + (jitter[chunk] ?? 0)),
          );

          for (const durationMs of durationsMs.slice(3)) {
            if (perItemMs * 1.05 > targetMs) {
              // One item already exceeds the target: one item per chunk, as short as it gets.
              expect(durationMs).toBeLessThanOrEqual(perItemMs * 1.05 * 1.001);
              continue;
            }
            expect(durationMs).toBeGreaterThanOrEqual(0.4 * targetMs);
            expect(durationMs).toBeLessThanOrEqual(1.5 * targetMs);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
