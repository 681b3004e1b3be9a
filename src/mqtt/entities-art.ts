/**
 * Entities for the TV's optional art features and its power and pairing. Each feature entity
 * names the capability it `requires`; a TV that cannot do it (tv/capabilities.ts, as the TV
 * session reports it in the descriptor) is not offered the entity, and discovery removes it.
 */
import type { EntitySpec } from './entity-spec.js';
import { ORDER_SHUFFLE, SLIDESHOW_ORDERS } from './slideshow-labels.js';

/** Power as the TV session reports it (tv/power.ts), in the order HA lists the options. */
export const POWER_STATES = ['off', 'watching', 'art'] as const;

/** Where Docent stands with the TV's pairing prompt (tv/remote-control.ts). */
export const PAIRING_STATES = [
  'none',
  'pending',
  'paired',
  'denied',
  'timeout',
  'revoked',
] as const;

export const ART_FEATURE_ENTITIES: readonly EntitySpec[] = [
  {
    key: 'brightness',
    platform: 'number',
    name: 'Art brightness',
    icon: 'mdi:brightness-6',
    needsTv: true,
    requires: 'brightness',
    range: 'brightness',
    topics: { state_topic: 'state', command_topic: 'command' },
    fixed: {
      value_template: '{{ value_json.brightness }}',
      command_template: '{"action":"brightness","value":{{ value | int }}}',
      step: 1,
      mode: 'slider',
    },
  },
  {
    key: 'color_temperature',
    platform: 'number',
    name: 'Art colour temperature',
    icon: 'mdi:thermometer',
    entityCategory: 'config',
    needsTv: true,
    requires: 'color_temperature',
    range: 'color_temperature',
    topics: { state_topic: 'state', command_topic: 'command' },
    fixed: {
      value_template: '{{ value_json.color_temperature }}',
      command_template: '{"action":"color_temperature","value":{{ value | int }}}',
      step: 1,
      mode: 'slider',
    },
  },
  {
    key: 'photo_filter',
    platform: 'select',
    name: 'Photo filter',
    icon: 'mdi:image-filter-vintage',
    entityCategory: 'config',
    needsTv: true,
    requires: 'photo_filters',
    options: 'photo_filter',
    topics: { state_topic: 'state', command_topic: 'command' },
    fixed: {
      // The TV does not report an artwork's filter; the state is the one Docent last applied.
      value_template: '{{ value_json.photo_filter }}',
      command_template: '{"action":"photo_filter","filter_id":{{ value | tojson }}}',
    },
  },
  {
    key: 'favourite',
    platform: 'switch',
    name: 'Favourite',
    icon: 'mdi:heart',
    needsTv: true,
    requires: 'favourites',
    topics: { state_topic: 'state', command_topic: 'command' },
    fixed: {
      value_template: '{{ value_json.favourite }}',
      state_on: 'on',
      state_off: 'off',
      payload_on: '{"action":"favourite","on":true}',
      payload_off: '{"action":"favourite","on":false}',
    },
  },
  {
    key: 'slideshow',
    platform: 'switch',
    name: 'Slideshow',
    icon: 'mdi:play-box-multiple',
    needsTv: true,
    requires: 'slideshow',
    topics: { state_topic: 'state', command_topic: 'command' },
    fixed: {
      value_template: '{{ value_json.slideshow.state if value_json.slideshow else None }}',
      state_on: 'on',
      state_off: 'off',
      payload_on: '{"action":"slideshow","value":"on"}',
      payload_off: '{"action":"slideshow","value":"off"}',
    },
  },
  {
    key: 'slideshow_interval',
    platform: 'select',
    name: 'Slideshow interval',
    icon: 'mdi:timer-outline',
    entityCategory: 'config',
    needsTv: true,
    requires: 'slideshow',
    options: 'slideshow_interval',
    topics: { state_topic: 'state', command_topic: 'command' },
    fixed: {
      value_template: '{{ value_json.slideshow.interval if value_json.slideshow else None }}',
      command_template: '{"action":"slideshow","value":{{ value | tojson }}}',
    },
  },
  {
    key: 'slideshow_order',
    platform: 'select',
    name: 'Slideshow order',
    icon: 'mdi:shuffle-variant',
    entityCategory: 'config',
    needsTv: true,
    requires: 'slideshow',
    staticOptions: SLIDESHOW_ORDERS,
    topics: { state_topic: 'state', command_topic: 'command' },
    fixed: {
      value_template: '{{ value_json.slideshow.order if value_json.slideshow else None }}',
      command_template: `{"action":"slideshow","shuffle":{{ (value == '${ORDER_SHUFFLE}') | tojson }}}`,
    },
  },
  {
    // Bridge availability only: a TV that is gone must read `off`, not unavailable (§1.8).
    key: 'power',
    platform: 'sensor',
    name: 'Power',
    icon: 'mdi:television',
    deviceClass: 'enum',
    needsTv: false,
    staticOptions: POWER_STATES,
    topics: { state_topic: 'state' },
    fixed: { value_template: '{{ value_json.power }}' },
  },
  {
    key: 'pairing',
    platform: 'sensor',
    name: 'Pairing',
    icon: 'mdi:link-variant',
    deviceClass: 'enum',
    entityCategory: 'diagnostic',
    needsTv: false,
    staticOptions: PAIRING_STATES,
    topics: { state_topic: 'state' },
    fixed: { value_template: '{{ value_json.pairing }}' },
  },
  {
    key: 'pair',
    platform: 'button',
    name: 'Pair with TV',
    icon: 'mdi:link-plus',
    entityCategory: 'config',
    needsTv: false,
    topics: { command_topic: 'command' },
    fixed: { payload_press: '{"action":"pair"}' },
  },
];
