/**
 * Replies to writes are parsed with zod like every other reply. The simulator always answers in
 * shape, so a scripted stand-in TV (4.x replies, `request_id` echoed) sends the odd ones.
 */
import { silentLogger } from '../../src/log.js';
import { FrameArtApi } from '../../src/tv/art-api.js';
import { FrameConnection } from '../../src/tv/connection.js';
import { MemoryTokenStore } from '../../src/tv/token-store.js';
import { FakeTv, type InnerRequest, sendArt, sendConnect, sendReady } from './fake-tv.js';
import { FAST_BACKOFF, waitForState } from './helpers.js';

type Answer = Record<string, unknown> | 'broadcast-only';

const SETTINGS = [
  { item: 'brightness', value: '5', min: '0', max: '10' },
  { item: 'motion_sensitivity', value: '2', min: '1', max: '3' },
  { item: 'motion_timer', value: 'off', valid_values: '["off","15","30","60"]' },
  { item: 'brightness_sensor_setting', value: 'off' },
];

const WRITES: Record<string, (api: FrameArtApi) => Promise<unknown>> = {
  set_photo_filter: (api) => api.applyPhotoFilter('MY_F0001', 'ink'),
  change_matte: (api) => api.changeMatte('MY_F0001', 'modern_polar'),
  set_motion_timer: (api) => api.settings.setMotionTimer('15'),
  set_motion_sensitivity: (api) => api.settings.setMotionSensitivity(2),
  set_brightness_sensor_setting: (api) => api.settings.setBrightnessSensor(true),
  set_artmode_status: (api) => api.setArtMode(true, { timeoutMs: 300 }),
};

describe('replies to art-mode writes', () => {
  let tv: FakeTv | null = null;
  let conn: FrameConnection | null = null;

  afterEach(async () => {
    await conn?.stop();
    conn = null;
    await tv?.stop();
    tv = null;
  });

  /** A 4.x set that answers the reads Docent makes first, and `write` with `answer`. */
  async function tvAnswering(write: string, answer: Answer): Promise<FrameArtApi> {
    tv = await FakeTv.start({
      onConnect: (ws) => {
        sendConnect(ws);
        sendReady(ws);
      },
      onRequest: (ws, request: InnerRequest) => {
        const reply = (fields: Record<string, unknown>): void =>
          sendArt(ws, { event: request.request, request_id: request.request_id, ...fields });
        if (request.request === write) {
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

  it.each([
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
  ] as [string, Record<string, unknown>][])(
    'rejects %s answered with %j as TV_BAD_REPLY naming the request',
    async (request, answer) => {
      const api = await tvAnswering(request, answer);
      const write = WRITES[request];
      if (!write) throw new Error(`no write for ${request}`);

      const failure = write(api);

      await expect(failure).rejects.toMatchObject({ code: 'TV_BAD_REPLY' });
      await expect(failure).rejects.toThrow(request);
    },
  );

  it.each([
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
  ] as [string, Answer][])('accepts %s answered with %j', async (request, answer) => {
    const api = await tvAnswering(request, answer);
    const write = WRITES[request];
    if (!write) throw new Error(`no write for ${request}`);

    await expect(write(api)).resolves.toBeUndefined();
  });
});
