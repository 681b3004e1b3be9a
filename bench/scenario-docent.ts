/**
 * Docent under load: a fresh simulated Frame, a fresh broker and the daemon as a child process.
 * User selects land while the thumbnail sync runs, then on the idle bridge; then a warm start
 * with the TV off shows how fast the cache alone gets published.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../src/log.js';
import { type SimulatedFrame, startSimulatedFrame } from '../src/sim/index.js';
import { BridgeObserver } from './bridge-observer.js';
import { startBroker } from './broker.js';
import type { Cleanup } from './cleanup.js';
import {
  type DaemonMode,
  type DaemonProcess,
  type ProcSample,
  spawnDaemon,
  writeDaemonOptions,
} from './daemon.js';
import type { SelectRecord, SimSocketCounts, SyncFigures } from './results.js';
import { idAt, type PlannedSelect } from './stats.js';

export interface DocentScenarioSettings {
  artworks: number;
  daemon: DaemonMode;
  latencyScale: number;
  chunkTargetMs: number;
  duringSync: PlannedSelect[];
  idle: PlannedSelect[];
  /** Upper bound for the whole thumbnail sync. */
  syncTimeoutMs: number;
  selectTimeoutMs: number;
}

export interface WarmStartFigures {
  /** From spawn to the discovery config on the broker. */
  discoveryMs: number | null;
  catalogMs: number | null;
  /** From spawn to the last cached thumbnail topic. */
  thumbnailsMs: number | null;
  thumbnailsExpected: number;
  thumbnailsSeen: number;
  error: string | null;
}

export interface DocentResult {
  /** The daemon script that ran, relative to the repository. */
  entry: string;
  selects: SelectRecord[];
  sockets: SimSocketCounts;
  sync: SyncFigures;
  process: ProcSample | null;
  /** The largest device discovery config published during the cold run, in bytes. */
  discoveryBytes: number | null;
  warmStart: WarmStartFigures;
}

const TV_ID = 'bench';
const READY_TIMEOUT_MS = 60_000;
const WARM_START_TIMEOUT_MS = 30_000;

interface Run {
  sim: SimulatedFrame;
  dataDir: string;
  optionsFile: string;
  log: Logger;
  cleanup: Cleanup;
}

export async function runDocentScenario(
  settings: DocentScenarioSettings,
  deps: { cleanup: Cleanup; log: Logger },
): Promise<DocentResult> {
  const { cleanup } = deps;
  const log = deps.log.child({ scenario: 'docent', artworks: settings.artworks });
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'docent-bench-'));
  cleanup.defer('work dir', () => rm(workDir, { recursive: true, force: true }));
  const dataDir = path.join(workDir, 'data');
  await mkdir(dataDir);
  const sim = await startSimulatedFrame({
    artworks: settings.artworks,
    latency: 'realistic',
    latencyScale: settings.latencyScale,
  });
  cleanup.defer('simulator', () => sim.stop());
  const run: Run = {
    sim,
    dataDir,
    optionsFile: path.join(workDir, 'options.json'),
    log,
    cleanup,
  };

  const cold = await runCold(run, settings);
  const warmStart = await runWarmStart(run, settings, cold.sync.thumbnails);

  return { ...cold, warmStart };
}

async function startBridge(run: Run, settings: DocentScenarioSettings, onThumbnail?: () => void) {
  const broker = await startBroker();
  run.cleanup.defer('broker', () => broker.stop());
  const observer = await BridgeObserver.connect(broker.url, TV_ID, onThumbnail);
  run.cleanup.defer('observer', () => observer.stop());
  await writeDaemonOptions(run.optionsFile, {
    mqttUrl: broker.url,
    tvPort: run.sim.securePort,
    dataDir: run.dataDir,
    chunkTargetMs: settings.chunkTargetMs,
  });
  const daemon = spawnDaemon(run.optionsFile, settings.daemon);
  run.cleanup.defer('daemon', () => daemon.stop(2_000));

  return { broker, observer, daemon };
}

async function runCold(run: Run, settings: DocentScenarioSettings) {
  const { sim, log } = run;
  let firstServiceMs: number | null = null;
  let lastServiceMs: number | null = null;
  const onThumbnail = (): void => {
    const serviceMs = sim.counters().serviceMs;
    firstServiceMs ??= serviceMs;
    lastServiceMs = serviceMs;
  };
  const { observer, daemon, broker } = await startBridge(run, settings, onThumbnail);
  const waitLive = (check: () => boolean, timeoutMs: number, what: string) =>
    waitWhileAlive(observer, daemon, check, timeoutMs, what);

  await waitLive(
    () => observer.state?.connection === 'ready',
    READY_TIMEOUT_MS,
    'connection ready',
  );
  const readyAt = performance.now();
  log.info({ msSinceSpawn: Math.round(readyAt - daemon.spawnedAt) }, 'docent ready');

  // Done when every thumbnail is on the broker, or when a sync seen running has stopped (some
  // thumbnails may have failed; the table shows how many arrived).
  let sawSyncRunning = false;
  const syncRunning = (): boolean => {
    const running =
      observer.state?.sync?.running === true && observer.thumbnailIds.size < settings.artworks;
    sawSyncRunning ||= running;

    return running;
  };
  const syncDone = (): boolean =>
    observer.thumbnailIds.size >= settings.artworks || (sawSyncRunning && !syncRunning());
  await waitLive(() => syncRunning() || syncDone(), settings.syncTimeoutMs, 'sync start');

  const ids = sim.contentIds();
  const selects: SelectRecord[] = [];
  const fire = async (phase: SelectRecord['phase'], planned: PlannedSelect, id: string) => {
    const contentId = idAt(ids, planned);
    const outcome = await observer.select(contentId, id, settings.selectTimeoutMs);
    selects.push({ phase, contentId, ...outcome });
  };
  for (const [index, planned] of settings.duringSync.entries()) {
    await sleep(planned.delayMs);
    if (!syncRunning()) break;
    await fire('sync', planned, `sync-${index}`);
  }
  log.info({ fired: selects.length }, 'selects during sync done');

  await waitLive(syncDone, settings.syncTimeoutMs, 'sync end');
  const syncEndAt = performance.now();

  for (const [index, planned] of settings.idle.entries()) {
    await sleep(planned.delayMs);
    await fire('idle', planned, `idle-${index}`);
  }
  const processSample = (await daemon.sampleNow()) ?? daemon.lastSample();
  const counters = sim.counters();
  log.info({ thumbnails: observer.thumbnailIds.size }, 'docent cold run done');

  await daemon.stop();
  await observer.stop();
  await broker.stop();

  const syncMs =
    observer.firstThumbnailAt === null || observer.lastThumbnailAt === null
      ? null
      : observer.lastThumbnailAt - observer.firstThumbnailAt;
  const lowerBoundMs =
    firstServiceMs === null || lastServiceMs === null ? null : lastServiceMs - firstServiceMs;

  return {
    entry: daemon.entry,
    selects,
    sockets: {
      opened: counters.artConnectionsOpened,
      maxOpen: counters.maxArtConnectionsOpen,
      dropped: counters.artConnectionsDropped,
    },
    sync: {
      durationMs: syncMs,
      serviceLowerBoundMs: lowerBoundMs,
      thumbnails: observer.thumbnailIds.size,
      readyToSyncEndMs: syncEndAt - readyAt,
    },
    process: processSample,
    discoveryBytes: observer.largestDiscoveryBytes,
  };
}

async function runWarmStart(
  run: Run,
  settings: DocentScenarioSettings,
  expected: number,
): Promise<WarmStartFigures> {
  // The TV does not answer at all: whatever gets published comes from the cache (rule 7).
  run.sim.setPower('off');
  const { observer, daemon } = await startBridge(run, settings);
  const since = (at: number | null): number | null => (at === null ? null : at - daemon.spawnedAt);
  let error: string | null = null;
  try {
    await waitWhileAlive(
      observer,
      daemon,
      () =>
        observer.discoveryAt !== null &&
        observer.catalogAt !== null &&
        observer.thumbnailIds.size >= expected,
      WARM_START_TIMEOUT_MS,
      'warm start publishes',
    );
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const figures: WarmStartFigures = {
    discoveryMs: since(observer.discoveryAt),
    catalogMs: since(observer.catalogAt),
    thumbnailsMs: expected === 0 ? 0 : since(observer.lastThumbnailAt),
    thumbnailsExpected: expected,
    thumbnailsSeen: observer.thumbnailIds.size,
    error,
  };
  run.log.info({ ...figures }, 'docent warm start done');

  return figures;
}

/** Like `observer.waitUntil`, but gives up early with the daemon's output when it has exited. */
async function waitWhileAlive(
  observer: BridgeObserver,
  daemon: DaemonProcess,
  check: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  let exited = false;
  await observer.waitUntil(
    () => {
      exited = daemon.exited();
      return exited || check();
    },
    timeoutMs,
    what,
  );
  if (exited && !check()) {
    const output = daemon.outputTail();
    throw new Error(
      `daemon exited while waiting for ${what} (${keyLine(output)}); output: ${output}`,
    );
  }
}

/** The line of the daemon's output that most likely says why it stopped. */
function keyLine(output: string): string {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const key = lines.find((line) => /\b\w*Error\b[:[ ]|"level":\s*(50|60)/.test(line));

  return (key ?? lines.at(-1) ?? 'no output').trim();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
