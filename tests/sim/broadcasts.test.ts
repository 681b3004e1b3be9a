import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { asObject, type Frame, innerEvent, innerOf, type Json } from './raw-client.js';
import { answerOf, noFrameFor, SimFixture } from './sim-fixture.js';

/** Inner event names of the d2d messages that carry no request id, in arrival order. */
function broadcastsOf(client: { frames: Frame[] }): string[] {
  return client.frames.flatMap((f) => {
    const event = innerEvent(f);
    const inner = event === undefined ? undefined : innerOf(f);

    return inner && inner.request_id === undefined && inner.id === undefined ? [String(event)] : [];
  });
}

const recentlySetTrace = (): Json => {
  const file = path.join(
    process.cwd(),
    'tests/fixtures/traces/frame-2022-session-slideshow-events.jsonl',
  );
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.includes('"kind":"recently_set_updated event"'));

  return asObject(JSON.parse(String(asObject(asObject(JSON.parse(line ?? '{}')).msg).data)));
};

/** §5: the unsolicited events the checklist lacked. */
describe('recently_set_updated', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('follows a select, before image_selected, with the selected item first', async () => {
    await fx.start({ profileName: '2022' });
    const client = await fx.art();
    await answerOf(client, 'select_image', { content_id: 'MY_F0003' });
    await client.broadcast('image_selected');
    const recents = await client.broadcast('recently_set_updated');

    expect(broadcastsOf(client)).toEqual(['recently_set_updated', 'image_selected']);
    expect(JSON.parse(String(recents.recently_set_list))).toEqual([{ content_id: '3' }]);
  });

  it('has the captured layout: a pretty-printed list string of bare-number ids', async () => {
    await fx.start({ profileName: '2022' });
    const client = await fx.art();
    await answerOf(client, 'select_image', { content_id: 'MY_F0002' });
    fx.frame.showArtwork('MY_F0004');
    await client.broadcast('slideshow_image_changed');
    const last = client.frames.findLast((f) => innerEvent(f) === 'recently_set_updated');
    if (!last) throw new Error('no recently_set_updated');
    const ours = innerOf(last);
    const theirs = recentlySetTrace();

    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    const list = String(ours.recently_set_list);
    expect(list).toBe(JSON.stringify(JSON.parse(list), null, 2));
    expect(JSON.parse(list)).toEqual([{ content_id: '4' }, { content_id: '2' }]);
  });

  it('opens each slideshow step: recently_set_updated → image_selected → slideshow_image_changed', async () => {
    await fx.start({ profileName: '2024' });
    const client = await fx.art(false);
    fx.frame.showArtwork('MY_F0001');
    await client.broadcast('slideshow_image_changed');

    expect(broadcastsOf(client)).toEqual([
      'recently_set_updated',
      'image_selected',
      'slideshow_image_changed',
    ]);
  });

  it('is not sent by old firmware (no source shows it there)', async () => {
    await fx.start({ profileName: '2021' });
    const client = await fx.art();
    await answerOf(client, 'select_image', { content_id: 'MY_F0003' });
    await client.broadcast('image_selected');

    expect(broadcastsOf(client)).toEqual(['image_selected']);
  });
});

describe('rotation_changed', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('is broadcast when the panel turns (code), and rotation reads follow it', async () => {
    await fx.start({ profileName: '2022' });
    const client = await fx.art();
    fx.frame.setRotation(2);

    expect(await client.broadcast('rotation_changed')).toEqual({
      event: 'rotation_changed',
      current_rotation_status: 2,
    });
    expect(await answerOf(client, 'get_current_rotation')).toMatchObject({
      current_rotation_status: 2,
    });
    expect(await answerOf(client, 'get_device_info')).toMatchObject({ current_rotation_status: 2 });
    fx.frame.setRotation(2);
    expect(await noFrameFor(client, 40)).toBe(0);
  });

  it('is broadcast on POST /rotation; a bad value is refused', async () => {
    await fx.start({ controlPort: 0 });
    const client = await fx.art();
    const post = (body: unknown) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port: fx.frame.controlPort, method: 'POST', path: '/rotation' },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });

    expect(await post({ rotation: 3 })).toBe(400);
    expect(await post({ rotation: 2 })).toBe(200);
    expect(await client.broadcast('rotation_changed')).toMatchObject({
      current_rotation_status: 2,
    });
    expect(fx.frame.state().rotation).toBe(2);
  });
});

describe('old-firmware brightness_changed / color_temperature_changed (§3.4, OH)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('2021 broadcasts both on set', async () => {
    await fx.start({ profileName: '2021' });
    const client = await fx.art();
    await answerOf(client, 'set_brightness', { value: 7 });
    await answerOf(client, 'set_color_temperature', { value: -2 });

    expect(await client.broadcast('brightness_changed')).toEqual({
      event: 'brightness_changed',
      value: 7,
    });
    expect(await client.broadcast('color_temperature_changed')).toEqual({
      event: 'color_temperature_changed',
      value: -2,
    });
  });

  it('2022 broadcasts neither: the reply is the confirmation', async () => {
    await fx.start({ profileName: '2022' });
    const client = await fx.art();
    expect(await answerOf(client, 'set_brightness', { value: 7 })).toMatchObject({ value: '7' });
    expect(await answerOf(client, 'set_color_temperature', { value: 1 })).toMatchObject({
      value: '1',
    });

    expect(broadcastsOf(client)).toEqual([]);
  });
});
