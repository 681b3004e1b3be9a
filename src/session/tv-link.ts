/**
 * The TV side of one session: the one supervised art-channel connection, the typed art API on
 * it, the TV's capabilities (kept in the data dir, so a restart does not offer entities the set
 * cannot do) and its tri-state power. Nothing here schedules work: the session runs every TV
 * request through its lanes.
 */
import type { Logger } from '../log.js';
import { FrameArtApi } from '../tv/art-api.js';
import { TvCapabilities } from '../tv/capabilities.js';
import { FileCapabilityStore } from '../tv/capability-store.js';
import { FrameConnection, type FrameConnectionOptions } from '../tv/connection.js';
import { FramePower, type FramePowerOptions } from '../tv/power.js';
import type { PairingState } from '../tv/remote-control.js';
import { FileTokenStore } from '../tv/token-store.js';

export interface TvLinkOptions {
  tvId: string;
  host: string;
  port: number;
  secure: boolean;
  /** From the configuration; wins over the MAC the TV reported over REST. */
  mac: string | null;
  dataDir: string;
  /** Art-channel timings and policies (tests shorten them). */
  connection?: Partial<Omit<FrameConnectionOptions, 'tvId' | 'host' | 'port' | 'secure'>>;
  /** Where Wake-on-LAN packets go (tests: the simulator's port). */
  wol?: FramePowerOptions['wol'];
  power?: Omit<FramePowerOptions, 'host' | 'port' | 'secure' | 'wol'>;
}

export class TvLink {
  readonly connection: FrameConnection;
  readonly api: FrameArtApi;
  readonly capabilities: TvCapabilities;
  readonly power: FramePower;
  private readonly tokenStore: FileTokenStore;
  private hasToken = false;

  constructor(
    private readonly options: TvLinkOptions,
    deps: { logger: Logger },
  ) {
    const store = { dataDir: options.dataDir, tvId: options.tvId };
    this.tokenStore = new FileTokenStore(store);
    this.capabilities = new TvCapabilities({
      store: new FileCapabilityStore(store),
      logger: deps.logger,
    });
    this.connection = new FrameConnection(
      {
        // A TV that serves only with a token gets one: the user answers the prompt on the TV.
        autoPair: true,
        ...options.connection,
        tvId: options.tvId,
        host: options.host,
        port: options.port,
        secure: options.secure,
      },
      { logger: deps.logger, tokenStore: this.tokenStore, capabilities: this.capabilities },
    );
    this.api = new FrameArtApi(this.connection, {
      capabilities: this.capabilities,
      logger: deps.logger,
    });
    this.power = new FramePower(
      {
        host: options.host,
        port: options.port,
        secure: options.secure,
        ...(options.wol ? { wol: options.wol } : {}),
        ...options.power,
      },
      {
        connection: this.connection,
        api: this.api,
        capabilities: this.capabilities,
        logger: deps.logger,
      },
    );
    this.connection.on('pairing', (state) => {
      if (state === 'paired') this.hasToken = true;
    });
  }

  /** Reads what earlier runs learned (capabilities, whether a token is kept). Never rejects. */
  async load(): Promise<void> {
    await this.capabilities.load();
    try {
      this.hasToken = (await this.tokenStore.load()) !== null;
    } catch {
      this.hasToken = false;
    }
  }

  /** Starts supervising the socket and following power. */
  start(): void {
    this.power.start();
    this.connection.start();
  }

  /**
   * The pairing state for Home Assistant: a token kept from an earlier run reads `paired` until
   * the TV says otherwise.
   */
  get pairing(): PairingState {
    const state = this.connection.pairing;

    return state === 'none' && this.hasToken ? 'paired' : state;
  }

  /** For Wake-on-LAN: the configured MAC, else the one the TV reported and Docent remembered. */
  get mac(): string | null {
    return this.options.mac ?? this.capabilities.mac;
  }

  /** The model code the TV reported over REST, e.g. `22_PONTUSM_FTV`; null until read. */
  get model(): string | null {
    return this.capabilities.model;
  }

  async stop(): Promise<void> {
    this.power.stop();
    await this.connection.stop();
    await this.capabilities.flush();
  }
}
