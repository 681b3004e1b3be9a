/**
 * An artwork deleted on the TV (from the SmartThings app: here a second art client sending
 * `delete_image_list`, frame-protocol.md §3.7) leaves Home Assistant: its retained thumbnail is
 * emptied (architecture.md, MQTT layout), and the catalogue, the state and the selects drop it.
 */
import type { SimulatedFrame } from '../../src/sim/index.js';
import { retainedOn } from '../helpers/mqtt-recorder.js';
import { channelUrl, RawClient } from '../sim/raw-client.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, unknown>;
const ARTWORKS = 24;
const DEVICE_TOPIC = 'homeassistant/device/docent_frame/config';
const sync = (state: Json) => state.sync as { done: number; running: boolean };

/** Deletes one artwork the way a phone app does: its own art socket, one request, then gone. */
async function deleteOnTv(sim: SimulatedFrame, contentId: string): Promise<void> {
  const url = channelUrl('wss', sim.securePort, 'com.samsung.art-app', 'Phone');
  const phone = await RawClient.connectArt(url, sim.profile.artHandshake === 'connect-ready');
  try {
    const requestId = phone.request('delete_image_list', {
      content_id_list: [{ content_id: contentId }],
    });
    const reply = await phone.reply(requestId, 5_000);
    expect(JSON.parse(String(reply.content_id_list))).toEqual([{ content_id: contentId }]);
  } finally {
    await phone.close();
  }
}

function catalogueIds(payload: Buffer): string[] {
  return (JSON.parse(payload.toString()) as Json[]).map((a) => String(a.content_id));
}

/** Every option of the artwork and browser selects in a device discovery payload. */
function selectOptions(payload: Buffer): string[] {
  const components = (JSON.parse(payload.toString()) as Json).components as Record<string, Json>;

  return ['artwork', 'browse_pick'].flatMap((key) => (components[key]?.options ?? []) as string[]);
}

describe.each([
  { profileName: '2025', how: 'the TV announces it (image_deleted)', refresh: false },
  { profileName: '2024', how: 'the catalogue is refreshed (no event on 4.x)', refresh: true },
] as const)('an artwork deleted on a $profileName TV, when $how', ({ profileName, refresh }) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      artworks: ARTWORKS,
      // The phone's socket beside Docent's: replies go to each requester (no misrouting, §7 Q1),
      // so this test is about removal only.
      simOptions: { profileName, profile: { multiClientPolicy: 'allow' } },
    });
    await h.waitForState((s) => sync(s).done === ARTWORKS && !sync(s).running, 30_000);
  }, 40_000);

  afterAll(async () => {
    await h.stop();
  });

  test('empties its retained thumbnail and drops it from the catalogue, state and selects', async () => {
    // The newest artwork that is not on the wall (the current one is pinned among the options).
    const shown = h.sim.state().currentContentId;
    const gone = h.sim.contentIds().find((id) => id !== shown) as string;
    const kept = h.sim.contentIds().filter((id) => id !== gone);
    const thumbnailTopic = h.topic(`thumbnail/${gone}`);
    const before = await retainedOn(h.broker.url, [h.topic('thumbnail/+')]);
    expect(before.get(thumbnailTopic)?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(
      selectOptions(h.recorder.on(DEVICE_TOPIC).at(-1)?.payload ?? Buffer.from('{}')),
    ).toContain(gone);
    h.recorder.clear();

    await deleteOnTv(h.sim, gone);
    if (refresh) {
      const { result } = await h.command({ action: 'refresh', id: 'after-delete' }, 30_000);
      expect(result).toMatchObject({ status: 'ok' });
    }

    // Cleared with a retained empty payload: the broker keeps nothing for it, and keeps the rest.
    await h.recorder.waitFor((m) => m.topic === thumbnailTopic && m.payload.length === 0, 15_000);
    const after = await retainedOn(h.broker.url, [h.topic('thumbnail/+')]);
    expect(after.has(thumbnailTopic)).toBe(false);
    expect([...after.keys()].sort()).toEqual(kept.map((id) => h.topic(`thumbnail/${id}`)).sort());

    const catalogue = await h.recorder.waitFor(
      (m) => m.topic === h.topic('catalog') && !catalogueIds(m.payload).includes(gone),
    );
    expect(catalogueIds(catalogue.payload).sort()).toEqual([...kept].sort());
    await h.waitForState((s) => s.catalog_size === ARTWORKS - 1, 5_000);

    // The selects offered it; the device payload that follows the re-read does not.
    const discovery = await h.recorder.waitFor(
      (m) => m.topic === DEVICE_TOPIC && !selectOptions(m.payload).includes(gone),
      5_000,
    );
    expect(selectOptions(discovery.payload)).toEqual(expect.arrayContaining(kept));
  }, 60_000);
});
