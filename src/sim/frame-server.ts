import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Logger, silentLogger } from '../log.js';
import { ArtChannel } from './art-channel.js';
import { generateCatalogue, generateStoreItems } from './catalogue.js';
import { loadCatalogueFolder } from './catalogue-loader.js';
import { type TlsMaterial, tvCertificate } from './certificate.js';
import { clientEntry } from './channel-client.js';
import { ChurnGuard } from './churn-guard.js';
import { type ControlApi, startControlApi } from './control-api.js';
import { FrameModel } from './frame-model.js';
import { seededRandom, tvClientId } from './ids.js';
import { frameText } from './messages.js';
import { PowerController } from './power.js';
import { DEFAULT_PROFILE, PROFILES, type SimProfile } from './profile.js';
import { RemoteChannel } from './remote-channel.js';
import { deviceInfoBody, restPowerState } from './rest.js';
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

const ART_CHANNEL = 'com.samsung.art-app';
const REMOTE_CHANNEL = 'samsung.remote.control';
const CHANNEL_PATH = /^\/api\/v2\/channels\/([^/]+)$/;
const TWO_DAYS_MS = 2 * 86_400_000;

interface FrameSettings {
  host: string;
  mac: string;
  artworks: number;
  storeArtworks: number;
  seed: number;
  latency: NonNullable<SimOptions['latency']>;
  latencyScale: number;
  slideshowMinuteMs: number;
}

class Frame implements SimulatedFrame {
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
  private readonly uuid: string;

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
    this.uuid = deviceUuid(settings.mac, settings.seed);
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
      onKey: (cmd, key) => this.power.onKey(cmd, key),
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
      powerLost: () => this.cutEverything(),
      powerRestored: () => this.art.reset(),
    });
    this.plainServer = http.createServer((req, res) => this.onRest(req, res, 'http'));
    this.plainServer.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head, false));
  }

  async start(ports: { plain: number; secure: number; wol: number; control?: number }) {
    const tls = await tvCertificate();
    this.tls = tls;
    const secure = https.createServer(tls, (req, res) => this.onRest(req, res, 'https'));
    secure.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head, true));
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

    return { ...c, requests: { ...c.requests } };
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
    // A slideshow step as the 2022 set broadcast it (traces: slideshow-events seq 10–48).
    this.art.broadcast({
      event: 'image_selected',
      content_id: contentId,
      matte_id: artwork.matteId,
      portrait_matte_id: artwork.portraitMatteId,
      is_shown: this.model.artMode === 'on' ? 'Yes' : 'No',
    });
    this.art.broadcast({
      event: 'slideshow_image_changed',
      current_content_id: contentId,
      type: this.model.slideshow.type === '' ? 'slideshow' : this.model.slideshow.type,
    });
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

  private onRest(req: http.IncomingMessage, res: http.ServerResponse, scheme: 'http' | 'https') {
    const power = restPowerState(this.model, this.profile);
    // Fully off: the network stack is gone, nothing answers (§1.2).
    if (power === undefined) {
      req.socket.destroy();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://tv').pathname;
    if (req.method !== 'GET' || (path !== '/api/v2/' && path !== '/api/v2')) {
      res.writeHead(404).end();
      return;
    }

    const body = JSON.stringify(
      deviceInfoBody({
        profile: this.profile,
        host: this.host,
        port: scheme === 'https' ? this.securePort : this.plainPort,
        scheme,
        mac: this.mac,
        power,
        uuid: this.uuid,
      }),
    );
    this.countersValue.bytesSent += Buffer.byteLength(body);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(body);
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, secure: boolean) {
    const url = new URL(req.url ?? '/', 'http://tv');
    const channel = CHANNEL_PATH.exec(url.pathname)?.[1];
    if (this.model.power === 'off' || this.lifecycle !== 'running' || channel === undefined) {
      socket.destroy();
      return;
    }
    // §7 Q10: connection churn past the threshold is refused for a while.
    if (channel === ART_CHANNEL && !this.churn.admit(Date.now())) {
      this.countersValue.refusedConnections += 1;
      this.log.debug('art connection refused: churn');
      socket.destroy();
      return;
    }
    // The name stays base64: the TV lists it as sent (§2.2).
    const name = url.searchParams.get('name') ?? '';
    const token = url.searchParams.get('token') ?? undefined;

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (channel === ART_CHANNEL) this.art.accept(ws, name, token, secure);
      else if (channel === REMOTE_CHANNEL) this.remote.accept(ws, name, secure, token);
      else this.acceptOtherChannel(ws, name);
    });
  }

  /** Channels without a host app: the TV joins the client and nothing else (TAV#519). */
  private acceptOtherChannel(ws: WebSocket, name: string): void {
    const id = tvClientId();
    const entry = clientEntry({ id, name, connectTime: Date.now(), isHost: false });
    this.otherSockets.add(ws);
    ws.on('close', () => this.otherSockets.delete(ws));
    ws.on('error', (err) => this.log.debug({ err }, 'channel socket error'));
    ws.send(
      frameText({ data: { clients: [entry], id }, event: 'ms.channel.connect' }, this.profile),
    );
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

/**
 * Starts a simulated Frame on loopback: REST and channels on a plain and a TLS port, a UDP
 * Wake-on-LAN listener, optionally the control API; the 2022–2023 4.x profile unless
 * `options.profileName` / `options.profile` say otherwise.
 */
export async function startSimulatedFrame(options: SimOptions = {}): Promise<SimulatedFrame> {
  const base = options.profileName ? PROFILES[options.profileName] : DEFAULT_PROFILE;
  const profile: SimProfile = { ...base, ...options.profile };
  const log = (options.logger ?? silentLogger()).child({ component: 'sim' });
  const frame = new Frame(
    {
      host: options.host ?? '127.0.0.1',
      mac: options.mac ?? '02:00:00:00:00:0A',
      artworks: options.artworks ?? 524,
      storeArtworks: options.storeArtworks ?? 0,
      seed: options.seed ?? 1,
      latency: options.latency ?? 'realistic',
      latencyScale: options.latencyScale ?? 1,
      slideshowMinuteMs: options.slideshowMinuteMs ?? 60_000,
    },
    profile,
    options.switches ?? {},
    log,
  );
  try {
    await frame.start({
      plain: options.plainPort ?? 0,
      secure: options.securePort ?? 0,
      wol: options.wolPort ?? 0,
      ...(options.controlPort === undefined ? {} : { control: options.controlPort }),
    });
  } catch (err) {
    await frame.stop();
    throw err;
  }

  return frame;
}
