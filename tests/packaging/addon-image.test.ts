/**
 * Slow (about half a minute): the add-on image's install steps, run here as the Supervisor's build
 * would run them. The build context is addon/ alone, so everything the add-on Dockerfile copies
 * must be in that folder, and the release it installs is the committed addon/docent.tgz. No
 * Docker engine here: the RUN lines run through `sh` with npm's global prefix and cache in a
 * temporary folder instead of the image's /usr/local.
 */
import { execFile } from 'node:child_process';
import { access, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { z } from 'zod';
import { REPO_ROOT } from './daemon.js';
import { parseDockerfile } from './dockerfile.js';

const run = promisify(execFile);
const SLOW_MS = 240_000;
const ADDON = path.join(REPO_ROOT, 'addon');
const TARBALL = path.join(ADDON, 'docent.tgz');

const dockerfile = parseDockerfile(await readFile(path.join(ADDON, 'Dockerfile'), 'utf8'));
const manifestVersion = z
  .object({ version: z.string() })
  .parse(parse(await readFile(path.join(ADDON, 'config.yaml'), 'utf8'))).version;
const packageVersion = z
  .object({ version: z.string() })
  .parse(JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8'))).version;

let dir: string;
let prefix: string;
let buildOutput = '';

/** The add-on Dockerfile's RUN lines, with the tarball where COPY puts it. */
function runLines(tarball: string): string[] {
  return dockerfile.all
    .filter((i) => i.keyword === 'RUN')
    .map((i) => i.args.replaceAll('/tmp/docent.tgz', tarball));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'docent-addon-image-'));
  prefix = path.join(dir, 'usr-local');
  await mkdir(prefix);
  // COPY docent.tgz /tmp/docent.tgz (the install step deletes its copy).
  const copied = path.join(dir, 'docent.tgz');
  await copyFile(TARBALL, copied);
  const env = {
    ...process.env,
    npm_config_prefix: prefix,
    // `npm cache clean --force` in the Dockerfile must not empty the developer's own cache.
    npm_config_cache: path.join(dir, 'npm-cache'),
    PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    BUILD_VERSION: manifestVersion,
    NODE_OPTIONS: '',
  };
  for (const line of runLines(copied)) {
    const { stdout, stderr } = await run('sh', ['-c', line], {
      env,
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    });
    buildOutput += stdout + stderr;
  }
}, SLOW_MS);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('copies only files that are in the add-on folder, its build context', async () => {
  const sources = dockerfile.all
    .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
    .flatMap((i) => i.args.split(/\s+/).slice(0, -1));

  expect(sources).toContain('docent.tgz');
  for (const source of sources)
    await expect(access(path.join(ADDON, source))).resolves.toBe(undefined);
});

test('the bundled release is the add-on version and the package version', async () => {
  const { stdout } = await run('tar', ['-xzOf', TARBALL, 'package/package.json']);
  const packed = z.object({ name: z.string(), version: z.string() }).parse(JSON.parse(stdout));

  expect(packed).toEqual({ name: 'docent', version: manifestVersion });
  expect(manifestVersion).toBe(packageVersion);
});

test('the install steps give a `docent` of the add-on version, where the HEALTHCHECK looks', async () => {
  const { stdout } = await run(path.join(prefix, 'bin', 'docent'), ['--version'], {
    env: { ...process.env, NODE_OPTIONS: '' },
  });

  expect(stdout.trim()).toBe(manifestVersion);
  // HEALTHCHECK runs /usr/local/lib/node_modules/docent/dist/health-check.js; here the prefix
  // stands in for /usr/local.
  await expect(
    access(path.join(prefix, 'lib', 'node_modules', 'docent', 'dist', 'health-check.js')),
  ).resolves.toBe(undefined);
  expect(buildOutput).not.toMatch(/is not Docent/);
});

test('the version check stops a build whose tarball is another version', async () => {
  const check = runLines(path.join(dir, 'docent.tgz')).find((line) => line.includes('--version'));
  if (!check) throw new Error('no version check in addon/Dockerfile');

  const failed = run('sh', ['-c', check], {
    env: {
      ...process.env,
      PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
      BUILD_VERSION: '99.0.0',
      NODE_OPTIONS: '',
    },
  });

  await expect(failed).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('docent.tgz is not Docent 99.0.0: run npm run pack:addon'),
  });
});
