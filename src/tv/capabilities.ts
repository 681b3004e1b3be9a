import { EventEmitter } from 'node:events';
import type { Logger } from '../log.js';
import { type Clock, systemClock } from '../util/clock.js';
import {
  type CapabilitySnapshot,
  type CapabilityStore,
  emptySnapshot,
  type RequestObservation,
  type UnsupportedReason,
} from './capability-store.js';
import {
  type ArtGeneration,
  expectation,
  generationOf,
  generationOfModel,
  INBAND_UPLOAD,
  TRACKED_REQUESTS,
} from './capability-table.js';

export type { CapabilitySnapshot, UnsupportedReason } from './capability-store.js';
export type { ArtGeneration } from './capability-table.js';

/** Docent's verdict on one request or feature for this TV. */
export type Support = 'supported' | 'unsupported' | 'unknown';

/**
 * What the HA layer offers as entities. A feature is `supported` once the TV answered one of
 * its requests, `unsupported` when every way to do it is known absent, else `unknown`.
 */
export type ArtFeature =
  | 'art_mode'
  | 'artworks'
  | 'current_artwork'
  | 'select'
  | 'mattes'
  | 'favourites'
  | 'photo_filters'
  | 'delete'
  | 'slideshow'
  | 'art_mode_settings'
  | 'brightness'
  | 'color_temperature'
  | 'motion_timer'
  | 'motion_sensitivity'
  | 'brightness_sensor'
  | 'thumbnails'
  | 'upload';

/** Settings items of `get_artmode_settings` are tracked as `setting:<item>` (§3.5). */
const SETTING_PREFIX = 'setting:';
export const settingKey = (item: string): string => `${SETTING_PREFIX}${item}`;

/** Each feature: ways to read it (any one suffices) and, where there is one, the write. */
const FEATURES: Readonly<Record<ArtFeature, { read: string[]; write?: string }>> = {
  art_mode: { read: ['get_artmode_status'], write: 'set_artmode_status' },
  artworks: { read: ['get_content_list'] },
  current_artwork: { read: ['get_current_artwork'] },
  select: { read: ['select_image'] },
  mattes: { read: ['get_matte_list'], write: 'change_matte' },
  favourites: { read: ['change_favorite'] },
  photo_filters: { read: ['get_photo_filter_list'], write: 'set_photo_filter' },
  delete: { read: ['delete_image_list'] },
  slideshow: { read: ['get_slideshow_status', 'get_auto_rotation_status'] },
  art_mode_settings: { read: ['get_artmode_settings'] },
  brightness: {
    read: [settingKey('brightness'), 'get_brightness'],
    write: 'set_brightness',
  },
  color_temperature: {
    read: [settingKey('color_temperature'), 'get_color_temperature'],
    write: 'set_color_temperature',
  },
  motion_timer: { read: [settingKey('motion_timer')], write: 'set_motion_timer' },
  motion_sensitivity: {
    read: [settingKey('motion_sensitivity')],
    write: 'set_motion_sensitivity',
  },
  brightness_sensor: {
    read: [settingKey('brightness_sensor_setting')],
    write: 'set_brightness_sensor_setting',
  },
  thumbnails: { read: ['get_thumbnail_list', 'get_thumbnail'] },
  // d2d (§4.3) or, on 0.97, in-band (§4.5): either path makes uploads work.
  upload: { read: ['send_image', INBAND_UPLOAD] },
};

export const ART_FEATURES = Object.keys(FEATURES) as ArtFeature[];

/** SYSTEM_FAIL also covers transient failures (§7 Q2): latch only after this many in a row. */
const SYSTEM_FAIL_STRIKES = 2;
/** A latched "unsupported" is asked again once after this long (a bad moment, a quiet update). */
const DEFAULT_RECHECK_AFTER_MS = 7 * 86_400_000;

export interface TvCapabilitiesDeps {
  store?: CapabilityStore;
  logger: Logger;
  /** Time of observations and of their re-check; default the system clock. */
  clock?: Clock;
  /** How old a latched "unsupported" may get before the request is tried again. Default 7 days. */
  recheckAfterMs?: number;
}

export interface TvCapabilitiesEvents {
  change: () => void;
}

/**
 * Per-TV capabilities: the generation (from the API version, else the model code) says what is
 * expected; what the TV answered says what is true. Observations persist through `store`.
 * A latched "unsupported" is forgotten when the API version changes (firmware update) and is
 * re-tried once when older than `recheckAfterMs`: until the TV refuses it again (which latches
 * it afresh, without new strikes) or answers it, the generation's expectation stands in.
 */
export class TvCapabilities {
  private snapshot: CapabilitySnapshot = emptySnapshot();
  private readonly strikes = new Map<string, number>();
  private readonly emitter = new EventEmitter();
  private saving: Promise<void> = Promise.resolve();
  private readonly clock: Clock;
  private readonly recheckAfterMs: number;

  constructor(private readonly deps: TvCapabilitiesDeps) {
    this.clock = deps.clock ?? systemClock;
    this.recheckAfterMs = deps.recheckAfterMs ?? DEFAULT_RECHECK_AFTER_MS;
  }

  /** Reads what an earlier run learned. A broken file is logged and starts afresh. */
  async load(): Promise<void> {
    try {
      const saved = await this.deps.store?.load();
      if (saved) {
        this.snapshot = saved;
      }
    } catch (err) {
      this.deps.logger.warn({ err }, 'tv capabilities not loaded, starting afresh');
    }
  }

  get apiVersion(): string | null {
    return this.snapshot.apiVersion;
  }

  get model(): string | null {
    return this.snapshot.model;
  }

  get mac(): string | null {
    return this.snapshot.mac;
  }

  get slideshowApi(): 'slideshow' | 'auto_rotation' | null {
    return this.snapshot.slideshowApi;
  }

  get artToken(): 'without' | 'with' | null {
    return this.snapshot.artToken;
  }

  /** From the API version when known, else guessed from the REST model code. */
  get generation(): ArtGeneration | null {
    if (this.snapshot.apiVersion) {
      return generationOf(this.snapshot.apiVersion);
    }

    return this.snapshot.model ? generationOfModel(this.snapshot.model) : null;
  }

  /** A new API version (firmware update) forgets earlier observations: they may not hold. */
  setApiVersion(apiVersion: string): void {
    if (this.snapshot.apiVersion === apiVersion) {
      return;
    }
    if (this.snapshot.apiVersion !== null) {
      this.deps.logger.info(
        { apiVersion, previous: this.snapshot.apiVersion },
        'tv api version changed, capabilities reset',
      );
      this.snapshot.requests = {};
      this.snapshot.slideshowApi = null;
      this.strikes.clear();
    }
    this.snapshot.apiVersion = apiVersion;
    this.changed();
  }

  setDeviceFacts(facts: { model: string | null; mac: string | null }): void {
    const model = facts.model ?? this.snapshot.model;
    const mac = facts.mac ?? this.snapshot.mac;
    if (model === this.snapshot.model && mac === this.snapshot.mac) {
      return;
    }

    this.snapshot.model = model;
    this.snapshot.mac = mac;
    this.changed();
  }

  setSlideshowApi(api: 'slideshow' | 'auto_rotation'): void {
    if (this.snapshot.slideshowApi === api) {
      return;
    }

    this.snapshot.slideshowApi = api;
    this.deps.logger.info({ api }, 'tv slideshow api detected');
    this.changed();
  }

  setArtToken(mode: 'without' | 'with'): void {
    if (this.snapshot.artToken === mode) {
      return;
    }

    this.snapshot.artToken = mode;
    this.changed();
  }

  /** What the TV answered, or else what its generation leads Docent to expect. */
  supportOf(request: string): Support {
    const observed = this.snapshot.requests[request];
    if (observed && !this.isDue(observed)) {
      return observed.support;
    }

    // Settings items exist only inside `get_artmode_settings` (§3.5).
    if (request.startsWith(SETTING_PREFIX)) {
      return this.supportOf('get_artmode_settings') === 'unsupported' ? 'unsupported' : 'unknown';
    }
    const expected = expectation(request, this.generation);
    if (expected === 'no') {
      return 'unsupported';
    }

    return expected === 'yes' ? 'supported' : 'unknown';
  }

  /** Whether this request was actually seen answered or refused (not only expected). */
  observed(request: string): RequestObservationView | null {
    const observed = this.snapshot.requests[request];

    return observed ? { support: observed.support, reason: observed.reason } : null;
  }

  /** Whether Docent should send this request at all. */
  isOffered(request: string): boolean {
    return this.supportOf(request) !== 'unsupported';
  }

  noteAnswered(request: string): void {
    this.strikes.delete(request);
    this.record(request, 'supported', null);
  }

  /**
   * A refusal: -9 latches at once; -1 only after repeated failures with no success in
   * between, since it also covers transient failures (§7 Q2); silence only when the caller
   * proved the channel alive right after (§7 Q4).
   */
  noteUnsupported(request: string, reason: UnsupportedReason): boolean {
    // A verdict being re-checked that fails again is confirmed at once: the strikes were made.
    const rechecking = this.snapshot.requests[request]?.support === 'unsupported';
    if (reason === 'system_fail' && !rechecking) {
      const strikes = (this.strikes.get(request) ?? 0) + 1;
      this.strikes.set(request, strikes);
      if (strikes < SYSTEM_FAIL_STRIKES) {
        return false;
      }
    }

    this.record(request, 'unsupported', reason);

    return true;
  }

  feature(feature: ArtFeature): Support {
    const spec = FEATURES[feature];
    if (spec.write && this.supportOf(spec.write) === 'unsupported') {
      return 'unsupported';
    }
    const reads = spec.read.map((request) => this.supportOf(request));
    if (reads.some((s) => s === 'supported')) {
      return 'supported';
    }
    if (reads.every((s) => s === 'unsupported')) {
      return 'unsupported';
    }

    return 'unknown';
  }

  /** Every feature's verdict, for the HA layer to hide entities. */
  features(): Record<ArtFeature, Support> {
    const result = {} as Record<ArtFeature, Support>;
    for (const feature of ART_FEATURES) {
      result[feature] = this.feature(feature);
    }

    return result;
  }

  /** Every tracked request's verdict (observed, else expected), in a stable order. */
  requests(): Record<string, Support> {
    const names = new Set([...TRACKED_REQUESTS, ...Object.keys(this.snapshot.requests)]);
    const result: Record<string, Support> = {};
    for (const name of names) {
      result[name] = this.supportOf(name);
    }

    return result;
  }

  toJSON(): CapabilitySnapshot {
    return structuredClone(this.snapshot);
  }

  on<K extends keyof TvCapabilitiesEvents>(event: K, listener: TvCapabilitiesEvents[K]): this {
    this.emitter.on(event, listener);

    return this;
  }

  off<K extends keyof TvCapabilitiesEvents>(event: K, listener: TvCapabilitiesEvents[K]): this {
    this.emitter.off(event, listener);

    return this;
  }

  /** Resolves once every change so far is on disk. */
  async flush(): Promise<void> {
    await this.saving;
  }

  private record(
    request: string,
    support: 'supported' | 'unsupported',
    reason: UnsupportedReason | null,
  ): void {
    const previous = this.snapshot.requests[request];
    if (previous?.support === support && previous.reason === reason && !this.isDue(previous)) {
      return;
    }

    const at = new Date(this.clock.now()).toISOString();
    this.snapshot.requests[request] = { support, reason, at };
    const log = this.deps.logger;
    if (support === 'unsupported') {
      log.info({ request, reason }, 'tv request unsupported');
    } else {
      log.debug({ request }, 'tv request supported');
    }
    this.changed();
  }

  /** A latched "unsupported" old enough to be asked again. */
  private isDue(observation: RequestObservation): boolean {
    if (observation.support !== 'unsupported') {
      return false;
    }
    const atMs = Date.parse(observation.at);

    return Number.isNaN(atMs) || this.clock.now() - atMs >= this.recheckAfterMs;
  }

  private changed(): void {
    const snapshot = structuredClone(this.snapshot);
    const store = this.deps.store;
    if (store) {
      this.saving = this.saving
        .then(() => store.save(snapshot))
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'tv capabilities not saved'));
    }
    try {
      this.emitter.emit('change');
    } catch (err) {
      this.deps.logger.error({ err }, 'tv capabilities listener threw');
    }
  }
}

export interface RequestObservationView {
  support: 'supported' | 'unsupported';
  reason: UnsupportedReason | null;
}
