import mqtt, { type MqttClient } from 'mqtt';
import { BridgeObserver } from '../../bench/bridge-observer.js';
import { type BenchBroker, startBroker } from '../../bench/broker.js';

describe('bridge observer', () => {
  let broker: BenchBroker;
  let bridge: MqttClient;
  let observer: BridgeObserver | undefined;

  beforeAll(async () => {
    broker = await startBroker();
  });

  afterAll(async () => {
    await broker.stop();
  });

  beforeEach(async () => {
    // Stands in for the daemon: answers every select on the result topic.
    bridge = await mqtt.connectAsync(broker.url);
    await bridge.subscribeAsync('docent/bench/command');
    bridge.on('message', (_topic, payload) => {
      const command: unknown = JSON.parse(payload.toString());
      const id = typeof command === 'object' && command && 'id' in command ? command.id : null;
      const status = id === 'b-err' ? 'error' : 'ok';
      const result =
        status === 'error' ? { id, status, error: { code: 'TV_TIMEOUT' } } : { id, status };
      void bridge.publishAsync('docent/bench/command/result', JSON.stringify(result));
    });
  });

  afterEach(async () => {
    await observer?.stop();
    observer = undefined;
    await bridge.endAsync();
  });

  it('measures publish to result for a select and reads the error code', async () => {
    observer = await BridgeObserver.connect(broker.url, 'bench');

    const ok = await observer.select('MY_F0001', 'b-1', 2_000);
    const failed = await observer.select('MY_F0002', 'b-err', 2_000);

    expect(ok.status).toBe('ok');
    expect(ok.latencyMs).toBeGreaterThan(0);
    expect(failed).toMatchObject({ status: 'error', errorCode: 'TV_TIMEOUT' });
  });

  it('reports a select that never gets a result as a timeout', async () => {
    observer = await BridgeObserver.connect(broker.url, 'other');

    const outcome = await observer.select('MY_F0001', 'b-2', 150);

    expect(outcome.status).toBe('timeout');
  });

  it('tracks retained state, discovery, catalog and thumbnails with arrival times', async () => {
    const seen: string[] = [];
    observer = await BridgeObserver.connect(broker.url, 'bench', (id) => seen.push(id));
    const publish = (topic: string, payload: string | Buffer) =>
      bridge.publishAsync(topic, payload, { retain: true, qos: 1 });

    await publish(
      'docent/bench/state',
      JSON.stringify({ connection: 'ready', sync: { done: 1, total: 2, running: true } }),
    );
    await publish('homeassistant/device/docent_bench/config', '{}');
    await publish('docent/bench/catalog', '[]');
    await publish('docent/bench/thumbnail/MY_F0001', Buffer.from([0xff, 0xd8]));
    await publish('docent/bench/thumbnail/MY_F0002', Buffer.alloc(0));
    await publish('docent/bench/state', 'not json');
    await observer.waitUntil(() => observer?.badStates === 1, 2_000, 'bad state');

    expect(observer.state).toMatchObject({ connection: 'ready', sync: { running: true } });
    expect(observer.discoveryAt).not.toBeNull();
    expect(observer.catalogAt).not.toBeNull();
    expect([...observer.thumbnailIds]).toEqual(['MY_F0001']);
    expect(seen).toEqual(['MY_F0001']);
  });

  it('fails a wait that never comes true', async () => {
    observer = await BridgeObserver.connect(broker.url, 'bench');

    await expect(observer.waitUntil(() => false, 100, 'nothing')).rejects.toThrow(/nothing/);
  });
});
