import {
  type Artwork,
  FAVOURITES_CATEGORY,
  generateCatalogue,
  generateStoreItems,
  MY_PHOTOS_CATEGORY,
  uploadId,
} from './catalogue.js';

export type PowerState = 'on' | 'standby' | 'off';
export type ArtModeState = 'on' | 'off';

export interface SlideshowState {
  value: string;
  categoryId: string;
  subCategoryId: string;
  type: string;
}

/** Art-mode picture settings, kept as the numbers/strings `get_artmode_settings` reports. */
export interface ArtSettings {
  brightness: number;
  colorTemperature: number;
  motionTimer: string;
  motionSensitivity: string;
  brightnessSensor: 'on' | 'off';
  artPictureMode: number;
}

/** Recently-set category as the 5.x unfiltered list relabels it (§3.5). */
export const RECENTS_CATEGORY = 'MY-C0008';

/** What the simulated TV holds: catalogue, power, art mode, current artwork, slideshow. */
export class FrameModel {
  artworks: Artwork[];
  power: PowerState = 'on';
  artMode: ArtModeState = 'on';
  currentContentId: string;
  /** A never-configured slideshow reports empty strings (traces: thread-snippets seq 7). */
  slideshow: SlideshowState = { value: 'off', categoryId: '', subCategoryId: '', type: '' };
  settings: ArtSettings = {
    brightness: 5,
    colorTemperature: 0,
    motionTimer: '60',
    motionSensitivity: '2',
    brightnessSensor: 'off',
    artPictureMode: 0,
  };
  /** 1 landscape, 2 portrait (§3.5 `get_current_rotation`). */
  rotation: 1 | 2 = 1;
  /** A 5.x preview started by `start_preview` is showing (§3.5, DEC). */
  previewing = false;
  /** Store items that have been displayed, so the TV holds their thumbnail (§7 Q7). */
  readonly displayed = new Set<string>();
  readonly filters = new Map<string, string>();
  private recents: string[] = [];
  private byId = new Map<string, Artwork>();
  private readonly favourites = new Set<string>();
  private uploads: number;

  constructor(artworkCount: number, seed: number, storeCount = 0) {
    this.artworks = [...generateCatalogue(artworkCount, seed), ...generateStoreItems(storeCount)];
    this.uploads = artworkCount;
    this.reindex();
    this.currentContentId = this.artworks[0]?.contentId ?? '';
  }

  /** Replaces the whole catalogue (control API `catalogue`); the first item becomes current. */
  replaceCatalogue(artworks: Artwork[]): void {
    this.artworks = artworks;
    this.uploads = artworks.filter((artwork) => artwork.contentId.startsWith('MY_F')).length;
    this.favourites.clear();
    this.recents = [];
    this.reindex();
    this.currentContentId = artworks[0]?.contentId ?? '';
  }

  find(contentId: string): Artwork | undefined {
    return this.byId.get(contentId);
  }

  current(): Artwork | undefined {
    return this.byId.get(this.currentContentId);
  }

  /** Shows an artwork: current, recently set, and (for store items) cached on the TV. */
  show(artwork: Artwork): void {
    this.currentContentId = artwork.contentId;
    this.displayed.add(artwork.contentId);
    this.recents = [artwork.contentId, ...this.recents.filter((id) => id !== artwork.contentId)];
    this.recents.length = Math.min(this.recents.length, 10);
  }

  /** Items of one category; no category (or an empty one) lists everything. */
  list(categoryId: string | undefined): Artwork[] {
    if (categoryId === FAVOURITES_CATEGORY) {
      return this.artworks.filter((artwork) => this.favourites.has(artwork.contentId));
    }
    if (categoryId === RECENTS_CATEGORY) return this.recentArtworks();
    if (categoryId === undefined || categoryId === '') return this.artworks;

    return this.artworks.filter((artwork) => artwork.categoryId === categoryId);
  }

  /** Ids of the recently set items, newest first. */
  recentIds(): readonly string[] {
    return this.recents;
  }

  /** Recently set items relabelled `MY-C0008` (§3.5: 5.x puts them in unfiltered lists). */
  recentArtworks(): Artwork[] {
    return this.recents.flatMap((id) => {
      const artwork = this.byId.get(id);

      return artwork ? [{ ...artwork, categoryId: RECENTS_CATEGORY }] : [];
    });
  }

  setFavourite(contentId: string, on: boolean): void {
    if (on) this.favourites.add(contentId);
    else this.favourites.delete(contentId);
  }

  isFavourite(contentId: string): boolean {
    return this.favourites.has(contentId);
  }

  /** Stores a new upload as `MY_F####`, newest first (§3.7). */
  addUpload(fields: Omit<Artwork, 'contentId' | 'categoryId' | 'contentType'>): Artwork {
    this.uploads += 1;
    const artwork: Artwork = {
      contentId: uploadId(this.uploads, this.uploads),
      categoryId: MY_PHOTOS_CATEGORY,
      contentType: 'mobile',
      ...fields,
    };
    this.artworks.unshift(artwork);
    this.byId.set(artwork.contentId, artwork);

    return artwork;
  }

  /** Removes the listed ids; returns those that existed. */
  remove(contentIds: string[]): string[] {
    const removed = contentIds.filter((id) => this.byId.delete(id));
    const gone = new Set(removed);
    this.artworks = this.artworks.filter((artwork) => !gone.has(artwork.contentId));
    for (const id of removed) this.favourites.delete(id);

    return removed;
  }

  private reindex(): void {
    this.byId = new Map(this.artworks.map((artwork) => [artwork.contentId, artwork]));
  }
}
