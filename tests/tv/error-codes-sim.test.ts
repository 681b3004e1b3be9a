/**
 * The TV's error codes (§3.3), per request, as FrameConnection surfaces them: a TvRequestError
 * naming the request, with the code as sent and `transient` only where it may clear (-1, -10).
 */
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../../src/log.js';
import { LaneScheduler } from '../../src/queue/index.js';
import type { ProfileName } from '../../src/sim/profile.js';
import { TvRequestError } from '../../src/tv/errors.js';
import { PROFILE_NAMES, type SimApi, startSimApi } from './sim-api-fixture.js';

interface Case {
  request: string;
  params: (ids: string[]) => Record<string, unknown>;
  code: string;
  why: string;
}

const conn = () => ({ d2d_mode: 'socket', connection_id: 7, id: randomUUID() });

/** What every profile refuses the same way. */
const EVERYWHERE: Case[] = [
  {
    request: 'select_image',
    params: () => ({ content_id: 'MY_F9999' }),
    code: '-4',
    why: 'unknown artwork',
  },
  {
    request: 'change_matte',
    params: () => ({ content_id: 'MY_F9999', matte_id: 'none' }),
    code: '-4',
    why: 'unknown artwork',
  },
  {
    request: 'change_favorite',
    params: () => ({ content_id: 'MY_F9999', status: 'on' }),
    code: '-4',
    why: 'unknown artwork',
  },
  {
    request: 'change_matte',
    params: (ids) => ({ content_id: ids[0], matte_id: 'no_such_matte' }),
    code: '-7',
    why: 'matte the TV does not have (NW#7)',
  },
  {
    request: 'set_artmode_status',
    params: () => ({ value: true }),
    code: '-7',
    why: 'a boolean instead of "on" (NW#20)',
  },
  {
    request: 'set_brightness',
    params: () => ({ value: 99 }),
    code: '-7',
    why: 'out of range',
  },
  {
    request: 'set_photo_filter',
    params: (ids) => ({ content_id: ids[0], filter_id: 'sepia-deluxe' }),
    code: '-7',
    why: 'filter not offered',
  },
  {
    request: 'change_favorite',
    params: (ids) => ({ content_id: ids[0], status: 'yes' }),
    code: '-7',
    why: 'status not on/off',
  },
];

/** Refusals one generation has. */
const BY_PROFILE: Partial<Record<ProfileName, Case[]>> = {
  '2019': [
    {
      request: 'send_image',
      params: () => ({ file_type: 'jpg', file_size: 10, conn_info: conn() }),
      code: '-1',
      why: 'd2d upload on 0.97 (XW#120)',
    },
    { request: 'api_version', params: () => ({}), code: '-1', why: 'new name on old firmware' },
  ],
  '2021': [
    { request: 'get_slideshow_status', params: () => ({}), code: '-1', why: '4.x name on 2.x' },
  ],
  '2022': [
    {
      request: 'get_thumbnail_list',
      params: () => ({ content_id_list: [{ content_id: 'MY_F9999' }], conn_info: conn() }),
      code: '-4',
      why: 'unknown artwork',
    },
  ],
  '2025': [
    {
      request: 'get_thumbnail',
      params: (ids) => ({ content_id: ids[0] }),
      code: '-9',
      why: 'unmapped on 5.x',
    },
    { request: 'get_brightness', params: () => ({}), code: '-9', why: 'unmapped on 5.x' },
  ],
};

describe.each(PROFILE_NAMES)('error codes on the %s profile', (profile) => {
  let t: SimApi;

  beforeAll(async () => {
    t = await startSimApi(profile, { artworks: 6 });
  });

  afterAll(async () => {
    await t.stop();
  });

  it.each(
    [...EVERYWHERE, ...(BY_PROFILE[profile] ?? [])].map((c) => [c.request, c.code, c.why, c]),
  )('%s answers %s (%s)', async (_request, _code, _why, c) => {
    const failure = t.conn.request(c.request, c.params(t.sim.contentIds()));

    await expect(failure).rejects.toBeInstanceOf(TvRequestError);
    await expect(failure).rejects.toMatchObject({
      code: 'TV_ERROR',
      request: c.request,
      tvErrorCode: c.code,
      transient: c.code === '-1',
    });
  });

  it('has a request answered with -10 (TEMPORARILY_UNAVAILABLE) retried until the TV serves it', async () => {
    // A TV and connection of its own: after the error cases above, the shared 2021 connection
    // sometimes left this test waiting out its 30 s (not yet understood; see the closing note).
    const t = await startSimApi(profile, { artworks: 6 });
    try {
      await expect(t.api.detect()).resolves.not.toBeNull();
      const request = t.capabilities.isOffered('get_slideshow_status')
        ? 'get_slideshow_status'
        : 'get_auto_rotation_status';
      // Twice in a row: two -1s would latch the request unsupported (§7 Q2) and stop the retry.
      t.sim.setSwitches({ temporarilyUnavailable: [request, request] });
      const scheduler = new LaneScheduler({
        logger: silentLogger(),
        tvReady: true,
        retryDelayMs: () => 10,
      });
      const failures: unknown[] = [];

      const outcome = await scheduler.enqueue({
        lane: 'sync',
        name: 'slideshow',
        maxAttempts: 3,
        run: () =>
          t.api.getSlideshowStatus().catch((err: unknown) => {
            failures.push(err);
            throw err;
          }),
      });
      await scheduler.stop();

      expect(outcome).toMatchObject({ status: 'ok', value: { value: expect.any(String) } });
      const minus10 = expect.objectContaining({
        code: 'TV_ERROR',
        request,
        tvErrorCode: '-10',
        transient: true,
      });
      expect(failures).toEqual([minus10, minus10]);
      expect(t.sim.switches().temporarilyUnavailable).toEqual([]);
      expect(t.capabilities.feature('slideshow')).toBe('supported');
    } finally {
      await t.stop();
    }
  });

  it('answers request data that is not JSON with -6, matched by the request_data it echoes', async () => {
    // OLLO#19: a Python repr instead of JSON.
    const failure = t.conn.requestRawData(
      'get_artmode_status',
      "{'request': 'get_artmode_status'}",
      {
        timeoutMs: 1000,
      },
    );

    await expect(failure).rejects.toMatchObject({
      request: 'get_artmode_status',
      tvErrorCode: '-6',
      transient: false,
    });
    // The wire is free again and correlation still holds.
    await expect(t.conn.request('get_artmode_status')).resolves.toHaveProperty('event');
  });
});
