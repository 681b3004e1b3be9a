/**
 * Runs Docent's daemon as a child process, the way it runs in production, and samples its
 * memory and CPU from /proc while it lives.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from './broker.js';

export interface DaemonConfig {
  mqttUrl: string;
  tvPort: number;
  dataDir: string;
  chunkTargetMs: number;
}

export interface ProcSample {
  /** `VmHWM`: the most resident memory the process ever had, in bytes. */
  peakRssBytes: number;
  /** utime + stime, in ms. */
  cpuMs: number;
}

export interface DaemonProcess {
  readonly pid: number;
  /** The script that runs, relative to the repository. */
  readonly entry: string;
  /** `performance.now()` right before the spawn. */
  readonly spawnedAt: number;
  /** The last /proc sample; null if the process died before the first one. */
  lastSample(): ProcSample | null;
  /** Reads /proc now (the process must still run) and returns the sample. */
  sampleNow(): Promise<ProcSample | null>;
  /** Last lines the daemon wrote to stderr/stdout, for error messages. */
  outputTail(): string;
  exited(): boolean;
  /** SIGTERM, SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE_INTERVAL_MS = 250;
const OUTPUT_TAIL_CHARS = 4_000;

let clockTicksPerSecond: number | undefined;

function ticksPerSecond(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }

  return clockTicksPerSecond;
}

/** The options file the daemon reads with `--options-file`. */
export async function writeDaemonOptions(file: string, config: DaemonConfig): Promise<void> {
  const options = {
    mqtt: { url: config.mqttUrl },
    tvs: [{ name: 'Bench', host: '127.0.0.1', port: config.tvPort, secure: true }],
    data_dir: config.dataDir,
    log_level: 'warn',
    thumbnails: { max_width_px: 320, chunk_target_ms: config.chunkTargetMs },
  };
  await writeFile(file, `${JSON.stringify(options, null, 2)}\n`);
}

/** Parses `VmHWM` from /proc/<pid>/status and utime+stime from /proc/<pid>/stat. */
export async function readProcSample(pid: number): Promise<ProcSample | null> {
  try {
    const [status, stat] = await Promise.all([
      readFile(`/proc/${pid}/status`, 'utf8'),
      readFile(`/proc/${pid}/stat`, 'utf8'),
    ]);
    const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!hwm?.[1] || !Number.isFinite(utime) || !Number.isFinite(stime)) return null;

    return {
      peakRssBytes: Number(hwm[1]) * 1024,
      cpuMs: ((utime + stime) * 1000) / ticksPerSecond(),
    };
  } catch {
    return null;
  }
}

/**
 * How the daemon runs: `tsx` runs src/main.ts through the tsx loader (no build needed; the
 * loader adds roughly 25–30 MB of RSS), `dist` runs the built dist/main.js (`npm run build`).
 */
export type DaemonMode = 'tsx' | 'dist';

/** The daemon's entry script, relative to the repository. */
export function daemonEntry(mode: DaemonMode): string {
  return mode === 'dist' ? path.join('dist', 'main.js') : path.join('src', 'main.ts');
}

/** Throws when `dist` is asked for but the build is missing. */
export function assertDaemonRunnable(mode: DaemonMode): void {
  if (!existsSync(path.join(REPO_ROOT, daemonEntry(mode)))) {
    throw new Error(`${daemonEntry(mode)} not found; run \`npm run build\` first`);
  }
}

/** The bench's environment minus `DOCENT_*`, so only the options file configures the daemon. */
function daemonEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('DOCENT_')),
  );
}

export function spawnDaemon(optionsFile: string, mode: DaemonMode = 'tsx'): DaemonProcess {
  const entry = daemonEntry(mode);
  const loader = mode === 'tsx' ? ['--import', 'tsx'] : [];
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [...loader, entry, '--options-file', optionsFile],
    { cwd: REPO_ROOT, env: daemonEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (err) => keep(Buffer.from(`spawn failed: ${err.message}\n`)));

  let sample: ProcSample | null = null;
  const pid = child.pid ?? -1;
  const takeSample = async (): Promise<ProcSample | null> => {
    const next = await readProcSample(pid);
    if (next) sample = next;

    return next;
  };
  const sampler = setInterval(() => void takeSample(), SAMPLE_INTERVAL_MS);
  child.once('exit', () => clearInterval(sampler));

  return {
    pid,
    entry,
    spawnedAt,
    lastSample: () => sample,
    sampleNow: takeSample,
    outputTail: () => output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async stop(graceMs = 10_000) {
      clearInterval(sampler);
      await stopChild(child, graceMs);
    },
  };
}
