import { diffCatalog, isEmptyDiff } from '../../src/catalog/diff.js';
import type { Artwork } from '../../src/tv/types.js';

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

const A = artwork('MY_F0001');
const B = artwork('MY_F0002');
const C = artwork('SAM-F0206', { categoryId: 'MY-C0004' });

describe('diffCatalog', () => {
  it.each<
    [
      string,
      Artwork[],
      Artwork[],
      { added: string[]; removed: string[]; changed: string[]; unchanged: number },
    ]
  >([
    ['both empty', [], [], { added: [], removed: [], changed: [], unchanged: 0 }],
    [
      'first list from the TV',
      [],
      [A, B],
      { added: ['MY_F0001', 'MY_F0002'], removed: [], changed: [], unchanged: 0 },
    ],
    [
      'everything deleted',
      [A, B],
      [],
      { added: [], removed: ['MY_F0001', 'MY_F0002'], changed: [], unchanged: 0 },
    ],
    ['same list', [A, B], [A, B], { added: [], removed: [], changed: [], unchanged: 2 }],
    ['same list reordered', [A, B], [B, A], { added: [], removed: [], changed: [], unchanged: 2 }],
    [
      'one upload added',
      [A],
      [A, C],
      { added: ['SAM-F0206'], removed: [], changed: [], unchanged: 1 },
    ],
    [
      'one removed, one added',
      [A, B],
      [C, A],
      { added: ['SAM-F0206'], removed: ['MY_F0002'], changed: [], unchanged: 1 },
    ],
    [
      'matte changed',
      [A, B],
      [artwork('MY_F0001', { matteId: 'modern_black' }), B],
      { added: [], removed: [], changed: ['MY_F0001'], unchanged: 1 },
    ],
    [
      'size became known',
      [artwork('MY_F0001', { width: null })],
      [A],
      { added: [], removed: [], changed: ['MY_F0001'], unchanged: 0 },
    ],
    [
      'category moved',
      [C],
      [artwork('SAM-F0206')],
      { added: [], removed: [], changed: ['SAM-F0206'], unchanged: 0 },
    ],
    [
      'image date gained',
      [A],
      [artwork('MY_F0001', { imageDate: '2025:05:20 07:30:5' })],
      { added: [], removed: [], changed: ['MY_F0001'], unchanged: 0 },
    ],
    [
      'repeated id in the fresh list counts once',
      [A],
      [A, A, B],
      { added: ['MY_F0002'], removed: [], changed: [], unchanged: 1 },
    ],
  ])('%s', (_case, previous, fresh, expected) => {
    const diff = diffCatalog(previous, fresh);

    expect({
      added: diff.added.map((a) => a.contentId),
      removed: diff.removed,
      changed: diff.changed.map((a) => a.contentId),
      unchanged: diff.unchanged,
    }).toEqual(expected);
  });

  it('reports the fresh version of a changed artwork', () => {
    const fresh = artwork('MY_F0001', { portraitMatteId: 'flexible_polar' });

    expect(diffCatalog([A], [fresh]).changed).toEqual([fresh]);
  });

  it('says a diff is empty only when nothing was added, removed or changed', () => {
    expect(isEmptyDiff(diffCatalog([A, B], [B, A]))).toBe(true);
    expect(isEmptyDiff(diffCatalog([A], [B]))).toBe(false);
    expect(isEmptyDiff(diffCatalog([A], [artwork('MY_F0001', { height: 3840 })]))).toBe(false);
  });
});
