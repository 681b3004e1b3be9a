/**
 * The HA entities of one TV, declared as data. discovery.ts walks this table; nothing else builds
 * entity configs. Platform rules: home-assistant.md §2.1–2.6; the checklist in §6.
 *
 * Commands all go to `docent/<tv>/command` as the JSON that commands.ts parses, so there is one
 * parser whatever the source. States are read from the retained `docent/<tv>/state` JSON
 * (snake_case, written by the TV session) through `value_template`.
 */
import type { TvTopics } from './topics.js';

export type EntityPlatform = 'switch' | 'select' | 'binary_sensor' | 'sensor' | 'image' | 'button';

/** The TV topics an entity may point at (the string-valued members of TvTopics). */
export type TvTopicName = 'state' | 'command' | 'imageCurrent' | 'availability';

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
  /** Fixed discovery keys: templates, payloads, content types. */
  fixed: Record<string, string>;
  /** Select options taken from the TV descriptor. */
  options?: 'artwork' | 'matte';
  /** Offered only when the TV session has this feature (AI descriptions need an API key). */
  requires?: 'ai';
}

export const ENTITIES: readonly EntitySpec[] = [
  {
    key: 'art_mode',
    platform: 'switch',
    name: 'Art mode',
    icon: 'mdi:palette',
    needsTv: true,
    topics: { state_topic: 'state', command_topic: 'command' },
    fixed: {
      // `null` art mode renders as "None", which HA reads as unknown.
      value_template: '{{ value_json.art_mode }}',
      state_on: 'on',
      state_off: 'off',
      payload_on: '{"action":"art_mode","on":true}',
      payload_off: '{"action":"art_mode","on":false}',
    },
  },
  {
    key: 'artwork',
    platform: 'select',
    name: 'Artwork',
    icon: 'mdi:image-frame',
    needsTv: true,
    topics: { state_topic: 'state', command_topic: 'command' },
    fixed: {
      value_template: '{{ value_json.artwork }}',
      command_template: '{"action":"select","content_id":{{ value | tojson }}}',
    },
    options: 'artwork',
  },
  {
    key: 'matte',
    platform: 'select',
    name: 'Matte',
    icon: 'mdi:border-all-variant',
    entityCategory: 'config',
    needsTv: true,
    topics: { state_topic: 'state', command_topic: 'command' },
    fixed: {
      value_template: '{{ value_json.matte }}',
      command_template: '{"action":"matte","matte_id":{{ value | tojson }}}',
    },
    options: 'matte',
  },
  {
    key: 'connection',
    platform: 'binary_sensor',
    name: 'Connection',
    deviceClass: 'connectivity',
    entityCategory: 'diagnostic',
    needsTv: false,
    topics: { state_topic: 'state' },
    fixed: {
      value_template: "{{ 'ON' if value_json.connection == 'ready' else 'OFF' }}",
      payload_on: 'ON',
      payload_off: 'OFF',
    },
  },
  {
    key: 'current_artwork',
    platform: 'sensor',
    name: 'Current artwork',
    icon: 'mdi:image-outline',
    needsTv: true,
    topics: { state_topic: 'state', json_attributes_topic: 'state' },
    fixed: {
      // Content ids are short, but the slice keeps the state within HA's 255 characters (§2.12).
      value_template: "{{ value_json.current.content_id[:255] if value_json.current else 'None' }}",
      json_attributes_template: '{{ (value_json.current or {}) | tojson }}',
    },
  },
  {
    key: 'current_image',
    platform: 'image',
    name: 'Current artwork image',
    icon: 'mdi:image-frame',
    needsTv: true,
    topics: { image_topic: 'imageCurrent' },
    fixed: { content_type: 'image/jpeg' },
  },
  {
    key: 'refresh_catalog',
    platform: 'button',
    name: 'Refresh catalogue',
    icon: 'mdi:refresh',
    entityCategory: 'config',
    needsTv: true,
    topics: { command_topic: 'command' },
    fixed: { payload_press: '{"action":"refresh"}' },
  },
  {
    key: 'description',
    platform: 'sensor',
    name: 'Artwork description',
    icon: 'mdi:text-box-outline',
    needsTv: false,
    requires: 'ai',
    topics: { state_topic: 'state', json_attributes_topic: 'state' },
    fixed: {
      // The summary is already cut to HA's 255 characters; the full text is in the attributes.
      value_template: "{{ value_json.description.summary if value_json.description else 'None' }}",
      json_attributes_template: '{{ (value_json.description or {}) | tojson }}',
    },
  },
  {
    key: 'describe',
    platform: 'button',
    name: 'Describe artwork',
    icon: 'mdi:text-recognition',
    needsTv: false,
    requires: 'ai',
    topics: { command_topic: 'command' },
    fixed: { payload_press: '{"action":"describe"}' },
  },
];

export function resolveTopic(topics: TvTopics, name: TvTopicName): string {
  switch (name) {
    case 'state':
      return topics.state;
    case 'command':
      return topics.command;
    case 'imageCurrent':
      return topics.imageCurrent;
    case 'availability':
      return topics.availability;
  }
}
