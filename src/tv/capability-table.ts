/**
 * What each art API generation is expected to implement, read from frame-protocol.md §3.4/§3.5.
 * This is Docent's prior only: what a TV actually answers (capabilities.ts) overrides it.
 */

export type ArtGeneration = '0.97' | '2.x' | '4.x' | '5.x';

/** `yes`: documented for that generation; `no`: documented absent or silent; `maybe`: unsure. */
export type Expectation = 'yes' | 'no' | 'maybe';

type Row = Readonly<Record<ArtGeneration, Expectation>>;

const row = (old: Expectation, v2: Expectation, v4: Expectation, v5: Expectation): Row => ({
  '0.97': old,
  '2.x': v2,
  '4.x': v4,
  '5.x': v5,
});

const EVERYWHERE = row('yes', 'yes', 'yes', 'yes');

/**
 * The 0.97 upload: `send_image` with the image inside one binary WS frame (§4.5). It is tracked
 * apart from `send_image` (the d2d path, §4.3), which 0.97 refuses with -1: one verdict for both
 * would hide a working upload on 2019 sets.
 */
export const INBAND_UPLOAD = 'send_image:inband';

/**
 * Requests Docent uses, by generation. Sources per line are in frame-protocol.md §3.3–§3.5:
 * `get_api_version` silent on 4.x and unmapped on 5.x; `get_brightness` silent on some 2024 sets;
 * settings, slideshow and thumbnail lists from 4.x; `get_thumbnail` never answered by a 2022 set
 * (§3.2) and gone on 5.x; D2D uploads refused on 0.97 and in-band uploads only there (§3.4, §4.5).
 */
const TABLE: Readonly<Record<string, Row>> = {
  api_version: row('no', 'no', 'yes', 'yes'),
  get_api_version: row('yes', 'yes', 'no', 'no'),
  get_artmode_status: EVERYWHERE,
  set_artmode_status: EVERYWHERE,
  get_artmode_settings: row('no', 'no', 'yes', 'yes'),
  get_brightness: row('yes', 'yes', 'maybe', 'no'),
  get_color_temperature: row('yes', 'yes', 'maybe', 'no'),
  set_brightness: EVERYWHERE,
  set_color_temperature: EVERYWHERE,
  set_motion_timer: row('maybe', 'maybe', 'yes', 'yes'),
  set_motion_sensitivity: row('maybe', 'maybe', 'yes', 'yes'),
  set_brightness_sensor_setting: row('maybe', 'maybe', 'yes', 'yes'),
  get_device_info: EVERYWHERE,
  get_current_rotation: EVERYWHERE,
  reset_brightness: row('no', 'no', 'no', 'yes'),
  get_art_picture_mode: row('no', 'no', 'no', 'yes'),
  set_art_picture_mode: row('no', 'no', 'no', 'yes'),
  get_content_matte_list: row('no', 'no', 'no', 'yes'),
  get_content_list: EVERYWHERE,
  get_current_artwork: EVERYWHERE,
  select_image: EVERYWHERE,
  delete_image_list: EVERYWHERE,
  get_matte_list: EVERYWHERE,
  change_matte: EVERYWHERE,
  get_photo_filter_list: EVERYWHERE,
  set_photo_filter: EVERYWHERE,
  change_favorite: EVERYWHERE,
  get_slideshow_status: row('no', 'no', 'yes', 'yes'),
  set_slideshow_status: row('no', 'no', 'yes', 'yes'),
  get_auto_rotation_status: row('yes', 'yes', 'no', 'no'),
  set_auto_rotation_status: row('yes', 'yes', 'no', 'no'),
  get_thumbnail_list: row('no', 'no', 'yes', 'yes'),
  get_thumbnail: row('yes', 'yes', 'no', 'no'),
  send_image: row('no', 'yes', 'yes', 'yes'),
  [INBAND_UPLOAD]: row('yes', 'no', 'no', 'no'),
};

/** Every request name the capability layer tracks, in a stable order. */
export const TRACKED_REQUESTS: readonly string[] = Object.keys(TABLE);

/**
 * Requests every generation has (art mode, content, mattes…). Only an explicit NOT_SUPPORTED
 * (-9) marks these unsupported: silence or -1 there is the TV struggling (§7 Q2, Q3), and
 * latching would cut Docent off from the TV's core for good.
 */
export function isCoreRequest(request: string): boolean {
  const found = TABLE[request];

  return found !== undefined && Object.values(found).every((e) => e === 'yes');
}

export function expectation(request: string, generation: ArtGeneration | null): Expectation {
  if (generation === null) {
    return 'maybe';
  }

  return TABLE[request]?.[generation] ?? 'maybe';
}

/**
 * `0.97` → 0.97 family, `2.03` → 2.x, `4.3.4.0` → 4.x, `5.0.1.0` → 5.x (§3.4). Unknown majors
 * above 5 are treated as 5.x, the newest shape known.
 */
export function generationOf(apiVersion: string): ArtGeneration | null {
  const major = Number.parseInt(apiVersion.split('.')[0] ?? '', 10);
  if (Number.isNaN(major)) {
    return null;
  }
  if (major === 0) {
    return '0.97';
  }
  if (major < 4) {
    return '2.x';
  }

  return major === 4 ? '4.x' : '5.x';
}

/**
 * A guess from the REST model code (`19_MUSEM_FRAME`, `22_PONTUSM_FTV`, `25_PTM_FTV`, §1.2),
 * used until the art channel tells the API version.
 */
export function generationOfModel(modelCode: string): ArtGeneration | null {
  const year = Number.parseInt(/^(\d{2})_/.exec(modelCode)?.[1] ?? '', 10);
  if (Number.isNaN(year)) {
    return null;
  }
  if (year <= 19) {
    return '0.97';
  }
  if (year <= 21) {
    return '2.x';
  }

  return year <= 24 ? '4.x' : '5.x';
}
