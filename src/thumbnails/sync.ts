import { EventEmitter } from 'node:events';
import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ThumbnailFile } from '../tv/types.js';
import type { ThumbnailCache } from './cache.js';

/** Chooses chunk sizes from measured durations (the real one is `queue/chunk-sizer.ts`). */
export interface ChunkSizing {
  /** How many thumbnails the next chunk should ask for. */
  next(): number;
  /** How long a chunk of `items` thumbnails took, fetch to reply. */
  record(items: number, durationMs: number): void;
}

/**
 * What the TV answered for one chunk: the files (possibly fewer than asked for), or how to
 * fetch them afterwards (the d2d download, which does not hold the TV's art channel).
 */
export type ChunkReply = ThumbnailFile[] | (() => Promise<ThumbnailFile[]>);

export interface ThumbnailSyncDeps {
  cache: ThumbnailCache;
  sizing: ChunkSizing;
  /** Runs one chunk as ONE background-lane job and resolves with the TV's reply, or throws. */
  fetchChunk: (contentIds: string[]) => Promise<ChunkReply>;
  logger: Logger;
  /** Monotonic milliseconds for durations; defaults to `performance.now`. */
  now?: () => number;
  /**
   * After this many chunks in a row throw, the run ends early and leaves the rest for a later
   * run (the TV's art app may have wedged, frame-protocol.md §7 Q9). Default 3.
   */
  maxConsecutiveFailures?: number;
}

export interface ThumbnailSyncProgress {
  /** Ids settled so far in this run: stored, given up, or found cached meanwhile. */
  done: number;
  /** Ids this run set out to fetch (those missing from the cache at its start). */
  total: number;
  running: boolean;
  /** Ids given up after their retry. */
  failed: number;
}

export interface ThumbnailSyncResult {
  fetched: number;
  /** Ids given up after their retry, in the order they were given up. */
  failed: string[];
  /** Ids that needed no fetch: already cached at the start or meanwhile, or repeated. */
  skipped: number;
  durationMs: number;
  /** Ids neither fetched nor given up, because the run was stopped or aborted. */
  remaining: number;
  /** `stopped`: `stop()` was called; `aborted`: too many chunks in a row failed. */
  outcome: 'complete' | 'stopped' | 'aborted';
}

export interface ThumbnailSyncEvents {
  progress: [progress: ThumbnailSyncProgress];
  thumbnail: [contentId: string, data: Buffer, hash: string];
}

type SyncState = 'idle' | 'running' | 'stopping';

/** A chunk the TV did not give; stored as all ids unmet. */
interface ChunkFailure {
  failure: unknown;
}

/** What one run has booked so far. */
interface RunTally {
  retryGroups: string[][];
  failed: string[];
  fetched: number;
  skipped: number;
  consecutiveFailures: number;
}

interface ChunkOutcome {
  stored: string[];
  /** Requested ids that did not end up stored. */
  unmet: string[];
  threw: boolean;
}

const DEFAULT_MAX_CONSECUTIVE_FAILURES = 3;

/**
 * Background thumbnail sync, cut into bounded chunks (architecture rule 2). One chunk is on the
 * TV at a time, so the sync never floods the TV's background lane and a user command waits for
 * one chunk at most. While the TV serves the next chunk, the previous one is downloaded and
 * stored (resized, written, published): the TV never waits for Docent's own work. At most one
 * chunk is being stored at a time.
 *
 * Ids are fetched in the order given. Ids of a chunk that failed (it threw, or the TV left
 * them out, or their bytes were unusable) are retried after the first pass, in two halves,
 * since one bad item can sink a whole chunk and some failures pass on retry (§7 Q2, Q7). A
 * retry chunk that throws is halved again until the id that sinks it is alone; an id that
 * fails alone, or is left out or unusable in a retry chunk, is reported in `failed`. Every
 * split makes chunks smaller, so a run always ends.
 */
export class ThumbnailSync extends EventEmitter<ThumbnailSyncEvents> {
  private state: SyncState = 'idle';
  private counts = { done: 0, total: 0, failed: 0 };
  private readonly deps: ThumbnailSyncDeps;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly maxConsecutiveFailures: number;

  constructor(deps: ThumbnailSyncDeps) {
    super();
    this.deps = deps;
    this.log = deps.logger.child({ component: 'thumbnails' });
    this.now = deps.now ?? (() => performance.now());
    this.maxConsecutiveFailures = deps.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES;
  }

  /**
   * Fetches the thumbnails missing from the cache. Rejects with `THUMBNAIL_SYNC_RUNNING` if a
   * run is under way; otherwise never rejects (failures end up in the result).
   */
  async run(contentIds: string[]): Promise<ThumbnailSyncResult> {
    if (this.state !== 'idle') {
      throw new DocentError('THUMBNAIL_SYNC_RUNNING', 'a thumbnail sync is already running');
    }

    const startedAt = this.now();
    this.setState('running');
    try {
      const result = await this.fetchAll(contentIds);

      return { ...result, durationMs: this.now() - startedAt };
    } finally {
      this.setState('idle');
      this.emitProgress();
    }
  }

  progress(): ThumbnailSyncProgress {
    return { ...this.counts, running: this.state !== 'idle' };
  }

  /** Ends the current run once the chunk in flight (if any) has settled and been stored. */
  stop(): void {
    if (this.state === 'running') this.setState('stopping');
  }

  private async fetchAll(contentIds: string[]): Promise<Omit<ThumbnailSyncResult, 'durationMs'>> {
    const unique = [...new Set(contentIds)];
    const firstPass = this.deps.cache.missing(unique);
    const run: RunTally = {
      retryGroups: [],
      failed: [],
      fetched: 0,
      skipped: contentIds.length - firstPass.length,
      consecutiveFailures: 0,
    };
    let storing: Promise<void> | null = null;
    const settled = async () => {
      await storing;
      storing = null;
    };

    this.counts = { done: 0, total: firstPass.length, failed: 0 };
    this.log.info({ total: firstPass.length, skipped: run.skipped }, 'thumbnail sync started');
    this.emitProgress();

    while (this.state === 'running' && !this.gaveUp(run)) {
      const retrying = firstPass.length === 0;
      // Retry chunks are cut from every outcome so far.
      if (retrying) await settled();
      if (this.gaveUp(run)) break;

      const chunk = retrying
        ? takeChunk(run.retryGroups, this.chunkSize())
        : firstPass.splice(0, this.chunkSize());
      if (chunk.length === 0) break;

      // Another path (e.g. the current-artwork image) may have cached some meanwhile.
      const wanted = this.deps.cache.missing(chunk);
      run.skipped += chunk.length - wanted.length;
      this.counts.done += chunk.length - wanted.length;
      if (wanted.length === 0) continue;

      const reply = await this.requestChunk(wanted, run.consecutiveFailures);
      await settled();
      if ('failure' in reply) {
        this.tally(run, wanted, retrying, { stored: [], unmet: wanted, threw: true });
        continue;
      }
      storing = this.storeChunk(wanted, reply).then((outcome) =>
        this.tally(run, wanted, retrying, outcome),
      );
    }
    await settled();

    const remaining = this.counts.total - this.counts.done;
    const outcome = this.endOutcome(remaining, run.consecutiveFailures);
    const { fetched, failed, skipped } = run;
    this.log.info(
      { fetched, failed: failed.length, skipped, remaining, outcome },
      'thumbnail sync ended',
    );

    return { fetched, failed, skipped, remaining, outcome };
  }

  private gaveUp(run: RunTally): boolean {
    return run.consecutiveFailures >= this.maxConsecutiveFailures;
  }

  /** Books one chunk's outcome, in chunk order. */
  private tally(run: RunTally, wanted: string[], retrying: boolean, outcome: ChunkOutcome): void {
    run.fetched += outcome.stored.length;
    this.counts.done += outcome.stored.length;
    if (!retrying) {
      run.retryGroups.push(...halves(outcome.unmet));
    } else if (outcome.threw && wanted.length > 1) {
      // Narrow down which id sinks the chunk before giving up on any of them.
      run.retryGroups.unshift(...halves(outcome.unmet));
    } else {
      run.failed.push(...outcome.unmet);
      this.counts.done += outcome.unmet.length;
      this.counts.failed += outcome.unmet.length;
    }
    this.emitProgress();

    // Splitting a retry chunk fails on purpose until the bad id is alone, so only chunks
    // that could not be narrowed further count towards giving up.
    if (!outcome.threw) {
      run.consecutiveFailures = 0;
    } else if (!retrying || wanted.length === 1) {
      run.consecutiveFailures += 1;
    }
    if (this.gaveUp(run)) {
      this.log.warn(
        { consecutiveFailures: run.consecutiveFailures },
        'thumbnail sync aborted after repeated failures',
      );
    }
  }

  /** Asks the TV for one chunk (one background job); an error is kept for `storeChunk`. */
  private async requestChunk(
    contentIds: string[],
    failuresBefore: number,
  ): Promise<ChunkReply | ChunkFailure> {
    const startedAt = this.now();
    try {
      const reply = await this.deps.fetchChunk(contentIds);
      this.deps.sizing.record(contentIds.length, this.now() - startedAt);

      return reply;
    } catch (err) {
      // A failed chunk held the TV's lane too (a failing fetch takes ~11 s, §7 Q7), so its
      // duration is real information for the sizing.
      this.deps.sizing.record(contentIds.length, this.now() - startedAt);
      this.logChunkFailure(err, contentIds.length, failuresBefore);

      return { failure: err };
    }
  }

  /** Downloads (when the reply defers it) and stores one chunk; never throws. */
  private async storeChunk(contentIds: string[], reply: ChunkReply): Promise<ChunkOutcome> {
    let files: ThumbnailFile[];
    try {
      files = typeof reply === 'function' ? await reply() : reply;
    } catch (err) {
      this.logChunkFailure(err, contentIds.length, 0);
      return { stored: [], unmet: contentIds, threw: true };
    }
    const stored = await this.storeFiles(contentIds, files);

    return { stored, unmet: contentIds.filter((id) => !stored.includes(id)), threw: false };
  }

  private logChunkFailure(err: unknown, items: number, failuresBefore: number): void {
    const level = failuresBefore === 0 ? 'warn' : 'debug';
    this.log[level]({ err, items }, 'thumbnail chunk failed');
  }

  private async storeFiles(contentIds: string[], files: ThumbnailFile[]): Promise<string[]> {
    const requested = new Set(contentIds);
    const stored: string[] = [];
    for (const file of files) {
      // The TV has been seen to send the same thumbnail twice (frame-protocol.md §4.2, NW#13).
      if (!requested.has(file.contentId) || stored.includes(file.contentId)) {
        this.log.debug({ contentId: file.contentId }, 'unrequested or repeated thumbnail ignored');
        continue;
      }
      try {
        const { data, hash } = await this.deps.cache.put(file.contentId, file.data);
        stored.push(file.contentId);
        this.emitThumbnail(file.contentId, data, hash);
      } catch (err) {
        this.log.warn({ err, contentId: file.contentId }, 'thumbnail not stored');
      }
    }

    return stored;
  }

  private endOutcome(
    remaining: number,
    consecutiveFailures: number,
  ): ThumbnailSyncResult['outcome'] {
    if (remaining === 0) return 'complete';

    return consecutiveFailures >= this.maxConsecutiveFailures ? 'aborted' : 'stopped';
  }

  /** Whatever the sizing says, a chunk asks for at least one thumbnail. */
  private chunkSize(): number {
    const size = Math.floor(this.deps.sizing.next());

    return Number.isFinite(size) && size >= 1 ? size : 1;
  }

  private setState(state: SyncState): void {
    if (this.state === state) return;

    this.log.debug({ from: this.state, to: state }, 'thumbnail sync state changed');
    this.state = state;
  }

  private emitProgress(): void {
    this.safeEmit(() => this.emit('progress', this.progress()));
  }

  private emitThumbnail(contentId: string, data: Buffer, hash: string): void {
    this.safeEmit(() => this.emit('thumbnail', contentId, data, hash));
  }

  /** A throwing listener is a bug elsewhere; it is logged and must not end the sync. */
  private safeEmit(emit: () => void): void {
    try {
      emit();
    } catch (err) {
      this.log.error({ err }, 'thumbnail sync listener threw');
    }
  }
}

/** Takes up to `size` ids from the first retry group, dropping the group once empty. */
function takeChunk(groups: string[][], size: number): string[] {
  const group = groups[0];
  if (!group) return [];

  const chunk = group.splice(0, size);
  if (group.length === 0) groups.shift();

  return chunk;
}

function halves(ids: string[]): string[][] {
  if (ids.length <= 1) return ids.length === 1 ? [ids] : [];

  const middle = Math.ceil(ids.length / 2);

  return [ids.slice(0, middle), ids.slice(middle)];
}
