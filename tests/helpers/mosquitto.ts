import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Aedes } from 'aedes';

/** A broker started for one test file. `stop()` and `restart()` wait until the port is closed/open. */
export interface TestBroker {
  url: string;
  port: number;
  /** Which broker runs: the real Mosquitto binary, or the embedded fallback. */
  kind: 'mosquitto' | 'aedes';
  stop(): Promise<void>;
  /** Stops and starts again on the same port; retained messages are lost (no persistence). */
  restart(): Promise<void>;
}

const START_TIMEOUT_MS = 5_000;

/**
 * Starts Mosquitto on 127.0.0.1 and a free port, anonymous, without persistence. Falls back to
 * an embedded aedes broker only when no mosquitto binary is installed (or `embedded` is set, which
 * exists so the fallback itself can be tested).
 */
export async function startMosquitto(opts: { embedded?: boolean } = {}): Promise<TestBroker> {
  const binary = opts.embedded ? null : findMosquitto();
  const port = await freePort();

  return binary ? startMosquittoProcess(binary, port) : startAedes(port);
}

function findMosquitto(): string | null {
  const dirs = ['/usr/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(path.delimiter)];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, 'mosquitto');
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }

  return null;
}

async function freePort(): Promise<number> {
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

async function startMosquittoProcess(binary: string, port: number): Promise<TestBroker> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'docent-mosquitto-'));
  const configPath = path.join(dir, 'mosquitto.conf');
  await writeFile(
    configPath,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'log_dest none',
      '',
    ].join('\n'),
  );

  let child: ChildProcess | null = null;
  let stderr = '';

  const launch = async (): Promise<void> => {
    stderr = '';
    const proc = spawn(binary, ['-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child = proc;
    try {
      await waitForPort(port, () => proc.exitCode !== null);
    } catch (err) {
      proc.kill('SIGKILL');
      throw new Error(`mosquitto did not start: ${stderr.trim()}`, { cause: err });
    }
  };

  const halt = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  };

  await launch();

  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    kind: 'mosquitto',
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
    async restart() {
      await halt();
      await launch();
    },
  };
}

async function startAedes(port: number): Promise<TestBroker> {
  let broker: Aedes | null = null;
  let server: net.Server | null = null;
  const sockets = new Set<net.Socket>();

  const launch = async (): Promise<void> => {
    const instance = await Aedes.createBroker();
    const srv = net.createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      instance.handle(socket);
    });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => resolve());
    });
    broker = instance;
    server = srv;
  };

  const halt = async (): Promise<void> => {
    const srv = server;
    const instance = broker;
    server = null;
    broker = null;
    for (const socket of sockets) socket.destroy();
    if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
    if (instance) await new Promise<void>((resolve) => instance.close(() => resolve()));
  };

  await launch();

  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    kind: 'aedes',
    stop: halt,
    async restart() {
      await halt();
      await launch();
    },
  };
}

async function waitForPort(port: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('broker process exited');
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`broker not listening on ${port} after ${START_TIMEOUT_MS} ms`);
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
