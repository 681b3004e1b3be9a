import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSimulatedFrame } from '../../src/sim/index.js';
import { startMosquitto } from '../helpers/mosquitto.js';
import { startRecorder } from '../helpers/mqtt-recorder.js';

const MAIN = path.resolve('src/main.ts');

function runDaemon(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('the docent daemon (npm start)', () => {
  test('refuses a missing or bad configuration with every problem named, exit code 2', async () => {
    const run = runDaemon(['--mqtt-url', 'ftp://nowhere', '--log-level', 'chatty']);

    expect(await run.exited).toBe(2);
    const { stderr } = run.output();
    expect(stderr).toMatch(/tvs: at least one TV is required/);
    expect(stderr).toMatch(/mqtt\.url: must be a broker URL/);
    expect(stderr).toMatch(/log_level/);
  });

  test('runs from an options file, then stops on SIGTERM publishing offline', async () => {
    const broker = await startMosquitto();
    const sim = await startSimulatedFrame({ artworks: 12, latency: 'fast' });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'docent-daemon-'));
    const recorder = await startRecorder(broker.url, ['docent/#']);
    try {
      const optionsFile = path.join(dir, 'options.json');
      await writeFile(
        optionsFile,
        JSON.stringify({
          tvs: [{ name: 'Hall', host: sim.host, port: sim.securePort }],
          data_dir: path.join(dir, 'data'),
          log_level: 'warn',
        }),
      );
      const run = runDaemon(['--options-file', optionsFile], { MQTT_URL: broker.url });

      await recorder.waitFor(
        (m) => m.topic === 'docent/hall/state' && m.payload.toString().includes('"ready"'),
        20_000,
      );
      const stopAt = Date.now();
      run.child.kill('SIGTERM');

      expect(await run.exited).toBe(0);
      expect(Date.now() - stopAt).toBeLessThan(10_000);
      const last = recorder.on('docent/bridge/availability').at(-1);
      expect(last?.payload.toString()).toBe('offline');
      expect(sim.counters().artConnectionsOpened).toBe(1);
    } finally {
      await recorder.stop();
      await sim.stop();
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
