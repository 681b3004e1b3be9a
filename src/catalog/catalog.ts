import { EventEmitter } from 'node:events';
import type { Artwork, CurrentArtwork, MatteOptions } from '../tv/types.js';
import { type CatalogDiff, diffCatalog, isEmptyDiff } from './diff.js';
import { type CatalogSnapshot, copySnapshot } from './snapshot.js';

export type ArtMode = 'on' | 'off';

/** What a 'change' event says changed; only emitted when something really did. */
export type CatalogChange =
  | { kind: 'artworks'; diff: CatalogDiff }
  | { kind: 'current'; current: CurrentArtwork | null }
  | { kind: 'mattes'; mattes: MatteOptions | null }
  | { kind: 'artMode'; artMode: ArtMode | null };

export interface CatalogEvents {
  change: [change: CatalogChange];
}

export interface CatalogDeps {
  /** Wall-clock milliseconds for `updatedAt`; defaults to `Date.now`. */
  now?: () => number;
}

/**
 * One TV's art as Docent last heard it: artworks in the TV's order, the current artwork, the
 * matte options and art mode. Pure memory; persistence is `CatalogStore`'s job, and the TV
 * session feeds it what the TV said. Artworks handed out are frozen copies.
 */
export class Catalog extends EventEmitter<CatalogEvents> {
  private list: readonly Readonly<Artwork>[] = [];
  private byId = new Map<string, Readonly<Artwork>>();
  private currentArtwork: Readonly<CurrentArtwork> | null = null;
  private matteOptions: Readonly<MatteOptions> | null = null;
  private artModeState: ArtMode | null = null;
  private updatedAtMs: number;
  private readonly now: () => number;

  constructor(deps: CatalogDeps = {}) {
    super();
    this.now = deps.now ?? Date.now;
    this.updatedAtMs = this.now();
  }

  /** A catalogue holding what a saved snapshot holds (its `updatedAt` kept as is). */
  static fromSnapshot(snapshot: CatalogSnapshot, deps: CatalogDeps = {}): Catalog {
    const catalog = new Catalog(deps);
    const copy = copySnapshot(snapshot);
    catalog.storeArtworks(copy.artworks);
    catalog.currentArtwork = copy.current ? Object.freeze(copy.current) : null;
    catalog.matteOptions = copy.mattes ? Object.freeze(copy.mattes) : null;
    catalog.artModeState = copy.artMode;
    const savedAtMs = Date.parse(snapshot.updatedAt);
    if (!Number.isNaN(savedAtMs)) catalog.updatedAtMs = savedAtMs;

    return catalog;
  }

  /**
   * Takes a fresh content list from the TV in place of the current one and returns how it
   * differs. The TV's order is kept; a repeated content id counts once.
   */
  replaceArtworks(fresh: Artwork[]): CatalogDiff {
    const diff = diffCatalog([...this.list], fresh);
    this.storeArtworks(fresh);

    if (!isEmptyDiff(diff)) {
      this.touch();
      this.emit('change', { kind: 'artworks', diff });
    }

    return diff;
  }

  artworks(): readonly Readonly<Artwork>[] {
    return this.list;
  }

  get(contentId: string): Readonly<Artwork> | null {
    return this.byId.get(contentId) ?? null;
  }

  has(contentId: string): boolean {
    return this.byId.has(contentId);
  }

  setCurrent(current: CurrentArtwork | null): void {
    if (sameFields(this.currentArtwork, current)) return;

    this.currentArtwork = current ? Object.freeze({ ...current }) : null;
    this.touch();
    this.emit('change', { kind: 'current', current: this.currentArtwork });
  }

  current(): Readonly<CurrentArtwork> | null {
    return this.currentArtwork;
  }

  setMattes(mattes: MatteOptions | null): void {
    const next = mattes
      ? Object.freeze({ types: [...mattes.types], colors: [...mattes.colors] })
      : null;
    if (sameMattes(this.matteOptions, next)) return;

    this.matteOptions = next;
    this.touch();
    this.emit('change', { kind: 'mattes', mattes: next });
  }

  mattes(): Readonly<MatteOptions> | null {
    return this.matteOptions;
  }

  setArtMode(artMode: ArtMode | null): void {
    if (this.artModeState === artMode) return;

    this.artModeState = artMode;
    this.touch();
    this.emit('change', { kind: 'artMode', artMode });
  }

  artMode(): ArtMode | null {
    return this.artModeState;
  }

  /** A deep copy of everything, ready for `CatalogStore.save`. */
  snapshot(): CatalogSnapshot {
    return copySnapshot({
      artworks: [...this.list],
      mattes: this.matteOptions,
      current: this.currentArtwork,
      artMode: this.artModeState,
      updatedAt: new Date(this.updatedAtMs).toISOString(),
    });
  }

  private storeArtworks(artworks: Artwork[]): void {
    const byId = new Map<string, Readonly<Artwork>>();
    for (const artwork of artworks) {
      if (!byId.has(artwork.contentId)) byId.set(artwork.contentId, Object.freeze({ ...artwork }));
    }
    this.byId = byId;
    this.list = Object.freeze([...byId.values()]);
  }

  private touch(): void {
    this.updatedAtMs = this.now();
  }
}

/**
 * Portrait when the TV reports a height greater than the width (2880×3840 is seen,
 * frame-protocol.md §3.7). Unknown dimensions count as landscape, the TV's default.
 */
export function isPortrait(artwork: Pick<Artwork, 'width' | 'height'>): boolean {
  if (artwork.width === null || artwork.height === null) return false;

  return artwork.height > artwork.width;
}

function sameFields(a: Readonly<CurrentArtwork> | null, b: CurrentArtwork | null): boolean {
  if (a === null || b === null) return a === b;

  return (
    a.contentId === b.contentId &&
    a.categoryId === b.categoryId &&
    a.matteId === b.matteId &&
    a.portraitMatteId === b.portraitMatteId &&
    a.contentType === b.contentType
  );
}

function sameMattes(a: Readonly<MatteOptions> | null, b: Readonly<MatteOptions> | null): boolean {
  if (a === null || b === null) return a === b;

  return sameList(a.types, b.types) && sameList(a.colors, b.colors);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
