import type { ProfileName } from '../../src/sim/profile.js';
import { parseTvEvent, type TvEvent } from '../../src/tv/events.js';
import type { ArtEvent } from '../../src/tv/types.js';
import { type SimApi, startSimApi } from './sim-api-fixture.js';

const ev = (event: string, fields: Record<string, unknown> = {}): ArtEvent => ({
  event,
  fields: { event, ...fields },
});

describe('parseTvEvent', () => {
  it.each<[string, ArtEvent, TvEvent | null]>([
    // Kinds the session already consumes keep their shape.
    ['art mode', ev('art_mode_changed', { status: 'on' }), { kind: 'art_mode', on: true }],
    [
      'selection',
      ev('image_selected', { content_id: 'MY_F0003', matte_id: 'none', is_shown: 'Yes' }),
      {
        kind: 'artwork',
        source: 'select',
        current: {
          contentId: 'MY_F0003',
          matteId: 'none',
          portraitMatteId: null,
          categoryId: null,
        },
      },
    ],
    [
      'slideshow step',
      ev('slideshow_image_changed', { current_content_id: 'MY_F0004' }),
      { kind: 'artwork', source: 'slideshow', current: { contentId: 'MY_F0004' } },
    ],
    [
      'matte',
      ev('matte_changed', { content_id: 'MY_F0001', matte_id: 'modern_polar' }),
      { kind: 'matte', contentId: 'MY_F0001', matteId: 'modern_polar', portraitMatteId: null },
    ],
    [
      'slideshow settings',
      ev('slideshow_changed', { value: '15', category_id: 'MY-C0002', type: 'slideshow' }),
      { kind: 'slideshow', value: '15', categoryId: 'MY-C0002', type: 'slideshow' },
    ],
    ['standby', ev('go_to_standby'), { kind: 'standby' }],
    ['wakeup', ev('wakeup'), { kind: 'wakeup' }],
    [
      'upload',
      ev('image_added', { content_id: 'MY_F0009' }),
      { kind: 'catalog_changed', contentId: 'MY_F0009' },
    ],
    // New kinds (§5).
    [
      'favourite on',
      ev('favorite_changed', { content_id: 'SAM-S0001', status: 'on' }),
      { kind: 'favourite', contentId: 'SAM-S0001', on: true },
    ],
    [
      'favourite off, upper case',
      ev('favorite_changed', { content_id: 'SAM-S0001', status: 'OFF' }),
      { kind: 'favourite', contentId: 'SAM-S0001', on: false },
    ],
    ['favourite without status', ev('favorite_changed', { content_id: 'SAM-S0001' }), null],
    [
      'brightness as a number',
      ev('brightness_changed', { value: 7 }),
      { kind: 'setting', name: 'brightness', value: 7 },
    ],
    [
      'colour temperature as text',
      ev('color_temperature_changed', { value: '-2' }),
      { kind: 'setting', name: 'color_temperature', value: -2 },
    ],
    ['brightness not a number', ev('brightness_changed', { value: 'bright' }), null],
    [
      'rotation to portrait',
      ev('rotation_changed', { current_rotation_status: 2 }),
      { kind: 'rotation', rotation: 'portrait' },
    ],
    [
      'rotation to landscape as text',
      ev('rotation_changed', { current_rotation_status: '1' }),
      { kind: 'rotation', rotation: 'landscape' },
    ],
    ['rotation unknown', ev('rotation_changed', { current_rotation_status: 3 }), null],
    [
      'recents as a JSON string of items',
      ev('recently_set_updated', {
        recently_set_list: JSON.stringify([{ content_id: 'MY_F0002' }, { content_id: 'SAM-S1' }]),
      }),
      { kind: 'recently_set', contentIds: ['MY_F0002', 'SAM-S1'] },
    ],
    [
      'recents as an array of ids',
      ev('recently_set_updated', { recently_set_list: ['MY_F0002'] }),
      { kind: 'recently_set', contentIds: ['MY_F0002'] },
    ],
    [
      'recents without a readable list',
      ev('recently_set_updated', { recently_set_list: '{not json' }),
      { kind: 'recently_set', contentIds: null },
    ],
    ['something else', ev('preview_started'), null],
  ])('reads %s', (_name, event, expected) => {
    expect(parseTvEvent(event)).toEqual(expected);
  });
});

describe('new events as the simulator broadcasts them', () => {
  let t: SimApi | null = null;

  afterEach(async () => {
    await t?.stop();
    t = null;
  });

  function nextEvent(sim: SimApi, kind: TvEvent['kind']): Promise<TvEvent> {
    return new Promise((resolve) => {
      const listener = (event: ArtEvent): void => {
        const parsed = parseTvEvent(event);
        if (parsed?.kind !== kind) return;
        sim.conn.off('event', listener);
        resolve(parsed);
      };
      sim.conn.on('event', listener);
    });
  }

  it.each(['2019', '2022', '2025'] as ProfileName[])(
    'reads favorite_changed after change_favorite (%s)',
    async (profile) => {
      t = await startSimApi(profile, { artworks: 5 });
      const target = t.sim.contentIds()[1] ?? '';
      const event = nextEvent(t, 'favourite');

      await t.api.setFavourite(target, true);

      await expect(event).resolves.toEqual({ kind: 'favourite', contentId: target, on: true });
    },
  );

  it('reads brightness_changed from old firmware (2021)', async () => {
    t = await startSimApi('2021', { artworks: 5 });
    const event = nextEvent(t, 'setting');

    await t.api.settings.setBrightness(4);

    await expect(event).resolves.toEqual({ kind: 'setting', name: 'brightness', value: 4 });
  });
});
