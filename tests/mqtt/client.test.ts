import { Writable } from 'node:stream';
import { errorCode } from '../../src/errors.js';
import { createLogger, type Logger, silentLogger } from '../../src/log.js';
import { MqttBridgeClient, type MqttBridgeClientOptions } from '../../src/mqtt/client.js';
import { createTopics } from '../../src/mqtt/topics.js';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto.js';
import { type MqttRecorder, startRecorder } from '../helpers/mqtt-recorder.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitUntil } from '../helpers/wait-until.js';

const topics = createTopics({ baseTopic: 'docent', discoveryPrefix: 'homeassistant' });
const AVAILABILITY = 'docent/bridge/availability';

function captureLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });

  return { logger: createLogger('debug', stream), text: () => lines.join('') };
}

function nextEvent(
  client: MqttBridgeClient,
  event: 'connected' | 'ha-online' | 'disconnected',
  timeoutMs = 5_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${event} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.once(event, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('MqttBridgeClient', () => {
  let broker: TestBroker;
  const cleanups: Array<() => Promise<void>> = [];

  function makeClient(overrides: Partial<MqttBridgeClientOptions> = {}, logger = silentLogger()) {
    const client = new MqttBridgeClient(
      { url: broker.url, topics, haBirthDelayMs: () => 0, reconnectPeriodMs: 100, ...overrides },
      { logger },
    );
    cleanups.push(() => client.stop());

    return client;
  }

  async function recorder(filters: string[]): Promise<MqttRecorder> {
    const rec = await startRecorder(broker.url, filters);
    cleanups.push(() => rec.stop());

    return rec;
  }

  beforeAll(async () => {
    broker = await startMosquitto();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await broker.stop();
  });

  it('publishes online retained on connect and offline retained on stop', async () => {
    const client = makeClient();
    await client.start();
    expect(client.connected).toBe(true);

    const late = await recorder([AVAILABILITY]);
    const online = await late.waitFor((m) => m.topic === AVAILABILITY);
    expect(online.payload.toString()).toBe('online');
    expect(online.retain).toBe(true);

    await client.stop();
    await late.waitFor((m) => m.payload.toString() === 'offline');
    expect(client.connected).toBe(false);
    const after = await recorder([AVAILABILITY]);
    const retained = await after.waitFor((m) => m.topic === AVAILABILITY);
    expect(retained.payload.toString()).toBe('offline');
    expect(retained.retain).toBe(true);
  });

  it('stop is idempotent', async () => {
    const client = makeClient();
    await client.start();

    await Promise.all([client.stop(), client.stop()]);
    await client.stop();

    expect(client.connected).toBe(false);
  });

  it('leaves its last will (offline, retained) when the connection dies uncleanly', async () => {
    const proxy: TcpProxy = await startTcpProxy(broker.port);
    cleanups.push(() => proxy.close());
    // A long reconnect period keeps the client from coming back during the assertion.
    const client = makeClient({ url: proxy.url, reconnectPeriodMs: 60_000 });
    await client.start();
    const watcher = await recorder([AVAILABILITY]);
    await watcher.waitFor((m) => m.payload.toString() === 'online');
    const disconnected = nextEvent(client, 'disconnected');

    proxy.cut();

    await watcher.waitFor((m) => m.payload.toString() === 'offline');
    await disconnected;
    expect(client.connected).toBe(false);
    const late = await recorder([AVAILABILITY]);
    const retained = await late.waitFor((m) => m.topic === AVAILABILITY);
    expect(retained.payload.toString()).toBe('offline');
    expect(retained.retain).toBe(true);
  });

  it('refuses to publish while disconnected with a transient error', async () => {
    const client = makeClient();

    await expect(client.publish('docent/x', 'y')).rejects.toMatchObject({
      code: 'MQTT_DISCONNECTED',
      transient: true,
    });
  });

  it('reconnects after a broker restart, republishes online and keeps subscriptions', async () => {
    const client = makeClient();
    const received: string[] = [];
    await client.subscribe('docent/livingroom/command', (_topic, payload) => {
      received.push(payload.toString());
    });
    await client.start();
    let connectedCount = 0;
    client.on('connected', () => {
      connectedCount += 1;
    });
    const reconnected = nextEvent(client, 'connected', 10_000);

    await broker.restart();
    await reconnected;

    expect(connectedCount).toBe(1);
    const rec = await recorder([AVAILABILITY]);
    const online = await rec.waitFor((m) => m.topic === AVAILABILITY);
    expect(online.payload.toString()).toBe('online');
    await rec.publish('docent/livingroom/command', '{"action":"refresh"}', { qos: 1 });
    await waitUntil(() => received.length > 0);
    expect(received).toEqual(['{"action":"refresh"}']);
  });

  it('emits ha-online on the HA birth message and ignores HA offline', async () => {
    const client = makeClient();
    await client.start();
    let births = 0;
    client.on('ha-online', () => {
      births += 1;
    });
    const rec = await recorder([]);

    await rec.publish('homeassistant/status', 'offline', { qos: 1 });
    const birth = nextEvent(client, 'ha-online');
    await rec.publish('homeassistant/status', 'online', { qos: 1 });
    await birth;

    expect(births).toBe(1);
  });

  it('waits the birth delay before emitting ha-online', async () => {
    const client = makeClient({ haBirthDelayMs: () => 300 });
    await client.start();
    const rec = await recorder([]);
    const startedAt = Date.now();
    const birth = nextEvent(client, 'ha-online');

    await rec.publish('homeassistant/status', 'online', { qos: 1 });
    await birth;

    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
  });

  it('delivers to every handler whose filter matches and survives a throwing handler', async () => {
    const client = makeClient();
    await client.start();
    const seen: string[] = [];
    await client.subscribe('docent/+/command', () => {
      throw new Error('handler bug');
    });
    await client.subscribe('docent/+/command', (topic) => seen.push(`plus:${topic}`));
    await client.subscribe('docent/tv1/#', (topic) => seen.push(`hash:${topic}`));

    await client.publish('docent/tv1/command', '{}', { qos: 1 });
    await waitUntil(() => seen.length >= 2);

    expect(seen.sort()).toEqual(['hash:docent/tv1/command', 'plus:docent/tv1/command']);
  });

  it('collects retained messages under a filter and leaves out cleared ones', async () => {
    const client = makeClient();
    await client.start();
    const rec = await recorder([]);
    await rec.publish('homeassistant/device/docent_a/config', '{"a":1}', { retain: true, qos: 1 });
    await rec.publish('homeassistant/switch/docent_a/art_mode/config', '{"b":2}', {
      retain: true,
      qos: 1,
    });
    await rec.publish('homeassistant/switch/docent_a/gone/config', '', { retain: true, qos: 1 });
    await rec.publish('homeassistant/switch/other/x/config', '{}', { retain: true, qos: 1 });

    // The window is only a cap: collection ends once the broker has sent what it retains.
    const started = performance.now();
    const found = await client.collectRetained('homeassistant/+/docent_a/#', 20_000);

    expect(performance.now() - started).toBeLessThan(5_000);
    expect([...found.keys()].sort()).toEqual([
      'homeassistant/device/docent_a/config',
      'homeassistant/switch/docent_a/art_mode/config',
    ]);
    expect(found.get('homeassistant/device/docent_a/config')?.toString()).toBe('{"a":1}');
    for (const topic of found.keys()) await rec.publish(topic, '', { retain: true, qos: 1 });
    await rec.publish('homeassistant/switch/other/x/config', '', { retain: true, qos: 1 });
  });

  it('rejects start when stopped before the broker ever answered', async () => {
    const proxy = await startTcpProxy(1);
    await proxy.close();
    const client = makeClient({ url: proxy.url });
    const outcome = client.start().then(
      () => 'resolved',
      (err: unknown) => errorCode(err),
    );

    await new Promise((resolve) => setTimeout(resolve, 250));
    await client.stop();

    await expect(outcome).resolves.toBe('MQTT_STOPPED');
  });

  it('never logs the password or URL credentials', async () => {
    const { logger, text } = captureLogger();
    const url = broker.url.replace('mqtt://', 'mqtt://docent:url-secret-1@');
    const client = makeClient({ url, username: 'docent', password: 'pw-secret-2' }, logger);
    await client.start();
    await client.stop();

    expect(text()).toContain('mqtt connected');
    expect(text()).not.toContain('url-secret-1');
    expect(text()).not.toContain('pw-secret-2');
  });
});
