import type { MatteOptions } from '../tv/types.js';

/**
 * The matte select's options: `none`, then every `<type>_<colour>` the TV offers (its matte ids,
 * e.g. `shadowbox_polar`), then the shown artwork's matte if it is none of those. The select's
 * state must be one of its options (home-assistant.md §2.2), also before the TV's matte list
 * has been read and on sets that report matte ids in their own spelling (§3.7).
 */
export function matteOptions(
  mattes: Readonly<MatteOptions> | null,
  currentMatteId: string | null = null,
): string[] {
  const options = ['none'];
  if (mattes) {
    options.push(
      ...mattes.types
        .filter((type) => type !== 'none')
        .flatMap((type) => mattes.colors.map((colour) => `${type}_${colour}`)),
    );
  }
  if (currentMatteId !== null && !options.includes(currentMatteId)) options.push(currentMatteId);

  return options;
}
