import { ArtworkBrowser, MAX_BROWSE_OPTIONS } from '../../src/session/artwork-browser.js';
import type { Artwork } from '../../src/tv/types.js';

function artwork(contentId: string, categoryId = 'MY-C0002'): Artwork {
  return {
    contentId,
    categoryId,
    width: 3840,
    height: 2160,
    matteId: 'none',
    portraitMatteId: 'none',
    imageDate: null,
    contentType: null,
  };
}

const big = [
  ...Array.from({ length: 5000 }, (_, i) => artwork(`MY_F${String(5000 - i).padStart(4, '0')}`)),
  ...Array.from({ length: 30 }, (_, i) => artwork(`SAM-S${i}`, 'MY-C0001')),
];

describe('the artwork browser', () => {
  test('offers at most 100 options from a 5,030-artwork catalogue', () => {
    const browser = new ArtworkBrowser();

    expect(browser.browseOptions(big)).toHaveLength(MAX_BROWSE_OPTIONS);
    expect(browser.artworkOptions(big, null)).toHaveLength(MAX_BROWSE_OPTIONS);
    expect(browser.view(big).matches).toBe(5030);
  });

  test('narrows the options to the search, case-insensitively', () => {
    const browser = new ArtworkBrowser();
    browser.setQuery(' my_f004 ');

    expect(browser.browseOptions(big)).toEqual(
      Array.from({ length: 10 }, (_, i) => `MY_F${String(49 - i).padStart(4, '0')}`),
    );
    expect(browser.view(big)).toMatchObject({ query: 'my_f004', matches: 10 });
  });

  test('keeps the shown artwork and the pick among the options', () => {
    const browser = new ArtworkBrowser();
    browser.setQuery('SAM-');
    browser.setPick('MY_F0001');

    expect(browser.artworkOptions(big, 'MY_F0002')[0]).toBe('MY_F0002');
    expect(browser.browseOptions(big)).toEqual([
      'MY_F0001',
      ...big.slice(5000).map((a) => a.contentId),
    ]);
  });

  test('filters by category and by favourites, and refuses unknown filters', () => {
    const browser = new ArtworkBrowser();

    expect(browser.filterOptions(big)).toEqual(['all', 'favourites', 'MY-C0001', 'MY-C0002']);
    expect(browser.setFilter('MY-C0001', big)).toBe(true);
    expect(browser.view(big).matches).toBe(30);
    browser.setFavourites(['MY_F0007', 'MY_F0009']);
    expect(browser.setFilter('favourites', big)).toBe(true);
    expect(browser.browseOptions(big)).toEqual(['MY_F0009', 'MY_F0007']);
    expect(browser.setFilter('MY-C9999', big)).toBe(false);
    expect(browser.activeFilter).toBe('favourites');
  });

  test('drops a pick and a category that left the catalogue', () => {
    const browser = new ArtworkBrowser();
    browser.setPick('SAM-S3');
    browser.setFilter('MY-C0001', big);

    browser.catalogueChanged(big.slice(0, 5000));

    expect(browser.pick).toBeNull();
    expect(browser.activeFilter).toBe('all');
  });
});
