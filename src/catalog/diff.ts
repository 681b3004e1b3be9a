import type { Artwork } from '../tv/types.js';

export interface CatalogDiff {
  /** In the fresh list but not the previous one, in the fresh list's order. */
  added: Artwork[];
  /** Content ids in the previous list but not the fresh one, in the previous list's order. */
  removed: string[];
  /** In both lists with at least one field different; the fresh version, in fresh order. */
  changed: Artwork[];
  /** How many artworks are in both lists with every field equal. */
  unchanged: number;
}

/** Every field of {@link Artwork}: the mapped type makes the compiler insist on all of them. */
const ARTWORK_FIELD_FLAGS: { [K in keyof Artwork]-?: true } = {
  contentId: true,
  categoryId: true,
  width: true,
  height: true,
  matteId: true,
  portraitMatteId: true,
  imageDate: true,
  contentType: true,
};
const ARTWORK_FIELDS = Object.keys(ARTWORK_FIELD_FLAGS) as (keyof Artwork)[];

/**
 * Compares a fresh content list from the TV with the cached one, by content id.
 * A content id listed twice counts once, first occurrence wins (the TV has been seen to
 * repeat items, frame-protocol.md §4.2 NW#13).
 */
export function diffCatalog(previous: Artwork[], fresh: Artwork[]): CatalogDiff {
  const before = indexById(previous);
  const after = indexById(fresh);

  const added: Artwork[] = [];
  const changed: Artwork[] = [];
  let unchanged = 0;
  for (const artwork of after.values()) {
    const old = before.get(artwork.contentId);
    if (!old) {
      added.push(artwork);
    } else if (sameArtwork(old, artwork)) {
      unchanged += 1;
    } else {
      changed.push(artwork);
    }
  }

  const removed = [...before.keys()].filter((contentId) => !after.has(contentId));

  return { added, removed, changed, unchanged };
}

/** True when the diff says nothing changed. */
export function isEmptyDiff(diff: CatalogDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

export function sameArtwork(a: Artwork, b: Artwork): boolean {
  return ARTWORK_FIELDS.every((field) => a[field] === b[field]);
}

/** First occurrence wins; a Map keeps insertion order, which is the list's order. */
function indexById(artworks: Artwork[]): Map<string, Artwork> {
  const byId = new Map<string, Artwork>();
  for (const artwork of artworks) {
    if (!byId.has(artwork.contentId)) byId.set(artwork.contentId, artwork);
  }

  return byId;
}
