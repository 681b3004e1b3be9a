import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Artwork } from './catalogue.js';

const LONG_SIDE_PX = 384;

function thumbnailSize(artwork: Artwork): { width: number; height: number } {
  const scale = LONG_SIDE_PX / Math.max(artwork.width, artwork.height);

  return {
    width: Math.max(1, Math.round(artwork.width * scale)),
    height: Math.max(1, Math.round(artwork.height * scale)),
  };
}

function colourFrom(bytes: Buffer, offset: number): string {
  const r = bytes[offset] ?? 0;
  const g = bytes[offset + 1] ?? 0;
  const b = bytes[offset + 2] ?? 0;

  return `rgb(${r},${g},${b})`;
}

/** A diagonal two-colour gradient derived from the content id; no text, so no fonts needed. */
function thumbnailSvg(artwork: Artwork, width: number, height: number): string {
  const digest = createHash('sha256').update(artwork.contentId).digest();
  const from = colourFrom(digest, 0);
  const to = colourFrom(digest, 3);

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`,
    '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">',
    `<stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/>`,
    '</linearGradient></defs>',
    `<rect width="${width}" height="${height}" fill="url(#g)"/>`,
    '</svg>',
  ].join('');
}

/**
 * Small JPEGs, one per artwork: made from the real image when there is one, else a
 * deterministic gradient.
 * Orientation-aware, long side 384 px.
 * Made on first use and kept in memory: making thousands up front would slow start-up.
 */
export class ThumbnailStore {
  private readonly cache = new Map<string, Promise<Buffer>>();

  /** Forgets every thumbnail (a new catalogue may reuse content ids). */
  clear(): void {
    this.cache.clear();
  }

  jpegOf(artwork: Artwork): Promise<Buffer> {
    const cached = this.cache.get(artwork.contentId);
    if (cached) return cached;

    const { width, height } = thumbnailSize(artwork);
    const source = artwork.imageBytes ?? artwork.sourcePath;
    const image =
      source === undefined
        ? sharp(Buffer.from(thumbnailSvg(artwork, width, height)))
        : sharp(source)
            .rotate()
            .resize(LONG_SIDE_PX, LONG_SIDE_PX, { fit: 'inside', withoutEnlargement: true });
    const made = image.jpeg({ quality: 80 }).toBuffer();
    this.cache.set(artwork.contentId, made);
    made.catch(() => this.cache.delete(artwork.contentId));

    return made;
  }
}
