import {
  idAt,
  percentile,
  planSelects,
  ratio,
  seededRandom,
  summarize,
} from '../../bench/stats.js';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles, so p99 of few samples is the slowest one', () => {
    const values = [30, 10, 20, 40, 1000];

    expect(percentile(values, 50)).toBe(30);
    expect(percentile(values, 99)).toBe(1000);
    expect(percentile([], 50)).toBeNull();
    expect(summarize(values)).toEqual({ count: 5, p50Ms: 30, p99Ms: 1000, maxMs: 1000 });
  });

  it('gives no ratio when a side is missing or zero', () => {
    expect(ratio(300, 200)).toBe(1.5);
    expect(ratio(null, 200)).toBeNull();
    expect(ratio(300, 0)).toBeNull();
  });

  it('replays the same clicks from the same seed', () => {
    const first = planSelects(524, 15, 200, seededRandom(7));
    const again = planSelects(524, 15, 200, seededRandom(7));
    const other = planSelects(524, 15, 200, seededRandom(8));

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    for (const planned of first) {
      expect(planned.artworkIndex).toBeGreaterThanOrEqual(0);
      expect(planned.artworkIndex).toBeLessThan(524);
      expect(planned.delayMs).toBeGreaterThanOrEqual(0);
      expect(planned.delayMs).toBeLessThanOrEqual(400);
    }
  });

  it('maps a planned click to the content id at its index', () => {
    expect(idAt(['MY_F0002', 'MY_F0001'], { artworkIndex: 1, delayMs: 0 })).toBe('MY_F0001');
    expect(idAt(['MY_F0001'], { artworkIndex: 3, delayMs: 0 })).toBe('');
  });
});
