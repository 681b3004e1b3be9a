/**
 * The optional art features of one TV as Home Assistant sees them: brightness and colour
 * temperature (with the TV's ranges), photo filters, favourites and the slideshow. An entity is
 * offered unless the TV's capabilities say the feature is unsupported; dropping it from
 * discovery removes it from HA.
 *
 * Features still `unknown` are offered, so entities do not vanish and come back (losing their
 * registry settings) while a TV that was never asked is being read. What was read is kept in
 * `snapshot()`, so a restart shows it before the TV answers.
 */
import type { Logger } from '../log.js';
import type { JobOutcome } from '../queue/types.js';
import type { FrameArtApi } from '../tv/art-api.js';
import type { ArtModeSettings, RangeSetting } from '../tv/art-api-settings.js';
import type { ArtFeature } from '../tv/capabilities.js';

/** A number entity's range. */
export interface RangeView {
  min: number;
  max: number;
}

/** What the descriptor needs to decide which optional entities exist and how they look. */
export interface OfferedFeatures {
  brightness: RangeView | null;
  colorTemperature: RangeView | null;
  /** Photo filter ids the TV listed (`none` until read); null: not offered. */
  photoFilters: string[] | null;
  favourites: boolean;
  slideshow: boolean;
}

/** The features' part of the state payload, for the current artwork. */
export interface FeatureState {
  brightness: number | null;
  colorTemperature: number | null;
  /** The filter Docent last applied to the current artwork (the TV does not report it). */
  photoFilter: string | null;
  /** Whether the current artwork is a favourite; null while the favourites are not known. */
  favourite: 'on' | 'off' | null;
}

/** What the features keep between runs (session-store.ts). */
export interface FeatureSnapshot {
  brightness: RangeSetting | null;
  colorTemperature: RangeSetting | null;
  photoFilters: string[] | null;
  favourites: string[] | null;
  applied: { contentId: string; filterId: string } | null;
}

/** The TV's favourites category (frame-protocol.md §3.7). */
export const FAVOURITES_CATEGORY = 'MY-C0004';

export interface TvFeaturesDeps {
  api: FrameArtApi;
  enqueueSync(name: string, run: () => Promise<unknown>): Promise<JobOutcome<unknown>>;
  currentContentId(): string | null;
  /** Favourites were read from the TV (the browser's favourites filter uses them too). */
  onFavourites(contentIds: readonly string[]): void;
  /** Offered entities or their state changed: discovery and state must follow. */
  onChanged(): void;
  logger: Logger;
}

/** Ranges seen on Frames when the TV does not report one (§3.5: 0–10 on some, 0–50 on others). */
const SMALL_RANGE: RangeView = { min: 0, max: 10 };
const LARGE_RANGE: RangeView = { min: 0, max: 50 };
const COLOR_TEMPERATURE_RANGE: RangeView = { min: -5, max: 5 };

export class TvFeatures {
  private brightness: RangeSetting | null = null;
  private colorTemperature: RangeSetting | null = null;
  private filters: string[] | null = null;
  private favourites: Set<string> | null = null;
  private applied: { contentId: string; filterId: string } | null = null;

  constructor(private readonly deps: TvFeaturesDeps) {
    deps.api.capabilities.on('change', () => deps.onChanged());
  }

  /** What an earlier run read; the TV's answers replace it as they come. */
  restore(snapshot: FeatureSnapshot): void {
    this.brightness = snapshot.brightness;
    this.colorTemperature = snapshot.colorTemperature;
    this.filters = snapshot.photoFilters;
    this.favourites = snapshot.favourites ? new Set(snapshot.favourites) : null;
    this.applied = snapshot.applied;
    if (snapshot.favourites) this.deps.onFavourites(snapshot.favourites);
  }

  snapshot(): FeatureSnapshot {
    return {
      brightness: this.brightness,
      colorTemperature: this.colorTemperature,
      photoFilters: this.filters,
      favourites: this.favourites ? [...this.favourites] : null,
      applied: this.applied,
    };
  }

  /**
   * Reads settings, photo filters and favourites, each as one sync job. A feature the TV lacks
   * fails with TV_UNSUPPORTED and is then hidden through its capabilities; nothing here fails
   * the refresh that called it.
   */
  async read(): Promise<void> {
    const { api } = this.deps;
    const reads: Array<[string, ArtFeature, () => Promise<unknown>]> = [
      [
        'art_settings',
        'art_mode_settings',
        async () => this.settingsRead(await api.settings.get()),
      ],
      [
        'photo_filters',
        'photo_filters',
        async () => {
          this.filters = await api.getPhotoFilters();
        },
      ],
      [
        'favourites',
        'favourites',
        async () =>
          this.setFavourites(
            (await api.getContentList(FAVOURITES_CATEGORY)).map((a) => a.contentId),
          ),
      ],
    ];
    const outcomes = await Promise.all(
      reads.map(async ([name, feature, run]) => {
        if (api.capabilities.feature(feature) === 'unsupported') return null;

        return [name, await this.deps.enqueueSync(name, run)] as const;
      }),
    );
    for (const entry of outcomes) {
      if (entry && entry[1].status === 'error') {
        this.deps.logger.debug({ read: entry[0], code: entry[1].code }, 'tv feature not read');
      }
    }
    this.deps.onChanged();
  }

  offered(): OfferedFeatures {
    const caps = this.deps.api.capabilities;
    const has = (feature: ArtFeature) => caps.feature(feature) !== 'unsupported';

    return {
      brightness: has('brightness') ? rangeOf(this.brightness, null) : null,
      colorTemperature: has('color_temperature')
        ? rangeOf(this.colorTemperature, COLOR_TEMPERATURE_RANGE)
        : null,
      photoFilters: has('photo_filters') ? (this.filters ?? ['none']) : null,
      favourites: has('favourites'),
      slideshow: has('slideshow'),
    };
  }

  state(): FeatureState {
    const current = this.deps.currentContentId();

    return {
      brightness: this.brightness?.value ?? null,
      colorTemperature: this.colorTemperature?.value ?? null,
      photoFilter:
        current !== null && this.applied?.contentId === current ? this.applied.filterId : null,
      favourite:
        current === null || this.favourites === null
          ? null
          : this.favourites.has(current)
            ? 'on'
            : 'off',
    };
  }

  /** Favourites read elsewhere (the browser's favourites filter). */
  setFavourites(contentIds: readonly string[]): void {
    this.favourites = new Set(contentIds);
    this.deps.onFavourites(contentIds);
  }

  favouriteChanged(contentId: string, on: boolean): void {
    const next = new Set(this.favourites ?? []);
    if (on) next.add(contentId);
    else next.delete(contentId);
    this.setFavourites([...next]);
    this.deps.onChanged();
  }

  filterApplied(contentId: string, filterId: string): void {
    this.applied = { contentId, filterId };
    this.deps.onChanged();
  }

  /** A new value from a command's reply or the TV's own broadcast; the range is kept. */
  settingChanged(setting: 'brightness' | 'color_temperature', value: number): void {
    const key = setting === 'brightness' ? 'brightness' : 'colorTemperature';
    const before = this[key];
    this[key] = { value, min: before?.min ?? null, max: before?.max ?? null };
    this.deps.onChanged();
  }

  private settingsRead(settings: ArtModeSettings): void {
    this.brightness = settings.brightness;
    this.colorTemperature = settings.colorTemperature;
  }
}

/**
 * The TV's range when it reported one; else a guess from the value (a value above 10 means the
 * 0–50 scale) or `fallback`.
 */
function rangeOf(setting: RangeSetting | null, fallback: RangeView | null): RangeView {
  if (setting && setting.min !== null && setting.max !== null && setting.min < setting.max) {
    return { min: setting.min, max: setting.max };
  }
  if (fallback) return fallback;

  return setting && setting.value > SMALL_RANGE.max ? LARGE_RANGE : SMALL_RANGE;
}
