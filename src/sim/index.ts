export { startSimulatedFrame } from './frame-server.js';
export type { LatencyMode } from './latency.js';
export { DEFAULT_PROFILE, PROFILE_2022_4X, type SimProfile } from './profile.js';
export type { SimCounters, SimOptions, SimState, SimulatedFrame } from './sim-types.js';
