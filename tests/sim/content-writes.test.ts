import { PROFILE_NAMES, PROFILES, type ProfileName } from '../../src/sim/index.js';
import { innerEvent, innerOf, innerRequestId, type Json, type RawClient } from './raw-client.js';
import { clientIdOf, noFrameFor, SimFixture } from './sim-fixture.js';

/**
 * §8 item 13 per model: `select_image`, `change_matte` and `change_favorite`, each answered to the
 * requester and followed by its broadcast. §3.4 gives old-firmware names only for reads, so every
 * generation replies under the request name here (see src/sim/README.md, Assumptions); what
 * differs is the id echo (§3.2) and the recents broadcast, which only 4.x and 5.x send (§5).
 */
interface Write {
  request: string;
  params: Json;
  reply: Json;
  broadcasts: (generation: 'old' | 'new') => Json[];
}

/** The artwork's own mattes, whatever the generated catalogue gave it. */
const MATTES = { matte_id: expect.any(String), portrait_matte_id: expect.any(String) };
const SELECTED = { content_id: 'MY_F0003', ...MATTES };
const MATTE = { content_id: 'MY_F0001', matte_id: 'modern_polar' };
const MATTE_CHANGED = { ...MATTE, portrait_matte_id: expect.any(String) };
const FAVOURITE = { content_id: 'MY_F0002', status: 'on' };

const WRITES: Write[] = [
  {
    request: 'select_image',
    params: { content_id: SELECTED.content_id, category_id: null, show: true },
    reply: { ...SELECTED, category_id: 'MY-C0002', sub_category_id: '', is_shown: 'Yes' },
    broadcasts: (generation) => [
      ...(generation === 'new' ? [{ event: 'recently_set_updated' }] : []),
      { event: 'image_selected', ...SELECTED, is_shown: 'Yes' },
    ],
  },
  {
    request: 'change_matte',
    params: MATTE,
    reply: MATTE_CHANGED,
    broadcasts: () => [{ event: 'matte_changed', ...MATTE_CHANGED }],
  },
  {
    request: 'change_favorite',
    params: FAVOURITE,
    reply: FAVOURITE,
    broadcasts: () => [{ event: 'favorite_changed', ...FAVOURITE }],
  },
];

/** Old firmware echoes `id` and names the requester; 4.x and 5.x echo `request_id` only (§3.2). */
function echoOf(name: ProfileName, client: RawClient, id: string): Json {
  return generationOf(name) === 'old'
    ? { id, target_client_id: clientIdOf(client) }
    : { request_id: id };
}

function generationOf(name: ProfileName): 'old' | 'new' {
  const generation = PROFILES[name].generation;

  return generation === '0.97' || generation === '2.x' ? 'old' : 'new';
}

/** Sends one write; returns its reply and the d2d broadcasts that followed it. */
async function sendWrite(client: RawClient, write: Write, broadcastCount: number) {
  const id = client.request(write.request, write.params);
  const reply = await client.reply(id);
  const replyAt = client.frames.findIndex((f) => innerRequestId(f) === id);
  const after = () => client.frames.slice(replyAt + 1).filter((f) => innerEvent(f) !== undefined);
  await client.waitUntil(() => after().length >= broadcastCount);
  await noFrameFor(client, 40);

  return { id, reply, broadcasts: after().map(innerOf) };
}

describe.each(PROFILE_NAMES)('content writes on %s (§3.5, §8 item 13)', (name) => {
  const fx = new SimFixture();
  beforeEach(() => fx.start({ profileName: name }));
  afterEach(() => fx.stop());

  it.each(WRITES)('$request: reply to the requester, then its broadcasts', async (write) => {
    const client = await fx.joinArt();
    const expected = write.broadcasts(generationOf(name));
    const { id, reply, broadcasts } = await sendWrite(client, write, expected.length);

    expect(reply).toEqual({ event: write.request, ...echoOf(name, client, id), ...write.reply });
    expect(broadcasts).toEqual(expected.map((b) => expect.objectContaining(b)));
    for (const broadcast of broadcasts) {
      expect(broadcast).not.toHaveProperty('request_id');
      expect(broadcast).not.toHaveProperty('id');
    }
  });
});
