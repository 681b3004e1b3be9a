/**
 * The HA entities of one TV, declared as data. discovery.ts walks this table; nothing else builds
 * entity configs. Platform rules: home-assistant.md §2.1–2.6; the checklist in §6.
 *
 * Commands all go to `docent/<tv>/command` as the JSON that commands.ts parses, so there is one
 * parser whatever the source. States are read from the retained `docent/<tv>/state` JSON
 * (snake_case, written by the TV session) through `value_template`.
 */
import { AI_STATUSES } from '../ai/usage-view.js';
import { MAX_SEARCH_CHARS } from './commands.js';
import { ART_FEATURE_ENTITIES } from './entities-art.js';
import type { EntitySpec } from './entity-spec.js';

export type { EntityFeature, EntityPlatform, EntitySpec, TvTopicName } from './entity-spec.js';
export { resolveTopic } from './entity-spec.js';

/** Buttons that act on the TV at once. */
const CONTROL_ENTITIES: readonly EntitySpec[] = [
  {
    key: 'next_artwork',
    platform: 'button',
    name: 'Next artwork',
    icon: 'mdi:skip-next',
    needsTv: true,
    topics: { command_topic: 'command' },
    fixed: { payload_press: '{"action":"next"}' },
  },
  {
    key: 'previous_artwork',
    platform: 'button',
    name: 'Previous artwork',
    icon: 'mdi:skip-previous',
    needsTv: true,
    topics: { command_topic: 'command' },
    fixed: { payload_press: '{"action":"previous"}' },
  },
  {
    key: 'shuffle_artwork',
    platform: 'button',
    name: 'Shuffle artwork',
    icon: 'mdi:shuffle-variant',
    needsTv: true,
    topics: { command_topic: 'command' },
    fixed: { payload_press: '{"action":"shuffle"}' },
  },
  {
    // Needs only the bridge: waking is for when the TV is off (home-assistant.md §1.8).
    key: 'wake',
    platform: 'button',
    name: 'Wake',
    icon: 'mdi:power',
    needsTv: false,
    topics: { command_topic: 'command' },
    fixed: { payload_press: '{"action":"wake"}' },
  },
];

/**
 * Browsing a large catalogue in HA: the search text and the filter narrow the browser select
 * and the artwork select (both bounded, see session/artwork-browser.ts); a pick shows its
 * thumbnail in the preview image; "Show on TV" sends it.
 */
const BROWSER_ENTITIES: readonly EntitySpec[] = [
  {
    key: 'browse_search',
    platform: 'text',
    name: 'Artwork search',
    icon: 'mdi:magnify',
    needsTv: false,
    topics: { state_topic: 'state', command_topic: 'command' },
    fixed: {
      value_template: '{{ value_json.browser.query }}',
      command_template: '{"action":"search","query":{{ value | tojson }}}',
      min: 0,
      max: MAX_SEARCH_CHARS,
      mode: 'text',
    },
  },
  {
    key: 'browse_filter',
    platform: 'select',
    name: 'Artwork filter',
    icon: 'mdi:filter-variant',
    needsTv: false,
    topics: { state_topic: 'state', command_topic: 'command' },
    fixed: {
      value_template: '{{ value_json.browser.filter }}',
      command_template: '{"action":"browse_filter","filter":{{ value | tojson }}}',
    },
    options: 'filter',
  },
  {
    key: 'browse_pick',
    platform: 'select',
    name: 'Browse artwork',
    icon: 'mdi:image-search',
    needsTv: false,
    topics: { state_topic: 'state', command_topic: 'command' },
    fixed: {
      value_template: '{{ value_json.browser.pick }}',
      command_template: '{"action":"browse_pick","content_id":{{ value | tojson }}}',
    },
    options: 'browse',
  },
  {
    key: 'browse_preview',
    platform: 'image',
    name: 'Artwork preview',
    icon: 'mdi:image-search-outline',
    needsTv: false,
    topics: { image_topic: 'imagePreview' },
    fixed: { content_type: 'image/jpeg' },
  },
  {
    key: 'show_pick',
    platform: 'button',
    name: 'Show on TV',
    icon: 'mdi:television-play',
    needsTv: true,
    topics: { command_topic: 'command' },
    fixed: { payload_press: '{"action":"show_pick"}' },
  },
];

/**
 * Docent's own view of one TV (queues, sync, catalogue, errors): bridge availability only, so
 * they stay readable while the TV is gone.
 */
const DIAGNOSTIC_ENTITIES: readonly EntitySpec[] = [
  {
    key: 'thumbnail_sync',
    platform: 'sensor',
    name: 'Thumbnail sync',
    icon: 'mdi:progress-download',
    entityCategory: 'diagnostic',
    needsTv: false,
    topics: { state_topic: 'state', json_attributes_topic: 'state' },
    fixed: {
      value_template:
        '{{ ((100 * value_json.sync.done / value_json.sync.total) | round(0) | int) ' +
        'if value_json.sync.total else 100 }}',
      json_attributes_template: '{{ value_json.sync | tojson }}',
      unit_of_measurement: '%',
      state_class: 'measurement',
    },
  },
  {
    key: 'thumbnails_synced',
    platform: 'sensor',
    name: 'Thumbnails synced',
    icon: 'mdi:image-multiple',
    entityCategory: 'diagnostic',
    needsTv: false,
    topics: { state_topic: 'state' },
    fixed: {
      value_template: '{{ value_json.sync.done }}',
      unit_of_measurement: 'thumbnails',
      state_class: 'measurement',
    },
  },
  {
    key: 'thumbnails_failed',
    platform: 'sensor',
    name: 'Thumbnails failed',
    icon: 'mdi:image-broken-variant',
    entityCategory: 'diagnostic',
    needsTv: false,
    topics: { state_topic: 'state' },
    fixed: {
      value_template: '{{ value_json.sync.failed | default(0) }}',
      unit_of_measurement: 'thumbnails',
      state_class: 'measurement',
    },
  },
  ...(
    [
      ['user', 'User queue'],
      ['sync', 'Sync queue'],
      ['background', 'Background queue'],
    ] as const
  ).map(
    ([lane, name]): EntitySpec => ({
      key: `queue_${lane}`,
      platform: 'sensor',
      name,
      icon: 'mdi:tray-full',
      entityCategory: 'diagnostic',
      needsTv: false,
      topics: { state_topic: 'state' },
      fixed: {
        value_template: `{{ value_json.queue.${lane} }}`,
        unit_of_measurement: 'jobs',
        state_class: 'measurement',
      },
    }),
  ),
  {
    key: 'catalog_size',
    platform: 'sensor',
    name: 'Catalogue size',
    icon: 'mdi:image-album',
    entityCategory: 'diagnostic',
    needsTv: false,
    topics: { state_topic: 'state' },
    fixed: {
      value_template: '{{ value_json.catalog_size }}',
      unit_of_measurement: 'artworks',
      state_class: 'measurement',
    },
  },
  {
    key: 'last_error',
    platform: 'sensor',
    name: 'Last error',
    icon: 'mdi:alert-circle-outline',
    entityCategory: 'diagnostic',
    needsTv: false,
    topics: { state_topic: 'state', json_attributes_topic: 'state' },
    fixed: {
      // The code is short and stable; the message and time are attributes.
      value_template: "{{ value_json.last_error.code if value_json.last_error else 'none' }}",
      json_attributes_template: '{{ (value_json.last_error or {}) | tojson }}',
    },
  },
];

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
  {
    key: 'ai_status',
    platform: 'sensor',
    name: 'AI status',
    icon: 'mdi:robot-outline',
    deviceClass: 'enum',
    entityCategory: 'diagnostic',
    needsTv: false,
    requires: 'ai',
    staticOptions: AI_STATUSES,
    topics: { state_topic: 'state', json_attributes_topic: 'state' },
    fixed: {
      // The last error from the AI service (a refused key, an outage) is an attribute.
      value_template: "{{ value_json.ai.status if value_json.ai else 'ok' }}",
      json_attributes_template: '{{ (value_json.ai or {}) | tojson }}',
    },
  },
  {
    key: 'ai_tokens_today',
    platform: 'sensor',
    name: 'AI tokens today',
    icon: 'mdi:counter',
    entityCategory: 'diagnostic',
    needsTv: false,
    requires: 'ai',
    topics: { state_topic: 'state', json_attributes_topic: 'state' },
    fixed: {
      // Counts from zero each UTC day; the month's count and both caps are attributes.
      value_template: '{{ value_json.ai.tokens_today if value_json.ai else 0 }}',
      json_attributes_template: '{{ (value_json.ai or {}) | tojson }}',
      unit_of_measurement: 'tokens',
      state_class: 'total_increasing',
    },
  },
  ...ART_FEATURE_ENTITIES,
  ...CONTROL_ENTITIES,
  ...BROWSER_ENTITIES,
  ...DIAGNOSTIC_ENTITIES,
];
