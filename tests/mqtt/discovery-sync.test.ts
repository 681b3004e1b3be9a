import { silentLogger } from '../../src/log.js';
import { MqttBridgeClient } from '../../src/mqtt/client.js';
import { buildDeviceDiscovery, type TvDescriptor } from '../../src/mqtt/discovery.js';
import { syncDiscovery } from '../../src/mqtt/discovery-sync.js';
import { createTopics } from '../../src/mqtt/topics.js';
import { checkDiscoverySet } from '../helpers/discovery-checker.js';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto.js';
import { type MqttRecorder, startRecorder } from '../helpers/mqtt-recorder.js';

const topics = createTopics({ baseTopic: 'docent', discoveryPrefix: 'homeassistant' });
const tv: TvDescriptor = {
  tvId: 'tv1',
  name: 'Hall',
  model: null,
  artworkOptions: ['MY_F0001'],
  matteOptions: ['none'],
};

describe('syncDiscovery against a real broker', () => {
  let broker: TestBroker;
  let client: MqttBridgeClient;
  let seeder: MqttRecorder;

  beforeEach(async () => {
    broker = await startMosquitto();
    client = new MqttBridgeClient(
      { url: broker.url, topics, haBirthDelayMs: () => 0 },
      { logger: silentLogger() },
    );
    await client.start();
    seeder = await startRecorder(broker.url, []);
  });

  afterEach(async () => {
    await seeder.stop();
    await client.stop();
    await broker.stop();
  });

  it('publishes the wanted configs retained and clears only its own stale Docent configs', async () => {
    const stale = [
      // An entity of this bridge's own TV, and a TV this installation published before.
      'homeassistant/switch/docent_tv1/art_mode/config',
      'homeassistant/device/docent_removed_tv/config',
    ];
    const foreign = 'homeassistant/switch/0x00158d0001/state/config';
    // Another Docent on the same broker (the demo beside a real installation).
    const otherDocent = 'homeassistant/device/docent_frame_demo/config';
    for (const topic of [...stale, otherDocent])
      await seeder.publish(topic, '{"name":"old"}', { retain: true, qos: 1 });
    await seeder.publish(foreign, '{"name":"zigbee"}', { retain: true, qos: 1 });
    const wanted = [buildDeviceDiscovery(tv, { topics, version: '0.1.0' })];

    const result = await syncDiscovery(
      client,
      wanted,
      {
        topics,
        collectWindowMs: 200,
        ownedNodeIds: new Set(['docent_tv1']),
        publishedBefore: new Set(['homeassistant/device/docent_removed_tv/config']),
      },
      { logger: silentLogger() },
    );

    expect(result.cleared.sort()).toEqual([...stale].sort());
    const late = await startRecorder(broker.url, ['homeassistant/#']);
    try {
      await late.waitFor((m) => m.topic === foreign);
      const device = await late.waitFor(
        (m) => m.topic === 'homeassistant/device/docent_tv1/config',
      );
      await new Promise((resolve) => setTimeout(resolve, 100));

      expect(late.messages.map((m) => m.topic).sort()).toEqual(
        [device.topic, foreign, otherDocent].sort(),
      );
      expect(device.retain).toBe(true);
      const payload: unknown = JSON.parse(device.payload.toString());
      expect(checkDiscoverySet([{ topic: device.topic, payload }], { deviceName: 'Hall' })).toEqual(
        [],
      );
    } finally {
      await late.stop();
      await seeder.publish(foreign, '', { retain: true, qos: 1 });
      await seeder.publish(otherDocent, '', { retain: true, qos: 1 });
    }
  });
});
