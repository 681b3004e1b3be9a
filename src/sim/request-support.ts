import type { ArtGeneration } from './profile.js';
import { FIVE_X_REQUESTS } from './requests-5x.js';

type Support = readonly ArtGeneration[];

const ALL: Support = ['0.97', '2.x', '4.x', '5.x'];
const OLD: Support = ['0.97', '2.x'];
const UP_TO_4: Support = ['0.97', '2.x', '4.x'];
const NEW: Support = ['4.x', '5.x'];
const ONLY_5: Support = ['5.x'];

/**
 * Which generation implements which request (frame-protocol §3.4, §3.5): old names on 0.97/2.x,
 * settings and thumbnail lists from 4.x, the 5.x additions and the names 5.x dropped (DEC).
 * Requests a 4.x set knows but never answers are the profile's `silentRequests`.
 */
const SUPPORT: Record<string, Support> = {
  api_version: ALL,
  get_api_version: UP_TO_4,
  get_device_info: ALL,
  get_artmode_status: ALL,
  set_artmode_status: ALL,
  get_artmode_settings: NEW,
  get_brightness: UP_TO_4,
  set_brightness: ALL,
  get_color_temperature: UP_TO_4,
  set_color_temperature: ALL,
  set_motion_timer: NEW,
  set_motion_sensitivity: NEW,
  set_brightness_sensor_setting: NEW,
  reset_brightness: ONLY_5,
  get_current_rotation: ALL,
  get_art_picture_mode: ONLY_5,
  set_art_picture_mode: ONLY_5,
  get_content_list: ALL,
  get_current_artwork: ALL,
  select_image: ALL,
  delete_image_list: ALL,
  get_matte_list: ALL,
  change_matte: ALL,
  get_content_matte_list: ONLY_5,
  get_photo_filter_list: ALL,
  set_photo_filter: ALL,
  change_favorite: ALL,
  get_slideshow_status: NEW,
  set_slideshow_status: NEW,
  get_auto_rotation_status: UP_TO_4,
  set_auto_rotation_status: OLD,
  get_thumbnail_list: NEW,
  get_thumbnail: UP_TO_4,
  send_image: ALL,
  ...Object.fromEntries(FIVE_X_REQUESTS.map((name) => [name, ONLY_5])),
};

export function isImplemented(request: string, generation: ArtGeneration): boolean {
  return SUPPORT[request]?.includes(generation) ?? false;
}

/** Every request name the simulator knows, for `--help` and the control API. */
export const KNOWN_REQUESTS: readonly string[] = Object.keys(SUPPORT);
