import { silentLogger } from '../log.js';
import { Frame } from './frame-server.js';
import { DEFAULT_PROFILE, PROFILES, type SimProfile } from './profile.js';
import type { SimOptions, SimulatedFrame } from './sim-types.js';

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
