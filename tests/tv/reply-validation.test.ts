/**
 * Every reply is parsed with zod: one that does not fit rejects with TV_BAD_REPLY naming the
 * request. The simulator always answers in shape, so a scripted stand-in TV (4.x replies,
 * `request_id` echoed) sends the odd ones.
 */
import { silentLogger } from '../../src/log.js';
import { FrameArtApi } from '../../src/tv/art-api.js';
import { FrameConnection } from '../../src/tv/connection.js';
import { MemoryTokenStore } from '../../src/tv/token-store.js';
import { FakeTv, type InnerRequest, sendArt, sendConnect, sendReady } from './fake-tv.js';
import { FAST_BACKOFF, waitForState } from './helpers.js';

type Answer = Record<string, unknown> | 'broadcast-only';
type Case = [string, Answer];

const SETTINGS = [
  { item: 'brightness', value: '5', min: '0', max: '10' },
  { item: 'motion_sensitivity', value: '2', min: '1', max: '3' },
  { item: 'motion_timer', value: 'off', valid_values: '["off","15","30","60"]' },
  { item: 'brightness_sensor_setting', value: 'off' },
];
const list = (items: unknown[]): string => JSON.stringify(items);

/** What Docent calls for each request under test. */
const CALLS: Record<string, (api: FrameArtApi) => Promise<unknown>> = {
  set_photo_filter: (api) => api.applyPhotoFilter('MY_F0001', 'ink'),
  change_matte: (api) => api.changeMatte('MY_F0001', 'modern_polar'),
  set_motion_timer: (api) => api.settings.setMotionTimer('15'),
  set_motion_sensitivity: (api) => api.settings.setMotionSensitivity(2),
  set_brightness_sensor_setting: (api) => api.settings.setBrightnessSensor(true),
  set_artmode_status: (api) => api.setArtMode(true, { timeoutMs: 300 }),
  set_art_picture_mode: (api) => api.settings.setArtPictureMode(2),
  get_content_list: (api) => api.getContentList('MY-C0002'),
  get_current_artwork: (api) => api.getCurrentArtwork(),
  get_matte_list: (api) => api.getMatteCatalog(),
  get_artmode_settings: (api) => api.settings.get(),
  get_slideshow_status: (api) => api.getSlideshowStatus(),
  get_device_info: (api) => api.device.getInfo(),
  get_photo_filter_list: (api) => api.getPhotoFilters(),
  delete_image_list: (api) => api.deleteArtworks(['MY_F0001']),
};

const BAD_WRITES: Case[] = [
  ['set_photo_filter', { content_id: 'MY_F0002', filter_id: 'ink' }],
  ['set_photo_filter', { content_id: 'MY_F0001', filter_id: 42 }],
  ['change_matte', { content_id: 'MY_F0001', matte_id: 'shadowbox_polar' }],
  ['change_matte', { content_id: ['MY_F0001'] }],
  ['set_motion_timer', { value: '30' }],
  ['set_motion_timer', { value: { minutes: 15 } }],
  ['set_motion_sensitivity', { value: '3' }],
  ['set_brightness_sensor_setting', { value: 'maybe' }],
  ['set_artmode_status', { status: 'sideways' }],
  ['set_artmode_status', { status: 'off' }],
  ['set_artmode_status', {}],
  ['set_art_picture_mode', { value: 3 }],
  ['set_art_picture_mode', { value: 'vivid' }],
];

const BAD_READS: Case[] = [
  ['get_content_list', {}],
  ['get_content_list', { content_list: '[{"content_id": ' }],
  ['get_content_list', { content_list: list([{ category_id: 'MY-C0002' }]) }],
  ['get_current_artwork', {}],
  ['get_current_artwork', { content_id: 7 }],
  ['get_matte_list', {}],
  ['get_matte_list', { matte_type_list: list([{ type: 'modern' }]) }],
  [
    'get_matte_list',
    { matte_type_list: '[]', matte_color_list: list([{ color: 'sage', R: 'x' }]) },
  ],
  ['get_artmode_settings', {}],
  ['get_artmode_settings', { data: list([{ value: '5' }]) }],
  ['get_artmode_settings', { data: list([{ item: 'brightness', value: 'bright' }]) }],
  ['get_slideshow_status', { category_id: 'MY-C0002' }],
  ['get_slideshow_status', { value: { minutes: 15 } }],
  ['get_device_info', { current_rotation_status: 'sideways' }],
  ['get_device_info', { resolution_type: 4 }],
  ['get_photo_filter_list', {}],
  ['get_photo_filter_list', { filter_list: 'ink' }],
  ['get_photo_filter_list', { filter_list: list([{ id: 'ink' }]) }],
  ['delete_image_list', {}],
  ['delete_image_list', { content_id_list: 'MY_F0001' }],
  ['delete_image_list', { content_id_list: list([{ id: 'MY_F0001' }]) }],
];

const GOOD_WRITES: Case[] = [
  ['set_photo_filter', { content_id: 'MY_F0001', filter_id: 'ink' }],
  ['set_photo_filter', {}],
  ['change_matte', { content_id: 'MY_F0001', matte_id: 'MODERN_POLAR', portrait_matte_id: '' }],
  ['set_motion_timer', { value: 15 }],
  ['set_motion_timer', {}],
  ['set_motion_sensitivity', { value: 2 }],
  ['set_brightness_sensor_setting', { value: 'ON' }],
  ['set_artmode_status', { status: 'on' }],
  ['set_artmode_status', { value: 'on' }],
  ['set_artmode_status', { status: 'nav' }],
  ['set_artmode_status', 'broadcast-only'],
  ['set_art_picture_mode', { value: '2' }],
  ['set_art_picture_mode', {}],
];

/** One well-shaped answer per read: the stand-in answers, so a rejection above is the shape. */
const GOOD_READS: Case[] = [
  ['get_content_list', { content_list: list([{ content_id: 'MY_F0001', width: '3840' }]) }],
  ['get_current_artwork', { content_id: 'MY_F0001', matte_id: '' }],
  ['get_matte_list', { matte_list: list([{ matte_type: 'none' }]) }],
  ['get_artmode_settings', { data: list(SETTINGS) }],
  ['get_slideshow_status', { value: 15, category_id: 'MY-C0002' }],
  ['get_device_info', { current_rotation_status: '2', support_motion_sensor: 'FALSE' }],
  ['get_photo_filter_list', { filter_list: [{ filter_id: 'ink' }] }],
  ['delete_image_list', { content_id_list: list([{ content_id: 'MY_F0001' }]) }],
];

describe('replies to art requests', () => {
  let tv: FakeTv | null = null;
  let conn: FrameConnection | null = null;

  afterEach(async () => {
    await conn?.stop();
    conn = null;
    await tv?.stop();
    tv = null;
  });

  /** A 4.x set that answers the reads Docent makes first, and `tested` with `answer`. */
  async function tvAnswering(tested: string, answer: Answer): Promise<FrameArtApi> {
    tv = await FakeTv.start({
      onConnect: (ws) => {
        sendConnect(ws);
        sendReady(ws);
      },
      onRequest: (ws, request: InnerRequest) => {
        const reply = (fields: Record<string, unknown>): void =>
          sendArt(ws, { event: request.request, request_id: request.request_id, ...fields });
        if (request.request === tested) {
          if (answer === 'broadcast-only') {
            sendArt(ws, { event: 'art_mode_changed', status: request.value });
          } else {
            reply(answer);
          }
        } else if (request.request === 'api_version') {
          reply({ version: '4.3.4.0' });
        } else if (request.request === 'get_artmode_settings') {
          reply({ data: JSON.stringify(SETTINGS) });
        } else if (request.request === 'get_photo_filter_list') {
          reply({ filter_list: JSON.stringify([{ filter_id: 'none' }, { filter_id: 'ink' }]) });
        }
      },
    });
    conn = new FrameConnection(
      {
        tvId: 'tv',
        host: '127.0.0.1',
        port: tv.port,
        secure: false,
        backoff: FAST_BACKOFF,
        requestTimeoutMs: 500,
      },
      { logger: silentLogger(), tokenStore: new MemoryTokenStore() },
    );
    conn.start();
    await waitForState(conn, 'ready');

    return new FrameArtApi(conn);
  }

  function callOf(request: string): (api: FrameArtApi) => Promise<unknown> {
    const call = CALLS[request];
    if (!call) throw new Error(`no call for ${request}`);

    return call;
  }

  it.each([...BAD_WRITES, ...BAD_READS])(
    'rejects %s answered with %j as TV_BAD_REPLY naming the request',
    async (request, answer) => {
      const api = await tvAnswering(request, answer);

      const failure = callOf(request)(api);

      await expect(failure).rejects.toMatchObject({ code: 'TV_BAD_REPLY' });
      await expect(failure).rejects.toThrow(request);
    },
  );

  it.each([...GOOD_WRITES, ...GOOD_READS])(
    'accepts %s answered with %j',
    async (request, answer) => {
      const api = await tvAnswering(request, answer);

      await expect(callOf(request)(api)).resolves.not.toBeInstanceOf(Error);
    },
  );
});
