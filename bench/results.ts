/** Shapes shared by the scenarios, the table and the JSON result file. */

export interface SelectRecord {
  phase: 'sync' | 'idle';
  contentId: string;
  /** `ok`, Docent's `error`/`superseded`/`expired`, `timeout`, or the naive client's error code. */
  status: string;
  errorCode?: string;
  latencyMs: number;
}

/** What the simulated TV saw of art-channel sockets. */
export interface SimSocketCounts {
  opened: number;
  maxOpen: number;
  dropped: number;
}

export interface SyncFigures {
  /** First to last thumbnail (Docent: as published on the broker; naive: prefetch start to end). */
  durationMs: number | null;
  /** TV service time spent in that window: no client can finish faster. */
  serviceLowerBoundMs: number | null;
  /** Distinct thumbnails that arrived. */
  thumbnails: number;
  /** Docent: from `connection: ready` until the sync was over. */
  readyToSyncEndMs?: number;
}

/** Runs `stop` once; later calls get the first call's promise. */
export function once(stop: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;

  return () => {
    running ??= stop();

    return running;
  };
}
