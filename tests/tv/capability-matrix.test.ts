/**
 * The request × profile support table as Docent detects it (see capability-matrix.ts); printed
 * here and checked on the requests that decide Docent's paths.
 */
import type { ProfileName } from '../../src/sim/profile.js';
import { detectMatrix, type Matrix, renderMatrix } from './capability-matrix.js';
import { PROFILE_NAMES } from './sim-api-fixture.js';

describe('request × profile support as Docent detects it', () => {
  let matrix: Matrix = {};
  const request = (profile: ProfileName, name: string) => matrix[profile]?.requests[name];

  beforeAll(async () => {
    matrix = await detectMatrix(PROFILE_NAMES);
  }, 120_000);

  it('prints the table', () => {
    const table = renderMatrix(matrix, PROFILE_NAMES);
    // The table is the point of this test: it goes to the report.
    console.log(table);

    expect(table.split('\n').filter((line) => line.startsWith('| `'))).toHaveLength(
      Object.keys(matrix['2022']?.requests ?? {}).length,
    );
  });

  it('matches the documented generations on the requests that decide Docent’s paths', () => {
    expect(request('2025', 'get_thumbnail')).toBe('no (-9)');
    expect(request('2024', 'get_brightness')).toBe('no (silent)');
    expect(request('2022', 'get_thumbnail')).toBe('no (silent)');
    expect(request('2021', 'get_slideshow_status')).toBe('no (-1)');
    expect(request('2021', 'get_auto_rotation_status')).toBe('yes');
    expect(request('2019', 'get_thumbnail')).toBe('yes');
    expect(request('2021', 'set_artmode_status')).toBe('yes (broadcast)');
    expect(request('2022', 'get_thumbnail_list')).toBe('yes');
    for (const profile of PROFILE_NAMES) {
      expect(request(profile, 'get_content_list')).toBe('yes');
    }
  });

  it('tells the two upload paths apart: d2d from 2020 on, in-band on 0.97 only', () => {
    expect(request('2019', 'send_image')).toBe('no (-1)');
    expect(request('2019', 'send_image:inband')).toBe('yes');
    for (const profile of PROFILE_NAMES.filter((p) => p !== '2019')) {
      expect(request(profile, 'send_image')).toBe('yes');
      expect(request(profile, 'send_image:inband')).toBe('no (silent)');
    }
    for (const profile of PROFILE_NAMES) {
      expect(matrix[profile]?.features.upload).toBe('supported');
    }
  });
});
