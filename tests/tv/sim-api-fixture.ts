/** A simulated Frame of one model profile with a ready FrameConnection and FrameArtApi on it. */
import { silentLogger } from '../../src/log.js';
import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import type { ProfileName, SimProfile } from '../../src/sim/profile.js';
import type { SimSwitches } from '../../src/sim/switches.js';
import { FrameArtApi, type FrameArtApiOptions } from '../../src/tv/art-api.js';
import { TvCapabilities } from '../../src/tv/capabilities.js';
import { MemoryCapabilityStore } from '../../src/tv/capability-store.js';
import { FrameConnection, type FrameConnectionOptions } from '../../src/tv/connection.js';
import { MemoryTokenStore } from '../../src/tv/token-store.js';
import { FAST_BACKOFF, waitForState } from './helpers.js';

export const PROFILE_NAMES: ProfileName[] = ['2019', '2021', '2022', '2024', '2025'];

export interface SimApi {
  sim: SimulatedFrame;
  conn: FrameConnection;
  api: FrameArtApi;
  capabilities: TvCapabilities;
  store: MemoryCapabilityStore;
  tokens: MemoryTokenStore;
  stop(): Promise<void>;
}

export async function startSimApi(
  profileName: ProfileName,
  options: {
    artworks?: number;
    storeArtworks?: number;
    profile?: Partial<SimProfile>;
    switches?: Partial<SimSwitches>;
    connection?: Partial<FrameConnectionOptions>;
    /** FrameArtApi options beside the shared capabilities (e.g. a stand-in upload writer). */
    api?: Omit<FrameArtApiOptions, 'capabilities'>;
    waitReady?: boolean;
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
  const tokens = new MemoryTokenStore();
  const conn = new FrameConnection(
    {
      tvId: `tv-${profileName}`,
      host: sim.host,
      port: sim.securePort,
      secure: true,
      backoff: FAST_BACKOFF,
      requestTimeoutMs: 1000,
      readyTimeoutMs: 300,
      ...options.connection,
    },
    { logger: silentLogger(), tokenStore: tokens },
  );
  const store = new MemoryCapabilityStore();
  const capabilities = new TvCapabilities({ store, logger: silentLogger() });
  const api = new FrameArtApi(conn, { ...options.api, capabilities });
  conn.start();
  if (options.waitReady !== false) {
    await waitForState(conn, 'ready');
  }

  return {
    sim,
    conn,
    api,
    capabilities,
    store,
    tokens,
    stop: async () => {
      await conn.stop();
      await sim.stop();
    },
  };
}
