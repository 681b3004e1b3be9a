import { startMosquitto } from '../helpers/mosquitto.js';
import { startRecorder } from '../helpers/mqtt-recorder.js';
import { startHarness } from './harness.js';

describe('a command left retained on the broker', () => {
  test('is refused with RETAINED_COMMAND at start, never run again', async () => {
    const broker = await startMosquitto();
    const seeder = await startRecorder(broker.url, []);
    const topic = 'docent/frame/command';
    await seeder.publish(
      topic,
      JSON.stringify({ action: 'select', content_id: 'MY_F0003', id: 'left-retained' }),
      { retain: true, qos: 1 },
    );
    const h = await startHarness({ broker, artworks: 8, latencyScale: 0.1 });
    try {
      const result = await h.recorder.waitFor(
        (m) => m.topic === h.topic('command/result') && m.payload.includes('left-retained'),
        10_000,
      );

      expect(JSON.parse(result.payload.toString())).toMatchObject({
        id: 'left-retained',
        status: 'error',
        error: { code: 'RETAINED_COMMAND' },
      });
      await h.waitForState((s) => s.connection === 'ready');
      expect(h.sim.counters().requests.select_image ?? 0).toBe(0);

      // The same command published normally runs.
      const live = await h.command({ action: 'select', content_id: 'MY_F0003', id: 'live' });
      expect(live.result).toMatchObject({ status: 'ok' });
    } finally {
      await seeder.publish(topic, '', { retain: true, qos: 1 });
      await seeder.stop();
      await h.stop();
      await broker.stop();
    }
  }, 60_000);
});
