import { newestFirst, parseImageDate } from '../../src/ai/catalogue-order.js';

describe('the background description order', () => {
  test('puts the newest artworks first by the TV image date', () => {
    const order = newestFirst([
      { contentId: 'MY_F0001', imageDate: '2024:01:05 10:00:00' },
      { contentId: 'MY_F0002', imageDate: '2025:05:20 01:53:44' },
      { contentId: 'MY_F0003', imageDate: '2025:05:20 01:53:40' },
    ]);

    expect(order).toEqual(['MY_F0002', 'MY_F0003', 'MY_F0001']);
  });

  test('keeps the TV order for ties and puts undated artworks last', () => {
    const order = newestFirst([
      { contentId: 'A', imageDate: null },
      { contentId: 'B', imageDate: '2023:02:01 00:00:00' },
      { contentId: 'C', imageDate: 'not a date' },
      { contentId: 'D', imageDate: '2023:02:01 00:00:00' },
      'E',
    ]);

    expect(order).toEqual(['B', 'D', 'A', 'C', 'E']);
  });

  test('reads a date whose seconds the TV truncated to the minute, and refuses impossible months', () => {
    expect(parseImageDate('2025:05:20 07:30:5')).toBe(Date.UTC(2025, 4, 20, 7, 30, 0));
    expect(parseImageDate('2025-13-01')).toBeNull();
    expect(parseImageDate(undefined)).toBeNull();
  });
});
