import { Catalog, type CatalogChange, isPortrait } from '../../src/catalog/catalog.js';
import type { Artwork, CurrentArtwork } from '../../src/tv/types.js';

function artwork(contentId: string, overrides: Partial<Artwork> = {}): Artwork {
  return {
    contentId,
    categoryId: 'MY-C0002',
    width: 3840,
    height: 2160,
    matteId: 'none',
    portraitMatteId: null,
    imageDate: null,
    contentType: null,
    ...overrides,
  };
}

const CURRENT: CurrentArtwork = {
  contentId: 'MY_F0001',
  categoryId: 'MY-C0002',
  matteId: 'none',
  portraitMatteId: null,
  contentType: 'mobile',
};

function recordChanges(catalog: Catalog): CatalogChange[] {
  const changes: CatalogChange[] = [];
  catalog.on('change', (change) => changes.push(change));

  return changes;
}

describe('Catalog', () => {
  it('holds the artworks in the TV order and finds them by content id', () => {
    const catalog = new Catalog();

    catalog.replaceArtworks([artwork('MY_F0002'), artwork('MY_F0001')]);

    expect(catalog.artworks().map((a) => a.contentId)).toEqual(['MY_F0002', 'MY_F0001']);
    expect(catalog.get('MY_F0001')?.contentId).toBe('MY_F0001');
    expect(catalog.get('MY_F9999')).toBeNull();
    expect(catalog.has('MY_F0002')).toBe(true);
    expect(catalog.has('MY_F9999')).toBe(false);
  });

  it('returns the diff and emits it when the content list changes', () => {
    const catalog = new Catalog();
    catalog.replaceArtworks([artwork('MY_F0001'), artwork('MY_F0002')]);
    const changes = recordChanges(catalog);

    const diff = catalog.replaceArtworks([
      artwork('MY_F0002', { matteId: 'modern_black' }),
      artwork('MY_F0003'),
    ]);

    expect(diff.added.map((a) => a.contentId)).toEqual(['MY_F0003']);
    expect(diff.removed).toEqual(['MY_F0001']);
    expect(diff.changed.map((a) => a.contentId)).toEqual(['MY_F0002']);
    expect(changes).toEqual([{ kind: 'artworks', diff }]);
    expect(catalog.has('MY_F0001')).toBe(false);
  });

  it('emits nothing when the TV sends the same list again', () => {
    const catalog = new Catalog();
    catalog.replaceArtworks([artwork('MY_F0001')]);
    const changes = recordChanges(catalog);

    catalog.replaceArtworks([artwork('MY_F0001')]);

    expect(changes).toEqual([]);
  });

  it('keeps its artworks safe from changes to the list it was given', () => {
    const catalog = new Catalog();
    const fresh = [artwork('MY_F0001')];

    catalog.replaceArtworks(fresh);
    const first = fresh[0];
    if (first) first.matteId = 'modern_black';

    expect(catalog.get('MY_F0001')?.matteId).toBe('none');
    expect(Object.isFrozen(catalog.get('MY_F0001'))).toBe(true);
  });

  it('emits current, mattes and art mode changes once each, not on repeats', () => {
    const catalog = new Catalog();
    const changes = recordChanges(catalog);

    catalog.setCurrent(CURRENT);
    catalog.setCurrent({ ...CURRENT });
    catalog.setMattes({ types: ['none'], colors: ['polar'] });
    catalog.setMattes({ types: ['none'], colors: ['polar'] });
    catalog.setArtMode('on');
    catalog.setArtMode('on');
    catalog.setArtMode('off');

    expect(changes.map((c) => c.kind)).toEqual(['current', 'mattes', 'artMode', 'artMode']);
    expect(catalog.current()).toEqual(CURRENT);
    expect(catalog.mattes()).toEqual({ types: ['none'], colors: ['polar'] });
    expect(catalog.artMode()).toBe('off');
  });

  it('emits when the current artwork changes matte', () => {
    const catalog = new Catalog();
    catalog.setCurrent(CURRENT);
    const changes = recordChanges(catalog);

    catalog.setCurrent({ ...CURRENT, matteId: 'shadowbox_polar' });

    expect(changes).toEqual([
      { kind: 'current', current: { ...CURRENT, matteId: 'shadowbox_polar' } },
    ]);
  });

  it('stamps the snapshot with the time of the last change', () => {
    let nowMs = Date.parse('2026-03-01T10:00:00.000Z');
    const catalog = new Catalog({ now: () => nowMs });

    nowMs += 60_000;
    catalog.setArtMode('on');
    nowMs += 60_000;
    catalog.setArtMode('on');

    expect(catalog.snapshot().updatedAt).toBe('2026-03-01T10:01:00.000Z');
  });

  it('comes back from its snapshot unchanged', () => {
    const catalog = new Catalog();
    catalog.replaceArtworks([
      artwork('MY_F0001'),
      artwork('SAM-F0206', { width: 2880, height: 3840 }),
    ]);
    catalog.setCurrent(CURRENT);
    catalog.setMattes({ types: ['none', 'modern'], colors: ['black'] });
    catalog.setArtMode('on');

    const restored = Catalog.fromSnapshot(catalog.snapshot());

    expect(restored.snapshot()).toEqual(catalog.snapshot());
    expect(restored.get('SAM-F0206')?.height).toBe(3840);
  });

  it('hands out snapshots that do not share state with the catalog', () => {
    const catalog = new Catalog();
    catalog.replaceArtworks([artwork('MY_F0001')]);
    catalog.setMattes({ types: ['none'], colors: ['polar'] });

    const snapshot = catalog.snapshot();
    snapshot.artworks.pop();
    snapshot.mattes?.types.push('modern');

    expect(catalog.artworks()).toHaveLength(1);
    expect(catalog.mattes()?.types).toEqual(['none']);
  });
});

describe('isPortrait', () => {
  it.each([
    [3840, 2160, false],
    [2880, 3840, true],
    [3840, 2880, false],
    [1000, 1000, false],
    [null, 3840, false],
    [2160, null, false],
  ])('width %p height %p is portrait: %p', (width, height, expected) => {
    expect(isPortrait({ width, height })).toBe(expected);
  });
});
