export interface ChunkSizerOptions {
  /** How long one chunk should keep the TV busy, in ms. */
  targetMs: number;
  /** Fewest items in a chunk. Default 1. */
  min?: number;
  /** Most items in a chunk. Default 50. */
  max?: number;
  /** Items in the first chunk, before any timing is known. Default 4. */
  initial?: number;
  /**
   * Weight of the newest per-item time in the running average (0-1]. Default 0.5: follows a
   * TV that slows down within a couple of chunks while one odd chunk only moves it halfway.
   */
  smoothing?: number;
}

/**
 * Sizes chunks of background work (e.g. thumbnail batches) so each chunk takes about
 * `targetMs` whatever the TV's speed: a user job queued behind a chunk waits about that long
 * at most (docs/architecture.md rule 2). Keeps a moving average of the time per item and
 * rounds down, so a chunk tends to stay under the target rather than over it.
 */
export class ChunkSizer {
  private readonly targetMs: number;
  private readonly min: number;
  private readonly max: number;
  private readonly smoothing: number;
  private perItemMs: number | null = null;
  private size: number;

  constructor(options: ChunkSizerOptions) {
    const min = Math.floor(options.min ?? 1);
    const max = Math.floor(options.max ?? 50);
    const smoothing = options.smoothing ?? 0.5;
    if (!(options.targetMs > 0)) throw new RangeError('targetMs must be > 0');
    if (!(min >= 1) || !(max >= min)) throw new RangeError('need 1 <= min <= max');
    if (!(smoothing > 0 && smoothing <= 1)) throw new RangeError('smoothing must be in (0, 1]');

    this.targetMs = options.targetMs;
    this.min = min;
    this.max = max;
    this.smoothing = smoothing;
    this.size = this.clamp(Math.floor(options.initial ?? 4));
  }

  /** Items for the next chunk, within [min, max]. */
  next(): number {
    return this.size;
  }

  /** Feeds back how long the last chunk of `items` items took. Ignores nonsense measurements. */
  record(items: number, durationMs: number): void {
    if (!(items > 0) || !(durationMs >= 0) || !Number.isFinite(durationMs)) return;

    const sampleMs = durationMs / items;
    this.perItemMs =
      this.perItemMs === null
        ? sampleMs
        : this.perItemMs + this.smoothing * (sampleMs - this.perItemMs);

    // A measured 0 ms per item means "faster than the clock can tell": as many as allowed.
    this.size =
      this.perItemMs > 0 ? this.clamp(Math.floor(this.targetMs / this.perItemMs)) : this.max;
  }

  private clamp(items: number): number {
    if (!Number.isFinite(items)) return this.min;

    return Math.min(this.max, Math.max(this.min, items));
  }
}
