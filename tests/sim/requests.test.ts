import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { asObject, channelUrl, RawClient, sleep } from './raw-client.js';

const ART = 'com.samsung.art-app';

describe('simulated frame art requests (4.x)', () => {
  let frame: SimulatedFrame;
  let client: RawClient;

  beforeEach(async () => {
    frame = await startSimulatedFrame({ artworks: 40, latency: 'none', seed: 7 });
    client = await RawClient.connectArt(channelUrl('wss', frame.securePort, ART));
  });
  afterEach(async () => {
    await client.close();
    await frame.stop();
  });

  it('answers api_version with 4.3.4.0, echoing request_id under the request name', async () => {
    const id = client.request('api_version');

    expect(await client.reply(id)).toEqual({
      event: 'api_version',
      request_id: id,
      version: '4.3.4.0',
    });
  });

  it('answers get_device_info with the 2022 fields', async () => {
    const id = client.request('get_device_info');
    const reply = await client.reply(id);

    expect(reply).toMatchObject({
      event: 'get_device_info',
      current_rotation_status: 1,
      support_motion_sensor: 'TRUE',
      tv_flash_size: 16,
    });
  });

  it('stays silent on get_api_version', async () => {
    const id = client.request('get_api_version');
    const after = client.request('get_artmode_status');
    await client.reply(after);
    await sleep(50);

    expect(client.frames.some((f) => String(f.message.data ?? '').includes(id))).toBe(false);
    expect(frame.counters().requests.get_api_version).toBe(1);
  });

  it('refuses a boolean set_artmode_status value with -7', async () => {
    const id = client.request('set_artmode_status', { value: false });
    const reply = await client.reply(id);

    expect(reply.event).toBe('error');
    expect(reply.error_code).toBe('-7');
    expect(JSON.parse(String(reply.request_data))).toMatchObject({
      request: 'set_artmode_status',
      value: false,
    });
    expect(frame.state().artMode).toBe('on');
  });

  it('sets art mode off with a status reply and an art_mode_changed broadcast', async () => {
    const id = client.request('set_artmode_status', { value: 'off' });

    expect(await client.reply(id)).toEqual({
      event: 'set_artmode_status',
      request_id: id,
      status: 'off',
    });
    expect(await client.broadcast('art_mode_changed')).toEqual({
      event: 'art_mode_changed',
      status: 'off',
    });
    const status = client.request('get_artmode_status');
    expect((await client.reply(status)).value).toBe('off');
  });

  it('lists content as a pretty-printed JSON string, filtered by category_id', async () => {
    const all = await client.reply(client.request('get_content_list', { category_id: 'MY-C0002' }));
    const text = String(all.content_list);
    const items = JSON.parse(text);

    expect(text).toBe(JSON.stringify(items, null, 2));
    expect(items).toHaveLength(40);
    expect(items[0].content_id).toBe(frame.contentIds()[0]);
    const none = await client.reply(
      client.request('get_content_list', { category_id: 'MY-C0004' }),
    );
    expect(JSON.parse(String(none.content_list))).toEqual([]);
  });

  it('selects an artwork with is_shown and broadcasts image_selected', async () => {
    const target = frame.contentIds()[5] ?? '';
    const id = client.request('select_image', { content_id: target, show: true });

    expect(await client.reply(id)).toMatchObject({
      event: 'select_image',
      request_id: id,
      content_id: target,
      is_shown: 'Yes',
    });
    expect(await client.broadcast('image_selected')).toMatchObject({ content_id: target });
    const current = await client.reply(client.request('get_current_artwork'));
    expect(current).toMatchObject({ event: 'get_current_artwork', content_id: target });
    expect(frame.state().currentContentId).toBe(target);
  });

  it('answers select_image for an unknown id with -4', async () => {
    const reply = await client.reply(client.request('select_image', { content_id: 'MY_F9999' }));

    expect(reply).toMatchObject({ event: 'error', error_code: '-4' });
  });

  it('lists mattes as JSON strings of types and colours', async () => {
    const reply = await client.reply(client.request('get_matte_list'));
    const types = JSON.parse(String(reply.matte_type_list));
    const colours = JSON.parse(String(reply.matte_color_list));

    expect(types).toContainEqual({ matte_type: 'shadowbox' });
    expect(colours[0]).toEqual({
      color: expect.any(String),
      R: expect.any(Number),
      G: expect.any(Number),
      B: expect.any(Number),
    });
  });

  it('changes a matte and broadcasts matte_changed; unknown mattes get -7', async () => {
    const target = frame.contentIds()[0] ?? '';
    const ok = client.request('change_matte', { content_id: target, matte_id: 'modern_polar' });

    expect(await client.reply(ok)).toMatchObject({
      event: 'change_matte',
      matte_id: 'modern_polar',
    });
    expect(await client.broadcast('matte_changed')).toMatchObject({ content_id: target });
    expect(frame.state().matteId).toBe('modern_polar');
    const bad = client.request('change_matte', { content_id: target, matte_id: 'velvet_gold' });
    expect(await client.reply(bad)).toMatchObject({ event: 'error', error_code: '-7' });
  });

  it('refuses a panoramic matte on a portrait artwork with -7', async () => {
    const list = await client.reply(
      client.request('get_content_list', { category_id: 'MY-C0002' }),
    );
    const items: Array<{ content_id: string; width: number; height: number }> = JSON.parse(
      String(list.content_list),
    );
    const portrait = items.find((item) => item.height > item.width);
    expect(portrait).toBeDefined();
    const id = client.request('change_matte', {
      content_id: portrait?.content_id,
      matte_id: 'panoramic_polar',
    });

    expect(await client.reply(id)).toMatchObject({ event: 'error', error_code: '-7' });
  });

  it('sets the slideshow and broadcasts slideshow_changed', async () => {
    const id = client.request('set_slideshow_status', {
      value: '15',
      category_id: 'MY-C0002',
      type: 'shuffleslideshow',
    });

    expect(await client.reply(id)).toMatchObject({ event: 'set_slideshow_status', value: '15' });
    expect(await client.broadcast('slideshow_changed')).toMatchObject({
      value: '15',
      category_id: 'MY-C0002',
      type: 'shuffleslideshow',
    });
    const status = await client.reply(client.request('get_slideshow_status'));
    expect(status).toMatchObject({ value: '15', type: 'shuffleslideshow' });
    expect(frame.state().slideshow).toEqual({
      value: '15',
      categoryId: 'MY-C0002',
      type: 'shuffleslideshow',
    });
  });

  it('toggles a favourite and broadcasts favorite_changed', async () => {
    const target = frame.contentIds()[1] ?? '';
    const id = client.request('change_favorite', { content_id: target, status: 'on' });

    expect(await client.reply(id)).toMatchObject({ content_id: target, status: 'on' });
    expect(await client.broadcast('favorite_changed')).toEqual({
      event: 'favorite_changed',
      content_id: target,
      status: 'on',
    });
    const favs = await client.reply(
      client.request('get_content_list', { category_id: 'MY-C0004' }),
    );
    expect(JSON.parse(String(favs.content_list))).toHaveLength(1);
  });

  it('stays silent on requests it does not know', async () => {
    client.request('get_brightness_please');
    const after = client.request('api_version');
    await client.reply(after);

    expect(client.frames.filter((f) => f.message.event === 'd2d_service_message')).toHaveLength(1);
  });

  it('broadcasts a slideshow step from showArtwork', async () => {
    const target = frame.contentIds()[3] ?? '';
    frame.showArtwork(target);

    expect(await client.broadcast('image_selected')).toMatchObject({
      content_id: target,
      is_shown: 'Yes',
    });
    expect(await client.broadcast('slideshow_image_changed')).toEqual({
      event: 'slideshow_image_changed',
      current_content_id: target,
      type: 'slideshow',
    });
  });

  it('sends frames as the host with a trailing newline', async () => {
    await client.reply(client.request('get_artmode_status'));
    const frameSeen = client.frames.find((f) => f.message.event === 'd2d_service_message');

    expect(frameSeen?.text.endsWith('}\n')).toBe(true);
    const connect = asObject(client.frames[0]?.message.data);
    const hosts = (Array.isArray(connect.clients) ? connect.clients : []).map(asObject);
    expect(hosts.map((h) => h.id)).toContain(frameSeen?.message.from);
  });
});
