/**
 * The predecessor's way, on a fresh simulated Frame of the same size: load the catalog, start
 * the thumbnail prefetch, fire the same user selects during it, then on the idle client.
 */
import type { Logger } from '../src/log.js';
import { startSimulatedFrame } from '../src/sim/index.js';
import type { Cleanup } from './cleanup.js';
import { NaiveClient, type NaiveCounters, type PrefetchResult } from './naive-client.js';
import { NaiveWireError } from './naive-wire.js';
import type { SelectRecord, SimSocketCounts, SyncFigures } from './results.js';
import { idAt, type PlannedSelect } from './stats.js';

export interface NaiveScenarioSettings {
  artworks: number;
  latencyScale: number;
  duringSync: PlannedSelect[];
  idle: PlannedSelect[];
  /** Upper bound for the prefetch; the client is stopped when it runs longer. */
  syncTimeoutMs: number;
  requestTimeoutMs: number;
}

export interface NaiveResult {
  selects: SelectRecord[];
  sockets: SimSocketCounts;
  sync: SyncFigures;
  prefetch: PrefetchResult | null;
  client: NaiveCounters;
  /** Set when the prefetch hit `syncTimeoutMs` and was cut short. */
  prefetchTimedOut: boolean;
}

export async function runNaiveScenario(
  settings: NaiveScenarioSettings,
  deps: { cleanup: Cleanup; log: Logger },
): Promise<NaiveResult> {
  const log = deps.log.child({ scenario: 'naive', artworks: settings.artworks });
  const sim = await startSimulatedFrame({
    artworks: settings.artworks,
    latency: 'realistic',
    latencyScale: settings.latencyScale,
  });
  deps.cleanup.defer('simulator', () => sim.stop());
  const client = new NaiveClient({
    host: sim.host,
    port: sim.securePort,
    secure: true,
    latencyScale: settings.latencyScale,
    requestTimeoutMs: settings.requestTimeoutMs,
  });
  deps.cleanup.defer('naive client', () => client.stop());

  const contentIds = await client.loadCatalog();
  const ids = sim.contentIds();
  const serviceAtStart = sim.counters().serviceMs;
  const prefetchStart = performance.now();
  let prefetchState: 'running' | 'done' = 'running';
  let prefetchTimedOut = false;
  const prefetch = client.prefetchThumbnails(contentIds).finally(() => {
    prefetchState = 'done';
  });
  const limit = setTimeout(() => {
    prefetchTimedOut = true;
    client.stop();
  }, settings.syncTimeoutMs);

  const selects: SelectRecord[] = [];
  for (const planned of settings.duringSync) {
    await sleep(planned.delayMs);
    if (prefetchState !== 'running') break;
    selects.push({ phase: 'sync', ...(await timedSelect(client, idAt(ids, planned))) });
  }
  log.info({ fired: selects.length }, 'selects during prefetch done');

  const prefetchResult = await prefetch.catch(() => null);
  clearTimeout(limit);
  const prefetchMs = performance.now() - prefetchStart;
  const serviceInWindow = sim.counters().serviceMs - serviceAtStart;

  if (!prefetchTimedOut) {
    for (const planned of settings.idle) {
      await sleep(planned.delayMs);
      selects.push({ phase: 'idle', ...(await timedSelect(client, idAt(ids, planned))) });
    }
  }
  const counters = sim.counters();
  log.info({ errors: client.counters().errors }, 'naive run done');

  return {
    selects,
    sockets: {
      opened: counters.artConnectionsOpened,
      maxOpen: counters.maxArtConnectionsOpen,
      dropped: counters.artConnectionsDropped,
    },
    sync: {
      durationMs: prefetchMs,
      serviceLowerBoundMs: serviceInWindow,
      thumbnails: prefetchResult?.thumbnails ?? client.counters().thumbnailsReceived,
    },
    prefetch: prefetchResult,
    client: client.counters(),
    prefetchTimedOut,
  };
}

async function timedSelect(
  client: NaiveClient,
  contentId: string,
): Promise<Omit<SelectRecord, 'phase'>> {
  const started = performance.now();
  try {
    await client.select(contentId);

    return { contentId, status: 'ok', latencyMs: performance.now() - started };
  } catch (err) {
    const errorCode = err instanceof NaiveWireError ? err.code : 'OTHER';

    return { contentId, status: 'error', errorCode, latencyMs: performance.now() - started };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
