import { type FakeOpenAiServer, startFakeOpenAiServer } from '../../src/ai/fake-server.js';
import { DISCOVERY_PAYLOAD_BUDGET_BYTES } from '../../src/mqtt/discovery.js';
import { ENTITIES } from '../../src/mqtt/entities.js';
import { checkDiscoverySet } from '../helpers/discovery-checker.js';
import { startRecorder } from '../helpers/mqtt-recorder.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, unknown>;
const ARTWORKS = 5_000;
const DEVICE_TOPIC = 'homeassistant/device/docent_frame/config';
/** HA's recorder keeps no attributes of an entity whose attributes exceed this (§2.12). */
const ATTRIBUTES_MAX_BYTES = 16 * 1024;
const STATE_MAX_CHARS = 255;
const AI_KEY = 'sk-test-large-catalogue';

async function retainedDiscovery(h: Harness): Promise<Buffer> {
  const late = await startRecorder(h.broker.url, [DEVICE_TOPIC]);
  try {
    return (await late.waitFor((m) => m.topic === DEVICE_TOPIC && m.retain, 5_000)).payload;
  } finally {
    await late.stop();
  }
}

describe('a 5,000-artwork catalogue', () => {
  let ai: FakeOpenAiServer;
  let h: Harness;

  beforeAll(async () => {
    // With an AI key too, so the device payload carries every entity Docent can offer.
    ai = await startFakeOpenAiServer({ apiKey: AI_KEY });
    h = await startHarness({
      artworks: ARTWORKS,
      latencyScale: 0.1,
      chunkTargetMs: 300,
      ai: {
        apiKey: AI_KEY,
        baseUrl: ai.baseUrl,
        model: 'gpt-4o-mini',
        language: 'en',
        describeCatalogue: false,
      },
    });
    await h.waitForState((s) => s.catalog_size === ARTWORKS, 90_000);
  }, 120_000);

  afterAll(async () => {
    await h.stop();
    await ai.close();
  });

  test('keeps the device discovery payload under its budget, with bounded options', async () => {
    // The catalogue is read; wait for the discovery that follows it.
    await h.recorder.waitFor(
      (m) =>
        m.topic === DEVICE_TOPIC &&
        ((JSON.parse(m.payload.toString()) as Json).components as Record<string, Json>).browse_pick
          ?.options !== undefined &&
        m.payload.includes('MY_F'),
      10_000,
    );
    const payload = await retainedDiscovery(h);
    const parsed = JSON.parse(payload.toString()) as Json;
    const components = parsed.components as Record<string, Json>;

    // The largest payload there is: every entity of the table is in it.
    expect(Object.keys(components).sort()).toEqual(ENTITIES.map((e) => e.key).sort());
    // The figure itself, so a run shows how close it is to the budget (not only that it fits).
    console.log(
      `largest discovery payload at ${ARTWORKS} artworks: ${payload.length} bytes ` +
        `(budget ${DISCOVERY_PAYLOAD_BUDGET_BYTES})`,
    );
    expect(payload.length).toBeLessThan(DISCOVERY_PAYLOAD_BUDGET_BYTES);
    expect(checkDiscoverySet([{ topic: DEVICE_TOPIC, payload: parsed }])).toEqual([]);
    expect(((components.artwork?.options ?? []) as string[]).length).toBeLessThanOrEqual(101);
    expect(components.browse_pick?.options).toHaveLength(100);
    for (const config of Object.values(components)) {
      for (const option of (config.options as string[] | undefined) ?? []) {
        expect(option.length).toBeLessThanOrEqual(STATE_MAX_CHARS);
      }
    }
  });

  test('keeps the state and every attribute set small enough for the recorder', async () => {
    const state = await h.waitForState((s) => s.catalog_size === ARTWORKS);
    const raw = JSON.stringify(state);

    expect(raw.length).toBeLessThan(ATTRIBUTES_MAX_BYTES);
    // The attribute templates read these sub-objects (entities.ts).
    for (const key of ['current', 'sync', 'last_error', 'description', 'ai']) {
      expect(JSON.stringify(state[key] ?? {}).length).toBeLessThan(ATTRIBUTES_MAX_BYTES);
    }
  });

  test('search reaches an artwork beyond the first 100 options', async () => {
    const last = h.sim.contentIds()[ARTWORKS - 1] as string;
    const { result } = await h.command({ action: 'search', query: last, id: 'deep-search' });
    expect(result).toMatchObject({ status: 'ok', value: { matches: 1 } });

    const update = await h.recorder.waitFor(
      (m) =>
        m.topic === DEVICE_TOPIC &&
        JSON.stringify(
          ((JSON.parse(m.payload.toString()) as Json).components as Record<string, Json>)
            .browse_pick?.options,
        ) === JSON.stringify([last]),
      5_000,
    );
    expect(update.payload.length).toBeLessThan(DISCOVERY_PAYLOAD_BUDGET_BYTES);

    const shown = await h.command({ action: 'browse_pick', content_id: last, id: 'deep-pick' });
    expect(shown.result).toMatchObject({ status: 'ok' });
  });
});
