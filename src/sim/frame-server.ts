import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Logger, silentLogger } from '../log.js';
import { ArtChannel } from './art-channel.js';
import type { ConnInfo } from './art-requests.js';
import type { Artwork } from './catalogue.js';
import { tvCertificate } from './certificate.js';
import { clientEntry } from './channel-client.js';
import { openThumbnailTransfer, type ThumbnailTransfer } from './d2d.js';
import { FrameModel } from './frame-model.js';
import { seededRandom, tvClientId } from './ids.js';
import { frameText } from './messages.js';
import { DEFAULT_PROFILE, type SimProfile } from './profile.js';
import { RemoteChannel } from './remote-channel.js';
import { deviceInfoBody } from './rest.js';
import {
  emptyCounters,
  type SimCounters,
  type SimOptions,
  type SimState,
  type SimulatedFrame,
} from './sim-types.js';
import { ThumbnailStore } from './thumbnails.js';

const ART_CHANNEL = 'com.samsung.art-app';
const REMOTE_CHANNEL = 'samsung.remote.control';
const CHANNEL_PATH = /^\/api\/v2\/channels\/([^/]+)$/;
const TWO_DAYS_MS = 2 * 86_400_000;

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A stable `uuid:` device id (REST `id`/`duid`/`udn`) derived from the MAC and seed. */
function deviceUuid(mac: string, seed: number): string {
  const hex = createHash('sha256').update(`${mac}/${seed}`).digest('hex');
  const groups = [hex.slice(0, 8), hex.slice(8, 12), `4${hex.slice(13, 16)}`];
  groups.push(`8${hex.slice(17, 20)}`, hex.slice(20, 32));

  return `uuid:${groups.join('-')}`;
}

class Frame implements SimulatedFrame {
  plainPort = 0;
  securePort = 0;
  private countersValue: SimCounters = emptyCounters();
  private readonly model: FrameModel;
  private readonly thumbnails = new ThumbnailStore();
  private readonly transfers = new Set<ThumbnailTransfer>();
  private readonly otherSockets = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly art: ArtChannel;
  private readonly remote: RemoteChannel;
  private readonly plainServer: http.Server;
  private secureServer: https.Server | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private lifecycle: 'starting' | 'running' | 'stopping' | 'stopped' = 'starting';
  private readonly uuid: string;

  constructor(
    readonly host: string,
    readonly mac: string,
    options: Required<Pick<SimOptions, 'latency' | 'latencyScale'>> & {
      artworks: number;
      seed: number;
    },
    private readonly profile: SimProfile,
    private readonly log: Logger,
  ) {
    this.model = new FrameModel(options.artworks, options.seed);
    const random = seededRandom(options.seed);
    const now = Date.now();
    const hosts = [
      { id: tvClientId(random), connectTime: now - TWO_DAYS_MS },
      { id: tvClientId(random), connectTime: now - TWO_DAYS_MS + 4878 },
    ];
    this.uuid = deviceUuid(mac, options.seed);

    this.art = new ArtChannel({
      ctx: {
        model: this.model,
        profile,
        openThumbnailTransfer: (artworks) => this.openTransfer(artworks),
      },
      hosts,
      latency: options.latency,
      latencyScale: options.latencyScale,
      counters: this.countersValue,
      logger: log,
      newClientId: () => tvClientId(),
      isKnownToken: (token) => this.remote.isKnownToken(token),
    });
    this.remote = new RemoteChannel({
      logger: log,
      newClientId: () => tvClientId(),
      onPowerClick: () => this.onPowerClick(),
    });
    this.plainServer = http.createServer((req, res) => this.onRest(req, res, 'http'));
    this.plainServer.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head, false));
  }

  async start(plainPort: number, securePort: number): Promise<void> {
    const tls = await tvCertificate();
    const secure = https.createServer(tls, (req, res) => this.onRest(req, res, 'https'));
    secure.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head, true));
    this.secureServer = secure;

    this.plainPort = await listen(this.plainServer, plainPort, this.host);
    this.securePort = await listen(secure, securePort, this.host);

    this.pingTimer = setInterval(() => this.pingAll(), this.profile.pingIntervalMs);
    this.pingTimer.unref();
    this.lifecycle = 'running';
    this.log.info(
      { host: this.host, plainPort: this.plainPort, securePort: this.securePort },
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

    this.model.currentContentId = contentId;
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
    const previous = this.model.power;
    if (previous === power) return;

    this.model.power = power;
    this.log.info({ power, previous }, 'power changed');
    if (power === 'off') {
      this.cutEverything();
      return;
    }
    if (power === 'standby') this.art.broadcast({ event: 'go_to_standby' });
    if (power === 'on') this.art.broadcast({ event: 'wakeup' });
  }

  async stop(): Promise<void> {
    if (this.lifecycle === 'stopping' || this.lifecycle === 'stopped') return;
    this.lifecycle = 'stopping';

    clearInterval(this.pingTimer);
    this.art.stop();
    this.remote.closeAll();
    for (const ws of this.otherSockets) ws.terminate();
    for (const transfer of this.transfers) transfer.close();
    this.wss.close();
    await closeServer(this.plainServer);
    if (this.secureServer) await closeServer(this.secureServer);
    this.lifecycle = 'stopped';
    this.log.info('simulated frame stopped');
  }

  private onRest(req: http.IncomingMessage, res: http.ServerResponse, scheme: 'http' | 'https') {
    // Fully off: the network stack is gone, nothing answers (§1.2).
    if (this.model.power === 'off') {
      req.socket.destroy();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://tv').pathname;
    if (req.method !== 'GET' || (path !== '/api/v2/' && path !== '/api/v2')) {
      res.writeHead(404).end();
      return;
    }

    const body = deviceInfoBody({
      profile: this.profile,
      host: this.host,
      port: scheme === 'https' ? this.securePort : this.plainPort,
      scheme,
      mac: this.mac,
      power: this.model.power,
      uuid: this.uuid,
    });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, secure: boolean) {
    const url = new URL(req.url ?? '/', 'http://tv');
    const channel = CHANNEL_PATH.exec(url.pathname)?.[1];
    if (this.model.power === 'off' || this.lifecycle !== 'running' || channel === undefined) {
      socket.destroy();
      return;
    }
    // The name stays base64: the TV lists it as sent (§2.2).
    const name = url.searchParams.get('name') ?? '';
    const token = url.searchParams.get('token') ?? undefined;

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (channel === ART_CHANNEL) this.art.accept(ws, name, token);
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

  private onPowerClick(): void {
    if (this.model.power === 'standby') {
      this.setPower('on');
      return;
    }
    // A short KEY_POWER toggles TV mode and art mode while the set is on (§6.3).
    this.setArtMode(this.model.artMode !== 'on');
  }

  private async openTransfer(artworks: Artwork[]): Promise<ConnInfo> {
    const transfer = await openThumbnailTransfer({
      host: this.host,
      artworks,
      jpegOf: (artwork) => this.thumbnails.jpegOf(artwork),
      acceptTimeoutMs: this.profile.d2dAcceptTimeoutMs,
      logger: this.log,
      onRecordSent: () => {
        this.countersValue.thumbnailsSent += 1;
      },
    });
    this.transfers.add(transfer);
    void transfer.done.then(() => this.transfers.delete(transfer));

    return transfer.connInfo;
  }

  private cutEverything(): void {
    this.art.reset();
    this.remote.closeAll();
    for (const ws of this.otherSockets) ws.terminate();
    for (const transfer of this.transfers) transfer.close();
    this.plainServer.closeAllConnections();
    this.secureServer?.closeAllConnections();
  }

  private pingAll(): void {
    for (const ws of this.wss.clients) ws.ping();
  }
}

/**
 * Starts a simulated Frame on loopback: REST and channels on a plain and a TLS port, the art
 * app with a 2022–2023 4.x profile unless `options.profile` overrides it.
 */
export async function startSimulatedFrame(options: SimOptions = {}): Promise<SimulatedFrame> {
  const profile: SimProfile = { ...DEFAULT_PROFILE, ...options.profile };
  const log = (options.logger ?? silentLogger()).child({ component: 'sim' });
  const frame = new Frame(
    options.host ?? '127.0.0.1',
    options.mac ?? '02:00:00:00:00:0A',
    {
      artworks: options.artworks ?? 524,
      seed: options.seed ?? 1,
      latency: options.latency ?? 'realistic',
      latencyScale: options.latencyScale ?? 1,
    },
    profile,
    log,
  );
  try {
    await frame.start(options.plainPort ?? 0, options.securePort ?? 0);
  } catch (err) {
    await frame.stop();
    throw err;
  }

  return frame;
}
