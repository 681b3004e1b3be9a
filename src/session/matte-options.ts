import type { MatteOptions } from '../tv/types.js';

/**
 * The matte select's options: `none`, then every `<type>_<colour>` the TV offers (its matte ids,
 * e.g. `shadowbox_polar`). Only `none` until the TV's matte list has been read.
 */
export function matteOptions(mattes: Readonly<MatteOptions> | null): string[] {
  if (!mattes) return ['none'];

  return [
    'none',
    ...mattes.types
      .filter((type) => type !== 'none')
      .flatMap((type) => mattes.colors.map((colour) => `${type}_${colour}`)),
  ];
}
