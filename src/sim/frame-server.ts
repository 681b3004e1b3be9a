import http from 'node:http';
import https from 'node:https';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../log.js';
import { slideshowStep } from './art-broadcasts.js';
import { ArtChannel } from './art-channel.js';
import { generateCatalogue, generateStoreItems } from './catalogue.js';
import { loadCatalogueFolder } from './catalogue-loader.js';
import { type TlsMaterial, tvCertificate } from './certificate.js';
import { routeUpgrade, type UpgradeDeps } from './channel-upgrade.js';
import { ChurnGuard } from './churn-guard.js';
import { type ControlApi, startControlApi } from './control-api.js';
import { FrameModel } from './frame-model.js';
import { seededRandom, tvClientId } from './ids.js';
import { PowerController } from './power.js';
import type { SimProfile } from './profile.js';
import { RemoteChannel } from './remote-channel.js';
import { type RestDeps, serveRest } from './rest.js';
import { closeServer, deviceUuid, listen } from './server-util.js';
import {
  type CatalogueSource,
  emptyCounters,
  type SimCounters,
  type SimOptions,
  type SimState,
  type SimulatedFrame,
} from './sim-types.js';
import { SlideshowTicker } from './slideshow-ticker.js';
import { applySwitches, DEFAULT_SWITCHES, type SimSwitches } from './switches.js';
import { ThumbnailStore } from './thumbnails.js';
import { TransferHub } from './transfer-hub.js';
import { storeUploadedImage } from './uploads.js';
import { listenForWol, type WolListener } from './wol.js';

const TWO_DAYS_MS = 2 * 86_400_000;

export interface FrameSettings {
  host: string;
  mac: string;
  artworks: number;
  storeArtworks: number;
  seed: number;
  latency: NonNullable<SimOptions['latency']>;
  latencyScale: number;
  slideshowMinuteMs: number;
}

/** The simulated TV: its sockets, channels and state; `startSimulatedFrame` builds and starts it. */
export class Frame implements SimulatedFrame {
  plainPort = 0;
  securePort = 0;
  wolPort = 0;
  controlPort: number | undefined;
  readonly host: string;
  readonly mac: string;
  private countersValue: SimCounters = emptyCounters();
  private readonly switchesValue: SimSwitches;
  private readonly model: FrameModel;
  private readonly thumbnails = new ThumbnailStore();
  private readonly transfers: TransferHub;
  private readonly otherSockets = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly art: ArtChannel;
  private readonly remote: RemoteChannel;
  private readonly power: PowerController;
  private readonly churn: ChurnGuard;
  private readonly plainServer: http.Server;
  private secureServer: https.Server | undefined;
  private tls: TlsMaterial | undefined;
  private wol: WolListener | undefined;
  private control: ControlApi | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private dropTimer: NodeJS.Timeout | undefined;
  private readonly slideshow: SlideshowTicker;
  private thumbnailCalls = 0;
  private lifecycle: 'starting' | 'running' | 'stopping' | 'stopped' = 'starting';
  private readonly rest: RestDeps;
  private readonly upgrades: UpgradeDeps;

  constructor(
    settings: FrameSettings,
    readonly profile: SimProfile,
    switches: Partial<SimSwitches>,
    private readonly log: Logger,
  ) {
    this.host = settings.host;
    this.mac = settings.mac;
    this.switchesValue = { ...DEFAULT_SWITCHES, ...profile.defaultSwitches };
    applySwitches(this.switchesValue, switches);
    this.model = new FrameModel(settings.artworks, settings.seed, settings.storeArtworks);
    const random = seededRandom(settings.seed);
    const now = Date.now();
    const hosts = [
      { id: tvClientId(random), connectTime: now - TWO_DAYS_MS },
      { id: tvClientId(random), connectTime: now - TWO_DAYS_MS + 4878 },
    ];
    this.churn = new ChurnGuard(this.switchesValue);
    this.slideshow = new SlideshowTicker({
      model: this.model,
      minuteMs: settings.slideshowMinuteMs,
      show: (contentId) => this.showArtwork(contentId),
    });
    this.transfers = new TransferHub({
      host: this.host,
      model: this.model,
      profile,
      switches: this.switchesValue,
      thumbnails: this.thumbnails,
      counters: this.countersValue,
      logger: log,
      tls: () => this.tls,
    });

    this.art = new ArtChannel({
      ctx: {
        model: this.model,
        profile,
        switches: this.switchesValue,
        openThumbnailTransfer: (artworks) => this.transfers.thumbnails(artworks),
        openUpload: (spec, onDone) => this.transfers.upload(spec, onDone),
        storeUpload: (spec, bytes) => storeUploadedImage(this.model, spec, bytes, true),
        thumbnailJpeg: (artwork) => this.thumbnails.jpegOf(artwork),
        slideshowChanged: () => this.slideshow.arm(),
        nextThumbnailCall: () => {
          this.thumbnailCalls += 1;
          return this.thumbnailCalls;
        },
      },
      hosts,
      latency: settings.latency,
      latencyScale: settings.latencyScale,
      counters: this.countersValue,
      logger: log,
      newClientId: () => tvClientId(),
      isKnownToken: (token) => this.remote.isKnownToken(token),
    });
    this.remote = new RemoteChannel({
      logger: log,
      profile,
      switches: this.switchesValue,
      newClientId: () => tvClientId(),
      onKey: (cmd, key) => {
        this.countKey(cmd, key);
        this.power.onKey(cmd, key);
      },
      onBytesSent: (bytes) => {
        this.countersValue.bytesSent += bytes;
      },
    });
    this.power = new PowerController({
      model: this.model,
      profile,
      logger: log,
      broadcast: (inner) => this.art.broadcast(inner),
      dropArtSockets: () => this.art.dropAll('standby'),
      enterStandby: () => this.remote.enterStandby(),
      leaveStandby: () => this.remote.leaveStandby(),
      wokeFromStandby: () => {
        if (this.switchesValue.zombieAfterWake) this.art.zombifyPlainPort();
      },
      powerLost: () => this.cutEverything(),
      powerRestored: () => this.art.reset(),
    });
    this.rest = {
      model: this.model,
      profile,
      host: this.host,
      mac: this.mac,
      uuid: deviceUuid(settings.mac, settings.seed),
      portOf: (scheme) => (scheme === 'https' ? this.securePort : this.plainPort),
      onBytesSent: (bytes) => {
        this.countersValue.bytesSent += bytes;
      },
    };
    this.upgrades = {
      wss: this.wss,
      art: this.art,
      remote: this.remote,
      churn: this.churn,
      counters: this.countersValue,
      profile,
      logger: log,
      otherSockets: this.otherSockets,
      accepting: () => this.model.power !== 'off' && this.lifecycle === 'running',
    };
    this.plainServer = http.createServer((req, res) => serveRest(req, res, 'http', this.rest));
    this.plainServer.on('upgrade', (req, socket, head) =>
      routeUpgrade(this.upgrades, req, socket, head, false),
    );
  }

  async start(ports: { plain: number; secure: number; wol: number; control?: number }) {
    const tls = await tvCertificate();
    this.tls = tls;
    const secure = https.createServer(tls, (req, res) => serveRest(req, res, 'https', this.rest));
    secure.on('upgrade', (req, socket, head) =>
      routeUpgrade(this.upgrades, req, socket, head, true),
    );
    this.secureServer = secure;

    this.plainPort = await listen(this.plainServer, ports.plain, this.host);
    this.securePort = await listen(secure, ports.secure, this.host);
    this.wol = await listenForWol({
      host: this.host,
      port: ports.wol,
      mac: this.mac,
      logger: this.log,
      onWake: () => {
        this.countersValue.wolPackets += 1;
        this.power.wake();
      },
    });
    this.wolPort = this.wol.port;
    if (ports.control !== undefined) {
      this.control = await startControlApi({ frame: this, port: ports.control, logger: this.log });
      this.controlPort = this.control.port;
    }

    this.pingTimer = setInterval(() => this.pingAll(), this.profile.pingIntervalMs);
    this.pingTimer.unref();
    this.armDrops();
    this.lifecycle = 'running';
    this.log.info(
      {
        host: this.host,
        plainPort: this.plainPort,
        securePort: this.securePort,
        wolPort: this.wolPort,
      },
      'simulated frame listening',
    );
  }

  counters(): SimCounters {
    const c = this.countersValue;

    const remoteKeys = Object.fromEntries(
      Object.entries(c.remoteKeys).map(([key, counts]) => [key, { ...counts }]),
    );

    return { ...c, requests: { ...c.requests }, remoteKeys };
  }

  resetCounters(): void {
    const open = this.art.openCount;
    Object.assign(this.countersValue, emptyCounters(), {
      artConnectionsOpen: open,
      maxArtConnectionsOpen: open,
      requests: {},
    });
  }

  state(): SimState {
    const slideshow = this.model.slideshow;

    return {
      power: this.model.power,
      artMode: this.model.artMode,
      currentContentId: this.model.currentContentId,
      matteId: this.model.current()?.matteId ?? 'none',
      slideshow: { value: slideshow.value, categoryId: slideshow.categoryId, type: slideshow.type },
      artworkCount: this.model.artworks.length,
      powerKeyHeld: this.power.keyHeld,
      booting: this.power.booting,
      rotation: this.model.rotation,
    };
  }

  contentIds(): string[] {
    return this.model.artworks.map((artwork) => artwork.contentId);
  }

  thumbnailOf(contentId: string): Promise<Buffer> {
    const artwork = this.model.find(contentId);
    if (!artwork) return Promise.reject(new Error(`unknown content id ${contentId}`));

    return this.thumbnails.jpegOf(artwork);
  }

  setArtMode(on: boolean): void {
    const status = on ? 'on' : 'off';
    if (this.model.power !== 'on' || this.model.artMode === status) return;

    this.model.artMode = status;
    this.log.info({ artMode: status }, 'art mode changed');
    this.art.broadcast({ event: 'art_mode_changed', status });
  }

  showArtwork(contentId: string): void {
    const artwork = this.model.find(contentId);
    if (!artwork) throw new Error(`unknown content id ${contentId}`);

    this.model.show(artwork);
    for (const inner of slideshowStep(this.model, this.profile, artwork)) this.art.broadcast(inner);
  }

  setRotation(rotation: 1 | 2): void {
    if (this.model.power !== 'on' || this.model.rotation === rotation) return;

    this.model.rotation = rotation;
    this.log.info({ rotation }, 'panel rotated');
    // §5 (DEC): the auto-rotating mount turned the panel.
    this.art.broadcast({ event: 'rotation_changed', current_rotation_status: rotation });
  }

  dropArtConnections(): void {
    this.art.dropAll('requested');
  }

  setPower(power: 'on' | 'standby' | 'off'): void {
    this.power.setPower(power);
  }

  switches(): SimSwitches {
    return { ...this.switchesValue };
  }

  setSwitches(patch: Partial<SimSwitches>): void {
    applySwitches(this.switchesValue, patch);
    this.log.info({ switches: Object.keys(patch) }, 'switches changed');
    this.armDrops();
  }

  async loadCatalogue(source: CatalogueSource): Promise<number> {
    const artworks =
      source.kind === 'folder'
        ? await loadCatalogueFolder(source.path)
        : [
            ...generateCatalogue(source.artworks, source.seed ?? 1),
            ...generateStoreItems(source.storeArtworks ?? 0),
          ];
    this.thumbnails.clear();
    this.model.replaceCatalogue(artworks);
    this.log.info({ artworks: artworks.length, kind: source.kind }, 'catalogue loaded');

    return artworks.length;
  }

  sleepPanel(): void {
    this.power.panelSleep();
  }

  revokeTokens(): void {
    this.remote.revokeTokens();
  }

  async stop(): Promise<void> {
    if (this.lifecycle === 'stopping' || this.lifecycle === 'stopped') return;
    this.lifecycle = 'stopping';

    clearInterval(this.pingTimer);
    clearInterval(this.dropTimer);
    this.slideshow.stop();
    this.power.stop();
    await this.control?.close();
    this.art.stop();
    this.remote.closeAll();
    for (const ws of this.otherSockets) ws.terminate();
    this.transfers.closeAll();
    this.wss.close();
    await this.wol?.close();
    await closeServer(this.plainServer);
    if (this.secureServer) await closeServer(this.secureServer);
    this.lifecycle = 'stopped';
    this.log.info('simulated frame stopped');
  }

  private countKey(cmd: 'Click' | 'Press' | 'Release', key: string): void {
    const keys = this.countersValue.remoteKeys;
    const counts = keys[key] ?? { click: 0, press: 0, release: 0 };
    if (cmd === 'Click') counts.click += 1;
    else if (cmd === 'Press') counts.press += 1;
    else counts.release += 1;
    keys[key] = counts;
  }

  private cutEverything(): void {
    this.art.reset(this.switchesValue.halfOpenOnPowerLoss);
    this.remote.closeAll();
    for (const ws of this.otherSockets) ws.terminate();
    this.transfers.closeAll();
    this.plainServer.closeAllConnections();
    this.secureServer?.closeAllConnections();
  }

  /** §6.5: a 2020 set drops its art clients on a schedule (FAB `art.py`). */
  private armDrops(): void {
    clearInterval(this.dropTimer);
    const everyMs = this.switchesValue.artDropEveryMs;
    if (everyMs <= 0) return;
    this.dropTimer = setInterval(() => this.art.dropAll('scheduled drop'), everyMs);
    this.dropTimer.unref();
  }

  private pingAll(): void {
    for (const ws of this.wss.clients) if (!this.art.isAbandoned(ws)) ws.ping();
  }
}
