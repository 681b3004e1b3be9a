import { startRecorder } from '../helpers/mqtt-recorder.js';
import { waitUntil } from '../helpers/wait-until.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, unknown>;
const sync = (state: Json) => state.sync as { done: number; total: number; running: boolean };

describe('Docent end to end: simulated Frame (524 artworks) + Mosquitto + bridge', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ artworks: 524, latencyScale: 0.1, chunkTargetMs: 300 });
  });

  afterAll(async () => {
    await h.stop();
  });

  test('publishes device discovery that Home Assistant can read', async () => {
    const topic = `homeassistant/device/docent_${h.tvId}/config`;
    await h.recorder.waitFor((m) => m.topic === topic);
    // A client that subscribes later (Home Assistant after a restart) gets it from the broker.
    const late = await startRecorder(h.broker.url, [topic]);
    const msg = await late.waitFor((m) => m.topic === topic);
    await late.stop();
    const payload = JSON.parse(msg.payload.toString()) as Json;
    const device = payload.device as Json;
    const components = payload.components as Record<string, Json>;

    expect(msg.retain).toBe(true);
    expect(device.identifiers).toEqual([`docent_${h.tvId}`]);
    const uniqueIds = Object.values(components).map((c) => c.unique_id);
    expect(uniqueIds.length).toBeGreaterThanOrEqual(6);
    expect(new Set(uniqueIds).size).toBe(uniqueIds.length);
    for (const id of uniqueIds) expect(String(id)).toMatch(/^docent_frame_[a-z0-9_]+$/);
  });

  test('a user select during the 524-thumbnail sync waits for one chunk, not the backlog', async () => {
    const during = await h.waitForState((s) => sync(s).running && sync(s).done > 0);
    expect(sync(during).total).toBe(524);
    const target = h.sim.contentIds()[100] as string;

    const { result, latencyMs } = await h.command({
      action: 'select',
      content_id: target,
      id: 'sel-during-sync',
    });

    expect(result).toMatchObject({ id: 'sel-during-sync', action: 'select', status: 'ok' });
    expect(h.sim.state().currentContentId).toBe(target);
    // Background chunks aim at 300 ms; the whole sync takes several seconds at this scale.
    expect(latencyMs).toBeLessThan(1_000);
    const after = h.latestState() as Json;
    expect(sync(after).done).toBeLessThan(524);
  });

  test('state follows the TV: artwork, and art mode changed on the TV itself', async () => {
    const target = h.sim.contentIds()[7] as string;
    await h.command({ action: 'select', content_id: target, id: 'sel-2' });
    await h.waitForState((s) => s.artwork === target);

    h.sim.setArtMode(false);
    await h.waitForState((s) => s.art_mode === 'off');
    h.sim.setArtMode(true);
    await h.waitForState((s) => s.art_mode === 'on');
  });

  test('a malformed command gets an error result and the bridge keeps working', async () => {
    await h.recorder.publish(h.topic('command'), '{"action":"select","id":"bad-1"', { qos: 1 });
    const bad = await h.recorder.waitFor(
      (m) => m.topic === h.topic('command/result') && m.payload.includes('BAD_COMMAND'),
    );
    expect(JSON.parse(bad.payload.toString())).toMatchObject({ status: 'error' });

    const wrongType = await h.command({ action: 'select', content_id: 42, id: 'bad-2' } as never);
    expect(wrongType.result).toMatchObject({ id: 'bad-2', status: 'error' });

    const unknown = await h.command({ action: 'select', content_id: 'MY_F9999', id: 'bad-3' });
    expect(unknown.result).toMatchObject({
      id: 'bad-3',
      status: 'error',
      error: { code: 'UNKNOWN_ARTWORK' },
    });

    const good = await h.command({
      action: 'select',
      content_id: h.sim.contentIds()[3] as string,
      id: 'good-1',
    });
    expect(good.result).toMatchObject({ status: 'ok' });
  });

  test('the sync finishes with every thumbnail on a retained topic, over exactly one art socket', async () => {
    await h.waitForState((s) => sync(s).done === 524 && !sync(s).running, 60_000);
    const late = await startRecorder(h.broker.url, [h.topic('thumbnail/+')]);
    await late.waitFor(() => late.messages.length >= 524, 10_000);
    const retained = late.messages.filter((m) => m.retain && m.payload.length > 0);
    await late.stop();
    expect(new Set(retained.map((m) => m.topic)).size).toBe(524);

    const counters = h.sim.counters();
    expect(counters.artConnectionsOpened).toBe(1);
    expect(counters.maxArtConnectionsOpen).toBe(1);
    expect(counters.artConnectionsDropped).toBe(0);
  });

  test('the current artwork image follows a slideshow change on the TV', async () => {
    const target = h.sim.contentIds()[12] as string;
    const expected = await h.recorder.waitFor((m) => m.topic === h.topic(`thumbnail/${target}`));
    h.sim.showArtwork(target);

    await h.waitForState((s) => s.artwork === target);
    await h.recorder.waitFor(
      (m) => m.topic === h.topic('image/current') && m.payload.equals(expected.payload),
    );
  });
});

describe('Docent when the TV drops the socket', () => {
  test('reconnects, and the command in flight ends in a result, never silence', async () => {
    const h = await startHarness({ artworks: 61, latencyScale: 0.1 });
    try {
      await h.waitForState((s) => s.connection === 'ready');
      const target = h.sim.contentIds()[5] as string;

      // The TV takes the select and holds it unanswered, so the drop finds it in flight.
      h.sim.setSwitches({ appWedged: true });
      const pending = h.command({ action: 'select', content_id: target, id: 'in-flight' }, 20_000);
      await waitUntil(() => (h.sim.counters().requests.select_image ?? 0) >= 1, 5_000);
      h.sim.dropArtConnections();
      h.sim.setSwitches({ appWedged: false });
      const { result } = await pending;

      expect(['ok', 'error']).toContain(result.status);
      await h.waitForState(
        (s) => s.connection === 'ready' && h.sim.counters().artConnectionsOpened >= 2,
      );
      expect(h.sim.counters().maxArtConnectionsOpen).toBe(1);

      const after = await h.command({ action: 'select', content_id: target, id: 'after-drop' });
      expect(after.result).toMatchObject({ status: 'ok' });
      expect(h.sim.state().currentContentId).toBe(target);
    } finally {
      await h.stop();
    }
  });
});
