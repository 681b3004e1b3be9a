/**
 * Asks every request Docent tracks on every simulated model, with no prior about the
 * generation, and prints what Docent detects: request × profile → supported or not (and why).
 */
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../../src/log.js';
import type { ProfileName } from '../../src/sim/profile.js';
import { ArtRequester } from '../../src/tv/art-requester.js';
import { TvCapabilities } from '../../src/tv/capabilities.js';
import { TRACKED_REQUESTS } from '../../src/tv/capability-table.js';
import { PROFILE_NAMES, startSimApi } from './sim-api-fixture.js';

const conn = () => ({ d2d_mode: 'socket', connection_id: 1234, id: randomUUID() });

function paramsFor(request: string, ids: string[], artMode: string): Record<string, unknown> {
  const first = ids[0] ?? '';
  const slideshow = {
    value: 'off',
    category_id: 'MY-C0002',
    sub_category_id: '',
    type: 'slideshow',
  };
  const table: Record<string, Record<string, unknown>> = {
    set_artmode_status: { value: artMode === 'on' ? 'off' : 'on' },
    set_brightness: { value: 2 },
    set_color_temperature: { value: 1 },
    set_motion_timer: { value: '15' },
    set_motion_sensitivity: { value: '2' },
    set_brightness_sensor_setting: { value: 'off' },
    select_image: { content_id: first, category_id: null, show: true },
    delete_image_list: { content_id_list: [{ content_id: ids.at(-1) ?? '' }] },
    change_matte: { content_id: first, matte_id: 'none' },
    set_photo_filter: { content_id: first, filter_id: 'ink' },
    change_favorite: { content_id: first, status: 'on' },
    set_slideshow_status: slideshow,
    set_auto_rotation_status: slideshow,
    get_thumbnail_list: { content_id_list: [{ content_id: first }], conn_info: conn() },
    get_thumbnail: { content_id: first, conn_info: conn() },
    send_image: { file_type: 'jpg', file_size: 10, matte_id: 'none', conn_info: conn() },
  };

  return table[request] ?? {};
}

async function detect(profileName: ProfileName): Promise<Record<string, string>> {
  const t = await startSimApi(profileName, { artworks: 8 });
  try {
    const caps = new TvCapabilities({ logger: silentLogger() });
    const requester = new ArtRequester(t.conn, caps, silentLogger());
    const cells: Record<string, string> = {};
    for (const request of TRACKED_REQUESTS) {
      const artModeBefore = t.sim.state().artMode;
      const params = paramsFor(request, t.sim.contentIds(), artModeBefore);
      // 2.x confirms art mode only by broadcast and a 2024 set's reply lags ~13 s (§3.6):
      // silence proves nothing there, the TV's state does.
      const latchSilence = request !== 'set_artmode_status';
      const ask = () => requester.callWithBinary(request, params, { timeoutMs: 800, latchSilence });
      let error = '';
      for (let attempt = 0; attempt < 2; attempt += 1) {
        try {
          await ask();
          break;
        } catch (err) {
          error = err instanceof Error ? err.message : String(err);
          if (caps.observed(request)) break;
        }
      }
      const seen = caps.observed(request);
      if (!latchSilence && seen === null && t.sim.state().artMode !== artModeBefore) {
        cells[request] = 'yes (broadcast)';
        continue;
      }
      cells[request] =
        seen === null
          ? `? (${error})`
          : seen.support === 'supported'
            ? 'yes'
            : `no (${seen.reason === 'not_supported' ? '-9' : seen.reason === 'system_fail' ? '-1' : 'silent'})`;
    }

    return cells;
  } finally {
    await t.stop();
  }
}

describe('request × profile support as Docent detects it', () => {
  const matrix: Partial<Record<ProfileName, Record<string, string>>> = {};

  beforeAll(async () => {
    for (const profile of PROFILE_NAMES) {
      matrix[profile] = await detect(profile);
    }
  }, 120_000);

  it('prints the table', () => {
    const header = `| request | ${PROFILE_NAMES.join(' | ')} |`;
    const rule = `| --- | ${PROFILE_NAMES.map(() => '---').join(' | ')} |`;
    const rows = TRACKED_REQUESTS.map(
      (request) =>
        `| \`${request}\` | ${PROFILE_NAMES.map((p) => matrix[p]?.[request] ?? '').join(' | ')} |`,
    );
    // The table is the point of this test: it goes to the report.
    console.log([header, rule, ...rows].join('\n'));

    expect(rows).toHaveLength(TRACKED_REQUESTS.length);
  });

  it('matches the documented generations on the requests that decide Docent’s paths', () => {
    expect(matrix['2025']?.get_thumbnail).toBe('no (-9)');
    expect(matrix['2024']?.get_brightness).toBe('no (silent)');
    expect(matrix['2022']?.get_thumbnail).toBe('no (silent)');
    expect(matrix['2021']?.get_slideshow_status).toBe('no (-1)');
    expect(matrix['2021']?.get_auto_rotation_status).toBe('yes');
    expect(matrix['2019']?.get_thumbnail).toBe('yes');
    expect(matrix['2021']?.set_artmode_status).toBe('yes (broadcast)');
    expect(matrix['2022']?.get_thumbnail_list).toBe('yes');
    for (const profile of PROFILE_NAMES) {
      expect(matrix[profile]?.get_content_list).toBe('yes');
    }
  });
});
