import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { configSchema } from '../../src/config/schema.js';
import {
  brokerUrlFromService,
  fetchMqttService,
  resolveAddonMqtt,
} from '../../src/config/supervisor.js';
import { createLogger } from '../../src/log.js';
import { type FakeSupervisor, startFakeSupervisor } from './daemon.js';

const TOKEN = 'tok';
let supervisor: FakeSupervisor | null = null;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'docent-supervisor-'));
});

afterEach(async () => {
  await supervisor?.stop();
  supervisor = null;
  await rm(dir, { recursive: true, force: true });
});

async function answer(status: number, body: unknown): Promise<string> {
  supervisor = await startFakeSupervisor({ status, body });

  return supervisor.url;
}

const service = { host: 'core-mosquitto', port: '1883', ssl: false, username: 'u', password: 'p' };

describe('fetchMqttService', () => {
  test('reads the service, turning a string port into a number', async () => {
    const baseUrl = await answer(200, { result: 'ok', data: service });

    const lookup = await fetchMqttService({ baseUrl, token: TOKEN });

    expect(lookup).toEqual({
      kind: 'found',
      service: { host: 'core-mosquitto', port: 1883, ssl: false, username: 'u', password: 'p' },
    });
    expect(supervisor?.requests[0]?.authorization).toBe('Bearer tok');
  });

  test('reports a Supervisor error reply as unavailable with its message', async () => {
    const baseUrl = await answer(400, { result: 'error', message: 'Service not enabled' });

    expect(await fetchMqttService({ baseUrl, token: TOKEN })).toEqual({
      kind: 'unavailable',
      message: 'Service not enabled',
    });
  });

  test('treats a malformed service as a failure worth retrying, not a crash', async () => {
    const baseUrl = await answer(200, { result: 'ok', data: { host: '', port: 'eighty' } });

    const lookup = await fetchMqttService({ baseUrl, token: TOKEN });

    expect(lookup.kind).toBe('failed');
  });

  test('reports an unreachable Supervisor as failed', async () => {
    const baseUrl = await answer(200, {});
    await supervisor?.stop();
    supervisor = null;

    const lookup = await fetchMqttService({ baseUrl, token: TOKEN, timeoutMs: 1_000 });

    expect(lookup.kind).toBe('failed');
  });
});

test.each([
  [{ host: 'core-mosquitto', port: 1883, ssl: false }, 'mqtt://core-mosquitto:1883'],
  [{ host: 'broker', port: 8883, ssl: true }, 'mqtts://broker:8883'],
  [{ host: 'fd00::1', port: 1883, ssl: false }, 'mqtt://[fd00::1]:1883'],
])('builds the broker URL from %j', (svc, url) => {
  expect(brokerUrlFromService(svc)).toBe(url);
  expect(configSchema.shape.mqtt.safeParse({ url }).success).toBe(true);
});

describe('resolveAddonMqtt', () => {
  const config = configSchema.parse({ tvs: [{ name: 'Frame', host: '10.0.0.2' }] });

  function capture(): { logger: ReturnType<typeof createLogger>; text: () => string } {
    let text = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });

    return { logger: createLogger('debug', stream), text: () => text };
  }

  test('leaves the config alone outside the add-on (no SUPERVISOR_TOKEN)', async () => {
    const { logger } = capture();

    const result = await resolveAddonMqtt(
      { config, argv: [], env: {}, defaultOptionsFile: path.join(dir, 'none.json') },
      { logger },
    );

    expect(result).toBe(config);
  });

  test('fills in URL and login from the service and never logs the password', async () => {
    const baseUrl = await answer(200, {
      result: 'ok',
      data: { ...service, password: 'hunter2-secret' },
    });
    const { logger, text } = capture();

    const result = await resolveAddonMqtt(
      {
        config,
        argv: [],
        env: { SUPERVISOR_TOKEN: TOKEN, SUPERVISOR_URL: baseUrl },
        defaultOptionsFile: path.join(dir, 'none.json'),
      },
      { logger },
    );

    expect(result.mqtt).toMatchObject({
      url: 'mqtt://core-mosquitto:1883',
      username: 'u',
      password: 'hunter2-secret',
    });
    expect(text()).toContain('mqtt broker from the supervisor');
    expect(text()).not.toContain('hunter2-secret');
  });

  test('keeps a login the user set, taking only the address from the service', async () => {
    const baseUrl = await answer(200, { result: 'ok', data: service });
    const own = configSchema.parse({
      tvs: [{ name: 'Frame', host: '10.0.0.2' }],
      mqtt: { username: 'me', password: 'mine' },
    });

    const result = await resolveAddonMqtt(
      {
        config: own,
        argv: [],
        env: { SUPERVISOR_TOKEN: TOKEN, SUPERVISOR_URL: baseUrl },
        defaultOptionsFile: path.join(dir, 'none.json'),
      },
      { logger: capture().logger },
    );

    expect(result.mqtt).toMatchObject({
      url: 'mqtt://core-mosquitto:1883',
      username: 'me',
      password: 'mine',
    });
  });

  test.each([
    ['the options file', [], {}, { mqtt: { url: 'mqtt://mine:1883' } }],
    ['MQTT_URL', [], { MQTT_URL: 'mqtt://mine:1883' }, {}],
    ['--mqtt-url', ['--mqtt-url', 'mqtt://mine:1883'], {}, {}],
  ])('does not ask the Supervisor when %s names a broker', async (_name, argv, env, options) => {
    const baseUrl = await answer(200, { result: 'ok', data: service });
    const file = path.join(dir, 'options.json');
    await writeFile(file, JSON.stringify(options));

    const result = await resolveAddonMqtt(
      {
        config,
        argv,
        env: { ...env, SUPERVISOR_TOKEN: TOKEN, SUPERVISOR_URL: baseUrl },
        defaultOptionsFile: file,
      },
      { logger: capture().logger },
    );

    expect(result).toBe(config);
    expect(supervisor?.requests).toEqual([]);
  });

  test('retries an unreachable Supervisor, then fails with MQTT_SERVICE_UNAVAILABLE', async () => {
    const baseUrl = await answer(503, 'starting');
    const { logger, text } = capture();

    await expect(
      resolveAddonMqtt(
        {
          config,
          argv: [],
          env: { SUPERVISOR_TOKEN: TOKEN, SUPERVISOR_URL: baseUrl },
          defaultOptionsFile: path.join(dir, 'none.json'),
        },
        { logger, attempts: 3, retryDelayMs: 10 },
      ),
    ).rejects.toMatchObject({ code: 'MQTT_SERVICE_UNAVAILABLE', transient: true });
    expect(supervisor?.requests).toHaveLength(3);
    expect(text()).toContain('no mqtt broker available from the supervisor');
  });
});
