import type { ProfileName } from '../../src/sim/profile.js';
import { parseTvEvent, parseTvNotice, type TvEvent, type TvNotice } from '../../src/tv/events.js';
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
    // Every catalogue change means "read it again" (§5), whatever its fields say.
    [
      'upload',
      ev('image_added', { content_id: 'MY_F0009' }),
      { kind: 'catalog_changed', contentId: 'MY_F0009', change: 'added' },
    ],
    [
      'delete',
      ev('image_deleted', { content_id: 'MY_F0009' }),
      { kind: 'catalog_changed', contentId: 'MY_F0009', change: 'deleted' },
    ],
    [
      'multi-upload list',
      ev('image_list_added', { content_list: JSON.stringify([{ content_id: 'MY_F0010' }]) }),
      { kind: 'catalog_changed', contentId: null, change: 'list_added' },
    ],
    [
      'one image of a multi-upload',
      ev('image_of_list_added', { file_name: 'lake.jpg', content_id: 'MY_F0011' }),
      { kind: 'catalog_changed', contentId: 'MY_F0011', change: 'added' },
    ],
    [
      'one image of a multi-upload, id unreadable',
      ev('image_of_list_added', { content_id: { id: 11 } }),
      { kind: 'catalog_changed', contentId: null, change: 'added' },
    ],
    [
      'My Photos reset',
      ev('notify.reset_my_photo'),
      { kind: 'catalog_changed', contentId: null, change: 'reset' },
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
    ['a notice, not an event', ev('preview_started'), null],
    ['something else', ev('buy_checkout_finished'), null],
  ])('reads %s', (_name, event, expected) => {
    expect(parseTvEvent(event)).toEqual(expected);
  });
});

describe('parseTvNotice', () => {
  it.each<[string, ArtEvent, TvNotice | null]>([
    ['preview started', ev('preview_started'), { kind: 'preview', active: true }],
    ['preview stopped', ev('preview_stopped'), { kind: 'preview', active: false }],
    [
      'server sync starting',
      ev('notify.sync_server', { status: 'start' }),
      { kind: 'server_sync', phase: 'start' },
    ],
    [
      'server sync finished, upper case',
      ev('notify.sync_server', { status: 'FINISH' }),
      { kind: 'server_sync', phase: 'finish' },
    ],
    ['server sync, unknown status', ev('notify.sync_server', { status: 'later' }), null],
    ['server sync without status', ev('notify.sync_server'), null],
    ['an event, not a notice', ev('art_mode_changed', { status: 'on' }), null],
  ])('reads %s', (_name, event, expected) => {
    expect(parseTvNotice(event)).toEqual(expected);
  });
});

describe('new events as the simulator broadcasts them', () => {
  let t: SimApi | null = null;

  afterEach(async () => {
    await t?.stop();
    t = null;
  });

  /** The next art event that `parse` reads as `kind`. */
  function nextOf<T extends { kind: string }>(
    sim: SimApi,
    parse: (event: ArtEvent) => T | null,
    kind: T['kind'],
  ): Promise<T> {
    return new Promise((resolve) => {
      const listener = (event: ArtEvent): void => {
        const parsed = parse(event);
        if (parsed?.kind !== kind) return;
        sim.conn.off('event', listener);
        resolve(parsed);
      };
      sim.conn.on('event', listener);
    });
  }

  const nextEvent = (sim: SimApi, kind: TvEvent['kind']): Promise<TvEvent> =>
    nextOf(sim, parseTvEvent, kind);

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

  it('reads image_deleted after delete_image_list as a catalogue change (2025)', async () => {
    t = await startSimApi('2025', { artworks: 5 });
    const target = t.sim.contentIds()[0] ?? '';
    const event = nextEvent(t, 'catalog_changed');

    await t.api.deleteArtworks([target]);

    await expect(event).resolves.toEqual({
      kind: 'catalog_changed',
      contentId: target,
      change: 'deleted',
    });
  });

  it('reads preview_started and preview_stopped around a preview (2025)', async () => {
    t = await startSimApi('2025', { artworks: 5 });
    const started = nextOf(t, parseTvNotice, 'preview');

    await t.conn.request('start_preview');
    await expect(started).resolves.toEqual({ kind: 'preview', active: true });
    const stopped = nextOf(t, parseTvNotice, 'preview');
    await t.conn.request('stop_preview');

    await expect(stopped).resolves.toEqual({ kind: 'preview', active: false });
  });
});
