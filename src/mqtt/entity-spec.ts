/**
 * The shape of one entity in the entity table (entities.ts, entities-art.ts): what discovery.ts
 * needs to build its config.
 */
import type { TvTopics } from './topics.js';

export type EntityPlatform =
  | 'switch'
  | 'select'
  | 'binary_sensor'
  | 'sensor'
  | 'image'
  | 'button'
  | 'text'
  | 'number';

/** The TV topics an entity may point at (the string-valued members of TvTopics). */
export type TvTopicName = 'state' | 'command' | 'imageCurrent' | 'imagePreview' | 'availability';

export interface EntitySpec {
  /** Stable key: part of `unique_id` (`docent_<tv>_<key>`). Never change it after release. */
  key: string;
  platform: EntityPlatform;
  /** Entity name without the device name (HA prefixes the device name itself, §1.6). */
  name: string;
  icon?: string;
  entityCategory?: 'config' | 'diagnostic';
  deviceClass?: string;
  /**
   * True: available only while both the bridge and the TV are (`availability_mode: all`).
   * False: bridge availability only, e.g. the connectivity sensor must read Disconnected, not
   * Unavailable, when the TV goes (§1.8, checklist item 16).
   */
  needsTv: boolean;
  /** Discovery keys whose value is one of the TV's topics. */
  topics: Partial<Record<string, TvTopicName>>;
  /** Fixed discovery keys: templates, payloads, content types, units, text limits. */
  fixed: Record<string, string | number>;
  /** Select options taken from the TV descriptor. */
  options?: OptionSource;
  /** Options that never change (an enum sensor's states, the slideshow orders). */
  staticOptions?: readonly string[];
  /** A number entity's `min`/`max`, taken from the TV descriptor (the TV's own range). */
  range?: RangeSource;
  /** Offered only when the TV session reports this feature (capabilities, an AI key). */
  requires?: EntityFeature;
}

/** Descriptor lists that become select options. */
export type OptionSource =
  | 'artwork'
  | 'matte'
  | 'browse'
  | 'filter'
  | 'photo_filter'
  | 'slideshow_interval';

export type RangeSource = 'brightness' | 'color_temperature';

/**
 * Optional features an entity may need. `ai` is Docent's own (an API key); the others are what
 * the TV can do, as its capabilities say.
 */
export type EntityFeature =
  | 'ai'
  | 'brightness'
  | 'color_temperature'
  | 'photo_filters'
  | 'favourites'
  | 'slideshow';

export function resolveTopic(topics: TvTopics, name: TvTopicName): string {
  switch (name) {
    case 'state':
      return topics.state;
    case 'command':
      return topics.command;
    case 'imageCurrent':
      return topics.imageCurrent;
    case 'imagePreview':
      return topics.imagePreview;
    case 'availability':
      return topics.availability;
  }
}
