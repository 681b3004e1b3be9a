export { ChunkSizer, type ChunkSizerOptions } from './chunk-sizer.js';
export {
  DEFAULT_MAX_ATTEMPTS,
  defaultRetryDelayMs,
  emptyLaneCounts,
  LANES_BY_PRIORITY,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_DELAY_MS,
} from './lanes.js';
export { LaneScheduler, type LaneSchedulerDeps, type SchedulerEvents } from './scheduler.js';
export {
  type JobContext,
  type JobEndInfo,
  type JobOutcome,
  type JobSpec,
  type JobStatus,
  LANES,
  type Lane,
} from './types.js';
