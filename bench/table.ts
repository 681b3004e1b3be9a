/** Turns the raw results into figures, the printed table and the pass/miss list of targets. */

import type { SelectRecord, SimSocketCounts, SyncFigures } from './results.js';
import type { DocentResult } from './scenario-docent.js';
import type { NaiveResult } from './scenario-naive.js';
import { type LatencySummary, ratio, summarize } from './stats.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface SizeResult {
  artworks: number;
  docent: Outcome<DocentResult>;
  naive: Outcome<NaiveResult>;
}

/** The derived numbers of one scenario run, as printed and as stored in the JSON file. */
export interface Figures {
  duringSync: LatencySummary;
  idle: LatencySummary;
  /** p50 during sync / p50 idle. */
  p50Ratio: number | null;
  /** p99 during sync / p99 idle. */
  p99Ratio: number | null;
  /** Selects that ended `ok`, and all fired, per phase. */
  okDuringSync: number;
  firedDuringSync: number;
  okIdle: number;
  firedIdle: number;
  sockets: SimSocketCounts;
  sync: SyncFigures;
  /** Sync time / TV service lower bound. */
  syncRatio: number | null;
}

export interface TargetCheck {
  artworks: number;
  target: string;
  value: string;
  verdict: 'PASS' | 'MISS' | 'n/a';
}

const RSS_LIMIT_BYTES = 150 * 1024 * 1024;
const LATENCY_RATIO_SIZES = new Set([524, 5000]);
const RSS_SIZE = 5000;

export function figuresOf(run: {
  selects: SelectRecord[];
  sockets: SimSocketCounts;
  sync: SyncFigures;
}): Figures {
  const latencies = (phase: SelectRecord['phase']) =>
    run.selects.filter((s) => s.phase === phase).map((s) => s.latencyMs);
  const okCount = (phase: SelectRecord['phase']) =>
    run.selects.filter((s) => s.phase === phase && s.status === 'ok').length;
  const duringSync = summarize(latencies('sync'));
  const idle = summarize(latencies('idle'));

  return {
    duringSync,
    idle,
    p50Ratio: ratio(duringSync.p50Ms, idle.p50Ms),
    p99Ratio: ratio(duringSync.p99Ms, idle.p99Ms),
    okDuringSync: okCount('sync'),
    firedDuringSync: duringSync.count,
    okIdle: okCount('idle'),
    firedIdle: idle.count,
    sockets: run.sockets,
    sync: run.sync,
    syncRatio: ratio(run.sync.durationMs, run.sync.serviceLowerBoundMs),
  };
}

const ms = (value: number | null | undefined): string =>
  value === null || value === undefined ? '-' : `${Math.round(value)}`;
const seconds = (value: number | null | undefined): string =>
  value === null || value === undefined ? '-' : (value / 1000).toFixed(1);
const times = (value: number | null): string => (value === null ? '-' : `${value.toFixed(2)}x`);
const mb = (bytes: number | undefined): string =>
  bytes === undefined ? '-' : (bytes / 1024 / 1024).toFixed(0);

interface Row {
  label: string;
  common?: (f: Figures) => string;
  docent?: (r: DocentResult) => string;
  naive?: (r: NaiveResult) => string;
}

const ROWS: Row[] = [
  { label: 'select p50 during sync (ms)', common: (f) => ms(f.duringSync.p50Ms) },
  { label: 'select p99 during sync (ms)', common: (f) => ms(f.duringSync.p99Ms) },
  { label: 'select p50 idle (ms)', common: (f) => ms(f.idle.p50Ms) },
  { label: 'select p99 idle (ms)', common: (f) => ms(f.idle.p99Ms) },
  { label: 'p50 ratio sync/idle', common: (f) => times(f.p50Ratio) },
  { label: 'p99 ratio sync/idle', common: (f) => times(f.p99Ratio) },
  {
    label: 'selects ok / fired during sync',
    common: (f) => `${f.okDuringSync}/${f.firedDuringSync}`,
  },
  { label: 'selects ok / fired idle', common: (f) => `${f.okIdle}/${f.firedIdle}` },
  {
    label: 'client errors (failed tries)',
    docent: (r) => `${r.selects.filter((s) => s.status !== 'ok').length}`,
    naive: (r) => `${r.client.errors}`,
  },
  { label: 'art sockets opened', common: (f) => `${f.sockets.opened}` },
  { label: 'most art sockets open at once', common: (f) => `${f.sockets.maxOpen}` },
  { label: 'art sockets dropped by TV', common: (f) => `${f.sockets.dropped}` },
  { label: 'thumbnails received', common: (f) => `${f.sync.thumbnails}` },
  { label: 'sync time (s)', common: (f) => seconds(f.sync.durationMs) },
  { label: 'TV service lower bound (s)', common: (f) => seconds(f.sync.serviceLowerBoundMs) },
  { label: 'sync / lower bound', common: (f) => times(f.syncRatio) },
  { label: 'peak RSS (MB)', docent: (r) => mb(r.process?.peakRssBytes) },
  { label: 'CPU time (s)', docent: (r) => seconds(r.process?.cpuMs) },
  {
    label: 'largest discovery payload (bytes)',
    docent: (r) => (r.discoveryBytes === null ? '-' : `${r.discoveryBytes}`),
  },
  { label: 'warm: discovery (ms)', docent: (r) => ms(r.warmStart.discoveryMs) },
  { label: 'warm: catalog (ms)', docent: (r) => ms(r.warmStart.catalogMs) },
  {
    label: 'warm: all thumbnails (ms)',
    docent: (r) =>
      `${ms(r.warmStart.thumbnailsMs)} (${r.warmStart.thumbnailsSeen}/${r.warmStart.thumbnailsExpected})`,
  },
];

function cell<T extends { selects: SelectRecord[]; sockets: SimSocketCounts; sync: SyncFigures }>(
  outcome: Outcome<T>,
  row: Row,
  specific: ((r: T) => string) | undefined,
): string {
  if (!outcome.ok) return 'failed';
  if (specific) return specific(outcome.value);
  if (row.common) return row.common(figuresOf(outcome.value));

  return '';
}

/** One row per metric, one column per size × {docent, naive}. */
export function renderTable(results: SizeResult[]): string {
  const header = [
    'metric',
    ...results.flatMap((r) => [`${r.artworks} docent`, `${r.artworks} naive`]),
  ];
  const body = ROWS.map((row) => [
    row.label,
    ...results.flatMap((r) => [cell(r.docent, row, row.docent), cell(r.naive, row, row.naive)]),
  ]);
  const widths = header.map((_, i) =>
    Math.max(...[header, ...body].map((line) => (line[i] ?? '').length)),
  );
  const format = (line: string[]): string =>
    line
      .map((text, i) => (i === 0 ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0)))
      .join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const failures = results.flatMap((r) => [
    ...(r.docent.ok ? [] : [`${r.artworks} docent failed: ${brief(r.docent.error)}`]),
    ...(r.naive.ok ? [] : [`${r.artworks} naive failed: ${brief(r.naive.error)}`]),
  ]);

  return [format(header), rule, ...body.map(format), ...failures].join('\n');
}

/** One line of an error for the table; the JSON file keeps the whole text. */
function brief(error: string): string {
  const line = error.replace(/\s+/g, ' ').trim();

  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

const verdict = (pass: boolean | null): TargetCheck['verdict'] =>
  pass === null ? 'n/a' : pass ? 'PASS' : 'MISS';

/** Docent's targets from issue #5, per size where they apply. */
export function checkTargets(results: SizeResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const { artworks, docent } of results) {
    const add = (target: string, value: string, pass: boolean | null): void => {
      checks.push({ artworks, target, value, verdict: verdict(pass) });
    };
    if (!docent.ok) {
      add('docent run completes', brief(docent.error), false);
      continue;
    }
    const f = figuresOf(docent.value);
    const warm = docent.value.warmStart;
    const warmMs = [warm.discoveryMs, warm.catalogMs, warm.thumbnailsMs];
    const warmWorst = warmMs.some((v) => v === null)
      ? null
      : Math.max(...warmMs.map((v) => v ?? 0));

    if (LATENCY_RATIO_SIZES.has(artworks)) {
      add(
        'select p99 during sync <= 1.5 x idle',
        times(f.p99Ratio),
        f.p99Ratio === null ? null : f.p99Ratio <= 1.5,
      );
    }
    add(
      'exactly one art socket opened, never two open',
      `${f.sockets.opened} opened, ${f.sockets.maxOpen} at once`,
      f.sockets.opened === 1 && f.sockets.maxOpen === 1,
    );
    add(
      'sync time <= 1.15 x TV service lower bound',
      times(f.syncRatio),
      f.syncRatio === null ? null : f.syncRatio <= 1.15,
    );
    add(
      'warm start publishes within 1 s',
      `${ms(warmWorst)} ms`,
      warmWorst === null ? false : warmWorst <= 1000,
    );
    if (artworks === RSS_SIZE) {
      const rss = docent.value.process?.peakRssBytes;
      add('peak RSS <= 150 MB', `${mb(rss)} MB`, rss === undefined ? null : rss <= RSS_LIMIT_BYTES);
    }
  }

  return checks;
}

export function renderTargets(checks: TargetCheck[]): string {
  return checks
    .map(
      (c) => `${c.verdict.padEnd(4)}  ${String(c.artworks).padStart(5)}  ${c.target}: ${c.value}`,
    )
    .join('\n');
}
