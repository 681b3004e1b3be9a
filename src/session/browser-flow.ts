/**
 * The artwork browser of one TV session: turns the browser commands (`search`, `browse_filter`,
 * `browse_pick`) into browser state, publishes the preview image of the chosen artwork, and
 * reads the favourites from the TV when that filter is chosen. Showing the pick on the TV is a
 * normal `select` on the user lane, run by the session.
 */
import { DocentError, errorCode, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { LaneScheduler } from '../queue/scheduler.js';
import type { JobOutcome } from '../queue/types.js';
import type { ThumbnailCache } from '../thumbnails/cache.js';
import type { FrameArtApi } from '../tv/art-api.js';
import type { Artwork } from '../tv/types.js';
import { ArtworkBrowser, type BrowserView, FILTER_FAVOURITES } from './artwork-browser.js';
import type { TvPublisher } from './publisher.js';

/** The TV's favourites category (frame-protocol.md §3.7; `MY-C0004` on every generation seen). */
const FAVOURITES_CATEGORY = 'MY-C0004';

export interface BrowserFlowDeps {
  api: FrameArtApi;
  scheduler: LaneScheduler;
  cache: ThumbnailCache;
  publisher: TvPublisher;
  artworks(): readonly Readonly<Artwork>[];
  currentContentId(): string | null;
  /** Browser state or options changed: state and discovery must be republished. */
  onChanged(): void;
  logger: Logger;
}

export class BrowserFlow {
  private readonly browser = new ArtworkBrowser();

  constructor(
    private readonly options: { thumbnailTimeoutMs: number },
    private readonly deps: BrowserFlowDeps,
  ) {}

  get pick(): string | null {
    return this.browser.pick;
  }

  view(): BrowserView {
    return this.browser.view(this.deps.artworks());
  }

  artworkOptions(): string[] {
    return this.browser.artworkOptions(this.deps.artworks(), this.deps.currentContentId());
  }

  browseOptions(): string[] {
    return this.browser.browseOptions(this.deps.artworks());
  }

  filterOptions(): string[] {
    return this.browser.filterOptions(this.deps.artworks());
  }

  /** The TV's favourites, read elsewhere (tv-features.ts) or restored from the data dir. */
  setFavourites(contentIds: readonly string[]): void {
    this.browser.setFavourites(contentIds);
  }

  search(query: string): JobOutcome<unknown> {
    this.browser.setQuery(query);
    this.deps.onChanged();

    return { status: 'ok', value: { matches: this.view().matches } };
  }

  async setFilter(filter: string): Promise<JobOutcome<unknown>> {
    if (!this.browser.setFilter(filter, this.deps.artworks())) {
      const known = this.filterOptions().join(', ');
      return { status: 'error', code: 'UNKNOWN_FILTER', message: `filter must be one of ${known}` };
    }
    if (filter === FILTER_FAVOURITES) {
      const read = await this.readFavourites();
      if (read.status !== 'ok') return read;
    }
    this.deps.onChanged();

    return { status: 'ok', value: { filter, matches: this.view().matches } };
  }

  async setPick(contentId: string): Promise<JobOutcome<unknown>> {
    if (!this.deps.artworks().some((a) => a.contentId === contentId)) {
      return {
        status: 'error',
        code: 'UNKNOWN_ARTWORK',
        message: `no artwork ${contentId} on this TV`,
      };
    }
    this.browser.setPick(contentId);
    this.deps.onChanged();
    const published = await this.publishPreview();

    return { status: 'ok', value: { content_id: contentId, preview: published } };
  }

  /** The catalogue changed: drop a pick or filter that left it. */
  catalogueChanged(): void {
    const before = this.browser.pick;
    this.browser.catalogueChanged(this.deps.artworks());
    if (before !== null && this.browser.pick === null) void this.deps.publisher.previewImage(null);
  }

  /**
   * Publishes the pick's thumbnail on the preview topic: from the cache, or fetched on the sync
   * lane (one thumbnail, so a user command waits at most that long). False when there is no
   * pick or no thumbnail could be had.
   */
  async publishPreview(): Promise<boolean> {
    const contentId = this.browser.pick;
    if (contentId === null) return false;

    const cached = await this.deps.cache.read(contentId);
    if (cached) {
      await this.deps.publisher.previewImage(cached);
      return true;
    }

    const outcome = await this.deps.scheduler.enqueue({
      lane: 'sync',
      name: 'preview_thumbnail',
      coalesceKey: 'preview_thumbnail',
      run: async () => {
        const [file] = await this.deps.api.getThumbnails([contentId], {
          timeoutMs: this.options.thumbnailTimeoutMs,
        });
        if (!file)
          throw new DocentError('NO_THUMBNAIL', `the TV sent no thumbnail of ${contentId}`);

        return this.deps.cache.put(file.contentId, file.data);
      },
    });
    if (outcome.status !== 'ok') {
      this.deps.logger.debug(
        { contentId, status: outcome.status },
        'preview thumbnail not fetched',
      );
      return false;
    }
    // A newer pick may have been published while this one was fetched.
    if (this.browser.pick !== contentId) return false;
    await this.deps.publisher.previewImage(outcome.value.data);

    return true;
  }

  private async readFavourites(): Promise<JobOutcome<unknown>> {
    const outcome = await this.deps.scheduler.enqueue({
      lane: 'user',
      name: 'favourites',
      coalesceKey: 'favourites',
      run: () => this.deps.api.getContentList(FAVOURITES_CATEGORY),
    });
    if (outcome.status !== 'ok') return outcome;

    try {
      this.browser.setFavourites(outcome.value.map((a) => a.contentId));
    } catch (err) {
      return { status: 'error', code: errorCode(err), message: errorMessage(err) };
    }

    return outcome;
  }
}
