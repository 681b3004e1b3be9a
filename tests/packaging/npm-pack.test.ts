/**
 * Slow (up to a couple of minutes): `npm pack` builds the package the way a release does, and the
 * tarball installs into an empty folder and runs. The pack happens in a copy of the sources so it
 * never deletes the working tree's dist/ under another test.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { REPO_ROOT } from './daemon.js';

const run = promisify(execFile);
const SLOW_MS = 240_000;
/** Development tools that must never reach a user's install (a clone's `npm install` has them). */
const DEV_ONLY = ['tsx', 'esbuild', 'aedes', 'typescript', 'jest'];
const PACKAGE_SOURCES = [
  'package.json',
  'package-lock.json',
  'LICENSE',
  'tsconfig.json',
  'tsconfig.build.json',
  'README.md',
  'src',
];

const packResultSchema = z.array(
  z.object({
    filename: z.string(),
    files: z.array(z.object({ path: z.string() })),
  }),
);

let dir: string;
let installed: string;
let packedFiles: string[];
let version: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'docent-pack-'));
  const sources = path.join(dir, 'sources');
  await mkdir(sources);
  for (const entry of PACKAGE_SOURCES) {
    await cp(path.join(REPO_ROOT, entry), path.join(sources, entry), { recursive: true });
  }
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(sources, 'node_modules'), 'dir');
  version = z
    .object({ version: z.string() })
    .parse(JSON.parse(await readFile(path.join(sources, 'package.json'), 'utf8'))).version;

  const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: sources,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [result] = packResultSchema.parse(
    JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))),
  );
  if (!result) throw new Error('npm pack reported no package');
  packedFiles = result.files.map((f) => f.path);

  installed = path.join(dir, 'app');
  await mkdir(installed);
  // As a user installs it (`npm install -g docent`): everything in `dependencies`, nothing else.
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--no-package-lock',
      path.join(dir, result.filename),
    ],
    { cwd: installed, maxBuffer: 16 * 1024 * 1024 },
  );
}, SLOW_MS);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const bin = (name: string) => path.join(installed, 'node_modules', '.bin', name);

test('the package holds the compiled entry points and no sources, tests or maps', () => {
  expect(packedFiles).toEqual(
    expect.arrayContaining([
      'dist/main.js',
      'dist/health-check.js',
      'dist/sim/cli.js',
      'package.json',
      'LICENSE',
    ]),
  );
  for (const file of packedFiles) {
    expect(file).not.toMatch(/^(src|tests|bench|addon)\/|\.ts$|\.map$/);
  }
  // The demo needs the embedded broker, a dev dependency; it runs from a clone (`npm run demo`).
  expect(packedFiles.filter((f) => f.startsWith('dist/demo/'))).toEqual([]);
});

test('the installed `docent --version` prints the package version', async () => {
  const { stdout } = await run(bin('docent'), ['--version']);

  expect(stdout.trim()).toBe(version);
});

test('the installed `docent --help` lists the options', async () => {
  const { stdout } = await run(bin('docent'), ['--help']);

  expect(stdout).toContain('Usage: docent');
  expect(stdout).toContain('--mqtt-url');
});

test('the installed `docent-sim --help` loads the simulator and lists its options', async () => {
  const { stdout } = await run(bin('docent-sim'), ['--help']);

  expect(stdout).toContain('Usage: docent-sim');
  expect(stdout).toContain('--profile');
});

test('the install holds no development tools (tsx, esbuild, aedes, …)', async () => {
  const names = await packageNames(path.join(installed, 'node_modules'));

  expect(names).toContain('docent');
  expect(names).toContain('sharp');
  const devOnly = names.filter((n) => DEV_ONLY.includes(n) || n.startsWith('@esbuild/'));
  expect(devOnly).toEqual([]);
});

test('dist/main.js starts with a node shebang and runs without tsx', async () => {
  const main = path.join(installed, 'node_modules', 'docent', 'dist', 'main.js');

  expect((await readFile(main, 'utf8')).split('\n')[0]).toBe('#!/usr/bin/env node');
  const { stdout } = await run(process.execPath, [main, '--version'], {
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  expect(stdout.trim()).toBe(version);
});

test('the installed health check exits 1 when no daemon has written a heartbeat', async () => {
  const check = path.join(installed, 'node_modules', 'docent', 'dist', 'health-check.js');

  await expect(
    run(process.execPath, [check, path.join(dir, 'missing.json')]),
  ).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining('unhealthy: no heartbeat') });
});

test('the package is MIT licensed, with the licence text in LICENSE', async () => {
  const license = await readFile(path.join(REPO_ROOT, 'LICENSE'), 'utf8');
  const pkg = z
    .object({ license: z.string() })
    .parse(JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')));

  expect(pkg.license).toBe('MIT');
  expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 Docent contributors\n/);
  expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS"');
});

/** Every package under a node_modules folder, nested ones included, by name (`@scope/name`). */
async function packageNames(nodeModules: string): Promise<string[]> {
  const names: string[] = [];
  const entries = await readdir(nodeModules, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const scoped = entry.name.startsWith('@');
    const packages = scoped
      ? (await readdir(path.join(nodeModules, entry.name))).map((n) => `${entry.name}/${n}`)
      : [entry.name];
    for (const name of packages) {
      names.push(name, ...(await packageNames(path.join(nodeModules, name, 'node_modules'))));
    }
  }

  return names;
}
