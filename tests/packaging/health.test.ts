import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  type BridgeHealth,
  checkHealth,
  HealthReporter,
  type HealthSource,
  healthFilePath,
  idleHealthSource,
} from '../../src/health.js';
import { silentLogger } from '../../src/log.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'docent-health-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A bridge stand-in whose MQTT state the test flips. */
function fakeSource(initial: BridgeHealth['mqtt']): HealthSource & {
  set(mqtt: BridgeHealth['mqtt']): void;
} {
  let mqtt = initial;
  const listeners: Array<(health: BridgeHealth) => void> = [];

  return {
    health: () => ({ mqtt }),
    onHealthChange: (listener) => listeners.push(listener),
    set(next) {
      mqtt = next;
      for (const listener of listeners) listener({ mqtt });
    },
  };
}

async function verdictNow(file: string) {
  return checkHealth({ file, nowMs: Date.now() });
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('the heartbeat follows the MQTT session up, down and to stopped', async () => {
  const file = path.join(dir, 'nested', 'health.json');
  const source = fakeSource('disconnected');
  const reporter = new HealthReporter(
    { file, version: '9.9.9', intervalMs: 60_000 },
    { source, logger: silentLogger() },
  );

  await reporter.start();
  expect(await verdictNow(file)).toEqual({ healthy: false, reason: 'mqtt disconnected' });

  source.set('connected');
  await eventually(async () => (await verdictNow(file)).healthy);

  source.set('disconnected');
  await eventually(async () => !(await verdictNow(file)).healthy);

  source.set('connected');
  await eventually(async () => (await verdictNow(file)).healthy);
  await reporter.stop();

  expect(await verdictNow(file)).toEqual({ healthy: false, reason: 'mqtt stopped' });
  const record: unknown = JSON.parse(await readFile(file, 'utf8'));
  expect(record).toMatchObject({ mqtt: 'stopped', version: '9.9.9', pid: process.pid });
});

test('rewrites the heartbeat every interval so a live daemon never looks stale', async () => {
  const file = path.join(dir, 'health.json');
  const reporter = new HealthReporter(
    { file, version: '1', intervalMs: 20 },
    { source: fakeSource('connected'), logger: silentLogger() },
  );
  await reporter.start();
  const first = await readFile(file, 'utf8');

  await eventually(async () => (await readFile(file, 'utf8')) !== first);
  await reporter.stop();

  expect(await verdictNow(file)).toMatchObject({ healthy: false });
});

test('an idle daemon (add-on without a TV) is healthy, so the watchdog leaves it alone', async () => {
  const file = path.join(dir, 'health.json');
  const reporter = new HealthReporter(
    { file, version: '1', intervalMs: 60_000 },
    { source: idleHealthSource, logger: silentLogger() },
  );

  await reporter.start();
  const idle = await verdictNow(file);
  await reporter.stop();

  expect(idle).toEqual({ healthy: true, reason: 'idle: no TV configured' });
  expect(await verdictNow(file)).toEqual({ healthy: false, reason: 'mqtt stopped' });
});

test.each([
  ['missing', null, /no heartbeat/],
  ['not JSON', '{', /not valid JSON/],
  ['of another shape', '{"ok":true}', /unknown shape/],
])('calls a heartbeat file that is %s unhealthy', async (_what, content, reason) => {
  const file = path.join(dir, 'health.json');
  if (content !== null) await writeFile(file, content);

  const verdict = await verdictNow(file);

  expect(verdict.healthy).toBe(false);
  expect(verdict.reason).toMatch(reason);
});

test('calls a connected but old heartbeat unhealthy (a hung process)', async () => {
  const file = path.join(dir, 'health.json');
  const updatedAt = new Date('2026-01-01T00:00:00Z');
  await writeFile(
    file,
    JSON.stringify({
      mqtt: 'connected',
      updated_at: updatedAt.toISOString(),
      pid: 1,
      version: '1',
    }),
  );

  const fresh = await checkHealth({ file, nowMs: updatedAt.getTime() + 5_000, maxAgeMs: 60_000 });
  const stale = await checkHealth({ file, nowMs: updatedAt.getTime() + 61_000, maxAgeMs: 60_000 });

  expect(fresh.healthy).toBe(true);
  expect(stale).toEqual({ healthy: false, reason: 'heartbeat is 61 s old' });
});

test('the heartbeat path is DOCENT_HEALTH_FILE when set, else in the data dir', () => {
  expect(healthFilePath({ env: { DOCENT_HEALTH_FILE: '/tmp/h.json' }, dataDir: '/data' })).toBe(
    '/tmp/h.json',
  );
  expect(healthFilePath({ env: {}, dataDir: '/data' })).toBe(path.join('/data', 'health.json'));
});
