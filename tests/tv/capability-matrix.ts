/**
 * The request × profile support table as Docent detects it: every request Docent tracks is
 * asked on every simulated model with no prior about the generation, and the verdict the
 * capability layer reaches is printed, with the features the HA layer would offer from it once
 * Docent has also read the art-mode settings.
 * Used by capability-matrix.test.ts and by `npx tsx tests/tv/print-capability-matrix.ts`.
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { silentLogger } from '../../src/log.js';
import type { ProfileName } from '../../src/sim/profile.js';
import { FrameArtApi } from '../../src/tv/art-api.js';
import { ArtRequester } from '../../src/tv/art-requester.js';
import { ART_FEATURES, type ArtFeature, TvCapabilities } from '../../src/tv/capabilities.js';
import { INBAND_UPLOAD, TRACKED_REQUESTS } from '../../src/tv/capability-table.js';
import { startSimApi } from './sim-api-fixture.js';

export interface ProfileColumn {
  requests: Record<string, string>;
  features: Record<ArtFeature, string>;
}

export type Matrix = Partial<Record<ProfileName, ProfileColumn>>;

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
    // §4.5: the 0.97 request, the image inside the binary frame.
    [INBAND_UPLOAD]: { file_type: 'JPEG', matte_id: 'none' },
  };

  return table[request] ?? {};
}

function cell(caps: TvCapabilities, request: string, error: string): string {
  const seen = caps.observed(request);
  if (seen === null) return `? (${error})`;
  if (seen.support === 'supported') return 'yes';
  const why = { not_supported: '-9', system_fail: '-1', silence: 'silent' } as const;

  return `no (${seen.reason ? why[seen.reason] : '?'})`;
}

export async function detectProfile(profileName: ProfileName): Promise<ProfileColumn> {
  const t = await startSimApi(profileName, { artworks: 8 });
  const image = await sharp({ create: { width: 32, height: 18, channels: 3, background: '#888' } })
    .jpeg()
    .toBuffer();
  try {
    const caps = new TvCapabilities({ logger: silentLogger() });
    const requester = new ArtRequester(t.conn, caps, silentLogger());
    const requests: Record<string, string> = {};
    for (const request of TRACKED_REQUESTS) {
      const artModeBefore = t.sim.state().artMode;
      const params = paramsFor(request, t.sim.contentIds(), artModeBefore);
      // 2.x confirms art mode only by broadcast and a 2024 set's reply lags ~13 s (§3.6):
      // silence proves nothing there, the TV's state does.
      const latchSilence = request !== 'set_artmode_status';
      const inband = request === INBAND_UPLOAD;
      const name = inband ? 'send_image' : request;
      const ask = () =>
        requester.callWithBinary(name, params, {
          timeoutMs: 800,
          latchSilence,
          ...(inband ? { payload: image, capability: INBAND_UPLOAD } : {}),
        });
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
      const changed = t.sim.state().artMode !== artModeBefore;
      requests[request] =
        !latchSilence && caps.observed(request) === null && changed
          ? 'yes (broadcast)'
          : cell(caps, request, error);
    }
    // Settings items are only known from Docent's settings read (§3.5), as after a connect.
    await new FrameArtApi(t.conn, { capabilities: caps }).settings.get().catch(() => undefined);
    const features = {} as Record<ArtFeature, string>;
    for (const [feature, support] of Object.entries(caps.features())) {
      features[feature as ArtFeature] = support;
    }

    return { requests, features };
  } finally {
    await t.stop();
  }
}

export async function detectMatrix(profiles: readonly ProfileName[]): Promise<Matrix> {
  const matrix: Matrix = {};
  for (const profile of profiles) {
    matrix[profile] = await detectProfile(profile);
  }

  return matrix;
}

/** Two markdown tables: requests, then the features they add up to. */
export function renderMatrix(matrix: Matrix, profiles: readonly ProfileName[]): string {
  const header = (first: string) => [
    `| ${first} | ${profiles.join(' | ')} |`,
    `| --- | ${profiles.map(() => '---').join(' | ')} |`,
  ];
  const requestRows = TRACKED_REQUESTS.map(
    (request) =>
      `| \`${request}\` | ${profiles.map((p) => matrix[p]?.requests[request] ?? '').join(' | ')} |`,
  );
  const featureRows = ART_FEATURES.map(
    (feature) =>
      `| ${feature} | ${profiles.map((p) => matrix[p]?.features[feature] ?? '').join(' | ')} |`,
  );

  return [...header('request'), ...requestRows, '', ...header('feature'), ...featureRows].join(
    '\n',
  );
}
