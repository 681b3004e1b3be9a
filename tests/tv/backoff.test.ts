import { nextBackoffDelayMs } from '../../src/tv/backoff.js';

const settings = { initialMs: 1000, maxMs: 60_000 };

describe('nextBackoffDelayMs', () => {
  it.each([
    [0, 1000],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [7, 60_000],
    [500, 60_000],
  ])('after %i failures the window is %i ms', (failures, windowMs) => {
    expect(nextBackoffDelayMs(failures, settings, () => 1)).toBe(windowMs);
    expect(nextBackoffDelayMs(failures, settings, () => 0)).toBe(0);
  });

  it('spreads delays over the whole window (full jitter)', () => {
    expect(nextBackoffDelayMs(3, settings, () => 0.5)).toBe(2000);
  });
});
