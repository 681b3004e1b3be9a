import { seededRandom } from './ids.js';

/** One artwork as the TV lists it in `get_content_list` (frame-protocol §3.7, LOG22). */
export interface Artwork {
  contentId: string;
  categoryId: string;
  width: number;
  height: number;
  matteId: string;
  portraitMatteId: string;
  imageDate: string;
  contentType: string;
  /** A real image file this artwork was loaded from (control API `catalogue` folder). */
  sourcePath?: string;
  /** Bytes of an uploaded image, kept so its thumbnail can be made from it. */
  imageBytes?: Buffer;
}

export const MY_PHOTOS_CATEGORY = 'MY-C0002';
export const FAVOURITES_CATEGORY = 'MY-C0004';
export const DEFAULT_ART_CATEGORY = 'MY-C0001';

/** Matte types and colours (frame-protocol §3.7, FAB `ART_APP_3.50.106.md`). */
export const MATTE_TYPES = [
  'none',
  'modernthin',
  'modern',
  'modernwide',
  'flexible',
  'panoramic',
  'triptych',
  'mix',
  'squares',
  'shadowbox',
] as const;

export const MATTE_COLORS: ReadonlyArray<{ color: string; R: number; G: number; B: number }> = [
  { color: 'antique', R: 198, G: 190, B: 172 },
  { color: 'black', R: 30, G: 30, B: 30 },
  { color: 'burgandy', R: 96, G: 28, B: 40 },
  { color: 'navy', R: 32, G: 42, B: 74 },
  { color: 'neutral', R: 176, G: 172, B: 164 },
  { color: 'polar', R: 240, G: 240, B: 236 },
  { color: 'sage', R: 150, G: 162, B: 140 },
  { color: 'sand', R: 206, G: 188, B: 160 },
  { color: 'seafoam', R: 160, G: 196, B: 186 },
  { color: 'warm', R: 222, G: 206, B: 186 },
  { color: 'apricot', R: 236, G: 180, B: 140 },
  { color: 'byzantine', R: 112, G: 54, B: 112 },
  { color: 'lavender', R: 184, G: 170, B: 210 },
  { color: 'redorange', R: 214, G: 86, B: 50 },
  { color: 'skyblue', R: 140, G: 190, B: 226 },
  { color: 'turquoise', R: 64, G: 178, B: 170 },
];

/**
 * Matte types a portrait image refuses with -7. NW#7 shows that not every matte suits every
 * image size; which ones is not documented, so the wide layouts are refused here.
 */
export const PORTRAIT_REFUSED_MATTE_TYPES: ReadonlySet<string> = new Set(['panoramic', 'triptych']);

/** Is `matteId` a matte the TV knows (`none` or `<type>_<color>`)? */
export function isKnownMatte(matteId: string): boolean {
  if (matteId === 'none') return true;

  const [type, color, ...rest] = matteId.split('_');
  if (type === undefined || color === undefined || rest.length > 0) return false;

  return (
    type !== 'none' &&
    MATTE_TYPES.some((t) => t === type) &&
    MATTE_COLORS.some((c) => c.color === color)
  );
}

export function matteType(matteId: string): string {
  return matteId.split('_')[0] ?? matteId;
}

export function isPortrait(artwork: Artwork): boolean {
  return artwork.height > artwork.width;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `YYYY:MM:DD hh:mm:ss`, the TV's `image_date` layout (frame-protocol §3.7). */
export function formatImageDate(date: Date): string {
  const day = [date.getUTCFullYear(), pad(date.getUTCMonth() + 1), pad(date.getUTCDate())];
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map((v) => pad(v));

  return `${day.join(':')} ${time.join(':')}`;
}

function pickSize(roll: number): { width: number; height: number } {
  // Proportions follow the 2022 set's 114 items (traces README): mostly 16:9, about a fifth
  // 4:3, a few portrait.
  if (roll < 0.75) return { width: 3840, height: 2160 };
  if (roll < 0.93) return { width: 3840, height: 2880 };
  if (roll < 0.97) return { width: 2160, height: 3840 };

  return { width: 4023, height: 2160 };
}

function pickMattes(roll: number): { matteId: string; portraitMatteId: string } {
  if (roll < 0.9) return { matteId: 'none', portraitMatteId: 'none' };
  if (roll < 0.95) return { matteId: 'none', portraitMatteId: 'flexible_black' };
  if (roll < 0.98) return { matteId: 'shadowbox_polar', portraitMatteId: 'flexible_polar' };

  return { matteId: 'flexible_black', portraitMatteId: 'flexible_black' };
}

/** Upload ids `MY_F0001`…; wider numbers once the catalogue passes 9999. */
export function uploadId(index: number, count: number): string {
  return `MY_F${pad(index, Math.max(4, String(count).length))}`;
}

const NEWEST_IMAGE_MS = Date.UTC(2025, 4, 20, 1, 53, 44);

/**
 * A deterministic catalogue of `count` uploads in `MY-C0002`, newest first like the TV's lists.
 * Same seed, same catalogue.
 */
export function generateCatalogue(count: number, seed: number): Artwork[] {
  const random = seededRandom(seed);
  const artworks: Artwork[] = [];
  let imageMs = NEWEST_IMAGE_MS;

  for (let index = count; index >= 1; index--) {
    const size = pickSize(random());
    const mattes = pickMattes(random());
    artworks.push({
      contentId: uploadId(index, count),
      categoryId: MY_PHOTOS_CATEGORY,
      ...size,
      ...mattes,
      imageDate: formatImageDate(new Date(imageMs)),
      contentType: 'mobile',
    });
    // Uploads come in bursts a few seconds apart, with days between bursts.
    imageMs -= random() < 0.9 ? 3000 + Math.floor(random() * 4000) : 86_400_000;
  }

  return artworks;
}

/** The content-list item as the TV writes it (field order of LOG22). */
export function contentListItem(artwork: Artwork): Record<string, string | number> {
  return {
    content_id: artwork.contentId,
    category_id: artwork.categoryId,
    slideshow: 'false',
    matte_id: artwork.matteId,
    portrait_matte_id: artwork.portraitMatteId,
    width: artwork.width,
    height: artwork.height,
    image_date: artwork.imageDate,
    content_type: artwork.contentType,
  };
}

/**
 * `count` Art Store items (`SAM-S####`) in the default-artworks category, `content_type`
 * `artstore` (§3.7, FAB#264). Appended after the uploads.
 */
export function generateStoreItems(count: number): Artwork[] {
  return Array.from({ length: count }, (_, index) => ({
    contentId: `SAM-S${pad(2701 + index, 4)}`,
    categoryId: DEFAULT_ART_CATEGORY,
    width: 3840,
    height: 2160,
    matteId: 'shadowbox_polar',
    portraitMatteId: 'flexible_polar',
    imageDate: formatImageDate(new Date(NEWEST_IMAGE_MS - 365 * 86_400_000)),
    contentType: 'artstore',
  }));
}
