import { startMosquitto, type TestBroker } from '../helpers/mosquitto.js';
import { startRecorder } from '../helpers/mqtt-recorder.js';

describe.each([
  ['mosquitto', false],
  ['embedded fallback', true],
])('test broker helper (%s)', (_name, embedded) => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startMosquitto({ embedded });
  });

  afterAll(async () => {
    await broker.stop();
  });

  it('delivers retained messages to a later subscriber', async () => {
    const publisher = await startRecorder(broker.url, []);
    await publisher.publish('helper/retained', 'kept', { retain: true, qos: 1 });
    const reader = await startRecorder(broker.url, ['helper/#']);

    const msg = await reader.waitFor((m) => m.topic === 'helper/retained');

    expect(msg.payload.toString()).toBe('kept');
    expect(msg.retain).toBe(true);
    await publisher.stop();
    await reader.stop();
  });

  it('listens on the same port after restart and drops retained messages', async () => {
    const publisher = await startRecorder(broker.url, []);
    await publisher.publish('helper/gone', 'x', { retain: true, qos: 1 });
    await publisher.stop();

    await broker.restart();
    const reader = await startRecorder(broker.url, ['helper/#']);
    await reader.publish('helper/live', 'y', { qos: 1 });
    await reader.waitFor((m) => m.topic === 'helper/live');

    expect(reader.on('helper/gone')).toHaveLength(0);
    await reader.stop();
  });
});
