import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';
import { ChunkSizer } from '../queue/chunk-sizer.js';
import type { LaneScheduler } from '../queue/scheduler.js';
import type { ThumbnailCache } from '../thumbnails/cache.js';
import { type ChunkReply, ThumbnailSync, type ThumbnailSyncProgress } from '../thumbnails/sync.js';
import type { FrameArtApi } from '../tv/art-api.js';
import type { TvPublisher } from './publisher.js';

export interface ThumbnailFlowDeps {
  api: FrameArtApi;
  scheduler: LaneScheduler;
  cache: ThumbnailCache;
  publisher: TvPublisher;
  /** Content ids in catalogue order (newest first). */
  artworkIds(): string[];
  currentContentId(): string | null;
  /** A thumbnail was stored (and published). */
  onStored(contentId: string): void;
  /** Progress or running state changed. */
  onProgress(): void;
  logger: Logger;
}

export interface ThumbnailFlowOptions {
  chunkTargetMs: number;
  timeoutMs: number;
}

/**
 * Thumbnails of one TV: the background sync, cut into chunks of one background job each, and the
 * current artwork's image, which follows the TV at once.
 */
export class ThumbnailFlow {
  private readonly sync: ThumbnailSync;
  private readonly sizer: ChunkSizer;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly options: ThumbnailFlowOptions,
    private readonly deps: ThumbnailFlowDeps,
  ) {
    this.sizer = new ChunkSizer({ targetMs: options.chunkTargetMs });
    this.sync = new ThumbnailSync({
      cache: deps.cache,
      // A chunk's duration is recorded from inside its job (time the TV spent on it), not around
      // the queue wait, so a burst of user commands does not shrink the chunks.
      sizing: { next: () => this.sizer.next(), record: () => {} },
      fetchChunk: (ids) => this.fetchChunk(ids),
      logger: deps.logger,
    });
    this.sync.on('progress', () => deps.onProgress());
    this.sync.on('thumbnail', (contentId, data, hash) => {
      void this.stored(contentId, data, hash);
    });
  }

  progress(): ThumbnailSyncProgress {
    return this.sync.progress();
  }

  /** Fetches every missing thumbnail; a request while a sync runs starts another pass after it. */
  start(onFinished: () => void): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }

    this.running = true;
    void (async () => {
      do {
        this.again = false;
        const report = await this.sync.run(this.deps.artworkIds());
        this.deps.logger.info(
          { fetched: report.fetched, failed: report.failed.length, durationMs: report.durationMs },
          'thumbnail sync finished',
        );
      } while (this.again && !this.stopped);
      this.running = false;
      this.deps.onProgress();
      onFinished();
    })().catch((err: unknown) => {
      this.running = false;
      this.deps.logger.error({ err }, 'thumbnail sync failed');
    });
  }

  /** The current image: from the cache, or fetched on the sync lane when `tvReady`. */
  async publishCurrent(tvReady: boolean): Promise<void> {
    const contentId = this.deps.currentContentId();
    if (!contentId) return;

    const cached = await this.deps.cache.read(contentId);
    if (cached) {
      await this.deps.publisher.currentImage(cached);
      return;
    }
    if (!tvReady) return;

    await this.deps.scheduler.enqueue({
      lane: 'sync',
      name: 'current_thumbnail',
      coalesceKey: 'current_thumbnail',
      run: async () => {
        const [file] = await this.deps.api.getThumbnails([contentId], {
          timeoutMs: this.options.timeoutMs,
        });
        if (!file) return;
        const stored = await this.deps.cache.put(file.contentId, file.data);
        await this.stored(file.contentId, stored.data, stored.hash);
      },
    });
  }

  /** An artwork left the TV: its cached file and its retained topic go too. */
  async remove(contentId: string): Promise<void> {
    await this.deps.cache.remove(contentId);
    await this.deps.publisher.clearThumbnail(contentId);
  }

  stop(): void {
    this.stopped = true;
    this.sync.stop();
  }

  /** One chunk = one background job; the sync awaits it before asking for more. */
  /**
   * One chunk as one background job that holds the TV only while its art app works on the
   * request; the d2d download is returned for the sync to do outside the lane, while the TV
   * serves whatever comes next (a user's click, or the next chunk).
   */
  private async fetchChunk(contentIds: string[]): Promise<ChunkReply> {
    const outcome = await this.deps.scheduler.enqueue({
      lane: 'background',
      name: 'thumbnails',
      run: async () => {
        const startedMs = performance.now();
        try {
          return await this.deps.api.requestThumbnails(contentIds, {
            timeoutMs: this.options.timeoutMs,
          });
        } finally {
          // Failures count too: a failing fetch still holds the TV (frame-protocol.md §7 Q7).
          this.sizer.record(contentIds.length, performance.now() - startedMs);
        }
      },
    });
    if (outcome.status === 'ok') return outcome.value;
    if (outcome.status === 'error') throw new DocentError(outcome.code, outcome.message);

    throw new DocentError('THUMBNAILS_NOT_FETCHED', `thumbnail chunk ended ${outcome.status}`);
  }

  private async stored(contentId: string, data: Buffer, hash: string): Promise<void> {
    await this.deps.publisher.thumbnail(contentId, data, hash);
    if (this.deps.currentContentId() === contentId) await this.deps.publisher.currentImage(data);
    this.deps.onStored(contentId);
  }
}
