import { PROFILE_NAMES, type ProfileName } from '../../src/sim/index.js';
import { asObject, type Json, type RawClient } from './raw-client.js';
import { answerOf, SimFixture } from './sim-fixture.js';

/** What a request gets: a reply under this event name, an error code, or nothing at all. */
type Outcome = string;
const SILENT = 'silent';

/**
 * Which generation answers which settings and 5.x request (§3.3, §3.4, §3.5): settings writes
 * from 4.x on; `get_content_matte_list` and the art picture mode on 5.x only; the old colour and
 * auto-rotation reads up to 4.x, under their old names on 0.97/2.x, unanswered on the 2024 set
 * (FAB `art.py`) and for auto-rotation on 4.x (NW), unmapped (-9) on 5.x. Unknown requests get
 * -1 on old firmware, silence on 4.x and -9 on 5.x (§8 item 8).
 */
const fromFourX = (reply: string): Record<ProfileName, Outcome> => ({
  '2019': '-1',
  '2021': '-1',
  '2022': reply,
  '2024': reply,
  '2025': reply,
});
const fiveXOnly = (reply: string): Record<ProfileName, Outcome> => ({
  '2019': '-1',
  '2021': '-1',
  '2022': SILENT,
  '2024': SILENT,
  '2025': reply,
});

const OUTCOMES: Record<string, { params: Json; by: Record<ProfileName, Outcome> }> = {
  set_motion_sensitivity: { params: { value: '2' }, by: fromFourX('set_motion_sensitivity') },
  set_brightness_sensor_setting: {
    params: { value: 'on' },
    by: fromFourX('set_brightness_sensor_setting'),
  },
  get_content_matte_list: {
    params: { category_id: 'MY-C0002', sub_category_id: '' },
    by: fiveXOnly('get_content_matte_list'),
  },
  get_art_picture_mode: { params: {}, by: fiveXOnly('get_art_picture_mode') },
  set_art_picture_mode: { params: { art_picture_mode: 3 }, by: fiveXOnly('set_art_picture_mode') },
  get_color_temperature: {
    params: {},
    by: {
      '2019': 'color_temperature',
      '2021': 'color_temperature',
      '2022': 'get_color_temperature',
      '2024': SILENT,
      '2025': '-9',
    },
  },
  get_auto_rotation_status: {
    params: {},
    by: {
      '2019': 'auto_rotation_status',
      '2021': 'auto_rotation_status',
      '2022': SILENT,
      '2024': SILENT,
      '2025': '-9',
    },
  },
};

function outcomeOf(reply: Json | undefined): Outcome {
  if (reply === undefined) return SILENT;

  return reply.event === 'error' ? String(reply.error_code) : String(reply.event);
}

async function settingOf(client: RawClient, item: string): Promise<unknown> {
  const reply = await answerOf(client, 'get_artmode_settings');
  const items: unknown = JSON.parse(String(reply?.data));

  return (Array.isArray(items) ? items.map(asObject) : []).find((i) => i.item === item)?.value;
}

describe('settings and 5.x requests per profile (§3.5)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it.each(PROFILE_NAMES)('%s answers each as its generation does', async (name) => {
    await fx.start({ profileName: name });
    const client = await fx.joinArt();
    const seen: Record<string, Outcome> = {};
    for (const [request, { params }] of Object.entries(OUTCOMES)) {
      seen[request] = outcomeOf(await answerOf(client, request, params));
    }

    const expected = Object.fromEntries(
      Object.entries(OUTCOMES).map(([request, { by }]) => [request, by[name]]),
    );
    expect(seen).toEqual(expected);
  });

  it.each(['2022', '2025'] as const)(
    '%s: the sensor settings take effect, strings only, in range',
    async (name) => {
      await fx.start({ profileName: name });
      const client = await fx.joinArt();

      expect(await answerOf(client, 'set_motion_sensitivity', { value: '3' })).toMatchObject({
        value: '3',
      });
      expect(await settingOf(client, 'motion_sensitivity')).toBe('3');
      expect(await answerOf(client, 'set_motion_sensitivity', { value: '4' })).toMatchObject({
        error_code: '-7',
      });
      expect(
        await answerOf(client, 'set_brightness_sensor_setting', { value: 'on' }),
      ).toMatchObject({ value: 'on' });
      expect(await settingOf(client, 'brightness_sensor_setting')).toBe('on');
      expect(
        await answerOf(client, 'set_brightness_sensor_setting', { value: true }),
      ).toMatchObject({ error_code: '-7' });
    },
  );

  it('2025: the art picture mode reads back what was set; content mattes are a JSON string', async () => {
    await fx.start({ profileName: '2025' });
    const client = await fx.joinArt();

    expect(await answerOf(client, 'set_art_picture_mode', { art_picture_mode: 3 })).toMatchObject({
      value: 3,
    });
    expect(await answerOf(client, 'get_art_picture_mode')).toMatchObject({ art_picture_mode: 3 });
    expect(await answerOf(client, 'set_art_picture_mode', { art_picture_mode: '3' })).toMatchObject(
      { error_code: '-7' },
    );
    const mattes = await answerOf(client, 'get_content_matte_list', { category_id: 'MY-C0002' });
    expect(JSON.parse(String(mattes?.content_matte_list))).toContainEqual({
      matte_id: 'modern_polar',
    });
  });

  it('old firmware reads colour temperature and auto-rotation under the old names', async () => {
    await fx.start({ profileName: '2021' });
    const client = await fx.joinArt();
    await answerOf(client, 'set_color_temperature', { value: -2 });

    expect(await answerOf(client, 'get_color_temperature')).toMatchObject({
      event: 'color_temperature',
      value: '-2',
    });
    expect(await answerOf(client, 'get_auto_rotation_status')).toMatchObject({
      event: 'auto_rotation_status',
      value: 'off',
    });
  });

  it('answers the other documented requests on 5.x', async () => {
    await fx.start({ profileName: '2025' });
    const client = await fx.joinArt();

    expect(await answerOf(client, 'get_current_rotation')).toMatchObject({
      current_rotation_status: 1,
    });
    expect(await answerOf(client, 'set_motion_timer', { value: '30' })).toMatchObject({
      value: '30',
    });
    expect(await answerOf(client, 'set_motion_timer', { value: '7' })).toMatchObject({
      error_code: '-7',
    });
    expect(await answerOf(client, 'reset_brightness')).toMatchObject({
      brightness_value: expect.any(String),
    });
    expect(await answerOf(client, 'get_photo_filter_list')).toMatchObject({
      filter_list: expect.stringContaining('ink'),
    });
    expect(
      await answerOf(client, 'set_photo_filter', { content_id: 'MY_F0001', filter_id: 'ink' }),
    ).toMatchObject({ content_id: 'MY_F0001', filter_id: 'ink' });
    const deleted = await answerOf(client, 'delete_image_list', {
      content_id_list: [{ content_id: 'MY_F0001' }],
    });
    expect(JSON.parse(String(deleted?.content_id_list))).toEqual([{ content_id: 'MY_F0001' }]);
    expect(await client.broadcast('image_deleted')).toMatchObject({ content_id: 'MY_F0001' });
    expect(fx.frame.contentIds()).not.toContain('MY_F0001');
  });
});
