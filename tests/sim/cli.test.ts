import { type ChildProcess, spawn } from 'node:child_process';
import { asObject, getJson } from './raw-client.js';

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
});
