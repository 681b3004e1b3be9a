import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Aedes } from 'aedes';

/** A Mosquitto that refuses anonymous clients and logs who connected as which user. */
export interface AuthBroker {
  url: string;
  port: number;
  /** Mosquitto's own log: `New client connected … u'<user>'` lines. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 5_000;

/** The Mosquitto broker and its password tool, when installed. */
export function mosquittoBinaries(): { broker: string; passwd: string } | null {
  const broker = findBinary('mosquitto');
  const passwd = findBinary('mosquitto_passwd');

  return broker && passwd ? { broker, passwd } : null;
}

/** Starts Mosquitto on 127.0.0.1 and a free port with one user; anonymous logins are refused. */
export async function startAuthBroker(user: {
  username: string;
  password: string;
}): Promise<AuthBroker> {
  const binaries = mosquittoBinaries();
  if (!binaries) return startAedesWithAuth(user);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'docent-auth-broker-'));
  const passwordFile = path.join(dir, 'passwords');
  const logFile = path.join(dir, 'mosquitto.log');
  execFileSync(binaries.passwd, ['-b', '-c', passwordFile, user.username, user.password]);
  const port = await freePort();
  const configFile = path.join(dir, 'mosquitto.conf');
  await writeFile(
    configFile,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${passwordFile}`,
      'persistence false',
      // Started as root, Mosquitto would switch to its own user, which cannot read our temp dir.
      `user ${os.userInfo().username}`,
      `log_dest file ${logFile}`,
      'log_type all',
      'connection_messages true',
      '',
    ].join('\n'),
  );

  const child: ChildProcess = spawn(binaries.broker, ['-c', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    await waitForPort(port, () => child.exitCode !== null);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`mosquitto did not start: ${stderr.trim()}`, { cause: err });
  }

  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The embedded broker with the same rules, for machines without Mosquitto. */
async function startAedesWithAuth(user: {
  username: string;
  password: string;
}): Promise<AuthBroker> {
  const lines: string[] = [];
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const ok = username === user.username && password?.toString() === user.password;
      if (ok) lines.push(`New client connected as ${client.id} u'${username}'`);
      done(null, ok);
    },
  });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port assigned');

  return {
    url: `mqtt://127.0.0.1:${address.port}`,
    port: address.port,
    log: async () => lines.join('\n'),
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

/** A port nothing listens on (for a TV that refuses connections). */
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

function findBinary(name: string): string | null {
  const dirs = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(':')];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }

  return null;
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
