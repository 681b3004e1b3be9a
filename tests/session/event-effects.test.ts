import { effectOf } from '../../src/session/event-effects.js';
import type { CurrentArtwork } from '../../src/tv/types.js';

const shown: CurrentArtwork = {
  contentId: 'MY_F0001',
  categoryId: 'MY-C0002',
  matteId: 'shadowbox_polar',
  portraitMatteId: 'flexible_polar',
  contentType: 'mobile',
};

describe('what a TV broadcast changes', () => {
  test.each([
    ['art mode on', { kind: 'art_mode', on: true } as const, { artMode: 'on' }],
    ['art mode off', { kind: 'art_mode', on: false } as const, { artMode: 'off' }],
    [
      'slideshow settings',
      { kind: 'slideshow', value: '15', categoryId: 'MY-C0004', type: 'shuffleslideshow' } as const,
      { slideshow: { value: '15', categoryId: 'MY-C0004', type: 'shuffleslideshow' } },
    ],
    [
      'an upload',
      { kind: 'catalog_changed', contentId: 'MY_F0099' } as const,
      { rereadCatalog: true },
    ],
    [
      'going to standby (also the motion timer)',
      { kind: 'standby' } as const,
      { power: 'standby' },
    ],
    ['waking up', { kind: 'wakeup' } as const, { power: 'wakeup' }],
    [
      'a favourite toggled on the TV',
      { kind: 'favourite', contentId: 'SAM-S0700', on: true } as const,
      { favourite: { contentId: 'SAM-S0700', on: true } },
    ],
    [
      'a brightness change broadcast by older firmware',
      { kind: 'setting', name: 'brightness', value: 6 } as const,
      { setting: { name: 'brightness', value: 6 } },
    ],
    ['a panel rotation', { kind: 'rotation', rotation: 'portrait' } as const, {}],
  ])('%s', (_name, event, expected) => {
    expect(effectOf(event, shown)).toEqual(expected);
  });

  test('a slideshow step to another artwork forgets the old matte', () => {
    const effect = effectOf(
      { kind: 'artwork', source: 'slideshow', current: { contentId: 'MY_F0002' } },
      shown,
    );

    expect(effect.current).toEqual({
      contentId: 'MY_F0002',
      categoryId: null,
      matteId: null,
      portraitMatteId: null,
      contentType: null,
    });
  });

  test('a repeated select of the shown artwork keeps what the event does not say', () => {
    const effect = effectOf(
      { kind: 'artwork', source: 'select', current: { contentId: 'MY_F0001', matteId: 'none' } },
      shown,
    );

    expect(effect.current).toEqual({ ...shown, matteId: 'none' });
  });

  test('a matte change applies to the shown artwork only', () => {
    const own = {
      kind: 'matte',
      contentId: 'MY_F0001',
      matteId: 'modern_black',
      portraitMatteId: null,
    } as const;
    const other = { ...own, contentId: 'MY_F0077' };

    expect(effectOf(own, shown).current).toEqual({ ...shown, matteId: 'modern_black' });
    expect(effectOf(other, shown)).toEqual({});
    expect(effectOf(own, null)).toEqual({});
  });
});
