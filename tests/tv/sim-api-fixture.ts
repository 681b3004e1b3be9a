/** A simulated Frame of one model profile with a ready FrameConnection and FrameArtApi on it. */
import { silentLogger } from '../../src/log.js';
import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import type { ProfileName, SimProfile } from '../../src/sim/profile.js';
import type { SimSwitches } from '../../src/sim/switches.js';
import { FrameArtApi, type FrameArtApiOptions } from '../../src/tv/art-api.js';
import { TvCapabilities } from '../../src/tv/capabilities.js';
import { MemoryCapabilityStore } from '../../src/tv/capability-store.js';
import { FrameConnection, type FrameConnectionOptions } from '../../src/tv/connection.js';
import { FramePower, type FramePowerOptions } from '../../src/tv/power.js';
import { MemoryTokenStore } from '../../src/tv/token-store.js';
import { FAST_BACKOFF, waitForState } from './helpers.js';

export const PROFILE_NAMES: ProfileName[] = ['2019', '2021', '2022', '2024', '2025'];

/** Short hardware timings so power transitions finish in well under a second or two. */
export const FAST_TV: Partial<SimProfile> = {
  bootDelayMs: 300,
  powerLongPressMs: 100,
  wolIgnoreAfterOffMs: 0,
  remoteStandbyCloseMs: 0,
};

/**
 * 2.x never answers `set_artmode_status` and a 2024 set answers ~13 s late (§3.6): the request
 * holds the wire until it times out, so a short timeout keeps those profiles quick.
 */
export const FAST_CONNECTION: Partial<FrameConnectionOptions> = { requestTimeoutMs: 400 };

/** Docent's side of one run against a simulator: connection, art API, capabilities. */
export interface SimClient {
  conn: FrameConnection;
  api: FrameArtApi;
  capabilities: TvCapabilities;
  tokens: MemoryTokenStore;
  /** Stops the connection (the simulator keeps running). */
  stop(): Promise<void>;
}

export interface SimApi extends SimClient {
  sim: SimulatedFrame;
  store: MemoryCapabilityStore;
  /** Stops the connection and the simulator. */
  stop(): Promise<void>;
}

export interface SimClientOptions {
  connection?: Partial<FrameConnectionOptions>;
  /** FrameArtApi options beside the shared capabilities (e.g. a stand-in upload writer). */
  api?: Omit<FrameArtApiOptions, 'capabilities'>;
  waitReady?: boolean;
}

export async function startSimApi(
  profileName: ProfileName,
  options: SimClientOptions & {
    artworks?: number;
    storeArtworks?: number;
    profile?: Partial<SimProfile>;
    switches?: Partial<SimSwitches>;
  } = {},
): Promise<SimApi> {
  const sim = await startSimulatedFrame({
    profileName,
    artworks: options.artworks ?? 60,
    storeArtworks: options.storeArtworks ?? 0,
    latency: 'none',
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.switches ? { switches: options.switches } : {}),
  });
  const store = new MemoryCapabilityStore();
  const capabilities = new TvCapabilities({ store, logger: silentLogger() });
  const client = await connectToSim(sim, capabilities, options);

  return {
    ...client,
    sim,
    store,
    stop: async () => {
      await client.stop();
      await sim.stop();
    },
  };
}

/** A fresh connection and art API on a running simulator, sharing `capabilities`. */
export async function connectToSim(
  sim: SimulatedFrame,
  capabilities: TvCapabilities,
  options: SimClientOptions = {},
): Promise<SimClient> {
  const tokens = new MemoryTokenStore();
  const conn = new FrameConnection(
    {
      tvId: `tv-${sim.profile.modelCode}`,
      host: sim.host,
      port: sim.securePort,
      secure: true,
      backoff: FAST_BACKOFF,
      requestTimeoutMs: 1000,
      readyTimeoutMs: 300,
      ...options.connection,
    },
    // As TvLink wires it: the connection remembers its art-token policy in the capabilities.
    { logger: silentLogger(), tokenStore: tokens, capabilities },
  );
  const api = new FrameArtApi(conn, { ...options.api, capabilities });
  conn.start();
  if (options.waitReady !== false) {
    await waitForState(conn, 'ready');
  }

  return { conn, api, capabilities, tokens, stop: () => conn.stop() };
}

/**
 * FramePower for a client of `sim`, started. Magic packets always go to the simulator's WoL
 * port, never to the real network's broadcast address, so `wolPackets` counts every one sent.
 */
export function startPower(
  sim: SimulatedFrame,
  client: SimClient,
  options: Partial<FramePowerOptions> = {},
): FramePower {
  const power = new FramePower(
    {
      host: sim.host,
      port: sim.securePort,
      secure: true,
      wol: { address: '127.0.0.1', from: '127.0.0.1', port: sim.wolPort },
      ...options,
    },
    {
      connection: client.conn,
      api: client.api,
      capabilities: client.capabilities,
      logger: silentLogger(),
    },
  );
  power.start();

  return power;
}
