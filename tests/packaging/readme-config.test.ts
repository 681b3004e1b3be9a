/**
 * README's Configuration table against what Docent really reads: every schema key, every
 * environment variable named in the daemon's sources and every command-line flag has a row.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { ACCEPTED_LOG_LEVELS, configSchema } from '../../src/config/schema.js';
import { REPO_ROOT } from './daemon.js';
import { zodPaths } from './schema-paths.js';

/** The sources of the daemon's start: configuration, the Supervisor, the heartbeat. */
const ENV_SOURCES = [
  'src/main.ts',
  'src/config/load.ts',
  'src/config/supervisor.ts',
  'src/health.ts',
  'src/health-check.ts',
];

const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Configuration'));
const rows = section
  .slice(0, section.indexOf('\n## ', 1))
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
  .map((line) => line.split('|').map((cell) => cell.trim()));
const column = (index: number) => rows.map((cells) => cells[index + 1] ?? '');
const codeIn = (cells: string[]) =>
  cells.flatMap((c) => [...c.matchAll(/`([^`]+)`/g)].map((m) => m[1]));

test('the Configuration table has a row for every option of the schema', () => {
  const documented = new Set(codeIn(column(0)));

  for (const key of zodPaths(configSchema)) {
    expect({ key, documented: documented.has(key) }).toEqual({ key, documented: true });
  }
});

test('the Configuration table names every environment variable Docent reads', async () => {
  const documented = new Set(codeIn(column(1)));
  const read = new Set<string>();
  for (const file of ENV_SOURCES) {
    const source = await readFile(path.join(REPO_ROOT, file), 'utf8');
    for (const match of source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)|\bget\('([A-Z][A-Z0-9_]+)'\)/g)) {
      read.add(match[1] ?? match[2] ?? '');
    }
  }

  expect(read.size).toBeGreaterThan(10);
  for (const name of read) {
    expect({ name, documented: documented.has(name) }).toEqual({ name, documented: true });
  }
});

test('the Configuration table names every command-line flag', async () => {
  const help = await loadConfig({ argv: ['--help'], env: {} });
  if (help.action !== 'exit') throw new Error('no help');
  const documented = new Set(codeIn(column(2)));
  const flags = [...help.output.matchAll(/(--[a-z][a-z-]+)/g)]
    .map((m) => m[1] ?? '')
    .filter((flag) => !['--help', '--version'].includes(flag));

  expect(flags.length).toBeGreaterThan(3);
  for (const flag of flags) {
    expect({ flag, documented: documented.has(flag) }).toEqual({ flag, documented: true });
  }
});

test('the log level row lists every accepted value', () => {
  const row = rows.find((cells) => cells[1] === '`log_level`');
  const values = new Set(codeIn([row?.[4] ?? '']));

  for (const level of ACCEPTED_LOG_LEVELS) expect(values).toContain(level);
});
