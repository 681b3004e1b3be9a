/**
 * The add-on's start path, for real: Docent reads an options file shaped like the Supervisor's
 * /data/options.json, asks a local stand-in of the Supervisor's services API for the broker, and
 * connects to a Mosquitto that only accepts those credentials.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { checkHealth } from '../../src/health.js';
import { type MqttRecorder, startRecorder } from '../helpers/mqtt-recorder.js';
import { type AuthBroker, freePort, startAuthBroker } from './auth-broker.js';
import { type FakeSupervisor, REPO_ROOT, runSource, startFakeSupervisor } from './daemon.js';

const SERVICE_USER = { username: 'addons', password: 'Sup3r-secret-from-supervisor' };
const TOKEN = 'test-supervisor-token';
const AVAILABILITY = 'docent/bridge/availability';

let dir: string;
let broker: AuthBroker;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  broker = await startAuthBroker(SERVICE_USER);
});

afterAll(async () => {
  await broker.stop();
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'docent-addon-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** The add-on's default options (config.yaml) plus one TV, as the Supervisor writes them. */
async function writeAddonOptions(extra: Record<string, unknown> = {}): Promise<string> {
  const manifest = z
    .object({ options: z.record(z.string(), z.unknown()) })
    .parse(parse(await readFile(path.join(REPO_ROOT, 'addon/config.yaml'), 'utf8')));
  const options = {
    ...manifest.options,
    // Nothing listens on this port: the TV is simply off, which must not matter to MQTT.
    tvs: [{ name: 'Living room', host: '127.0.0.1', port: await freePort(), secure: false }],
    ...extra,
  };
  const file = path.join(dir, 'options.json');
  await writeFile(file, JSON.stringify(options));

  return file;
}

function addonEnv(optionsFile: string, supervisor: FakeSupervisor): Record<string, string> {
  return {
    DOCENT_OPTIONS_FILE: optionsFile,
    DOCENT_DATA_DIR: path.join(dir, 'data'),
    DOCENT_HEALTH_FILE: path.join(dir, 'health.json'),
    SUPERVISOR_TOKEN: TOKEN,
    SUPERVISOR_URL: supervisor.url,
  };
}

async function supervisorWith(reply: { status: number; body: unknown }): Promise<FakeSupervisor> {
  const supervisor = await startFakeSupervisor(reply);
  cleanups.push(() => supervisor.stop());

  return supervisor;
}

async function recorder(): Promise<MqttRecorder> {
  const rec = await startRecorderAs(broker.url);
  cleanups.push(() => rec.stop());

  return rec;
}

/** The recorder logs in like any other client: the broker refuses anonymous ones. */
function startRecorderAs(url: string): Promise<MqttRecorder> {
  const withLogin = new URL(url);
  withLogin.username = SERVICE_USER.username;
  withLogin.password = SERVICE_USER.password;

  return startRecorder(withLogin.toString(), [AVAILABILITY]);
}

/** The Supervisor's answer for the Mosquitto add-on; it sends the port as a string. */
function mqttService(port: number): { status: number; body: unknown } {
  return {
    status: 200,
    body: {
      result: 'ok',
      data: {
        addon: 'core_mosquitto',
        host: '127.0.0.1',
        port: String(port),
        ssl: false,
        protocol: '3.1.1',
        ...SERVICE_USER,
      },
    },
  };
}

test('connects with the broker credentials the Supervisor hands out, and stops with offline', async () => {
  const supervisor = await supervisorWith(mqttService(broker.port));
  const rec = await recorder();
  const daemon = runSource('main.ts', [], addonEnv(await writeAddonOptions(), supervisor));
  cleanups.push(() => daemon.kill());

  await rec.waitFor((m) => m.topic === AVAILABILITY && m.payload.toString() === 'online', 15_000);

  expect(supervisor.requests).toEqual([
    { method: 'GET', url: '/services/mqtt', authorization: `Bearer ${TOKEN}` },
  ]);
  expect(await broker.log()).toContain(`u'${SERVICE_USER.username}'`);
  expect(daemon.output()).toContain('mqtt broker from the supervisor');

  // The container HEALTHCHECK's view: healthy once the heartbeat says connected.
  await expectEventually(async () => {
    const verdict = await checkHealth({ file: path.join(dir, 'health.json'), nowMs: Date.now() });
    expect(verdict).toEqual({ healthy: true, reason: 'mqtt connected' });
  });

  rec.clear();
  const stopAt = Date.now();
  daemon.child.kill('SIGTERM');
  const exit = await daemon.exited;

  expect(exit.code).toBe(0);
  expect(Date.now() - stopAt).toBeLessThan(10_000);
  await rec.waitFor((m) => m.topic === AVAILABILITY && m.payload.toString() === 'offline');
  const afterStop = await checkHealth({ file: path.join(dir, 'health.json'), nowMs: Date.now() });
  expect(afterStop.healthy).toBe(false);
  expect(daemon.output()).not.toContain(SERVICE_USER.password);
});

test('exits with a clear log line when the Supervisor has no MQTT service', async () => {
  const supervisor = await supervisorWith({
    status: 400,
    body: { result: 'error', message: 'No service available for mqtt' },
  });
  const daemon = runSource('main.ts', [], addonEnv(await writeAddonOptions(), supervisor));
  cleanups.push(() => daemon.kill());

  const exit = await daemon.exited;

  expect(exit.code).toBe(2);
  expect(supervisor.requests).toHaveLength(1);
  expect(daemon.output()).toContain('no mqtt broker available from the supervisor');
  expect(daemon.output()).toContain('install and start the Mosquitto broker add-on');
  expect(daemon.output()).toContain('No service available for mqtt');
});

test('uses the broker set in the add-on options without asking the Supervisor', async () => {
  const supervisor = await supervisorWith({ status: 500, body: { result: 'error' } });
  const rec = await recorder();
  const options = await writeAddonOptions({
    mqtt: {
      url: broker.url,
      username: SERVICE_USER.username,
      password: SERVICE_USER.password,
      base_topic: 'docent',
      discovery_prefix: 'homeassistant',
      ha_status_topic: 'homeassistant/status',
    },
  });
  const daemon = runSource('main.ts', [], addonEnv(options, supervisor));
  cleanups.push(() => daemon.kill());

  await rec.waitFor((m) => m.topic === AVAILABILITY && m.payload.toString() === 'online', 15_000);

  expect(supervisor.requests).toEqual([]);
  daemon.child.kill('SIGTERM');
  expect((await daemon.exited).code).toBe(0);
});

test('a fresh install with no TV says what to do and waits, healthy, until stopped', async () => {
  const supervisor = await supervisorWith(mqttService(broker.port));
  const daemon = runSource(
    'main.ts',
    [],
    addonEnv(await writeAddonOptions({ tvs: [] }), supervisor),
  );
  cleanups.push(() => daemon.kill());

  await daemon.waitForOutput('no tv configured');
  // Healthy while idle: an unhealthy container would make the watchdog restart it in a loop.
  await expectEventually(async () => {
    const verdict = await checkHealth({ file: path.join(dir, 'health.json'), nowMs: Date.now() });
    expect(verdict).toEqual({ healthy: true, reason: 'idle: no TV configured' });
  });
  await new Promise((resolve) => setTimeout(resolve, 500));

  expect(daemon.child.exitCode).toBeNull();
  expect(daemon.output()).toContain(
    "add a TV (its name and host) in the add-on's Configuration tab",
  );
  expect(daemon.output().match(/no tv configured/g)).toHaveLength(1);
  expect(daemon.output()).not.toContain('at least one TV is required');
  // No broker is needed to wait: the Supervisor is not even asked for one.
  expect(supervisor.requests).toEqual([]);

  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toEqual({ code: 0, signal: null });
  const afterStop = await checkHealth({ file: path.join(dir, 'health.json'), nowMs: Date.now() });
  expect(afterStop).toEqual({ healthy: false, reason: 'mqtt stopped' });
});

test('outside the add-on, no TV is a configuration error: exit 2', async () => {
  const supervisor = await supervisorWith(mqttService(broker.port));
  const { SUPERVISOR_TOKEN: _token, ...env } = addonEnv(
    await writeAddonOptions({ tvs: [] }),
    supervisor,
  );
  const daemon = runSource('main.ts', [], env);
  cleanups.push(() => daemon.kill());

  const exit = await daemon.exited;

  expect(exit.code).toBe(2);
  expect(daemon.output()).toContain('tvs: at least one TV is required');
  expect(daemon.output()).not.toContain('no tv configured');
});

test('an unknown option in the add-on options exits 2 naming it, even with no TV', async () => {
  const supervisor = await supervisorWith(mqttService(broker.port));
  const options = await writeAddonOptions({ tvs: [], loglevel: 'debug' });
  const daemon = runSource('main.ts', [], addonEnv(options, supervisor));
  cleanups.push(() => daemon.kill());

  const exit = await daemon.exited;

  expect(exit.code).toBe(2);
  expect(daemon.output()).toContain('loglevel: unknown option (did you mean log_level?)');
});

async function expectEventually(assertion: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
