import { DocentError } from '../errors.js';

export type Orientation = 'landscape' | 'portrait';

/** One matte colour with its swatch, from `matte_color_list` (§3.5). */
export interface MatteColor {
  id: string;
  /** `#rrggbb`, or null when the TV sent no R/G/B. */
  hex: string | null;
}

/** Matte types and colours the TV offers; `colors` carry swatches where the TV sent them. */
export interface MatteCatalog {
  types: string[];
  colors: MatteColor[];
}

export function orientationOf(width: number | null, height: number | null): Orientation | null {
  if (width === null || height === null || width <= 0 || height <= 0) {
    return null;
  }

  return height > width ? 'portrait' : 'landscape';
}

/** A matte id is `none` or `<type>_<color>` (§3.7); some sets upper-case them. */
export function parseMatteId(matteId: string): { type: string; color: string | null } | null {
  const lower = matteId.toLowerCase();
  if (lower === 'none') {
    return { type: 'none', color: null };
  }
  const match = /^([a-z]+)_([a-z]+)$/.exec(lower);
  if (!match?.[1] || !match[2]) {
    return null;
  }

  return { type: match[1], color: match[2] };
}

/**
 * Matte types Docent refuses for a portrait image before asking the TV. NW#7 shows the TV
 * answering -7 for mattes that do not suit an image's size without saying which; the
 * panoramic and triptych layouts are made for wide images, so they are refused up front.
 * Further combinations are learned from -7 answers (`MatteRules.noteRefused`).
 */
const PORTRAIT_UNSUITED_TYPES = ['panoramic', 'triptych'];

/** Which matte types suit which image orientation, seeded as above and learned from -7. */
export class MatteRules {
  private readonly refused = new Set<string>(
    PORTRAIT_UNSUITED_TYPES.map((type) => key('portrait', type)),
  );

  /**
   * Throws TV_MATTE_INVALID for a type or colour the TV did not list (when the catalog is
   * known) or a type unsuited to the orientation.
   */
  check(matteId: string, orientation: Orientation | null, catalog: MatteCatalog | null): void {
    const parsed = parseMatteId(matteId);
    // An id of another shape is left to the TV to judge (-7): sets differ in what they accept.
    if (!parsed || parsed.type === 'none') {
      return;
    }
    if (catalog && !catalog.types.some((t) => t.toLowerCase() === parsed.type)) {
      throw invalidMatte(matteId, `has a matte type this TV does not list`);
    }
    // 0.97 sets list types only (§3.5): no colour list, nothing to check against.
    const colors = catalog?.colors ?? [];
    if (colors.length > 0 && !colors.some((c) => c.id.toLowerCase() === parsed.color)) {
      throw invalidMatte(matteId, `has a matte colour this TV does not list`);
    }
    if (orientation && this.refused.has(key(orientation, parsed.type))) {
      throw invalidMatte(matteId, `does not suit a ${orientation} image`);
    }
  }

  /** The TV answered -7 for this matte on an image of this orientation. */
  noteRefused(matteId: string, orientation: Orientation): void {
    const parsed = parseMatteId(matteId);
    if (parsed && parsed.type !== 'none') {
      this.refused.add(key(orientation, parsed.type));
    }
  }
}

function key(orientation: Orientation, type: string): string {
  return `${orientation}:${type}`;
}

function invalidMatte(matteId: string, why: string): DocentError {
  return new DocentError('TV_MATTE_INVALID', `matte ${matteId} ${why}`);
}
