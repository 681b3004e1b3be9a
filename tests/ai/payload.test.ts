import {
  MAX_SENSOR_STATE_CHARS,
  toDescriptionPayload,
  toSensorAttributes,
  toSensorState,
} from '../../src/ai/payload.js';
import type { ArtworkDescription } from '../../src/ai/schema.js';

const DESCRIPTION: ArtworkDescription = {
  title: 'Water Lilies',
  artist: 'Claude Monet',
  year: '1906',
  medium: 'oil on canvas',
  style: 'Impressionism',
  mood: 'calm',
  description: 'Lilies float on a pond that mirrors the sky.',
  tags: ['pond', 'flowers'],
  confidence: 0.876,
};

describe('toSensorState', () => {
  test.each([
    ['title and artist', DESCRIPTION, 'Water Lilies — Claude Monet'],
    [
      'the title alone for an unknown artist',
      { ...DESCRIPTION, artist: 'Unknown' },
      'Water Lilies',
    ],
  ])('shows %s', (_name, description, expected) => {
    expect(toSensorState(description)).toBe(expected);
  });

  test('stays within the 255-character state limit', () => {
    const state = toSensorState({
      ...DESCRIPTION,
      title: 'T'.repeat(200),
      artist: 'A'.repeat(200),
    });

    expect(state.length).toBeLessThanOrEqual(MAX_SENSOR_STATE_CHARS);
    expect(state.endsWith('…')).toBe(true);
  });
});

describe('toDescriptionPayload', () => {
  test('uses snake_case keys and carries who wrote it and when', () => {
    const payload = toDescriptionPayload(DESCRIPTION, {
      contentId: 'MY_F0001',
      model: 'gpt-4o-mini',
      language: 'en',
      describedAt: '2026-01-10T12:00:00.000Z',
    });

    expect(payload).toEqual({
      content_id: 'MY_F0001',
      title: 'Water Lilies',
      artist: 'Claude Monet',
      year: '1906',
      medium: 'oil on canvas',
      style: 'Impressionism',
      mood: 'calm',
      description: 'Lilies float on a pond that mirrors the sky.',
      tags: ['pond', 'flowers'],
      confidence: 0.88,
      model: 'gpt-4o-mini',
      language: 'en',
      described_at: '2026-01-10T12:00:00.000Z',
    });
  });

  test('gives attributes well under the recorder limit of 16 KB', () => {
    const attributes = toSensorAttributes({
      ...DESCRIPTION,
      description: 'd'.repeat(1200),
      tags: Array.from({ length: 12 }, (_, i) => `tag-${i}`.padEnd(40, 'x')),
    });

    expect(Buffer.byteLength(JSON.stringify(attributes))).toBeLessThan(16_384);
  });
});
