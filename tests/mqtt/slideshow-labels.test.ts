import {
  intervalLabel,
  intervalOptions,
  minutesOfLabel,
  SLIDESHOW_PRESET_MINUTES,
} from '../../src/mqtt/slideshow-labels.js';

describe('slideshow interval labels', () => {
  test.each([
    [3, '3 minutes'],
    [1, '1 minute'],
    [60, '1 hour'],
    [90, '90 minutes'],
    [720, '12 hours'],
    [1440, '1 day'],
    [10_080, '7 days'],
  ])('%i minutes read "%s" and back', (minutes, label) => {
    expect(intervalLabel(minutes)).toBe(label);
    expect(minutesOfLabel(label)).toBe(minutes);
  });

  test.each(['often', '', '5', 'five minutes', '3 weeks', '-1 hour'])(
    'refuses "%s" as a label',
    (label) => {
      expect(minutesOfLabel(label)).toBeNull();
    },
  );

  test('offers the presets, and the TV interval when it is another one', () => {
    expect(intervalOptions(null)).toHaveLength(SLIDESHOW_PRESET_MINUTES.length);
    expect(intervalOptions(15)).toHaveLength(SLIDESHOW_PRESET_MINUTES.length);
    expect(intervalOptions(30)).toEqual([
      '3 minutes',
      '15 minutes',
      '30 minutes',
      '1 hour',
      '12 hours',
      '1 day',
      '7 days',
    ]);
  });
});
