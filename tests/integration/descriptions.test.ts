import { type FakeOpenAiServer, startFakeOpenAiServer } from '../../src/ai/fake-server.js';
import { startRecorder } from '../helpers/mqtt-recorder.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, unknown>;
const KEY = 'sk-test-descriptions';
const sync = (state: Json) => state.sync as { done: number; total: number; running: boolean };

describe('artwork descriptions beside the TV lanes', () => {
  let ai: FakeOpenAiServer;
  let h: Harness;

  beforeAll(async () => {
    ai = await startFakeOpenAiServer({ apiKey: KEY });
    h = await startHarness({
      artworks: 30,
      latencyScale: 0.1,
      ai: {
        apiKey: KEY,
        baseUrl: ai.baseUrl,
        model: 'gpt-4o-mini',
        language: 'en',
        describeCatalogue: false,
        requestsPerMinute: 600,
      },
    });
    await h.waitForState(
      (s) => sync(s).total === 30 && sync(s).done === 30 && !sync(s).running,
      30_000,
    );
  });

  afterAll(async () => {
    await h.stop();
    await ai.close();
  });

  test('offers the description sensor and describe button in discovery', async () => {
    const topic = `homeassistant/device/docent_${h.tvId}/config`;
    const msg = await h.recorder.waitFor((m) => m.topic === topic);
    const components = (JSON.parse(msg.payload.toString()) as Json).components as Json;

    expect(Object.keys(components)).toEqual(expect.arrayContaining(['description', 'describe']));
  });

  test('describes the current artwork and publishes it retained and in the state', async () => {
    const state = await h.waitForState(
      (s) => s.description !== null && s.description !== undefined,
    );
    const description = state.description as Json;
    const current = state.current as Json;

    expect(typeof description.summary).toBe('string');
    expect((description.summary as string).length).toBeLessThanOrEqual(255);
    expect(current.title).toBe(description.title);

    const late = await startRecorder(h.broker.url, [h.topic('artwork/+/description')]);
    const retained = await late.waitFor((m) => m.retain, 5_000);
    await late.stop();
    expect(JSON.parse(retained.payload.toString())).toMatchObject({
      content_id: current.content_id,
    });
  });

  test('a select issued while ten descriptions are in flight is as fast as with AI idle', async () => {
    const ids = h.sim.contentIds();
    const idle = await h.command({
      action: 'select',
      content_id: ids[1] as string,
      id: 'idle-select',
    });
    expect(idle.result).toMatchObject({ status: 'ok' });

    ai.setDelayMs(3_000);
    const describes = ids
      .slice(10, 20)
      .map((contentId, i) =>
        h.command({ action: 'describe', content_id: contentId, id: `describe-${i}` }, 60_000),
      );
    while (ai.stats.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const busy = await h.command({
      action: 'select',
      content_id: ids[2] as string,
      id: 'busy-select',
    });

    expect(busy.result).toMatchObject({ status: 'ok' });
    expect(ai.stats.inFlight).toBeGreaterThan(0);
    expect(busy.latencyMs).toBeLessThan(Math.max(500, idle.latencyMs * 3));

    ai.setDelayMs(0);
    const results = await Promise.all(describes);
    for (const { result } of results) expect(result).toMatchObject({ status: 'ok' });
  }, 90_000);
});

describe('without an API key', () => {
  test('offers no AI entities and answers describe with AI_DISABLED', async () => {
    const h = await startHarness({ artworks: 10, latencyScale: 0.1 });
    try {
      const topic = `homeassistant/device/docent_${h.tvId}/config`;
      const msg = await h.recorder.waitFor((m) => m.topic === topic);
      const components = (JSON.parse(msg.payload.toString()) as Json).components as Json;
      expect(Object.keys(components)).not.toContain('description');

      const { result } = await h.command({ action: 'describe', id: 'no-ai' });
      expect(result).toMatchObject({ status: 'error', error: { code: 'AI_DISABLED' } });
    } finally {
      await h.stop();
    }
  });
});
