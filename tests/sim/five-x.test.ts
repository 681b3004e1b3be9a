import { innerEvent, innerOf } from './raw-client.js';
import { answerOf, SimFixture } from './sim-fixture.js';

/** Requests 2025 firmware maps beyond the older sets' (frame-protocol §3.5, DEC). */
const MAPPED_ON_5X = [
  'preview_image',
  'start_preview',
  'stop_preview',
  'send_image_list',
  'send_image_list_with_launch',
  'cancel_image_list',
  'get_photo_filter_thumbnail_list',
  'buy_content',
  'subscribe',
  'get_sso_login_status',
  'tv_information',
  'current_app',
  'update_ambient_setting',
];
const SSO = ['buy_content', 'subscribe', 'get_sso_login_status'];

describe('5.x requests beyond the 4.x set (§3.3, §3.5)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it.each(MAPPED_ON_5X)('2025 answers %s, never with -9 (NOT_SUPPORTED_API)', async (request) => {
    await fx.start({ profileName: '2025' });
    const reply = await answerOf(await fx.art(), request, { content_id: 'MY_F0001' });

    expect(reply).toBeDefined();
    expect(reply?.error_code).not.toBe('-9');
    if (SSO.includes(request)) expect(reply).toMatchObject({ event: 'error', error_code: '-8' });
  });

  it('2025 still answers a request it does not map with -9', async () => {
    await fx.start({ profileName: '2025' });

    expect(await answerOf(await fx.art(), 'get_thumbnail')).toMatchObject({ error_code: '-9' });
  });

  it('2022 (4.x) does not know them: silence', async () => {
    await fx.start({ profileName: '2022' });
    const client = await fx.art();

    for (const request of ['start_preview', 'buy_content', 'tv_information']) {
      expect(await answerOf(client, request)).toBeUndefined();
    }
  });

  it('previews: -13 until started, then preview_started … preview_stopped', async () => {
    await fx.start({ profileName: '2025' });
    const client = await fx.art();

    expect(await answerOf(client, 'preview_image', { content_id: 'MY_F0002' })).toMatchObject({
      error_code: '-13',
    });
    expect(await answerOf(client, 'start_preview')).toMatchObject({ event: 'start_preview' });
    expect(await client.broadcast('preview_started')).toEqual({ event: 'preview_started' });
    expect(await answerOf(client, 'preview_image', { content_id: 'MY_F0002' })).toMatchObject({
      event: 'preview_image',
      content_id: 'MY_F0002',
    });
    expect(await answerOf(client, 'stop_preview')).toMatchObject({ event: 'stop_preview' });
    expect(await client.broadcast('preview_stopped')).toEqual({ event: 'preview_stopped' });
    expect(await answerOf(client, 'stop_preview')).toMatchObject({ error_code: '-13' });
  });

  it('makes up a request_id when the request has none, so the reply cannot be matched', async () => {
    await fx.start({ profileName: '2025' });
    const client = await fx.art();
    const id = 'c1d2e3f4-0000-4000-8000-000000000001';
    client.sendData(JSON.stringify({ request: 'get_artmode_status', id }));
    const frame = await client.waitFor((f) => innerEvent(f) === 'get_artmode_status');
    const reply = innerOf(frame);

    expect(reply.request_id).toEqual(expect.any(String));
    expect(reply.request_id).not.toBe(id);
    expect(reply.id).toBeUndefined();
    expect(frame.text.includes(id)).toBe(false);
  });

  it('makes up a different one each time (also on errors)', async () => {
    await fx.start({ profileName: '2025' });
    const client = await fx.art();
    client.sendData(JSON.stringify({ request: 'no_such_request' }));
    client.sendData(JSON.stringify({ request: 'no_such_request' }));
    await client.waitUntil(
      () => client.frames.filter((f) => innerEvent(f) === 'error').length === 2,
    );
    const ids = client.frames.filter((f) => innerEvent(f) === 'error').map((f) => innerOf(f));

    expect(ids.map((inner) => inner.error_code)).toEqual(['-9', '-9']);
    expect(ids[0]?.request_id).not.toBe(ids[1]?.request_id);
  });
});
