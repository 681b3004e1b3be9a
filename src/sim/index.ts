export type { LatencyMode } from './latency.js';
export {
  type ArtGeneration,
  DEFAULT_PROFILE,
  PROFILE_2019_097,
  PROFILE_2021_2X,
  PROFILE_2022_4X,
  PROFILE_2024_4X,
  PROFILE_2025_5X,
  PROFILE_NAMES,
  PROFILES,
  type ProfileName,
  type SimProfile,
} from './profile.js';
export type {
  CatalogueSource,
  RemoteKeyCounts,
  SimCounters,
  SimOptions,
  SimState,
  SimulatedFrame,
} from './sim-types.js';
export { startSimulatedFrame } from './start-frame.js';
export { DEFAULT_SWITCHES, type SimSwitches } from './switches.js';
