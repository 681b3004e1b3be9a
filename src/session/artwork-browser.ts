/**
 * The artwork browser of one TV as Home Assistant sees it: a search text, a filter (all,
 * favourites or one category), the artwork chosen for the preview, and the bounded list of
 * matches that becomes the options of the browser select and the artwork select.
 *
 * Options are bounded so the device discovery payload stays small however big the catalogue
 * is: HA has no option-count limit, but every option is in the discovery payload and in every
 * frontend's copy of the entity (home-assistant.md §2.2).
 */
import type { Artwork } from '../tv/types.js';

/** At most this many artworks are offered as select options at once. */
export const MAX_BROWSE_OPTIONS = 100;

/** The filter that lets everything through. */
export const FILTER_ALL = 'all';
/** The TV's favourites (the `MY-C0004` category, read from the TV when chosen). */
export const FILTER_FAVOURITES = 'favourites';

/** The filter options every TV offers before its categories. */
const FIXED_FILTERS = [FILTER_ALL, FILTER_FAVOURITES] as const;

export interface BrowserView {
  query: string;
  filter: string;
  /** The artwork chosen in the browser, shown by the preview image; null before any choice. */
  pick: string | null;
  /** How many artworks match the search and filter (may exceed the options offered). */
  matches: number;
}

export class ArtworkBrowser {
  private query = '';
  private filter: string = FILTER_ALL;
  private pickId: string | null = null;
  private favourites: ReadonlySet<string> = new Set();

  /** Sets the search text; empty matches everything. */
  setQuery(query: string): void {
    this.query = query.trim();
  }

  /** False when `filter` is not one of `filterOptions(artworks)`. */
  setFilter(filter: string, artworks: readonly Readonly<Artwork>[]): boolean {
    if (!this.filterOptions(artworks).includes(filter)) return false;
    this.filter = filter;

    return true;
  }

  setFavourites(contentIds: readonly string[]): void {
    this.favourites = new Set(contentIds);
  }

  setPick(contentId: string | null): void {
    this.pickId = contentId;
  }

  get pick(): string | null {
    return this.pickId;
  }

  get activeFilter(): string {
    return this.filter;
  }

  /** `all`, `favourites`, then every category id of the catalogue, sorted. */
  filterOptions(artworks: readonly Readonly<Artwork>[]): string[] {
    const categories = new Set(artworks.map((a) => a.categoryId).filter((c) => c !== ''));

    return [...FIXED_FILTERS, ...[...categories].sort()];
  }

  /** Content ids matching filter and search, in catalogue order (all of them, unbounded). */
  matches(artworks: readonly Readonly<Artwork>[]): string[] {
    const needle = this.query.toLowerCase();

    return artworks
      .filter((a) => this.passesFilter(a))
      .map((a) => a.contentId)
      .filter((id) => needle === '' || id.toLowerCase().includes(needle));
  }

  /**
   * Options of the browser select: the first matches, plus the pick when it is not among them
   * (the select's state must always be one of its options, checklist item 13).
   */
  browseOptions(artworks: readonly Readonly<Artwork>[]): string[] {
    return bounded(this.matches(artworks), this.pickId);
  }

  /** Options of the artwork select: the first matches, plus the artwork the TV shows. */
  artworkOptions(artworks: readonly Readonly<Artwork>[], current: string | null): string[] {
    return bounded(this.matches(artworks), current);
  }

  view(artworks: readonly Readonly<Artwork>[]): BrowserView {
    return {
      query: this.query,
      filter: this.filter,
      pick: this.pickId,
      matches: this.matches(artworks).length,
    };
  }

  /** The catalogue changed: a pick or category that left it is dropped. */
  catalogueChanged(artworks: readonly Readonly<Artwork>[]): void {
    if (this.pickId !== null && !artworks.some((a) => a.contentId === this.pickId)) {
      this.pickId = null;
    }
    if (!this.filterOptions(artworks).includes(this.filter)) this.filter = FILTER_ALL;
  }

  private passesFilter(artwork: Readonly<Artwork>): boolean {
    if (this.filter === FILTER_ALL) return true;
    if (this.filter === FILTER_FAVOURITES) return this.favourites.has(artwork.contentId);

    return artwork.categoryId === this.filter;
  }
}

/** The first `MAX_BROWSE_OPTIONS` ids, with `always` kept in (first) when it is missing. */
function bounded(ids: readonly string[], always: string | null): string[] {
  const head = ids.slice(0, MAX_BROWSE_OPTIONS);
  if (always === null || head.includes(always)) return head;

  return [always, ...head.slice(0, MAX_BROWSE_OPTIONS - 1)];
}
