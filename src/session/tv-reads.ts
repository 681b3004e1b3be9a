/**
 * What one session reads from its TV, each read one job on the `sync` lane so user commands
 * interleave with them (architecture rule 2): status, current artwork, the catalogue and its
 * thumbnails, mattes, slideshow, art features and power.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { Logger } from '../log.js';
import type { LaneScheduler } from '../queue/scheduler.js';
import type { JobOutcome, JobSpec } from '../queue/types.js';
import type { ThumbnailCache } from '../thumbnails/cache.js';
import type { FrameArtApi } from '../tv/art-api.js';
import type { FramePower } from '../tv/power.js';
import type { CurrentArtwork, SlideshowStatus } from '../tv/types.js';
import type { BrowserFlow } from './browser-flow.js';
import type { TvPublisher } from './publisher.js';
import type { ThumbnailFlow } from './thumbnail-flow.js';
import type { TvFeatures } from './tv-features.js';

export interface TvReadsDeps {
  api: FrameArtApi;
  scheduler: LaneScheduler;
  features: TvFeatures;
  power: FramePower;
  /** The session's catalogue (replaced on start, so asked for each time). */
  catalog(): Catalog;
  thumbnails: ThumbnailFlow;
  browser: BrowserFlow;
  publisher: TvPublisher;
  cache: ThumbnailCache;
  setCurrent(current: CurrentArtwork): void;
  setSlideshow(slideshow: SlideshowStatus): void;
  /** After a refresh: state, discovery and the data dir follow. */
  afterRefresh(): Promise<void>;
  /** The catalogue was read: the select options (discovery) follow at once. */
  onCatalogueRead(): void;
  /** A thumbnail sync finished (descriptions of the catalogue may start). */
  onCatalogueDone(): void;
  /** An artwork left the TV; its thumbnail topic is already cleared. */
  onArtworkRemoved(contentId: string): Promise<void>;
  logger: Logger;
}

/** Content lists take about 1 s per 115 items (frame-protocol.md §7); allow for big catalogues. */
const CONTENT_LIST_MS_PER_ITEM = 30;
const MIN_CONTENT_LIST_TIMEOUT_MS = 30_000;
const FIRST_CONTENT_LIST_TIMEOUT_MS = 120_000;

export class TvReads {
  constructor(private readonly deps: TvReadsDeps) {}

  /** Re-reads status, catalogue, mattes, slideshow and features; resolves when all are done. */
  async refresh(): Promise<JobOutcome<unknown>> {
    const { api, catalog } = this.deps;
    const outcomes = await Promise.all([
      this.enqueueSync('art_mode_status', async () => {
        catalog().setArtMode(await api.getArtModeStatus());
      }),
      this.readPower(),
      this.enqueueSync('current_artwork', async () => {
        this.deps.setCurrent(await api.getCurrentArtwork());
      }),
      this.enqueueSync('content_list', () => this.readContentList()),
      this.enqueueSync('matte_list', async () => {
        catalog().setMattes(await api.getMatteList());
      }),
      this.enqueueSync('slideshow_status', async () => {
        this.deps.setSlideshow(await api.getSlideshowStatus());
      }),
      this.deps.features.read().then((): JobOutcome<unknown> => ({ status: 'ok', value: null })),
    ]);
    await this.deps.afterRefresh();

    // A superseded read was replaced by a newer one of the same kind, which did the work; a
    // feature the TV lacks is not a failed refresh.
    const failed = outcomes.find(
      (o) => o.status !== 'ok' && o.status !== 'superseded' && !isUnsupported(o),
    );
    if (failed) return failed;

    return { status: 'ok', value: { artworks: catalog().artworks().length } };
  }

  /** The catalogue changed on the TV (upload, delete): read it again. */
  rereadCatalogue(): Promise<JobOutcome<unknown>> {
    return this.enqueueSync('content_list', () => this.readContentList());
  }

  /**
   * REST (and art mode when the channel is up) for tri-state power. Needs no art channel, so it
   * also runs while the TV is off.
   */
  readPower(): Promise<JobOutcome<unknown>> {
    return this.deps.scheduler.enqueue({
      lane: 'sync',
      name: 'power',
      coalesceKey: 'power',
      needsTv: false,
      maxAttempts: 1,
      run: () => this.deps.power.refresh(),
    });
  }

  enqueueSync(name: string, run: () => Promise<unknown>): Promise<JobOutcome<unknown>> {
    const spec: JobSpec<unknown> = { lane: 'sync', name, coalesceKey: name, run };

    return this.deps.scheduler.enqueue(spec);
  }

  startThumbnailSync(): void {
    this.deps.thumbnails.start(() => {
      void this.publishCatalog();
      this.deps.onCatalogueDone();
    });
  }

  private async readContentList(): Promise<void> {
    const catalog = this.deps.catalog();
    const known = catalog.artworks().length;
    const timeoutMs =
      known > 0
        ? Math.max(MIN_CONTENT_LIST_TIMEOUT_MS, known * CONTENT_LIST_MS_PER_ITEM)
        : FIRST_CONTENT_LIST_TIMEOUT_MS;
    const fresh = await this.deps.api.getContentList(undefined, { timeoutMs });
    const diff = catalog.replaceArtworks(fresh);
    for (const contentId of diff.removed) {
      await this.deps.thumbnails.remove(contentId);
      await this.deps.onArtworkRemoved(contentId);
    }
    this.deps.browser.catalogueChanged();
    this.deps.onCatalogueRead();
    if (diff.added.length || diff.removed.length || diff.changed.length) {
      this.deps.logger.info(
        { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length },
        'catalogue changed',
      );
    }
    await this.publishCatalog();
    this.startThumbnailSync();
  }

  private publishCatalog(): Promise<void> {
    const catalog = this.deps.catalog();

    return this.deps.publisher.catalog(catalog.artworks(), (id) => this.deps.cache.hashOf(id));
  }
}

function isUnsupported(outcome: JobOutcome<unknown>): boolean {
  return outcome.status === 'error' && outcome.code === 'TV_UNSUPPORTED';
}
