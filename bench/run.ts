/**
 * `npm run bench`: Docent against the predecessor's design (naive-client.ts) on the simulated
 * Frame, for several catalog sizes, in one run. Prints a table and the targets of issue #5,
 * and writes everything to bench/results/<timestamp>.json. See bench/README.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import pino from 'pino';
import { z } from 'zod';
import { createLogger, type Logger } from '../src/log.js';
import { availableBrokerKind } from './broker.js';
import { Cleanup } from './cleanup.js';
import { assertDaemonRunnable, daemonEntry } from './daemon.js';
import { runDocentScenario } from './scenario-docent.js';
import { runNaiveScenario } from './scenario-naive.js';
import { planSelects, seededRandom } from './stats.js';
import {
  checkTargets,
  figuresOf,
  type Outcome,
  renderTable,
  renderTargets,
  type SizeResult,
} from './table.js';

const settingsSchema = z.object({
  sizes: z
    .string()
    .transform((text) => text.split(',').map((part) => Number(part.trim())))
    .pipe(z.array(z.number().int().positive().max(20_000)).min(1)),
  scale: z.coerce.number().positive().max(10),
  selects: z.coerce.number().int().min(1).max(200),
  seed: z.coerce.number().int(),
  chunkTargetMs: z.coerce.number().int().positive().optional(),
  deadlineMin: z.coerce.number().positive(),
  daemon: z.enum(['tsx', 'dist']),
  out: z.string(),
});

type Settings = z.infer<typeof settingsSchema>;

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
/** TV service time per thumbnail in the simulator's realistic table (src/sim/latency.ts). */
const THUMBNAIL_SERVICE_MS = 100;
const CONTENT_LIST_SERVICE_MS_PER_ITEM = 1000 / 115;
const IDLE_MEAN_GAP_MS = 100;
const SELECT_TIMEOUT_MS = 60_000;
/** The predecessor's per-request timeout; raised for content lists the scaled TV needs longer for. */
const NAIVE_REQUEST_TIMEOUT_MS = 10_000;

function parseSettings(argv: string[]): Settings {
  const program = new Command()
    .name('bench')
    .description('Docent vs. the naive reference client on the simulated Frame')
    .option('--sizes <list>', 'catalog sizes, comma-separated', '61,524,5000')
    .option('--scale <factor>', 'simulator latency scale (1 = realistic service times)', '0.2')
    .option('--selects <n>', 'user selects per phase (during sync, idle)', '15')
    .option('--seed <n>', 'seed for the random clicks', '5')
    .option(
      '--chunk-target-ms <ms>',
      "Docent's thumbnail chunk target (default 600 ms x scale, at least 100)",
    )
    .option(
      '--daemon <mode>',
      'dist: the built dist/main.js (what users run); tsx: src/main.ts through tsx',
      'dist',
    )
    .option('--deadline-min <min>', 'abort the whole run after this many minutes', '20')
    .option('--out <dir>', 'where the JSON result goes', path.join(BENCH_DIR, 'results'))
    .parse(argv);
  const parsed = settingsSchema.safeParse(program.opts());
  if (!parsed.success) {
    throw new Error(`bad options: ${z.prettifyError(parsed.error)}`);
  }

  return parsed.data;
}

async function attempt<T>(log: Logger, what: string, run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    log.error({ err, what }, 'scenario failed');

    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

async function benchSize(
  artworks: number,
  settings: Settings,
  deps: { cleanup: Cleanup; log: Logger },
): Promise<SizeResult> {
  const { scale } = settings;
  const estimatedSyncMs =
    artworks * (THUMBNAIL_SERVICE_MS + CONTENT_LIST_SERVICE_MS_PER_ITEM) * scale;
  const random = seededRandom(settings.seed + artworks);
  // Spread the clicks over the first ~60 % of the expected sync so they land while it runs.
  const duringSync = planSelects(
    artworks,
    settings.selects,
    (0.6 * estimatedSyncMs) / settings.selects,
    random,
  );
  const idle = planSelects(artworks, settings.selects, IDLE_MEAN_GAP_MS, random);
  const syncTimeoutMs = Math.round(4 * estimatedSyncMs + 60_000);

  deps.log.info({ artworks, estimatedSyncMs: Math.round(estimatedSyncMs) }, 'size started');
  const docent = await attempt(deps.log, 'docent', async () => {
    try {
      return await runDocentScenario(
        {
          artworks,
          daemon: settings.daemon,
          latencyScale: scale,
          chunkTargetMs: settings.chunkTargetMs ?? Math.max(100, Math.round(600 * scale)),
          duringSync,
          idle,
          syncTimeoutMs,
          selectTimeoutMs: SELECT_TIMEOUT_MS,
        },
        deps,
      );
    } finally {
      await deps.cleanup.runAll(deps.log);
    }
  });
  const naive = await attempt(deps.log, 'naive', async () => {
    try {
      return await runNaiveScenario(
        {
          artworks,
          latencyScale: scale,
          duringSync,
          idle,
          syncTimeoutMs,
          requestTimeoutMs: Math.max(
            NAIVE_REQUEST_TIMEOUT_MS,
            Math.round(3 * artworks * CONTENT_LIST_SERVICE_MS_PER_ITEM * scale),
          ),
        },
        deps,
      );
    } finally {
      await deps.cleanup.runAll(deps.log);
    }
  });

  return { artworks, docent, naive };
}

async function writeResults(
  settings: Settings,
  results: SizeResult[],
  startedAt: Date,
): Promise<string> {
  await mkdir(settings.out, { recursive: true });
  const file = path.join(settings.out, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const withFigures = (outcome: SizeResult['docent'] | SizeResult['naive']) =>
    outcome.ok ? { ...outcome, figures: figuresOf(outcome.value) } : outcome;
  const report = {
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    settings,
    daemon_entry: daemonEntry(settings.daemon),
    broker: availableBrokerKind(),
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    sizes: results.map((r) => ({
      artworks: r.artworks,
      docent: withFigures(r.docent),
      naive: withFigures(r.naive),
    })),
    targets: checkTargets(results),
  };
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);

  return file;
}

async function main(): Promise<number> {
  const settings = parseSettings(process.argv);
  assertDaemonRunnable(settings.daemon);
  const log = createLogger('info', pino.destination(2)).child({ component: 'bench' });
  const cleanup = new Cleanup();
  const startedAt = new Date();

  const abort = (reason: string, code: number): void => {
    log.error({ reason }, 'bench aborted');
    void cleanup.runAll(log).finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort('SIGINT', 130));
  process.once('SIGTERM', () => abort('SIGTERM', 143));
  const deadline = setTimeout(() => abort('deadline', 2), settings.deadlineMin * 60_000);
  deadline.unref();

  const results: SizeResult[] = [];
  for (const artworks of settings.sizes) {
    results.push(await benchSize(artworks, settings, { cleanup, log }));
  }
  clearTimeout(deadline);

  const file = await writeResults(settings, results, startedAt);
  const targets = checkTargets(results);
  process.stdout.write(
    [
      `Docent vs naive reference, simulated Frame, latency scale ${settings.scale}`,
      `Daemon: ${daemonEntry(settings.daemon)}; broker: ${availableBrokerKind()}`,
      '',
      renderTable(results),
      '',
      'Targets (Docent):',
      renderTargets(targets),
      '',
      `Results: ${path.relative(process.cwd(), file)}`,
      '',
    ].join('\n'),
  );

  return results.every((r) => r.docent.ok && r.naive.ok) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
