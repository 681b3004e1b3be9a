/** Small statistics for the benchmark: percentiles and a seeded random source. */

export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/**
 * Nearest-rank percentile (`p` in 0–100) of `values`; null for an empty list. With few samples
 * p99 is the maximum, which is what a user waiting on the slowest click sees.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));

  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

export function summarize(values: readonly number[]): LatencySummary {
  return {
    count: values.length,
    p50Ms: percentile(values, 50),
    p99Ms: percentile(values, 99),
    maxMs: values.length === 0 ? null : Math.max(...values),
  };
}

/** `a / b`, or null when either is missing or `b` is not positive. */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !(b > 0)) return null;

  return a / b;
}

/** A seeded generator (mulberry32) so two scenarios can replay the same user clicks. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);

    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * One user click: which artwork (an index into the simulator's `contentIds()`, the same in
 * every simulator of that size) and how long to wait before it.
 */
export interface PlannedSelect {
  artworkIndex: number;
  delayMs: number;
}

/**
 * `count` selects of random artworks, with random gaps averaging `meanGapMs` (uniform in
 * [0, 2 × meanGapMs]), so clicks land at random moments of the window they are fired in.
 */
export function planSelects(
  artworks: number,
  count: number,
  meanGapMs: number,
  random: () => number,
): PlannedSelect[] {
  if (artworks < 1) return [];

  return Array.from({ length: count }, () => ({
    artworkIndex: Math.floor(random() * artworks),
    delayMs: Math.round(random() * 2 * meanGapMs),
  }));
}

/** The content id a planned click targets; '' (an unknown id) if the list is shorter. */
export function idAt(contentIds: readonly string[], planned: PlannedSelect): string {
  return contentIds[planned.artworkIndex] ?? '';
}
