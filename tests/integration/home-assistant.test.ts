import { rm } from 'node:fs/promises';
import { checkDiscoverySet } from '../helpers/discovery-checker.js';
import { startRecorder } from '../helpers/mqtt-recorder.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, unknown>;
const ARTWORKS = 150;
const DEVICE_TOPIC = 'homeassistant/device/docent_frame/config';
const sync = (state: Json) => state.sync as { done: number; total: number; running: boolean };
const browser = (state: Json) => state.browser as { query: string; pick: string | null };

/** Every retained message under `filters`, as a client subscribing now would get it. */
async function retainedNow(h: Harness, filters: string[], settleMs = 600) {
  const late = await startRecorder(h.broker.url, filters);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  await late.stop();

  return late.messages.filter((m) => m.retain && m.payload.length > 0);
}

function componentsOf(payload: Buffer): Record<string, Json> {
  return (JSON.parse(payload.toString()) as Json).components as Record<string, Json>;
}

describe('the Home Assistant surface of one TV', () => {
  let h: Harness;
  let ids: string[];

  beforeAll(async () => {
    h = await startHarness({
      artworks: ARTWORKS,
      latencyScale: 0.1,
      simOptions: { slideshowMinuteMs: 300 },
    });
    ids = h.sim.contentIds();
    await h.waitForState(
      (s) => s.connection === 'ready' && sync(s).done === ARTWORKS && !sync(s).running,
      60_000,
    );
  });

  afterAll(async () => {
    await h.stop();
  });

  test('every retained discovery payload validates against the key list', async () => {
    const retained = await retainedNow(h, ['homeassistant/#']);
    const messages = retained.map((m) => ({
      topic: m.topic,
      payload: JSON.parse(m.payload.toString()) as unknown,
    }));

    expect(messages.map((m) => m.topic)).toEqual([DEVICE_TOPIC]);
    expect(checkDiscoverySet(messages, { deviceName: 'Test Frame' })).toEqual([]);
    const components = componentsOf(retained[0]?.payload ?? Buffer.from('{}'));
    expect(Object.keys(components)).toEqual(
      expect.arrayContaining(['next_artwork', 'browse_search', 'browse_preview', 'queue_user']),
    );
    // Bounded options: the first 100 matches (plus the artwork shown), not all 150.
    expect(((components.artwork?.options ?? []) as string[]).length).toBeLessThanOrEqual(101);
    expect(components.browse_pick?.options).toHaveLength(100);
  });

  test('commands and their results are never retained', async () => {
    await h.command({ action: 'refresh', id: 'not-retained' });
    const retained = await retainedNow(h, [h.topic('command'), h.topic('command/result')]);

    expect(retained).toEqual([]);
  });

  test('diagnostics: queue depth, sync progress, catalogue size and the last error', async () => {
    const bad = await h.command({ action: 'select', content_id: 'MY_F9999', id: 'diag-bad' });
    expect(bad.result).toMatchObject({ status: 'error', error: { code: 'UNKNOWN_ARTWORK' } });

    const state = await h.waitForState(
      (s) => (s.last_error as { code?: string } | null)?.code === 'UNKNOWN_ARTWORK',
    );
    expect(state).toMatchObject({
      catalog_size: ARTWORKS,
      // A refresh starts another sync pass, which counts only what is still missing.
      sync: { done: expect.any(Number), total: expect.any(Number), failed: 0 },
      queue: { user: expect.any(Number), sync: expect.any(Number), background: 0 },
    });
  });

  test('next, previous and shuffle select on the TV, one result each', async () => {
    await h.command({ action: 'select', content_id: ids[10] as string, id: 'nav-start' });

    const next = await h.command({ action: 'next', id: 'nav-next' });
    expect(next.result).toMatchObject({ status: 'ok', value: { content_id: ids[11] } });
    expect(h.sim.state().currentContentId).toBe(ids[11]);

    // Two presses in a row step twice, even before the TV's broadcast arrives.
    const [a, b] = await Promise.all([
      h.command({ action: 'previous', id: 'nav-prev-1' }),
      h.command({ action: 'previous', id: 'nav-prev-2' }),
    ]);
    expect([a.result.value, b.result.value]).toEqual([
      { content_id: ids[10] },
      { content_id: ids[9] },
    ]);
    expect(h.sim.state().currentContentId).toBe(ids[9]);

    const shuffle = await h.command({ action: 'shuffle', id: 'nav-shuffle' });
    expect(shuffle.result).toMatchObject({ status: 'ok' });
    const shown = h.sim.state().currentContentId;
    expect(shown).not.toBe(ids[9]);
    expect(ids).toContain(shown);
    await h.waitForState((s) => s.artwork === shown);
  });

  test('wake sends a Wake-on-LAN packet for the TV', async () => {
    const before = h.sim.counters().wolPackets;
    const wake = await h.command({ action: 'wake', id: 'wake-1' });

    expect(wake.result).toMatchObject({ status: 'ok', value: { sent: true } });
    expect(h.sim.counters().wolPackets).toBeGreaterThan(before);
  });

  test('search narrows the selects, a pick shows its preview, Show on TV sends it', async () => {
    const target = ids[42] as string;
    const search = await h.command({ action: 'search', query: target.toLowerCase(), id: 's-1' });
    expect(search.result).toMatchObject({ status: 'ok', value: { matches: 1 } });

    const discovery = await h.recorder.waitFor(
      (m) =>
        m.topic === DEVICE_TOPIC &&
        JSON.stringify(componentsOf(m.payload).browse_pick?.options) === JSON.stringify([target]),
    );
    const artworkOptions = componentsOf(discovery.payload).artwork?.options as string[];
    expect(artworkOptions).toContain(target);
    expect(artworkOptions.length).toBeLessThanOrEqual(2);
    await h.waitForState((s) => browser(s).query === target.toLowerCase());

    const pick = await h.command({ action: 'browse_pick', content_id: target, id: 'pick-1' });
    expect(pick.result).toMatchObject({ status: 'ok', value: { preview: true } });
    const thumbnail = await h.recorder.waitFor((m) => m.topic === h.topic(`thumbnail/${target}`));
    const preview = await h.recorder.waitFor(
      (m) => m.topic === h.topic('image/preview') && m.payload.length > 0,
    );
    expect(preview.payload.equals(thumbnail.payload)).toBe(true);
    await h.waitForState((s) => browser(s).pick === target);
    expect(h.sim.state().currentContentId).not.toBe(target);

    const show = await h.command({ action: 'show_pick', id: 'show-1' });
    expect(show.result).toMatchObject({ status: 'ok', value: { content_id: target } });
    expect(h.sim.state().currentContentId).toBe(target);

    const cleared = await h.command({ action: 'search', query: '', id: 's-2' });
    expect(cleared.result).toMatchObject({ value: { matches: ARTWORKS } });
  });

  test('the filter accepts the catalogue categories and refuses others', async () => {
    const category = await h.command({ action: 'browse_filter', filter: 'MY-C0002', id: 'f-1' });
    expect(category.result).toMatchObject({ status: 'ok', value: { matches: ARTWORKS } });

    const favourites = await h.command({
      action: 'browse_filter',
      filter: 'favourites',
      id: 'f-2',
    });
    expect(favourites.result).toMatchObject({ status: 'ok', value: { matches: 0 } });

    const unknown = await h.command({ action: 'browse_filter', filter: 'MY-C9999', id: 'f-3' });
    expect(unknown.result).toMatchObject({ status: 'error', error: { code: 'UNKNOWN_FILTER' } });

    await h.command({ action: 'browse_filter', filter: 'all', id: 'f-4' });
  });

  test('a slideshow running on the TV moves the current image', async () => {
    const before = h.sim.state().currentContentId;
    h.recorder.clear();
    const on = await h.command({ action: 'slideshow', value: 1, id: 'slides-on' });
    expect(on.result).toMatchObject({ status: 'ok' });

    const state = await h.waitForState(
      (s) => typeof s.artwork === 'string' && s.artwork !== before,
      10_000,
    );
    const moved = state.artwork as string;
    const [stored] = await retainedNow(h, [h.topic(`thumbnail/${moved}`)], 300);
    expect(stored).toBeDefined();

    await h.recorder.waitFor(
      (m) =>
        m.topic === h.topic('image/current') &&
        m.payload.equals(stored?.payload ?? Buffer.alloc(0)),
      5_000,
    );
    await h.command({ action: 'slideshow', value: 'off', id: 'slides-off' });
  });

  test("Home Assistant's birth message republishes discovery, availability and state", async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    h.recorder.clear();
    await h.recorder.publish('homeassistant/status', 'online');

    await h.recorder.waitFor((m) => m.topic === DEVICE_TOPIC && m.payload.length > 0, 5_000);
    await h.recorder.waitFor((m) => m.topic === h.topic('availability'), 5_000);
    await h.recorder.waitFor((m) => m.topic === h.topic('state'), 5_000);
    await h.recorder.waitFor((m) => m.topic === h.topic('image/current'), 5_000);
  });

  test('a stale Docent entity is removed with a retained empty payload', async () => {
    const stale = 'homeassistant/sensor/docent_frame/old_sensor/config';
    await h.recorder.publish(stale, JSON.stringify({ name: 'Old', state_topic: 'x' }), {
      retain: true,
      qos: 1,
    });
    await h.recorder.waitFor((m) => m.topic === stale);
    await h.recorder.publish('homeassistant/status', 'online');

    await h.recorder.waitFor((m) => m.topic === stale && m.payload.length === 0, 10_000);
    expect(await retainedNow(h, [stale])).toEqual([]);
    expect((await retainedNow(h, [DEVICE_TOPIC])).length).toBe(1);
  });

  test('recovers from a broker restart: discovery, availability and state are back', async () => {
    await h.broker.restart();

    const late = await startRecorder(h.broker.url, [
      DEVICE_TOPIC,
      'docent/bridge/availability',
      h.topic('availability'),
      h.topic('state'),
    ]);
    try {
      await late.waitFor((m) => m.topic === DEVICE_TOPIC && m.payload.length > 0, 15_000);
      await late.waitFor(
        (m) => m.topic === 'docent/bridge/availability' && m.payload.toString() === 'online',
        15_000,
      );
      await late.waitFor(
        (m) => m.topic === h.topic('availability') && m.payload.toString() === 'online',
        15_000,
      );
      await late.waitFor((m) => m.topic === h.topic('state'), 15_000);
    } finally {
      await late.stop();
    }
    const after = await h.command({ action: 'next', id: 'after-restart' });
    expect(after.result).toMatchObject({ status: 'ok' });
  });
});

describe('per-component discovery (HA before 2024.11)', () => {
  test('validates per entity, and switching to device discovery clears every old topic', async () => {
    const component = await startHarness({ artworks: 20, discoveryMode: 'component' });
    const { broker, sim, dataDir } = component;
    let topics: string[];
    try {
      await component.waitForState((s) => s.connection === 'ready' && s.catalog_size === 20);
      const retained = await retainedNow(component, ['homeassistant/#']);
      const messages = retained.map((m) => ({
        topic: m.topic,
        payload: JSON.parse(m.payload.toString()) as unknown,
      }));
      topics = messages.map((m) => m.topic);

      expect(topics.length).toBeGreaterThan(20);
      expect(topics).toContain('homeassistant/button/docent_frame/next_artwork/config');
      expect(checkDiscoverySet(messages, { deviceName: 'Test Frame' })).toEqual([]);
    } finally {
      await component.bridge.stop();
      await component.recorder.stop();
    }

    const device = await startHarness({ broker, sim, dataDir, artworks: 20 });
    try {
      await device.recorder.waitFor((m) => m.topic === DEVICE_TOPIC, 10_000);
      const left = await retainedNow(device, ['homeassistant/#']);

      expect(left.map((m) => m.topic)).toEqual([DEVICE_TOPIC]);
    } finally {
      await device.stop();
      await sim.stop();
      await broker.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
