/**
 * The benchmark's MQTT broker: the `mosquitto` binary on a free 127.0.0.1 port with a throw-away
 * config and no persistence, so every start begins with no retained messages. Falls back to the
 * demo's embedded broker when no binary is installed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedBroker } from '../src/demo/broker.js';
import { once } from './results.js';

export interface BenchBroker {
  url: string;
  kind: 'mosquitto' | 'embedded';
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 2_000;

export async function startBroker(): Promise<BenchBroker> {
  const binary = findMosquitto();
  if (binary === null) {
    const embedded = await startEmbeddedBroker(0, '127.0.0.1');

    return { url: embedded.url, kind: 'embedded', stop: once(() => embedded.stop()) };
  }

  return startMosquitto(binary);
}

/** Which broker `startBroker` will run on this machine. */
export function availableBrokerKind(): BenchBroker['kind'] {
  return findMosquitto() === null ? 'embedded' : 'mosquitto';
}

function findMosquitto(): string | null {
  const dirs = ['/usr/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(path.delimiter)];
  for (const dir of dirs.filter((d) => d !== '')) {
    const candidate = path.join(dir, 'mosquitto');
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }

  return null;
}

async function startMosquitto(binary: string): Promise<BenchBroker> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'docent-bench-mosquitto-'));
  const configPath = path.join(dir, 'mosquitto.conf');
  const config = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    'log_dest none',
  ];
  await writeFile(configPath, `${config.join('\n')}\n`);

  const child = spawn(binary, ['-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2_000);
  });
  const stop = once(async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  });

  try {
    await waitForPort(port, () => child.exitCode !== null);
  } catch (err) {
    await stop();
    throw new Error(`mosquitto did not start: ${stderr.trim()}`, { cause: err });
  }

  return { url: `mqtt://127.0.0.1:${port}`, kind: 'mosquitto', stop };
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
export async function stopChild(child: ChildProcess, graceMs = STOP_TIMEOUT_MS): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');

  return address.port;
}

async function waitForPort(port: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('broker process exited');
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`broker not listening on port ${port} after ${START_TIMEOUT_MS} ms`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
