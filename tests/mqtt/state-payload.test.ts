import { ENTITIES } from '../../src/mqtt/entities.js';
import { tvStatePayloadSchema } from '../../src/mqtt/state-payload.js';

const example = {
  connection: 'ready',
  power: 'art',
  pairing: 'paired',
  art_mode: 'on',
  artwork: 'MY_F0001',
  matte: 'none',
  current: { content_id: 'MY_F0001', matte_id: 'none', category_id: 'MY-C0002' },
  slideshow: {
    value: 'off',
    category_id: 'MY-C0002',
    type: 'slideshow',
    state: 'off',
    interval: '15 minutes',
    order: 'In order',
  },
  brightness: 25,
  color_temperature: 0,
  photo_filter: 'none',
  favourite: 'off',
  queue: { user: 0, sync: 0, background: 2 },
  sync: { done: 10, total: 524, running: true, failed: 0 },
  catalog_size: 524,
  last_error: null,
  description: null,
  ai: {
    status: 'ok',
    tokens_today: 3040,
    tokens_month: 9120,
    daily_limit: 100_000,
    monthly_limit: null,
    requests_today: 1,
    last_error: null,
  },
  browser: { query: '', filter: 'all', pick: null, matches: 524 },
  updated_at: '2026-01-02T03:04:05.000Z',
};

describe('TV state payload', () => {
  it('accepts the documented example', () => {
    expect(tvStatePayloadSchema.safeParse(example).success).toBe(true);
  });

  it('accepts unknowns as null while the TV has not answered', () => {
    const cold = {
      ...example,
      connection: 'offline',
      power: null,
      art_mode: null,
      artwork: null,
      brightness: null,
      color_temperature: null,
      photo_filter: null,
      favourite: null,
    };

    expect(
      tvStatePayloadSchema.safeParse({ ...cold, matte: null, current: null, slideshow: null })
        .success,
    ).toBe(true);
  });

  it('holds every field the entity templates read', () => {
    const fields = new Set(Object.keys(tvStatePayloadSchema.shape));
    const read = ENTITIES.flatMap((spec) => Object.values(spec.fixed))
      .filter((value): value is string => typeof value === 'string')
      .flatMap((template) => [...template.matchAll(/value_json\.([a-z_]+)/g)].map((m) => m[1]));

    expect(read.length).toBeGreaterThan(4);
    for (const field of read) expect(fields).toContain(field);
  });

  it('holds every nested field the entity templates read, in the example', () => {
    const paths = ENTITIES.flatMap((spec) => Object.values(spec.fixed))
      .filter((value): value is string => typeof value === 'string')
      .flatMap((template) => [...template.matchAll(/value_json\.([a-z_.]+)/g)].map((m) => m[1]));
    const parsed = tvStatePayloadSchema.parse(example) as Record<string, unknown>;

    for (const path of paths) {
      const levels = (path ?? '').split('.');
      let node: unknown = parsed;
      for (const level of levels.slice(0, -1)) node = (node as Record<string, unknown>)[level];
      // Nested objects may be null (no current artwork); when present they hold the leaf.
      if (node !== null) expect(Object.keys(node as object)).toContain(levels.at(-1));
    }
  });
});
