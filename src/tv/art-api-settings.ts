import { z } from 'zod';
import { DocentError } from '../errors.js';
import { type ArtRequester, isErrorCode } from './art-requester.js';
import {
  checkEcho,
  numberLike,
  onOffText,
  parseNested,
  parseReply,
  textLike,
} from './art-schemas.js';
import { settingKey } from './capabilities.js';
import { TvRequestError } from './errors.js';

/** A numeric art-mode setting with the range the TV reported (null: the TV did not say). */
export interface RangeSetting {
  value: number;
  min: number | null;
  max: number | null;
}

/** `get_artmode_settings` in Docent's words; an item the TV does not list is null (§3.5). */
export interface ArtModeSettings {
  brightness: RangeSetting | null;
  colorTemperature: RangeSetting | null;
  motionSensitivity: RangeSetting | null;
  /** `off` or minutes as text, with the values this TV accepts. */
  motionTimer: { value: string; validValues: string[] } | null;
  brightnessSensor: 'on' | 'off' | null;
  /** Which request answered: the 4.x+ settings list, or the old single getters. */
  source: 'artmode_settings' | 'single_getters';
}

/** §3.5: motion timer values when the TV sends no `valid_values` (DEC adds `always`, `180`). */
const DEFAULT_MOTION_TIMERS = ['off', '5', '15', '30', '60', '120', '240'];

const itemSchema = z.looseObject({
  item: z.string(),
  value: z.union([z.string(), z.number()]).transform(String),
  min: numberLike.optional(),
  max: numberLike.optional(),
  valid_values: z.union([z.string(), z.array(z.string())]).optional(),
});
const settingsReplySchema = z.looseObject({ data: z.union([z.string(), z.array(z.unknown())]) });
const valueReplySchema = z.looseObject({ value: numberLike });
/** Text setters echo `value` (§3.5); sets that leave it out are taken at their word. */
const textEchoSchema = z.looseObject({ value: textLike.optional() });
const onOffEchoSchema = z.looseObject({ value: onOffText.optional() });
const resetReplySchema = z.looseObject({ brightness_value: numberLike });
const pictureModeReplySchema = z.looseObject({ art_picture_mode: numberLike });
/** §3.5: the setter echoes the mode as `value`; a set that leaves it out is taken at its word. */
const pictureModeEchoSchema = z.looseObject({ value: numberLike.optional() });
const validValuesSchema = z.array(z.union([z.string(), z.number()]).transform(String));

/**
 * Brightness, colour temperature, motion timer/sensitivity and the brightness sensor. Ranges
 * come from the TV (0–10 on some sets, 0–50 on others, §3.5) and every write is checked against
 * them before the TV is asked.
 */
export class ArtSettingsApi {
  private last: ArtModeSettings | null = null;

  constructor(private readonly requester: ArtRequester) {}

  /** The last settings read, without asking the TV. */
  get cached(): ArtModeSettings | null {
    return this.last;
  }

  /** `get_artmode_settings` (4.x+), else `get_brightness` / `get_color_temperature` (old). */
  async get(): Promise<ArtModeSettings> {
    await this.requester.beforeChoice();
    const caps = this.requester.capabilities;
    if (caps.isOffered('get_artmode_settings')) {
      try {
        this.last = await this.readSettingsList();

        return this.last;
      } catch (err) {
        if (caps.isOffered('get_artmode_settings') || !isFallbackWorthy(err)) {
          throw err;
        }
      }
    }

    this.last = await this.readSingleGetters();

    return this.last;
  }

  async setBrightness(value: number): Promise<number> {
    const range = (await this.known()).brightness;
    checkRange('brightness', value, range);
    const reply = await this.requester.call('set_brightness', { value });
    const echoed = parseReply('set_brightness', valueReplySchema, reply).value;
    this.update({
      brightness: { value: echoed, min: range?.min ?? null, max: range?.max ?? null },
    });

    return echoed;
  }

  async setColorTemperature(value: number): Promise<number> {
    const range = (await this.known()).colorTemperature;
    checkRange('color temperature', value, range);
    const reply = await this.requester.call('set_color_temperature', { value });
    const echoed = parseReply('set_color_temperature', valueReplySchema, reply).value;
    this.update({
      colorTemperature: { value: echoed, min: range?.min ?? null, max: range?.max ?? null },
    });

    return echoed;
  }

  /** Values are text (`"off"`, `"15"`…); only those the TV listed are sent. */
  async setMotionTimer(value: string): Promise<void> {
    const timer = (await this.known()).motionTimer;
    const allowed = timer?.validValues ?? DEFAULT_MOTION_TIMERS;
    if (!allowed.includes(value)) {
      throw invalidValue('motion timer', value, allowed.join(', '));
    }

    const request = 'set_motion_timer';
    const reply = await this.requester.call(request, { value });
    checkEcho(request, 'value', value, parseReply(request, textEchoSchema, reply).value);
    this.update({ motionTimer: { value, validValues: allowed } });
  }

  /** Sent as text (`"1"`–`"3"`, §3.5). */
  async setMotionSensitivity(value: number): Promise<void> {
    const range = (await this.known()).motionSensitivity ?? { value, min: 1, max: 3 };
    checkRange('motion sensitivity', value, range);

    const request = 'set_motion_sensitivity';
    const reply = await this.requester.call(request, { value: String(value) });
    checkEcho(request, 'value', String(value), parseReply(request, textEchoSchema, reply).value);
    this.update({ motionSensitivity: { ...range, value } });
  }

  async setBrightnessSensor(on: boolean): Promise<void> {
    const request = 'set_brightness_sensor_setting';
    const value = on ? 'on' : 'off';
    const reply = await this.requester.call(request, { value });
    checkEcho(request, 'value', value, parseReply(request, onOffEchoSchema, reply).value);
    this.update({ brightnessSensor: value });
  }

  /** Back to the TV's default brightness (5.x, DEC); resolves with the new value. */
  async resetBrightness(): Promise<number> {
    const request = 'reset_brightness';
    const reply = await this.requester.call(request);
    const value = parseReply(request, resetReplySchema, reply).brightness_value;
    const range = this.last?.brightness;
    this.update({ brightness: { value, min: range?.min ?? null, max: range?.max ?? null } });

    return value;
  }

  /** Art picture mode (5.x, DEC): a small integer whose meaning the sources do not give. */
  async getArtPictureMode(): Promise<number> {
    const request = 'get_art_picture_mode';
    const reply = await this.requester.call(request);

    return parseReply(request, pictureModeReplySchema, reply).art_picture_mode;
  }

  async setArtPictureMode(mode: number): Promise<void> {
    if (!Number.isInteger(mode) || mode < 0) {
      throw invalidValue('art picture mode', String(mode), 'a whole number ≥ 0');
    }

    const request = 'set_art_picture_mode';
    const reply = await this.requester.call(request, { art_picture_mode: mode });
    const echoed = parseReply(request, pictureModeEchoSchema, reply).value;
    checkEcho(request, 'value', String(mode), echoed === undefined ? undefined : String(echoed));
  }

  private async known(): Promise<ArtModeSettings> {
    return this.last ?? this.get();
  }

  private update(patch: Partial<ArtModeSettings>): void {
    if (this.last) {
      this.last = { ...this.last, ...patch };
    }
  }

  private async readSettingsList(): Promise<ArtModeSettings> {
    const request = 'get_artmode_settings';
    const reply = await this.requester.call(request);
    const items = parseNested(
      request,
      z.array(itemSchema),
      parseReply(request, settingsReplySchema, reply).data,
    );
    const byName = new Map(items.map((item) => [item.item, item]));
    const caps = this.requester.capabilities;
    for (const item of ['brightness', 'color_temperature', 'motion_sensitivity', 'motion_timer']) {
      if (byName.has(item)) caps.noteAnswered(settingKey(item));
      else caps.noteUnsupported(settingKey(item), 'not_supported');
    }
    const sensorItem = 'brightness_sensor_setting';
    if (byName.has(sensorItem)) caps.noteAnswered(settingKey(sensorItem));
    else caps.noteUnsupported(settingKey(sensorItem), 'not_supported');

    const timer = byName.get('motion_timer');
    const sensor = byName.get(sensorItem);

    return {
      brightness: toRange(request, byName.get('brightness')),
      colorTemperature: toRange(request, byName.get('color_temperature')),
      motionSensitivity: toRange(request, byName.get('motion_sensitivity')),
      motionTimer: timer
        ? {
            value: timer.value,
            validValues:
              timer.valid_values === undefined
                ? DEFAULT_MOTION_TIMERS
                : parseNested(request, validValuesSchema, timer.valid_values),
          }
        : null,
      brightnessSensor: sensor ? parseReply(request, onOffText, sensor.value) : null,
      source: 'artmode_settings',
    };
  }

  private async readSingleGetters(): Promise<ArtModeSettings> {
    const brightness = await this.readSingle('get_brightness');
    const colorTemperature = await this.readSingle('get_color_temperature');
    if (brightness === null && colorTemperature === null) {
      throw new DocentError('TV_UNSUPPORTED', 'this TV reports no art mode settings');
    }

    // Old firmware gives no ranges; 0–10 is what clients of older sets use (§3.5, FOX).
    return {
      brightness: brightness === null ? null : { value: brightness, min: 0, max: 10 },
      colorTemperature:
        colorTemperature === null ? null : { value: colorTemperature, min: null, max: null },
      motionSensitivity: null,
      motionTimer: null,
      brightnessSensor: null,
      source: 'single_getters',
    };
  }

  private async readSingle(request: string): Promise<number | null> {
    if (!this.requester.capabilities.isOffered(request)) {
      return null;
    }
    try {
      const reply = await this.requester.call(request, {}, { timeoutMs: 2000 });

      return parseReply(request, valueReplySchema, reply).value;
    } catch (err) {
      if (isFallbackWorthy(err)) {
        return null;
      }
      throw err;
    }
  }
}

function toRange(
  request: string,
  item: z.output<typeof itemSchema> | undefined,
): RangeSetting | null {
  if (!item) {
    return null;
  }

  return {
    value: parseReply(request, numberLike, item.value),
    min: item.min ?? null,
    max: item.max ?? null,
  };
}

/** Failures after which another request family may still work. */
export function isFallbackWorthy(err: unknown): boolean {
  return (
    isErrorCode(err, 'TV_UNSUPPORTED') ||
    isErrorCode(err, 'TV_TIMEOUT') ||
    (err instanceof TvRequestError && (err.tvErrorCode === '-1' || err.tvErrorCode === '-9'))
  );
}

function checkRange(what: string, value: number, range: RangeSetting | null): void {
  if (!Number.isInteger(value)) {
    throw invalidValue(what, String(value), 'an integer');
  }
  if (range?.min != null && value < range.min) {
    throw invalidValue(what, String(value), `${range.min}–${range.max ?? '…'}`);
  }
  if (range?.max != null && value > range.max) {
    throw invalidValue(what, String(value), `${range.min ?? '…'}–${range.max}`);
  }
}

function invalidValue(what: string, value: string, allowed: string): DocentError {
  return new DocentError('TV_INVALID_VALUE', `${what} ${value} not accepted (allowed: ${allowed})`);
}
