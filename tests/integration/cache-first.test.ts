/**
 * Cache-first start (architecture rule 7) and what a restart must not do: a warm start shows
 * everything before the TV answers, thumbnails the broker already holds are not sent again, and
 * a broker that lost its retained store gets them back.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto.js';
import { retainedOn, startRecorder } from '../helpers/mqtt-recorder.js';
import { waitUntil } from '../helpers/wait-until.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, unknown>;
const ARTWORKS = 40;
const DEVICE_TOPIC = 'homeassistant/device/docent_frame/config';
const JPEG_START = Buffer.from([0xff, 0xd8]);

describe('a warm start from the data dir', () => {
  let broker: TestBroker;
  let sim: SimulatedFrame;
  let dataDir: string;

  beforeAll(async () => {
    broker = await startMosquitto();
    sim = await startSimulatedFrame({
      artworks: ARTWORKS,
      latency: 'realistic',
      latencyScale: 0.1,
    });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'docent-warm-'));

    // First run: the TV is read and every thumbnail synced into the data dir.
    const first = await startHarness({ broker, sim, dataDir });
    await first.waitForState(
      (s) => (s.sync as Json).done === ARTWORKS && (s.sync as Json).running === false,
      60_000,
    );
    await first.stop();
  }, 90_000);

  afterAll(async () => {
    await sim.stop();
    await broker.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('publishes discovery, state, catalogue, the current image and every thumbnail while the TV is off', async () => {
    // An empty broker and a copy of the data dir: whatever the broker holds afterwards came from
    // this run's disk cache, and the other tests keep the first run's thumbnail ledger.
    const fresh = await startMosquitto();
    const copy = await mkdtemp(path.join(os.tmpdir(), 'docent-warm-copy-'));
    await cp(dataDir, copy, { recursive: true });
    const socketsBefore = sim.counters().artConnectionsOpened;
    sim.setPower('off');
    const h = await startHarness({ broker: fresh, sim, dataDir: copy });
    try {
      const thumbnails = sim.contentIds().map((id) => h.topic(`thumbnail/${id}`));
      await waitUntil(
        () => thumbnails.every((topic) => h.recorder.on(topic).length > 0),
        10_000,
        'every cached thumbnail published',
      );
      const retained = await retainedOn(fresh.url, ['docent/#', DEVICE_TOPIC]);
      const state = JSON.parse(retained.get(h.topic('state'))?.toString() ?? '{}') as Json;

      expect(state).toMatchObject({ catalog_size: ARTWORKS });
      expect(state.connection).not.toBe('ready');
      expect((state.current as Json | null)?.content_id).toEqual(expect.any(String));
      expect(retained.get(DEVICE_TOPIC)?.length).toBeGreaterThan(1000);
      expect(JSON.parse(retained.get(h.topic('catalog'))?.toString() ?? '[]')).toHaveLength(
        ARTWORKS,
      );
      expect(retained.get(h.topic('image/current'))?.subarray(0, 2)).toEqual(JPEG_START);
      for (const topic of thumbnails) {
        expect({ topic, start: retained.get(topic)?.subarray(0, 2) }).toEqual({
          topic,
          start: JPEG_START,
        });
      }
      // All of it before the TV answered anything: it never opened an art socket.
      expect(sim.counters().artConnectionsOpened).toBe(socketsBefore);

      // The TV is gone, and Home Assistant is told so truthfully: off, disconnected.
      const off = await h.waitForState((s) => s.power === 'off' && s.connection !== 'ready');
      expect(off.connection).not.toBe('ready');
    } finally {
      await h.stop();
      sim.setPower('on');
      await fresh.stop();
      await rm(copy, { recursive: true, force: true });
    }
  }, 60_000);

  test('does not send the thumbnails again when the broker still holds them', async () => {
    const h = await startHarness({ broker, sim, dataDir });
    try {
      await h.recorder.waitFor(
        (m) => m.topic === h.topic('thumbnails') && m.retain === false,
        10_000,
      );
      await h.waitForState((s) => s.connection === 'ready', 20_000);
      // Give the background pass time to run; it has nothing to send.
      await new Promise((resolve) => setTimeout(resolve, 1500));

      const sent = h.recorder.messages.filter((m) => m.topic.startsWith(h.topic('thumbnail/')));
      expect(sent.filter((m) => !m.retain)).toHaveLength(0);
    } finally {
      await h.stop();
    }
  }, 60_000);

  test('sends every thumbnail again to a broker that lost its retained store', async () => {
    const fresh = await startMosquitto();
    const h = await startHarness({ broker: fresh, sim, dataDir });
    try {
      const late = await startRecorder(fresh.url, [h.topic('thumbnail/+')]);
      try {
        await late.waitFor(() => late.messages.length >= ARTWORKS, 20_000);
        expect(new Set(late.messages.map((m) => m.topic)).size).toBe(ARTWORKS);
      } finally {
        await late.stop();
      }
    } finally {
      await h.stop();
      await fresh.stop();
    }
  }, 60_000);
});

describe('what the TV cannot do', () => {
  let broker: TestBroker;
  let dataDir: string;

  beforeAll(async () => {
    broker = await startMosquitto();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'docent-caps-'));
  });

  afterAll(async () => {
    await broker.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('is removed from Home Assistant in two steps, and stays removed after restarts', async () => {
    const payloads = (h: Harness) =>
      h.recorder
        .on(DEVICE_TOPIC)
        .filter((m) => m.payload.length > 0)
        .map((m) => ((JSON.parse(m.payload.toString()) as Json).components ?? {}) as Json);

    // First run: the TV answered the photo filter list, so Home Assistant got the entity.
    const first = await startHarness({ broker, dataDir, artworks: 12 });
    const filtersRead = (m: { topic: string; payload: Buffer }) => {
      if (m.topic !== DEVICE_TOPIC || m.payload.length === 0) return false;
      const components = (JSON.parse(m.payload.toString()) as Json).components as Json;
      const options = (components.photo_filter as Json | undefined)?.options as
        | string[]
        | undefined;

      return (options?.length ?? 0) > 1;
    };
    await first.recorder.waitFor(filtersRead, 20_000);
    await first.stop();

    // Then the TV's firmware answered it with -9 (NOT_SUPPORTED_API): Docent remembers that.
    const file = path.join(dataDir, 'tvs', 'frame', 'capabilities.json');
    const saved = JSON.parse(await readFile(file, 'utf8')) as { requests: Json };
    saved.requests.get_photo_filter_list = {
      support: 'unsupported',
      reason: 'not_supported',
      at: new Date().toISOString(),
    };
    await writeFile(file, JSON.stringify(saved));

    const second = await startHarness({ broker, dataDir, artworks: 12 });
    try {
      const sent = () =>
        payloads(second).filter((c) => !('unique_id' in ((c.photo_filter ?? {}) as Json)));
      // Published before start() returned, but the recorder may hear them a moment later.
      await waitUntil(() => sent().length >= 2, 5_000, 'both removal steps');
      const fresh = sent();

      // The retained payload still had it; the bridge sent `{"platform": "select"}`, then the
      // payload without it, before the TV answered anything.
      expect(fresh[0]?.photo_filter).toEqual({ platform: 'select' });
      expect(fresh[1]).not.toHaveProperty('photo_filter');
      await second.waitForState((s) => s.connection === 'ready', 20_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(payloads(second).at(-1)).not.toHaveProperty('photo_filter');
      expect(second.sim.counters().requests.get_photo_filter_list ?? 0).toBe(0);
    } finally {
      await second.stop();
    }
  }, 60_000);
});

describe('power and pairing in the state', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ artworks: 12 });
  }, 30_000);

  afterAll(async () => {
    await h.stop();
  });

  test('reads art, then watching, then off as the TV changes', async () => {
    await h.waitForState((s) => s.power === 'art' && s.pairing !== undefined, 20_000);

    expect((await h.command({ action: 'art_mode', on: false, id: 'tv-mode' })).result.status).toBe(
      'ok',
    );
    await h.waitForState((s) => s.power === 'watching', 20_000);

    h.sim.setPower('off');
    const off = await h.waitForState((s) => s.power === 'off', 30_000);
    expect(off.connection).not.toBe('ready');
    h.sim.setPower('on');
  }, 80_000);
});
