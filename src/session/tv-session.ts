import { Catalog } from '../catalog/catalog.js';
import { CatalogStore } from '../catalog/catalog-store.js';
import { errorCode, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { MqttBridgeClient } from '../mqtt/client.js';
import type { CommandResult } from '../mqtt/command-result.js';
import type { DiscoveryMessage, DiscoveryMode, TvDescriptor } from '../mqtt/discovery.js';
import type { Topics } from '../mqtt/topics.js';
import { LaneScheduler } from '../queue/scheduler.js';
import type { JobOutcome, JobSpec } from '../queue/types.js';
import { ThumbnailCache } from '../thumbnails/cache.js';
import { FrameArtApi } from '../tv/art-api.js';
import { FrameConnection } from '../tv/connection.js';
import { parseTvEvent, type TvEvent } from '../tv/events.js';
import { FileTokenStore } from '../tv/token-store.js';
import type { ArtEvent, ConnectionState, CurrentArtwork, SlideshowStatus } from '../tv/types.js';
import { BrowserFlow } from './browser-flow.js';
import { type AiSettings, SessionDescriptions } from './descriptions.js';
import { effectOf } from './event-effects.js';
import { matteOptions } from './matte-options.js';
import { TvPublisher } from './publisher.js';
import { SessionCommands, type WakeSettings } from './session-commands.js';
import { toStatePayload } from './state.js';
import { ThumbnailFlow } from './thumbnail-flow.js';

export interface TvSessionOptions {
  tv: {
    id: string;
    name: string;
    host: string;
    port: number;
    secure: boolean;
    /** For Wake-on-LAN; wake answers UNSUPPORTED without it. */
    mac?: string | undefined;
  };
  dataDir: string;
  version: string;
  thumbnails: { maxWidthPx: number; chunkTargetMs: number };
  /** How long a user command may wait to start before it ends `expired`. */
  userDeadlineMs?: number;
  /** Art-channel timings; tests shorten them. */
  connection?: {
    backoff?: { initialMs: number; maxMs: number; resetAfterMs: number };
    requestTimeoutMs?: number;
  };
  thumbnailTimeoutMs?: number;
  /** Artwork descriptions; off when absent. */
  ai?: AiSettings | null;
  /** Device-based discovery (default) or one message per entity. */
  discoveryMode?: DiscoveryMode;
  /** Where Wake-on-LAN packets go (tests: the simulator's port); broadcast port 9 by default. */
  wake?: Omit<WakeSettings, 'mac'>;
}

export interface TvSessionDeps {
  mqtt: MqttBridgeClient;
  topics: Topics;
  logger: Logger;
}

const STATE_PUBLISH_DELAY_MS = 50;

/**
 * One TV: its supervised connection, its lanes, its catalogue and thumbnails, and what Home
 * Assistant sees of it. Everything that needs the TV goes through `scheduler`.
 */
export class TvSession {
  readonly tvId: string;
  private readonly log: Logger;
  private readonly connection: FrameConnection;
  private readonly api: FrameArtApi;
  private readonly scheduler: LaneScheduler;
  private readonly store: CatalogStore;
  private readonly cache: ThumbnailCache;
  private readonly thumbnails: ThumbnailFlow;
  private readonly publisher: TvPublisher;
  private readonly descriptions: SessionDescriptions | null;
  private readonly browser: BrowserFlow;
  private readonly commands: SessionCommands;
  private catalog = new Catalog();
  private connectionState: ConnectionState = 'offline';
  private slideshow: SlideshowStatus | null = null;
  private lastError: { code: string; message: string; at: string } | null = null;
  private statePublishTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly options: TvSessionOptions,
    private readonly deps: TvSessionDeps,
  ) {
    const { tv } = options;
    this.tvId = tv.id;
    this.log = deps.logger.child({ tv: tv.id });
    this.connection = new FrameConnection(
      {
        tvId: tv.id,
        host: tv.host,
        port: tv.port,
        secure: tv.secure,
        ...(options.connection?.backoff ? { backoff: options.connection.backoff } : {}),
        ...(options.connection?.requestTimeoutMs
          ? { requestTimeoutMs: options.connection.requestTimeoutMs }
          : {}),
      },
      {
        logger: this.log.child({ component: 'tv' }),
        tokenStore: new FileTokenStore({ dataDir: options.dataDir, tvId: tv.id }),
      },
    );
    this.api = new FrameArtApi(this.connection);
    this.scheduler = new LaneScheduler({ logger: this.log.child({ component: 'queue' }) });
    this.store = new CatalogStore(
      { dataDir: options.dataDir, tvId: tv.id },
      { logger: this.log.child({ component: 'catalog' }) },
    );
    this.cache = new ThumbnailCache(
      {
        dir: `${options.dataDir}/tvs/${tv.id}/thumbnails`,
        maxWidthPx: options.thumbnails.maxWidthPx,
      },
      { logger: this.log.child({ component: 'thumbnails' }) },
    );
    this.publisher = new TvPublisher(tv.id, {
      mqtt: deps.mqtt,
      topics: deps.topics,
      version: options.version,
      discoveryMode: options.discoveryMode ?? 'device',
      logger: this.log.child({ component: 'mqtt' }),
    });
    this.descriptions = options.ai
      ? new SessionDescriptions(
          options.ai,
          { dataDir: options.dataDir, tvId: tv.id },
          {
            cache: this.cache,
            publish: (contentId, payload) => this.publisher.description(contentId, payload),
            onCurrentChanged: () => this.schedulePublishState(),
            logger: this.log.child({ component: 'ai' }),
          },
        )
      : null;
    this.thumbnails = new ThumbnailFlow(
      {
        chunkTargetMs: options.thumbnails.chunkTargetMs,
        timeoutMs: options.thumbnailTimeoutMs ?? 15_000,
      },
      {
        api: this.api,
        scheduler: this.scheduler,
        cache: this.cache,
        publisher: this.publisher,
        artworkIds: () => this.catalog.artworks().map((a) => a.contentId),
        currentContentId: () => this.catalog.current()?.contentId ?? null,
        onStored: (contentId) => this.descriptions?.thumbnailStored(contentId),
        onProgress: () => this.schedulePublishState(),
        logger: this.log.child({ component: 'thumbnails' }),
      },
    );
    this.browser = new BrowserFlow(
      { thumbnailTimeoutMs: options.thumbnailTimeoutMs ?? 15_000 },
      {
        api: this.api,
        scheduler: this.scheduler,
        cache: this.cache,
        publisher: this.publisher,
        artworks: () => this.catalog.artworks(),
        currentContentId: () => this.catalog.current()?.contentId ?? null,
        onChanged: () => this.optionsChanged(),
        logger: this.log.child({ component: 'mqtt' }),
      },
    );
    this.commands = new SessionCommands(
      { mac: tv.mac ?? null, ...options.wake },
      {
        scheduler: this.scheduler,
        publisher: this.publisher,
        browser: this.browser,
        descriptions: this.descriptions,
        api: this.api,
        catalog: () => this.catalog,
        userDeadlineMs: options.userDeadlineMs ?? 30_000,
        refresh: () => this.refresh(),
        syncThumbnails: () => this.startThumbnailSync(),
        onSelected: (current) => this.setCurrent(current),
        onError: (code, message) => this.noteError(code, message),
        logger: this.log.child({ component: 'commands' }),
      },
    );
  }

  /** Cache first: what the data dir holds is published before the TV is asked anything. */
  async start(): Promise<void> {
    const snapshot = await this.store.load();
    if (snapshot) this.catalog = Catalog.fromSnapshot(snapshot);
    await this.cache.start();
    await this.descriptions?.start();
    this.descriptions?.currentChanged(this.catalog.current()?.contentId ?? null);

    this.scheduler.on('change', () => this.schedulePublishState());
    this.connection.on('state', (state: ConnectionState) => this.onConnectionState(state));
    this.connection.on('event', (event: ArtEvent) => this.onArtEvent(event));

    await this.subscribeCommands();
    await this.publishAll(false);
    this.log.info(
      { artworks: this.catalog.artworks().length, thumbnails: this.cache.list().length },
      'tv session started',
    );
  }

  /** Starts supervising the TV connection; call after start() and the first discovery. */
  connect(): void {
    this.connection.start();
  }

  /** This TV's discovery messages (one device message by default), as they should be now. */
  discoveryMessages(): DiscoveryMessage[] {
    return this.publisher.discoveryMessages(this.descriptor());
  }

  /** Told by the bridge after it published `discoveryMessages()` for every TV. */
  discoveryPublished(messages: readonly DiscoveryMessage[]): void {
    this.publisher.noteDiscovery(messages);
  }

  /**
   * Republishes availability, state, catalogue and images (HA birth, broker reconnect);
   * `force` ignores what this process already sent. Discovery is the bridge's job.
   */
  async publishAll(force: boolean): Promise<void> {
    if (force) this.publisher.forgetPublished();

    await this.publisher.availability(this.connectionState === 'ready');
    await this.publishState();
    await this.publisher.catalog(this.catalog.artworks(), (id) => this.cache.hashOf(id));
    for (const contentId of this.cache.list()) {
      const data = await this.cache.read(contentId);
      const hash = this.cache.hashOf(contentId);
      if (data && hash) await this.publisher.thumbnail(contentId, data, hash);
    }
    await this.publishCurrentImage();
    await this.browser.publishPreview();
  }

  /** Thumbnail sync progress, for the demo's progress line. */
  progress() {
    return this.thumbnails.progress();
  }

  /** Parses one payload from `docent/<tv>/command` and answers it with exactly one result. */
  handleCommand(payload: Buffer): Promise<CommandResult> {
    return this.commands.handle(payload);
  }

  /** Idempotent; undoes start() in reverse order. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;

    if (this.statePublishTimer) clearTimeout(this.statePublishTimer);
    const steps: Array<[string, () => unknown]> = [
      ['thumbnails', () => this.thumbnails.stop()],
      ['descriptions', () => this.descriptions?.stop()],
      ['scheduler', () => this.scheduler.stop()],
      ['connection', () => this.connection.stop()],
      ['state', () => this.publishFinalState()],
      ['availability', () => this.publisher.availability(false)],
      ['catalog', () => this.store.save(this.catalog.snapshot())],
    ];
    for (const [step, run] of steps) {
      try {
        await run();
      } catch (err) {
        this.log.warn({ err, step }, 'tv session stop step failed');
      }
    }
    this.log.info('tv session stopped');
  }

  /** Browser or current artwork changed: select options (discovery) and state follow. */
  private optionsChanged(): void {
    this.schedulePublishState();
    void this.publisher.discovery(this.discoveryMessages());
  }

  private async subscribeCommands(): Promise<void> {
    const topic = this.publisher.tvTopics.command;
    await this.deps.mqtt.subscribe(topic, (_topic, payload) => {
      void this.handleCommand(payload);
    });
  }

  // ---- TV side ------------------------------------------------------------------------------

  private onConnectionState(state: ConnectionState): void {
    const wasReady = this.connectionState === 'ready';
    this.connectionState = state;
    this.scheduler.setTvReady(state === 'ready');
    void this.publisher.availability(state === 'ready');
    this.schedulePublishState();

    if (state === 'ready' && !wasReady) void this.refresh();
  }

  private onArtEvent(event: ArtEvent): void {
    const parsed = parseTvEvent(event);
    if (!parsed) {
      this.log.debug({ event: event.event }, 'tv event ignored');
      return;
    }
    this.applyTvEvent(parsed);
  }

  private applyTvEvent(event: TvEvent): void {
    const effect = effectOf(event, this.catalog.current());
    if (effect.artMode) this.catalog.setArtMode(effect.artMode);
    if (effect.current) this.setCurrent(effect.current);
    if (effect.slideshow) this.slideshow = effect.slideshow;
    if (effect.rereadCatalog) void this.enqueueSync('content_list', () => this.readContentList());
    // TODO(#4): tri-state power from REST, art status and these events; re-read state on wakeup.
    if (effect.power) this.log.info({ event: effect.power }, 'tv power event');
    this.schedulePublishState();
  }

  /** Re-reads status, catalogue and mattes, each as its own sync job so user commands interleave. */
  private async refresh(): Promise<JobOutcome<unknown>> {
    const outcomes = await Promise.all([
      this.enqueueSync('art_mode_status', async () => {
        this.catalog.setArtMode(await this.api.getArtModeStatus());
      }),
      this.enqueueSync('current_artwork', async () => {
        this.setCurrent(await this.api.getCurrentArtwork());
      }),
      this.enqueueSync('content_list', () => this.readContentList()),
      this.enqueueSync('matte_list', async () => {
        this.catalog.setMattes(await this.api.getMatteList());
      }),
      this.enqueueSync('slideshow_status', async () => {
        this.slideshow = await this.api.getSlideshowStatus();
      }),
    ]);
    this.schedulePublishState();
    await this.publisher.discovery(this.discoveryMessages());
    await this.saveCatalog();

    // A superseded read was replaced by a newer one of the same kind, which did the work.
    const failed = outcomes.find((o) => o.status !== 'ok' && o.status !== 'superseded');
    if (failed) return failed;

    return { status: 'ok', value: { artworks: this.catalog.artworks().length } };
  }

  private enqueueSync(name: string, run: () => Promise<unknown>): Promise<JobOutcome<unknown>> {
    const spec: JobSpec<unknown> = { lane: 'sync', name, coalesceKey: name, run };

    return this.scheduler.enqueue(spec);
  }

  private async readContentList(): Promise<void> {
    // Content lists take about 1 s per 115 items (frame-protocol.md §7); allow for big catalogues.
    const known = this.catalog.artworks().length;
    const timeoutMs = known > 0 ? Math.max(30_000, known * 30) : 120_000;
    const fresh = await this.api.getContentList(undefined, { timeoutMs });
    const diff = this.catalog.replaceArtworks(fresh);
    for (const contentId of diff.removed) await this.thumbnails.remove(contentId);
    this.browser.catalogueChanged();
    if (diff.added.length || diff.removed.length || diff.changed.length) {
      this.log.info(
        { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length },
        'catalogue changed',
      );
    }
    await this.publisher.catalog(this.catalog.artworks(), (id) => this.cache.hashOf(id));
    this.startThumbnailSync();
  }

  private startThumbnailSync(): void {
    this.thumbnails.start(() => {
      void this.publisher.catalog(this.catalog.artworks(), (id) => this.cache.hashOf(id));
      this.descriptions?.describeCatalogue(this.catalog.artworks().map((a) => a.contentId));
    });
  }

  private setCurrent(current: CurrentArtwork): void {
    const changed = this.catalog.current()?.contentId !== current.contentId;
    this.catalog.setCurrent(current);
    this.schedulePublishState();
    if (!changed) return;

    this.optionsChanged();
    void this.publishCurrentImage();
    this.descriptions?.currentChanged(current.contentId);
  }

  /** The current image follows the TV at once, including changes made on the TV itself. */
  private publishCurrentImage(): Promise<void> {
    return this.thumbnails.publishCurrent(this.connectionState === 'ready');
  }

  // ---- publishing ---------------------------------------------------------------------------

  private descriptor(): TvDescriptor {
    return {
      tvId: this.tvId,
      name: this.options.tv.name,
      model: null,
      artworkOptions: this.browser.artworkOptions(),
      browseOptions: this.browser.browseOptions(),
      filterOptions: this.browser.filterOptions(),
      matteOptions: matteOptions(this.catalog.mattes()),
      features: { ai: this.descriptions !== null },
    };
  }

  private schedulePublishState(): void {
    if (this.statePublishTimer || this.stopped) return;

    this.statePublishTimer = setTimeout(() => {
      this.statePublishTimer = null;
      void this.publishState();
    }, STATE_PUBLISH_DELAY_MS);
  }

  private async publishState(): Promise<void> {
    const payload = toStatePayload(
      {
        connection: this.connectionState,
        artMode: this.catalog.snapshot().artMode,
        current: this.catalog.current(),
        slideshow: this.slideshow,
        queue: this.scheduler.depth(),
        sync: this.thumbnails.progress(),
        catalogSize: this.catalog.artworks().length,
        lastError: this.lastError,
        description: this.descriptions?.currentState() ?? null,
        currentTitle: this.descriptions?.currentTitle() ?? null,
        browser: this.browser.view(),
      },
      new Date(),
    );
    await this.publisher.state(payload);
  }

  /** The retained state must not say `ready` after Docent has gone. */
  private async publishFinalState(): Promise<void> {
    this.connectionState = 'offline';
    await this.publishState();
  }

  private noteError(code: string, message: string): void {
    this.lastError = { code, message, at: new Date().toISOString() };
  }

  private async saveCatalog(): Promise<void> {
    try {
      await this.store.save(this.catalog.snapshot());
    } catch (err) {
      this.log.warn(
        { err, code: errorCode(err), message: errorMessage(err) },
        'catalogue save failed',
      );
    }
  }
}
