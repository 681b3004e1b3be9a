import pMap from 'p-map';
import type { UsageBudget } from '../ai/usage-budget.js';
import { Catalog } from '../catalog/catalog.js';
import { CatalogStore } from '../catalog/catalog-store.js';
import { errorCode, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { MqttBridgeClient } from '../mqtt/client.js';
import type { CommandResult } from '../mqtt/command-result.js';
import type { DiscoveryMessage, DiscoveryMode, TvDescriptor } from '../mqtt/discovery.js';
import { intervalOptions } from '../mqtt/slideshow-labels.js';
import type { Topics } from '../mqtt/topics.js';
import { LaneScheduler } from '../queue/scheduler.js';
import { ThumbnailCache } from '../thumbnails/cache.js';
import type { FrameConnectionOptions } from '../tv/connection.js';
import { parseTvEvent, type TvEvent } from '../tv/events.js';
import type { ArtEvent, ConnectionState, CurrentArtwork, SlideshowStatus } from '../tv/types.js';
import { BrowserFlow } from './browser-flow.js';
import type { AiSettings, SessionDescriptions } from './descriptions.js';
import { effectOf } from './event-effects.js';
import { matteOptions } from './matte-options.js';
import { TvPublisher } from './publisher.js';
import { SessionCommands, type WakeSettings } from './session-commands.js';
import { SessionStore } from './session-store.js';
import { slideshowMinutes, toStatePayload } from './state.js';
import { ThumbnailFlow } from './thumbnail-flow.js';
import { ThumbnailLedger } from './thumbnail-ledger.js';
import { TvFeatures } from './tv-features.js';
import { TvLink } from './tv-link.js';
import { TvReads } from './tv-reads.js';

export interface TvSessionOptions {
  tv: {
    id: string;
    name: string;
    host: string;
    port: number;
    secure: boolean;
    /** For Wake-on-LAN; else the MAC the TV reported over REST is used. */
    mac?: string | undefined;
  };
  dataDir: string;
  version: string;
  thumbnails: { maxWidthPx: number; chunkTargetMs: number };
  /** How long a user command may wait to start before it ends `expired`. */
  userDeadlineMs?: number;
  /** Art-channel timings and policies; tests shorten them. */
  connection?: Partial<Omit<FrameConnectionOptions, 'tvId' | 'host' | 'port' | 'secure'>>;
  thumbnailTimeoutMs?: number;
  /** Artwork descriptions; off when absent. */
  ai?: AiSettings | null;
  /** Device-based discovery (default) or one message per entity. */
  discoveryMode?: DiscoveryMode;
  /** Where Wake-on-LAN packets go (tests: the simulator's port); broadcast port 9 by default. */
  wake?: WakeSettings;
  /** How often REST is asked for power while the art channel is down. Default 60 s. */
  powerProbeMs?: number;
}

export interface TvSessionDeps {
  mqtt: MqttBridgeClient;
  topics: Topics;
  logger: Logger;
  /** The daemon's AI token budget, shared by every TV (bridge.ts). */
  aiBudget?: UsageBudget | undefined;
}

/** Why everything is published again (bridge.ts). */
export type RepublishReason = 'ha_birth' | 'broker_reconnect';

const STATE_PUBLISH_DELAY_MS = 50;
/** State that only matters across restarts is written at most this often. */
const SAVE_DELAY_MS = 2000;
const DEFAULT_POWER_PROBE_MS = 60_000;
/** Cached thumbnails read and published at once when the broker lacks them. */
const CACHED_PUBLISH_WINDOW = 16;

/**
 * One TV: its supervised connection, its lanes, its catalogue and thumbnails, and what Home
 * Assistant sees of it. Everything that needs the TV goes through `scheduler`.
 */
export class TvSession {
  readonly tvId: string;
  private readonly log: Logger;
  private readonly link: TvLink;
  private readonly scheduler: LaneScheduler;
  private readonly store: CatalogStore;
  private readonly sessionStore: SessionStore;
  private readonly cache: ThumbnailCache;
  private readonly thumbnails: ThumbnailFlow;
  private readonly publisher: TvPublisher;
  /** Made in start() when AI is configured: the OpenAI client is loaded only then. */
  private descriptions: SessionDescriptions | null = null;
  private readonly browser: BrowserFlow;
  private readonly features: TvFeatures;
  private readonly ledger: ThumbnailLedger;
  private readonly reads: TvReads;
  private readonly commands: SessionCommands;
  private catalog = new Catalog();
  private connectionState: ConnectionState = 'offline';
  private slideshow: SlideshowStatus | null = null;
  private lastSlideshowMinutes: number | null = null;
  private lastError: { code: string; message: string; at: string } | null = null;
  private statePublishTimer: NodeJS.Timeout | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private powerProbeTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly options: TvSessionOptions,
    private readonly deps: TvSessionDeps,
  ) {
    const { tv } = options;
    const place = { dataDir: options.dataDir, tvId: tv.id };
    this.tvId = tv.id;
    this.log = deps.logger.child({ tv: tv.id });
    this.link = new TvLink(
      {
        tvId: tv.id,
        host: tv.host,
        port: tv.port,
        secure: tv.secure,
        mac: tv.mac ?? null,
        dataDir: options.dataDir,
        ...(options.connection ? { connection: options.connection } : {}),
        ...(options.wake ? { wol: options.wake } : {}),
      },
      { logger: this.log },
    );
    this.scheduler = new LaneScheduler({ logger: this.log.child({ component: 'queue' }) });
    this.store = new CatalogStore(place, { logger: this.log });
    this.sessionStore = new SessionStore(place, { logger: this.log });
    this.cache = new ThumbnailCache(
      {
        dir: `${options.dataDir}/tvs/${tv.id}/thumbnails`,
        maxWidthPx: options.thumbnails.maxWidthPx,
      },
      { logger: this.log.child({ component: 'thumbnails' }) },
    );
    this.ledger = new ThumbnailLedger(place, { logger: this.log });
    this.publisher = new TvPublisher(tv.id, {
      mqtt: deps.mqtt,
      topics: deps.topics,
      version: options.version,
      discoveryMode: options.discoveryMode ?? 'device',
      ledger: this.ledger,
      logger: this.log.child({ component: 'mqtt' }),
    });
    const api = this.link.api;
    const thumbnailTimeoutMs = options.thumbnailTimeoutMs ?? 15_000;
    const currentContentId = () => this.catalog.current()?.contentId ?? null;
    this.thumbnails = new ThumbnailFlow(
      { chunkTargetMs: options.thumbnails.chunkTargetMs, timeoutMs: thumbnailTimeoutMs },
      {
        api,
        scheduler: this.scheduler,
        cache: this.cache,
        publisher: this.publisher,
        artworkIds: () => this.catalog.artworks().map((a) => a.contentId),
        currentContentId,
        onStored: (contentId) => this.descriptions?.thumbnailStored(contentId),
        onProgress: () => this.schedulePublishState(),
        logger: this.log.child({ component: 'thumbnails' }),
      },
    );
    this.browser = new BrowserFlow(
      { thumbnailTimeoutMs },
      {
        api,
        scheduler: this.scheduler,
        cache: this.cache,
        publisher: this.publisher,
        artworks: () => this.catalog.artworks(),
        currentContentId,
        onChanged: () => this.optionsChanged(),
        logger: this.log.child({ component: 'mqtt' }),
      },
    );
    this.features = new TvFeatures({
      api,
      enqueueSync: (name, run) => this.reads.enqueueSync(name, run),
      currentContentId,
      onFavourites: (ids) => this.browser.setFavourites(ids),
      onChanged: () => {
        this.optionsChanged();
        this.scheduleSave();
      },
      logger: this.log,
    });
    this.reads = new TvReads({
      api,
      scheduler: this.scheduler,
      features: this.features,
      power: this.link.power,
      catalog: () => this.catalog,
      thumbnails: this.thumbnails,
      browser: this.browser,
      publisher: this.publisher,
      cache: this.cache,
      setCurrent: (current) => this.setCurrent(current),
      setSlideshow: (slideshow) => this.setSlideshow(slideshow),
      afterRefresh: async () => {
        this.schedulePublishState();
        await this.publisher.discovery(this.discoveryMessages());
        await this.saveNow();
      },
      onCatalogueRead: () => this.optionsChanged(),
      onCatalogueDone: () => this.descriptions?.describeCatalogue(this.catalog.artworks()),
      onArtworkRemoved: async (contentId) => {
        await this.descriptions?.forget(contentId);
      },
      logger: this.log,
    });
    this.commands = new SessionCommands(options.wake ?? {}, {
      scheduler: this.scheduler,
      publisher: this.publisher,
      browser: this.browser,
      descriptions: () => this.descriptions,
      link: this.link,
      features: this.features,
      slideshow: () => ({ status: this.slideshow, lastMinutes: this.lastSlideshowMinutes }),
      catalog: () => this.catalog,
      userDeadlineMs: options.userDeadlineMs ?? 30_000,
      refresh: () => this.reads.refresh(),
      syncThumbnails: () => this.reads.startThumbnailSync(),
      onSelected: (current) => this.setCurrent(current),
      onError: (code, message) => this.noteError(code, message),
      logger: this.log.child({ component: 'commands' }),
    });
  }

  /** Cache first: what the data dir holds is published before the TV is asked anything. */
  async start(): Promise<void> {
    const snapshot = await this.store.load();
    if (snapshot) this.catalog = Catalog.fromSnapshot(snapshot);
    await this.link.load();
    await this.ledger.load();
    await this.restoreSession();
    await this.cache.start();
    await this.startDescriptions();

    this.scheduler.on('change', () => this.schedulePublishState());
    const { connection, power } = this.link;
    connection.on('state', (state: ConnectionState) => this.onConnectionState(state));
    connection.on('event', (event: ArtEvent) => this.onArtEvent(event));
    connection.on('pairing', () => this.schedulePublishState());
    power.on('power', () => this.schedulePublishState());

    await this.subscribeCommands();
    await this.publisher.availability(false);
    await this.publishState();
    await this.publishCatalog();
    await this.publishCurrentImage();
    await this.browser.publishPreview();
    this.log.info(
      { artworks: this.catalog.artworks().length, thumbnails: this.cache.list().length },
      'tv session started',
    );
  }

  /**
   * Starts supervising the TV connection and, beside it, brings the broker's retained
   * thumbnails up to date; call after start() and the first discovery.
   */
  connect(): void {
    this.link.start();
    this.schedulePowerProbe(0);
    void this.publishCachedThumbnails();
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
   * Republishes availability, state, catalogue, images and descriptions (HA birth, broker
   * reconnect). Thumbnails are retained on the broker and go again only when it lost them.
   * Discovery is the bridge's job.
   */
  async publishAll(reason: RepublishReason): Promise<void> {
    await this.publisher.availability(this.connectionState === 'ready');
    await this.publishState();
    await this.publishCatalog();
    await this.publishCurrentImage();
    await this.browser.publishPreview();
    if (reason === 'broker_reconnect') await this.publishCachedThumbnails();
  }

  /** Artwork descriptions, when an API key is configured; the AI modules load only then. */
  private async startDescriptions(): Promise<void> {
    const ai = this.options.ai;
    if (!ai) return;

    const { SessionDescriptions } = await import('./descriptions.js');
    this.descriptions = new SessionDescriptions(
      ai,
      { dataDir: this.options.dataDir, tvId: this.tvId, budget: this.deps.aiBudget },
      {
        cache: this.cache,
        publish: (contentId, payload) => this.publisher.description(contentId, payload),
        clear: (contentId) => this.publisher.clearDescription(contentId),
        onStateChanged: () => this.schedulePublishState(),
        logger: this.log.child({ component: 'ai' }),
      },
    );
    await this.descriptions.start();
    this.descriptions.currentChanged(this.catalog.current()?.contentId ?? null);
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

    for (const timer of [this.statePublishTimer, this.saveTimer, this.powerProbeTimer]) {
      if (timer) clearTimeout(timer);
    }
    const steps: Array<[string, () => unknown]> = [
      ['thumbnails', () => this.thumbnails.stop()],
      ['descriptions', () => this.descriptions?.stop()],
      ['scheduler', () => this.scheduler.stop()],
      ['connection', () => this.link.stop()],
      ['state', () => this.publishFinalState()],
      ['availability', () => this.publisher.availability(false)],
      ['save', () => this.saveNow()],
      ['ledger', () => this.publisher.saveThumbnailLedger()],
      ['thumbnail index', () => this.cache.flush()],
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

  /** Browser, current artwork or offered features changed: discovery and state follow. */
  private optionsChanged(): void {
    this.schedulePublishState();
    void this.publisher.discovery(this.discoveryMessages());
  }

  private async subscribeCommands(): Promise<void> {
    const topic = this.publisher.tvTopics.command;
    await this.deps.mqtt.subscribe(topic, (_topic, payload, retained) => {
      void this.commands.handle(payload, { retained });
    });
  }

  // ---- TV side ------------------------------------------------------------------------------

  private onConnectionState(state: ConnectionState): void {
    const wasReady = this.connectionState === 'ready';
    this.connectionState = state;
    this.scheduler.setTvReady(state === 'ready');
    // Retained and read by HA: sent when readiness changes, not on every reconnect attempt.
    if ((state === 'ready') !== wasReady) void this.publisher.availability(state === 'ready');
    this.schedulePublishState();

    if (state === 'ready' && !wasReady) void this.reads.refresh();
    if (state !== 'ready') this.schedulePowerProbe(0);
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
    if (effect.slideshow) this.setSlideshow(effect.slideshow);
    if (effect.favourite) {
      this.features.favouriteChanged(effect.favourite.contentId, effect.favourite.on);
    }
    if (effect.setting) this.features.settingChanged(effect.setting.name, effect.setting.value);
    if (effect.rereadCatalog) void this.reads.rereadCatalogue();
    // Power follows these in tv/power.ts; after a wake the TV is read afresh (§5 `wakeup`).
    if (effect.power === 'wakeup') void this.reads.refresh();
    this.schedulePublishState();
  }

  /**
   * REST is asked for power on the sync lane: when the art channel goes down (off, standby or
   * gone) and then every `powerProbeMs` while it stays down (architecture rule 6).
   */
  private schedulePowerProbe(delayMs: number): void {
    if (this.stopped) return;
    if (this.powerProbeTimer) clearTimeout(this.powerProbeTimer);

    this.powerProbeTimer = setTimeout(() => {
      this.powerProbeTimer = null;
      void this.reads.readPower().finally(() => {
        if (this.connectionState !== 'ready') {
          this.schedulePowerProbe(this.options.powerProbeMs ?? DEFAULT_POWER_PROBE_MS);
        }
      });
    }, delayMs);
    this.powerProbeTimer.unref?.();
  }

  private setCurrent(current: CurrentArtwork): void {
    const changed = this.catalog.current()?.contentId !== current.contentId;
    this.catalog.setCurrent(current);
    this.schedulePublishState();
    this.scheduleSave();
    if (!changed) return;

    this.optionsChanged();
    void this.publishCurrentImage();
    this.descriptions?.currentChanged(current.contentId);
  }

  private setSlideshow(slideshow: SlideshowStatus): void {
    this.slideshow = slideshow;
    this.lastSlideshowMinutes = slideshowMinutes(slideshow) ?? this.lastSlideshowMinutes;
    // A non-preset interval becomes an option of the interval select.
    this.optionsChanged();
    this.scheduleSave();
  }

  /** The current image follows the TV at once, including changes made on the TV itself. */
  private publishCurrentImage(): Promise<void> {
    return this.thumbnails.publishCurrent(this.connectionState === 'ready');
  }

  /** Sends the cached thumbnails the broker does not hold yet (thumbnail-ledger.ts). */
  private async publishCachedThumbnails(): Promise<void> {
    try {
      const cached = this.cache.list();
      const kept = await this.publisher.reconcileThumbnails(cached.length);
      const publishOne = async (contentId: string): Promise<boolean> => {
        const hash = this.cache.hashOf(contentId);
        const data = hash ? await this.cache.read(contentId) : null;
        return hash !== null && data !== null && this.publisher.thumbnail(contentId, data, hash);
      };
      // A sliding window of reads and publishes in flight: one at a time, the broker's
      // acknowledgements would pace a warm start of thousands of thumbnails; in batches, each
      // batch's last acknowledgement waits out TCP's delayed ACK (about 40 ms a batch).
      const outcomes = await pMap(
        cached,
        (contentId) => (this.stopped ? false : publishOne(contentId)),
        {
          concurrency: CACHED_PUBLISH_WINDOW,
        },
      );
      const sent = outcomes.filter(Boolean).length;
      await this.publisher.saveThumbnailLedger();
      this.log.info({ sent, cached: cached.length, kept }, 'cached thumbnails published');
    } catch (err) {
      this.log.warn({ err }, 'cached thumbnails not published');
    }
  }

  // ---- publishing ---------------------------------------------------------------------------

  private descriptor(): TvDescriptor {
    const offered = this.features.offered();

    return {
      tvId: this.tvId,
      name: this.options.tv.name,
      model: this.link.model,
      artworkOptions: this.browser.artworkOptions(),
      browseOptions: this.browser.browseOptions(),
      filterOptions: this.browser.filterOptions(),
      matteOptions: matteOptions(this.catalog.mattes(), this.catalog.current()?.matteId ?? null),
      photoFilterOptions: offered.photoFilters ?? [],
      slideshowIntervalOptions: intervalOptions(
        slideshowMinutes(this.slideshow) ?? this.lastSlideshowMinutes,
      ),
      ranges: {
        ...(offered.brightness ? { brightness: offered.brightness } : {}),
        ...(offered.colorTemperature ? { color_temperature: offered.colorTemperature } : {}),
      },
      pinned: {
        artwork: this.catalog.current()?.contentId ?? null,
        browse: this.browser.pick,
        filter: this.browser.view().filter,
      },
      features: {
        ai: Boolean(this.options.ai),
        brightness: offered.brightness !== null,
        color_temperature: offered.colorTemperature !== null,
        photo_filters: offered.photoFilters !== null,
        favourites: offered.favourites,
        slideshow: offered.slideshow,
      },
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
        power: this.link.power.power,
        pairing: this.link.pairing,
        artMode: this.catalog.snapshot().artMode,
        current: this.catalog.current(),
        slideshow: this.slideshow,
        lastSlideshowMinutes: this.lastSlideshowMinutes,
        features: this.features.state(),
        queue: this.scheduler.depth(),
        sync: this.thumbnails.progress(),
        catalogSize: this.catalog.artworks().length,
        lastError: this.lastError,
        description: this.descriptions?.currentState() ?? null,
        currentTitle: this.descriptions?.currentTitle() ?? null,
        ai: this.descriptions?.usageView() ?? null,
        browser: this.browser.view(),
      },
      new Date(),
    );
    await this.publisher.state(payload);
  }

  private publishCatalog(): Promise<void> {
    return this.publisher.catalog(this.catalog.artworks(), (id) => this.cache.hashOf(id));
  }

  /** The retained state must not say `ready` after Docent has gone. */
  private async publishFinalState(): Promise<void> {
    this.connectionState = 'offline';
    await this.publishState();
  }

  private noteError(code: string, message: string): void {
    this.lastError = { code, message, at: new Date().toISOString() };
    this.scheduleSave();
  }

  // ---- persistence --------------------------------------------------------------------------

  private async restoreSession(): Promise<void> {
    const saved = await this.sessionStore.load();
    if (!saved) return;

    this.slideshow = saved.slideshow;
    this.lastSlideshowMinutes = saved.lastSlideshowMinutes;
    this.lastError = saved.lastError;
    this.features.restore(saved.features);
  }

  private scheduleSave(): void {
    if (this.saveTimer || this.stopped) return;

    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.saveNow();
    }, SAVE_DELAY_MS);
    this.saveTimer.unref?.();
  }

  /** Catalogue and session state to disk; failures are logged, the next save tries again. */
  private async saveNow(): Promise<void> {
    try {
      await this.store.save(this.catalog.snapshot());
      await this.sessionStore.save({
        slideshow: this.slideshow,
        lastSlideshowMinutes: this.lastSlideshowMinutes,
        lastError: this.lastError,
        features: this.features.snapshot(),
      });
    } catch (err) {
      this.log.warn({ err, code: errorCode(err), message: errorMessage(err) }, 'state save failed');
    }
  }
}
