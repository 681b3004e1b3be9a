import { type Artwork, FAVOURITES_CATEGORY, generateCatalogue } from './catalogue.js';

export type PowerState = 'on' | 'standby' | 'off';
export type ArtModeState = 'on' | 'off';

export interface SlideshowState {
  value: string;
  categoryId: string;
  subCategoryId: string;
  type: string;
}

/** What the simulated TV holds: catalogue, power, art mode, current artwork, slideshow. */
export class FrameModel {
  readonly artworks: Artwork[];
  power: PowerState = 'on';
  artMode: ArtModeState = 'on';
  currentContentId: string;
  /** A never-configured slideshow reports empty strings (traces: thread-snippets seq 7). */
  slideshow: SlideshowState = { value: 'off', categoryId: '', subCategoryId: '', type: '' };
  private readonly byId: Map<string, Artwork>;
  private readonly favourites = new Set<string>();

  constructor(artworkCount: number, seed: number) {
    this.artworks = generateCatalogue(artworkCount, seed);
    this.byId = new Map(this.artworks.map((artwork) => [artwork.contentId, artwork]));
    this.currentContentId = this.artworks[0]?.contentId ?? '';
  }

  find(contentId: string): Artwork | undefined {
    return this.byId.get(contentId);
  }

  current(): Artwork | undefined {
    return this.byId.get(this.currentContentId);
  }

  /** Items of one category; no category (or an empty one) lists My Photos as 4.x does. */
  list(categoryId: string | undefined): Artwork[] {
    if (categoryId === FAVOURITES_CATEGORY) {
      return this.artworks.filter((artwork) => this.favourites.has(artwork.contentId));
    }
    if (categoryId === undefined || categoryId === '') return this.artworks;

    return this.artworks.filter((artwork) => artwork.categoryId === categoryId);
  }

  setFavourite(contentId: string, on: boolean): void {
    if (on) this.favourites.add(contentId);
    else this.favourites.delete(contentId);
  }

  isFavourite(contentId: string): boolean {
    return this.favourites.has(contentId);
  }
}
