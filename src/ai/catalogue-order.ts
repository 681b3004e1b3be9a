/** What the background run needs to know of an artwork; the catalogue's `Artwork` fits. */
export interface CatalogueArtwork {
  readonly contentId: string;
  /** `YYYY:MM:DD hh:mm:ss` as the TV sends it (frame-protocol §3.7), when it does. */
  readonly imageDate?: string | null | undefined;
}

const IMAGE_DATE = /^(\d{4})[:-](\d{2})[:-](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/;

/**
 * Content ids newest first by `imageDate`. Artworks without a readable date follow the dated
 * ones; ties and undated artworks keep the TV's order. Bare ids (no date known) keep it too.
 */
export function newestFirst(artworks: readonly (string | CatalogueArtwork)[]): string[] {
  const ranked = artworks.map((artwork, index) => {
    const entry = typeof artwork === 'string' ? { contentId: artwork } : artwork;

    return { contentId: entry.contentId, dateMs: parseImageDate(entry.imageDate), index };
  });
  ranked.sort((a, b) => {
    if (a.dateMs !== b.dateMs) {
      if (a.dateMs === null) return 1;
      if (b.dateMs === null) return -1;
      return b.dateMs - a.dateMs;
    }

    return a.index - b.index;
  });

  return ranked.map((entry) => entry.contentId);
}

/** The TV's image date as UTC milliseconds (the TV gives no zone; only the order matters). */
export function parseImageDate(value: string | null | undefined): number | null {
  const match = value ? IMAGE_DATE.exec(value.trim()) : null;
  if (!match) return null;

  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const ms = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0);

  return Number.isFinite(ms) && (month ?? 0) >= 1 && (month ?? 0) <= 12 ? ms : null;
}
