import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { DEFAULT_SWITCHES, PROFILE_NAMES } from '../../src/sim/index.js';
import { asObject, getJson } from './raw-client.js';

const run = promisify(execFile);
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const BANNER =
  /REST\+WS http:\/\/127\.0\.0\.1:(\d+)\/api\/v2\/ {2}REST\+WSS https:\/\/127\.0\.0\.1:(\d+)\//;

function waitForBanner(child: ChildProcess): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = BANNER.exec(output);
      if (match) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${output}`)));
  });
}

describe('docent-sim CLI', () => {
  it('prints where it listens, serves REST and stops cleanly on SIGINT', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/sim/cli.ts', '--plain-port', '0', '--secure-port', '0'].concat([
        '--artworks',
        '3',
        '--latency',
        'none',
        '--log-level',
        'silent',
      ]),
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const match = await waitForBanner(child);
      const { body } = await getJson(`http://127.0.0.1:${match[1]}/api/v2/`);
      expect(asObject(body.device).FrameTVSupport).toBe('true');

      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('lists every profile and every switch in --help', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/sim/cli.ts', '--help']);

    for (const name of PROFILE_NAMES) expect(stdout).toContain(`"${name}"`);
    for (const name of Object.keys(DEFAULT_SWITCHES)) {
      const flag =
        name === 'portraitMatteRefusal' ? '--no-portrait-matte-refusal' : `--${kebab(name)}`;
      expect(stdout).toContain(flag);
    }
  });

  it('runs a named profile with switches and serves it', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/sim/cli.ts', '--profile', '2025', '--plain-port', '0'].concat([
        '--secure-port',
        '0',
        '--artworks',
        '3',
        '--app-wedged',
        '--log-level',
        'silent',
      ]),
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const match = await waitForBanner(child);
      const { body } = await getJson(`http://127.0.0.1:${match[1]}/api/v2/`);
      expect(asObject(body.device).model).toBe('25_PTM_FTV');
      expect(asObject(body.device).PowerState).toBe('standby');

      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
