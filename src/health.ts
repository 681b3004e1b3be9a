/**
 * The bridge's health as a heartbeat file, so a container `HEALTHCHECK` (or any supervisor) can
 * tell "connected to the broker" from "process alive" without curl or an open port.
 *
 * The daemon rewrites the file when the MQTT session goes up or down and every `intervalMs` while
 * it runs; `checkHealth` calls it healthy only when the last record says `connected` (or `idle`)
 * and is younger than `maxAgeMs`, so a hung event loop turns unhealthy too.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { Logger } from './log.js';
import { type Clock, type ClockTimer, systemClock } from './util/clock.js';

/**
 * The broker session as the bridge reports it (the file adds `stopped` on the way out). `idle`:
 * the daemon runs without a broker session on purpose, waiting for the add-on to be given a TV;
 * it counts as healthy, or the Supervisor's watchdog would restart it in a loop.
 */
export type MqttHealth = 'connected' | 'disconnected' | 'idle';

export interface BridgeHealth {
  mqtt: MqttHealth;
}

/** Anything that can report and announce its health (the `Bridge`). */
export interface HealthSource {
  health(): BridgeHealth;
  onHealthChange(listener: (health: BridgeHealth) => void): void;
}

export const HEALTH_FILE_NAME = 'health.json';
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;
/** Four missed heartbeats: long enough for a slow disk, short enough to catch a hung process. */
export const DEFAULT_HEALTH_MAX_AGE_MS = 60_000;

const heartbeatSchema = z.object({
  mqtt: z.enum(['connected', 'disconnected', 'idle', 'stopped']),
  updated_at: z.iso.datetime({ offset: true }),
  pid: z.number().int(),
  version: z.string(),
});

export type Heartbeat = z.infer<typeof heartbeatSchema>;

/** The health of a daemon that is deliberately idle (no TV configured in the add-on). */
export const idleHealthSource: HealthSource = {
  health: () => ({ mqtt: 'idle' }),
  onHealthChange: () => {},
};

/**
 * Where the heartbeat lives: `DOCENT_HEALTH_FILE` when set (the container images point it at
 * /tmp so it stays out of the data volume and its backups), else `<data_dir>/health.json`.
 */
export function healthFilePath(opts: {
  env: Readonly<Record<string, string | undefined>>;
  dataDir: string;
}): string {
  const named = opts.env.DOCENT_HEALTH_FILE?.trim();

  return named ? named : path.join(opts.dataDir, HEALTH_FILE_NAME);
}

export interface HealthReporterOptions {
  file: string;
  version: string;
  /** Rewrite period while nothing changes. Default 15 000 ms. */
  intervalMs?: number;
}

export interface HealthReporterDeps {
  source: HealthSource;
  logger: Logger;
  clock?: Clock;
}

/** Keeps the heartbeat file current. `start()` writes at once; `stop()` writes `stopped`. */
export class HealthReporter {
  private timer: ClockTimer | null = null;
  private state: 'idle' | 'running' | 'stopped' = 'idle';
  private writing: Promise<void> = Promise.resolve();
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly intervalMs: number;

  constructor(
    private readonly options: HealthReporterOptions,
    private readonly deps: HealthReporterDeps,
  ) {
    this.log = deps.logger.child({ component: 'health' });
    this.clock = deps.clock ?? systemClock;
    this.intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') return;

    this.state = 'running';
    this.deps.source.onHealthChange((health) => {
      if (this.state === 'running') void this.write(health.mqtt);
    });
    try {
      await mkdir(path.dirname(this.options.file), { recursive: true });
    } catch (err) {
      this.log.warn({ err, file: this.options.file }, 'health file directory not created');
    }
    this.log.info({ file: this.options.file, intervalMs: this.intervalMs }, 'health file active');
    await this.beat();
  }

  /** Idempotent; leaves `stopped` in the file so a check during shutdown fails fast. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;

    this.state = 'stopped';
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.write('stopped');
  }

  private async beat(): Promise<void> {
    if (this.state !== 'running') return;

    await this.write(this.deps.source.health().mqtt);
    if (this.state !== 'running') return;
    this.timer = this.clock.setTimeout(() => void this.beat(), this.intervalMs);
  }

  /** Writes are chained so an older state can never land after a newer one. */
  private write(mqtt: Heartbeat['mqtt']): Promise<void> {
    const record: Heartbeat = {
      mqtt,
      updated_at: new Date(this.clock.now()).toISOString(),
      pid: process.pid,
      version: this.options.version,
    };
    this.writing = this.writing.then(async () => {
      try {
        await writeFileAtomic(this.options.file, `${JSON.stringify(record)}\n`);
      } catch (err) {
        // Health reporting must never take the bridge down; the check then reports a stale file.
        this.log.warn({ err, file: this.options.file }, 'health file write failed');
      }
    });

    return this.writing;
  }
}

export interface HealthVerdict {
  healthy: boolean;
  /** One line for humans: `docker inspect` shows it as the check's output. */
  reason: string;
}

/** Reads the heartbeat file and judges it; never throws. */
export async function checkHealth(opts: {
  file: string;
  nowMs: number;
  maxAgeMs?: number;
}): Promise<HealthVerdict> {
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_HEALTH_MAX_AGE_MS;
  let text: string;
  try {
    text = await readFile(opts.file, 'utf8');
  } catch {
    return { healthy: false, reason: `no heartbeat at ${opts.file} (daemon not started yet?)` };
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { healthy: false, reason: 'heartbeat file is not valid JSON' };
  }
  const parsed = heartbeatSchema.safeParse(json);
  if (!parsed.success) return { healthy: false, reason: 'heartbeat file has an unknown shape' };

  const beat = parsed.data;
  const ageMs = opts.nowMs - Date.parse(beat.updated_at);
  if (ageMs > maxAgeMs) {
    return { healthy: false, reason: `heartbeat is ${Math.round(ageMs / 1000)} s old` };
  }
  if (beat.mqtt === 'idle') return { healthy: true, reason: 'idle: no TV configured' };
  if (beat.mqtt !== 'connected') return { healthy: false, reason: `mqtt ${beat.mqtt}` };

  return { healthy: true, reason: 'mqtt connected' };
}
