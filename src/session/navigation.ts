/**
 * Which artwork "next", "previous" and "shuffle" show. Pure: the TV session passes the content
 * ids in catalogue order (newest first, as the TV lists them) and the artwork shown now.
 */

/**
 * The artwork after (`step` 1) or before (`step` -1) `current`, wrapping at both ends. With no
 * current artwork, or one that is not in the catalogue, "next" starts at the first artwork and
 * "previous" at the last. Null for an empty catalogue.
 */
export function stepArtwork(
  ids: readonly string[],
  current: string | null,
  step: 1 | -1,
): string | null {
  if (ids.length === 0) return null;

  const at = current === null ? -1 : ids.indexOf(current);
  if (at === -1) return (step === 1 ? ids[0] : ids[ids.length - 1]) ?? null;

  return ids[(at + step + ids.length) % ids.length] ?? null;
}

/**
 * A random artwork other than `current` (when there is another one). `random` returns a number
 * in [0, 1), like `Math.random`, so tests can pass a fixed sequence.
 */
export function shuffleArtwork(
  ids: readonly string[],
  current: string | null,
  random: () => number,
): string | null {
  const others = current === null ? ids : ids.filter((id) => id !== current);
  const pool = others.length > 0 ? others : ids;
  if (pool.length === 0) return null;

  const index = Math.min(pool.length - 1, Math.floor(random() * pool.length));

  return pool[index] ?? null;
}
