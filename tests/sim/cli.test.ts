import { type ChildProcess, execFile, spawn } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import { DEFAULT_SWITCHES, PROFILE_NAMES } from '../../src/sim/index.js';
import { asObject, channelUrl, connInfoOf, getJson, type Json, RawClient } from './raw-client.js';

const run = promisify(execFile);
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const BANNER =
  /REST\+WS http:\/\/127\.0\.0\.1:(\d+)\/api\/v2\/ {2}REST\+WSS https:\/\/127\.0\.0\.1:(\d+)\/.*control http:\/\/127\.0\.0\.1:(\d+)\//;
const ART = 'com.samsung.art-app';

function control(port: number, method: string, route: string, body?: unknown): Promise<Json> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: route }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(asObject(JSON.parse(Buffer.concat(chunks).toString()))));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function startCli(flags: string[]): ChildProcess {
  const base = ['--import', 'tsx', 'src/sim/cli.ts', '--plain-port', '0', '--secure-port', '0'];
  const quiet = ['--artworks', '3', '--latency', 'none', '--log-level', 'silent'];

  return spawn(process.execPath, [...base, ...quiet, ...flags], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function stopCli(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

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
    for (const field of ['d2dSecured', 'standbyArtSocket', 'unknownRequest', 'tokenAuth']) {
      expect(stdout).toContain(`--${kebab(field)}`);
    }
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

  it('profile and switch flags change what the simulator does on the wire', async () => {
    const child = startCli(
      ['--unknown-request', 'error-9', '--d2d-secured', '--standby-art-socket', 'drop'].concat([
        '--flood-reply-order',
        'fifo',
        '--art-app-absent',
      ]),
    );
    const clients: RawClient[] = [];
    try {
      const match = await waitForBanner(child);
      const [securePort, controlPort] = [Number(match[2]), Number(match[3])];
      expect(await control(controlPort, 'GET', '/switches')).toMatchObject({
        floodReplyOrder: 'fifo',
        artAppAbsent: true,
      });
      expect(await control(controlPort, 'GET', '/profile')).toMatchObject({
        unknownRequest: 'error-9',
        d2dSecured: true,
        standbyArtSocket: 'drop',
      });
      const absent = await RawClient.open(channelUrl('wss', securePort, ART));
      clients.push(absent);
      const connect = asObject((await absent.waitForEvent('ms.channel.connect')).message.data);
      expect(
        Array.isArray(connect.clients) && connect.clients.some((c) => asObject(c).isHost),
      ).toBe(false);
      await absent.close();

      await control(controlPort, 'POST', '/switches', { artAppAbsent: false });
      const art = await RawClient.connectArt(channelUrl('wss', securePort, ART));
      clients.push(art);
      expect(await art.reply(art.request('no_such_request'))).toMatchObject({ error_code: '-9' });
      const list = await art.reply(
        art.request('get_thumbnail_list', {
          content_id_list: [{ content_id: 'MY_F0001' }],
          conn_info: { d2d_mode: 'socket', connection_id: 1, id: 'x' },
        }),
      );
      expect(connInfoOf(list).secured).toBe(true);
      await control(controlPort, 'POST', '/power', { power: 'standby' });
      await art.waitClosed();
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await stopCli(child);
    }
  });

  it('a flag beats the profile default either way (--x / --no-x)', async () => {
    const child = startCli(['--profile', '2021', '--d2d-secured', '--no-zombie-after-wake']);
    try {
      const controlPort = Number((await waitForBanner(child))[3]);
      expect(await control(controlPort, 'GET', '/profile')).toMatchObject({
        d2dSecured: true,
        tokenAuth: true,
      });
      expect(await control(controlPort, 'GET', '/switches')).toMatchObject({
        zombieAfterWake: false,
        artDropEveryMs: 220_000,
      });
    } finally {
      await stopCli(child);
    }
  });
});
