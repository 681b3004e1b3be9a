/**
 * `npm run demo -- --once` end to end, as a newcomer runs it: the simulated Frame, the broker in
 * MQTT_URL (a Mosquitto of the test's own) and the bridge, a select during the thumbnail sync,
 * and a clean exit once the sync is done.
 */
import { startMosquitto, type TestBroker } from '../helpers/mosquitto.js';
import { type MqttRecorder, startRecorder } from '../helpers/mqtt-recorder.js';
import { runSource } from '../packaging/daemon.js';

describe('npm run demo -- --once', () => {
  let broker: TestBroker;
  let recorder: MqttRecorder;

  beforeAll(async () => {
    broker = await startMosquitto();
    recorder = await startRecorder(broker.url, ['docent/frame_demo/#', 'homeassistant/#']);
  });

  afterAll(async () => {
    await recorder.stop();
    await broker.stop();
  });

  test('syncs the thumbnails, answers a select during the sync and exits 0', async () => {
    const demo = runSource('demo/main.ts', ['--once', '--latency', 'fast', '--artworks', '30'], {
      MQTT_URL: broker.url,
    });
    try {
      const exit = await demo.exited;
      const output = demo.output();

      expect({ exit, output }).toMatchObject({ exit: { code: 0 } });
      expect(output).toContain(`Docent demo is running (broker: ${broker.url}, configured)`);
      expect(output).toMatch(
        /select MY_F\d+ (during|after) the sync → ok in \d+ ms; TV now shows MY_F\d+/,
      );
      expect(output).toMatch(/art sockets opened 1, most open at once 1/);
      expect(recorder.on('homeassistant/device/docent_frame_demo/config').length).toBeGreaterThan(
        0,
      );
      expect(recorder.messages.filter((m) => m.topic.includes('/thumbnail/')).length).toBe(30);
    } finally {
      await demo.kill();
    }
  }, 90_000);

  test('exits too when a tiny catalogue has synced before the select is sent', async () => {
    const demo = runSource('demo/main.ts', ['--once', '--latency', 'none', '--artworks', '5'], {
      MQTT_URL: broker.url,
    });
    try {
      const exit = await Promise.race([
        demo.exited,
        new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 40_000)),
      ]);

      expect(exit).toMatchObject({ code: 0 });
      expect(demo.output()).toMatch(/select MY_F\d+ (during|after) the sync → ok/);
    } finally {
      await demo.kill();
    }
  }, 60_000);

  test('refuses a bad flag with exit code 2 and says which', async () => {
    const demo = runSource('demo/main.ts', ['--artworks', 'lots'], { MQTT_URL: broker.url });
    try {
      const exit = await demo.exited;

      expect(exit.code).toBe(2);
      expect(demo.output()).toContain('--artworks: must be a whole number');
    } finally {
      await demo.kill();
    }
  }, 30_000);
});
