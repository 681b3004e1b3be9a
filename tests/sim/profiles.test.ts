import { PROFILE_NAMES, type ProfileName } from '../../src/sim/index.js';
import {
  asObject,
  channelUrl,
  type Frame,
  getJson,
  innerEvent,
  innerOf,
  type Json,
  type RawClient,
  sleep,
} from './raw-client.js';
import { ART, answerOf, clientIdOf, SimFixture } from './sim-fixture.js';

/** What each model profile must look like on the wire (frame-protocol §3.3, §3.4, §3.6). */
interface Expected {
  modelCode: string;
  ready: boolean;
  apiVersion: string | { error: string };
  getApiVersion: string | 'silent' | { error: string };
  unknown: 'silent' | { error: string };
  statusEvent: string;
  oldIds: boolean;
  pretty: boolean;
  newline: boolean;
}

const EXPECTED: Record<ProfileName, Expected> = {
  '2019': {
    modelCode: '19_MUSEM_FRAME',
    ready: true,
    apiVersion: { error: '-1' },
    getApiVersion: '0.97',
    unknown: { error: '-1' },
    statusEvent: 'artmode_status',
    oldIds: true,
    pretty: false,
    newline: false,
  },
  '2021': {
    modelCode: '21_MUSEM_FRAME',
    ready: true,
    apiVersion: { error: '-1' },
    getApiVersion: '2.03',
    unknown: { error: '-1' },
    statusEvent: 'artmode_status',
    oldIds: true,
    pretty: false,
    newline: false,
  },
  '2022': {
    modelCode: '22_PONTUSM_FTV',
    ready: true,
    apiVersion: '4.3.4.0',
    getApiVersion: 'silent',
    unknown: 'silent',
    statusEvent: 'get_artmode_status',
    oldIds: false,
    pretty: true,
    newline: true,
  },
  '2024': {
    modelCode: '24_PONTUSM_FTV',
    ready: false,
    apiVersion: '4.3.4.0',
    getApiVersion: 'silent',
    unknown: 'silent',
    statusEvent: 'get_artmode_status',
    oldIds: false,
    pretty: true,
    newline: true,
  },
  '2025': {
    modelCode: '25_PTM_FTV',
    ready: true,
    apiVersion: '5.0.1.0',
    getApiVersion: { error: '-9' },
    unknown: { error: '-9' },
    statusEvent: 'get_artmode_status',
    oldIds: false,
    pretty: true,
    newline: true,
  },
};

/**
 * Art requests the TV cannot parse (§3.1, §3.3: -6 REQUEST_PARSE_FAIL), with the `request_data`
 * each must echo: a Python repr (OLLO#19), JSON without `request`, and `data` sent as an object.
 */
const MALFORMED: ReadonlyArray<{ send(client: RawClient): void; requestData: string }> = [
  {
    send: (client) => client.sendData("{'request': 'get_artmode_status'}"),
    requestData: "{'request': 'get_artmode_status'}",
  },
  {
    send: (client) => client.sendData('{"value":"on"}'),
    requestData: '{"value":"on"}',
  },
  {
    send: (client) =>
      client.send({
        method: 'ms.channel.emit',
        params: { event: 'art_app_request', to: 'host', data: { request: 'get_artmode_status' } },
      }),
    requestData: '{"request":"get_artmode_status"}',
  },
];

const errorFrames = (client: RawClient): Frame[] =>
  client.frames.filter((f) => innerEvent(f) === 'error');

function outcome(reply: Json | undefined): string | { error: string } | 'silent' {
  if (reply === undefined) return 'silent';
  if (reply.event === 'error') return { error: String(reply.error_code) };

  return String(reply.version);
}

describe.each(PROFILE_NAMES)('profile %s on the wire', (name) => {
  const fx = new SimFixture();
  const expected = EXPECTED[name];
  beforeEach(() => fx.start({ profileName: name, profile: { artModeReplyLagMs: 60 } }));
  afterEach(() => fx.stop());

  it('reports its model over REST with string flags', async () => {
    const { body } = await getJson(`https://127.0.0.1:${fx.frame.securePort}/api/v2/`);
    const device = asObject(body.device);

    expect(device.model).toBe(expected.modelCode);
    expect(device.FrameTVSupport).toBe('true');
    expect(body.uri).toBe(`https://127.0.0.1:${fx.frame.securePort}/api/v2/`);
  });

  it('completes the art handshake the way this model does', async () => {
    const client = await fx.open(channelUrl('wss', fx.frame.securePort, ART));
    await client.waitForEvent('ms.channel.connect');
    await sleep(40);

    const events = client.frames.map((f) => f.message.event);
    expect(events).toEqual(
      expected.ready ? ['ms.channel.connect', 'ms.channel.ready'] : ['ms.channel.connect'],
    );
  });

  it('answers version requests and unknown requests per generation', async () => {
    const client = await fx.art(expected.ready);

    expect(outcome(await answerOf(client, 'api_version'))).toEqual(expected.apiVersion);
    expect(outcome(await answerOf(client, 'get_api_version'))).toEqual(expected.getApiVersion);
    const unknown = await answerOf(client, 'no_such_request');
    expect(unknown === undefined ? 'silent' : { error: String(unknown.error_code) }).toEqual(
      expected.unknown,
    );
  });

  it('shapes replies per generation: name, ids, layout, newline', async () => {
    const client = await fx.art(expected.ready);
    const id = client.request('get_artmode_status');
    const frame = await client.waitFor((f) => f.text.includes(id));
    const inner = innerOf(frame);

    expect(inner.event).toBe(expected.statusEvent);
    expect(inner.value).toBe('on');
    if (expected.oldIds) {
      expect(inner).toMatchObject({ id, target_client_id: expect.any(String) });
      expect(inner.request_id).toBeUndefined();
    } else {
      expect(inner).toMatchObject({ request_id: id });
      expect(inner.target_client_id).toBeUndefined();
    }
    expect(String(frame.message.data).includes('\n  ')).toBe(expected.pretty);
    expect(frame.text.endsWith('\n')).toBe(expected.newline);
  });

  it('answers data it cannot parse with -6, the text it got and no request id (§8 item 6)', async () => {
    const client = await fx.art(expected.ready);
    for (const malformed of MALFORMED) malformed.send(client);
    await client.waitUntil(() => errorFrames(client).length === MALFORMED.length);
    // Old firmware cannot read the ids either, but names the requester as in its other errors.
    const requester = expected.oldIds ? { target_client_id: clientIdOf(client) } : {};

    // Sorted: 4.x serves a pipelined backlog newest first (flood-order.test.ts).
    const byData = (a: Json, b: Json) =>
      String(a.request_data).localeCompare(String(b.request_data));

    expect(errorFrames(client).map(innerOf).sort(byData)).toEqual(
      MALFORMED.map(({ requestData }) => ({
        event: 'error',
        ...requester,
        error_code: '-6',
        request_data: requestData,
      })).sort(byData),
    );
    for (const frame of errorFrames(client)) {
      expect(String(frame.message.data).includes('\n  ')).toBe(expected.pretty);
      expect(frame.text.endsWith('\n')).toBe(expected.newline);
    }
    expect(await answerOf(client, 'get_artmode_status')).toMatchObject({ value: 'on' });
  });
});

describe('settings and content per generation (§3.5)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  const settings = async (client: Awaited<ReturnType<SimFixture['art']>>) => {
    const reply = await answerOf(client, 'get_artmode_settings');
    const items: unknown = JSON.parse(String(reply?.data));

    return Array.isArray(items) ? items.map(asObject) : [];
  };

  it('reports settings as strings with min/max; brightness 0-10 on 2022, 0-50 on 2024', async () => {
    await fx.start({ profileName: '2022' });
    const older = await settings(await fx.art());
    expect(older.find((i) => i.item === 'brightness')).toMatchObject({ min: '0', max: '10' });
    expect(older.find((i) => i.item === 'motion_timer')?.valid_values).toEqual(expect.any(String));
    expect(older.every((i) => typeof i.value === 'string')).toBe(true);
    await fx.stop();

    await fx.start({ profileName: '2024' });
    const newer = await settings(await fx.art(false));
    expect(newer.find((i) => i.item === 'brightness')).toMatchObject({ max: '50' });
  });

  it('get_brightness: answered on 2022 and 2021, silent on 2024, -9 on 2025', async () => {
    const results: Record<string, unknown> = {};
    for (const name of ['2021', '2022', '2024', '2025'] as const) {
      await fx.start({ profileName: name });
      const reply = await answerOf(await fx.art(name !== '2024'), 'get_brightness');
      results[name] = reply === undefined ? 'silent' : (reply.error_code ?? reply.event);
      await fx.stop();
    }

    expect(results).toEqual({
      '2021': 'brightness',
      '2022': 'get_brightness',
      '2024': 'silent',
      '2025': '-9',
    });
  });

  it('set_brightness refuses values outside the model range with -7', async () => {
    await fx.start({ profileName: '2022' });
    const client = await fx.art();

    expect(await answerOf(client, 'set_brightness', { value: 11 })).toMatchObject({
      error_code: '-7',
    });
    expect(await answerOf(client, 'set_brightness', { value: 7 })).toMatchObject({ value: '7' });
  });

  it('2019 lists mattes as one matte_list', async () => {
    await fx.start({ profileName: '2019' });
    const reply = await answerOf(await fx.art(), 'get_matte_list');

    expect(reply?.matte_list).toEqual(expect.any(String));
    expect(reply?.matte_type_list).toBeUndefined();
  });

  it('2025 ignores `category` and puts recents, relabelled MY-C0008, in an unfiltered list', async () => {
    await fx.start({ profileName: '2025', storeArtworks: 2 });
    const client = await fx.art();
    await answerOf(client, 'select_image', { content_id: 'MY_F0003' });
    const reply = await answerOf(client, 'get_content_list', { category: 'MY-C0001' });
    const items: unknown = JSON.parse(String(reply?.content_list));
    const list = Array.isArray(items) ? items.map(asObject) : [];

    expect(list).toHaveLength(8);
    expect(list[0]).toMatchObject({ content_id: 'MY_F0003', category_id: 'MY-C0008' });
    const filtered = await answerOf(client, 'get_content_list', { category_id: 'MY-C0001' });
    expect(JSON.parse(String(filtered?.content_list))).toHaveLength(2);
  });

  it('2022 honours the old `category` parameter and lists no recents', async () => {
    await fx.start({ profileName: '2022', storeArtworks: 2 });
    const client = await fx.art();
    await answerOf(client, 'select_image', { content_id: 'MY_F0003' });
    const reply = await answerOf(client, 'get_content_list', { category: 'MY-C0001' });
    const all = await answerOf(client, 'get_content_list');

    expect(JSON.parse(String(reply?.content_list))).toHaveLength(2);
    expect(JSON.parse(String(all?.content_list))).toHaveLength(7);
  });

  it('old firmware renames slideshow broadcasts to auto_rotation_*', async () => {
    await fx.start({ profileName: '2021', slideshowMinuteMs: 20 });
    const client = await fx.art();
    await answerOf(client, 'set_auto_rotation_status', { value: '1', category_id: 'MY-C0002' });

    expect(await client.broadcast('auto_rotation_changed')).toMatchObject({ value: '1' });
    expect(await client.broadcast('auto_rotation_image_changed')).toMatchObject({
      current_content_id: expect.any(String),
    });
  });
});
