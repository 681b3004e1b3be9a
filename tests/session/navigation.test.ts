import { shuffleArtwork, stepArtwork } from '../../src/session/navigation.js';

const ids = ['MY_F0003', 'MY_F0002', 'MY_F0001'];

describe('next and previous artwork', () => {
  test.each<[string | null, 1 | -1, string | null]>([
    ['MY_F0003', 1, 'MY_F0002'],
    ['MY_F0001', 1, 'MY_F0003'],
    ['MY_F0003', -1, 'MY_F0001'],
    ['MY_F0002', -1, 'MY_F0003'],
    [null, 1, 'MY_F0003'],
    [null, -1, 'MY_F0001'],
    ['SAM-S0700', 1, 'MY_F0003'],
  ])('from %s by %d is %s', (current, step, expected) => {
    expect(stepArtwork(ids, current, step)).toBe(expected);
  });

  test('an empty catalogue has no next artwork', () => {
    expect(stepArtwork([], 'MY_F0001', 1)).toBeNull();
  });
});

describe('shuffle', () => {
  test('never picks the artwork already shown when there is another', () => {
    for (const r of [0, 0.34, 0.5, 0.99]) {
      expect(shuffleArtwork(ids, 'MY_F0002', () => r)).not.toBe('MY_F0002');
    }
    expect(shuffleArtwork(ids, 'MY_F0002', () => 0)).toBe('MY_F0003');
    expect(shuffleArtwork(ids, 'MY_F0002', () => 0.99)).toBe('MY_F0001');
  });

  test('shows the only artwork again, and nothing for an empty catalogue', () => {
    expect(shuffleArtwork(['MY_F0001'], 'MY_F0001', () => 0.5)).toBe('MY_F0001');
    expect(shuffleArtwork([], null, () => 0.5)).toBeNull();
  });
});
