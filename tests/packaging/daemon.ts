import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Variables a developer's shell may carry that would change what the daemon under test does. */
const INHERITED_PREFIXES = ['DOCENT_', 'MQTT_', 'SUPERVISOR_', 'HASSIO_', 'OPENAI_', 'LOG_LEVEL'];

export interface RunningDaemon {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits for a line of output containing `text`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** SIGKILL if still running; for cleanup after a failed assertion. */
  kill(): Promise<void>;
}

/** Runs `src/<entry>` through the tsx loader, as `npm start` does, with only `env` configuring it. */
export function runSource(
  entry: string,
  args: string[],
  env: Record<string, string>,
): RunningDaemon {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !INHERITED_PREFIXES.some((prefix) => key.startsWith(prefix)),
    ),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', entry), ...args], {
    cwd: REPO_ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  return {
    child,
    output: () => output,
    exited,
    waitForOutput(text, timeoutMs = 15_000) {
      if (output.includes(text)) return Promise.resolve();

      return new Promise((resolve, reject) => {
        const check = () => {
          if (!output.includes(text)) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no "${text}" in output within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
      });
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface SupervisorRequest {
  method: string;
  url: string;
  authorization: string | undefined;
}

/** A local stand-in for the Supervisor's HTTP API, answering every request with `reply`. */
export interface FakeSupervisor {
  url: string;
  readonly requests: SupervisorRequest[];
  stop(): Promise<void>;
}

export async function startFakeSupervisor(reply: {
  status: number;
  body: unknown;
}): Promise<FakeSupervisor> {
  const requests: SupervisorRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
    });
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port assigned');

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
