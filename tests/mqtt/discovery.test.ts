import { parseCommand } from '../../src/mqtt/commands.js';
import {
  buildComponentDiscovery,
  buildDeviceDiscovery,
  buildDiscovery,
  componentRemovalStep,
  DISCOVERY_PAYLOAD_BUDGET_BYTES,
  largestPayloadBytes,
  type TvDescriptor,
} from '../../src/mqtt/discovery.js';
import { ENTITIES } from '../../src/mqtt/entities.js';
import { createTopics } from '../../src/mqtt/topics.js';
import { checkDiscoveryMessage, checkDiscoverySet } from '../helpers/discovery-checker.js';

const topics = createTopics({ baseTopic: 'docent', discoveryPrefix: 'homeassistant' });
const ctx = { topics, version: '0.1.0' };
const tv: TvDescriptor = {
  tvId: 'AA:BB:CC:DD:EE:FF',
  name: 'Living room Frame',
  model: 'QE55LS03B',
  swVersion: 'T-NKMDEUC-1250.5',
  artworkOptions: ['MY_F0001', 'MY_F0002', 'SAM-S0700', 'MY_F0001', 'x'.repeat(300)],
  matteOptions: ['none', 'shadowbox_polar', 'modern_apricot'],
  browseOptions: ['MY_F0001', 'MY_F0002'],
  filterOptions: ['all', 'favourites', 'MY-C0002'],
};
const checkOpts = { deviceName: tv.name };
const DIAGNOSTICS = [
  'connection',
  'thumbnail_sync',
  'thumbnails_synced',
  'thumbnails_failed',
  'queue_user',
  'queue_sync',
  'queue_background',
  'catalog_size',
  'last_error',
  'pairing',
];
/** Entities with bridge availability only: Docent-side facts, the browser, power and wake. */
const BRIDGE_ONLY = [
  ...DIAGNOSTICS,
  'power',
  'pair',
  'wake',
  'browse_search',
  'browse_filter',
  'browse_pick',
  'browse_preview',
].sort();

type Json = Record<string, unknown>;

function components(): Record<string, Json> {
  const { payload } = buildDeviceDiscovery(tv, ctx);
  const result: Record<string, Json> = {};
  for (const [key, value] of Object.entries(payload.components as Record<string, Json>)) {
    result[key] = value;
  }

  return result;
}

/** Renders the two template forms our configs use, the way HA's Jinja would for a string. */
function renderCommand(config: Json, value: string): string {
  const template = config.command_template;
  if (typeof template !== 'string') throw new Error('no command_template');

  return template.replace('{{ value | tojson }}', JSON.stringify(value));
}

describe('device-based discovery', () => {
  it('validates against the HA discovery keys', () => {
    const message = buildDeviceDiscovery(tv, ctx);

    expect(checkDiscoveryMessage(message.topic, message.payload, checkOpts)).toEqual([]);
    expect(checkDiscoverySet([message], checkOpts)).toEqual([]);
  });

  it('goes to <prefix>/device/docent_<tv>/config with origin and device blocks', () => {
    const { topic, payload } = buildDeviceDiscovery(tv, ctx);

    expect(topic).toBe('homeassistant/device/docent_aa_bb_cc_dd_ee_ff/config');
    expect(payload.origin).toEqual({ name: 'Docent', sw_version: '0.1.0' });
    expect(payload.device).toEqual({
      identifiers: ['docent_aa_bb_cc_dd_ee_ff'],
      name: 'Living room Frame',
      manufacturer: 'Samsung',
      model: 'QE55LS03B',
      sw_version: 'T-NKMDEUC-1250.5',
    });
  });

  it('declares the issue #2 entities with stable unique ids and matching entity ids', () => {
    const byKey = components();

    expect(Object.keys(byKey).sort()).toEqual(
      [
        'art_mode',
        'artwork',
        'connection',
        'current_artwork',
        'current_image',
        'matte',
        'refresh_catalog',
        'next_artwork',
        'previous_artwork',
        'shuffle_artwork',
        'wake',
        'browse_search',
        'browse_filter',
        'browse_pick',
        'browse_preview',
        'show_pick',
        'thumbnail_sync',
        'thumbnails_synced',
        'thumbnails_failed',
        'queue_user',
        'queue_sync',
        'queue_background',
        'catalog_size',
        'last_error',
        'power',
        'pairing',
        'pair',
      ].sort(),
    );
    expect(byKey.art_mode).toMatchObject({
      platform: 'switch',
      unique_id: 'docent_aa_bb_cc_dd_ee_ff_art_mode',
      default_entity_id: 'switch.living_room_frame_art_mode',
    });
    for (const config of Object.values(byKey)) {
      expect(String(config.default_entity_id).split('.')[0]).toBe(config.platform);
      expect(config).not.toHaveProperty('retain');
      expect(config).not.toHaveProperty('optimistic');
    }
  });

  it('offers unique artwork options within the state length limit', () => {
    const { artwork, matte } = components();

    expect(artwork?.options).toEqual(['MY_F0001', 'MY_F0002', 'SAM-S0700']);
    expect(matte?.options).toEqual(['none', 'shadowbox_polar', 'modern_apricot']);
    expect(matte?.entity_category).toBe('config');
  });

  it('gives the connectivity sensor bridge availability only, so it reads Disconnected', () => {
    const { connection } = components();

    expect(connection).toMatchObject({
      platform: 'binary_sensor',
      device_class: 'connectivity',
      entity_category: 'diagnostic',
      availability_topic: 'docent/bridge/availability',
    });
    expect(connection).not.toHaveProperty('availability');
  });

  it('keeps diagnostics, browser and wake readable while the TV is gone', () => {
    const byKey = components();
    const bridgeOnly = Object.entries(byKey)
      .filter(([, config]) => config.availability === undefined)
      .map(([key]) => key)
      .sort();

    expect(bridgeOnly).toEqual(BRIDGE_ONLY);
    for (const key of bridgeOnly) {
      expect(byKey[key]?.availability_topic).toBe('docent/bridge/availability');
    }
    for (const key of DIAGNOSTICS) expect(byKey[key]?.entity_category).toBe('diagnostic');
  });

  it('makes every TV-acting entity need both the bridge and the TV', () => {
    const others = Object.entries(components()).filter(([key]) => !BRIDGE_ONLY.includes(key));

    for (const [, config] of others) {
      expect(config.availability).toEqual([
        { topic: 'docent/bridge/availability' },
        { topic: 'docent/aa_bb_cc_dd_ee_ff/availability' },
      ]);
      expect(config.availability_mode).toBe('all');
    }
  });

  it('offers the browser options and a preview image on its own topic', () => {
    const byKey = components();

    expect(byKey.browse_pick?.options).toEqual(['MY_F0001', 'MY_F0002']);
    expect(byKey.browse_filter?.options).toEqual(['all', 'favourites', 'MY-C0002']);
    expect(byKey.browse_search).toMatchObject({ platform: 'text', min: 0, max: 64 });
    expect(byKey.browse_preview).toMatchObject({
      platform: 'image',
      image_topic: 'docent/aa_bb_cc_dd_ee_ff/image/preview',
    });
  });

  it('points the image entity at the retained current image', () => {
    expect(components().current_image).toMatchObject({
      platform: 'image',
      image_topic: 'docent/aa_bb_cc_dd_ee_ff/image/current',
      content_type: 'image/jpeg',
    });
  });

  it('sends only commands the command parser accepts', () => {
    const byKey = components();
    const sent = [
      String(byKey.art_mode?.payload_on),
      String(byKey.art_mode?.payload_off),
      String(byKey.refresh_catalog?.payload_press),
      renderCommand(byKey.artwork ?? {}, 'SAM-S0700'),
      renderCommand(byKey.matte ?? {}, 'shadowbox_polar'),
      String(byKey.next_artwork?.payload_press),
      String(byKey.previous_artwork?.payload_press),
      String(byKey.shuffle_artwork?.payload_press),
      String(byKey.wake?.payload_press),
      renderCommand(byKey.browse_search ?? {}, ' water "lilies" '),
      renderCommand(byKey.browse_filter ?? {}, 'favourites'),
      renderCommand(byKey.browse_pick ?? {}, 'MY_F0002'),
      String(byKey.show_pick?.payload_press),
    ];

    const parsed = sent.map((payload) => parseCommand(Buffer.from(payload)));

    expect(parsed.map((p) => (p.ok ? p.command : p.error))).toEqual([
      { action: 'art_mode', id: null, on: true },
      { action: 'art_mode', id: null, on: false },
      { action: 'refresh', id: null },
      { action: 'select', id: null, contentId: 'SAM-S0700', show: true },
      {
        action: 'matte',
        id: null,
        matteId: 'shadowbox_polar',
        portraitMatteId: null,
        contentId: null,
      },
      { action: 'next', id: null },
      { action: 'previous', id: null },
      { action: 'shuffle', id: null },
      { action: 'wake', id: null },
      { action: 'search', id: null, query: 'water "lilies"' },
      { action: 'browse_filter', id: null, filter: 'favourites' },
      { action: 'browse_pick', id: null, contentId: 'MY_F0002' },
      { action: 'show_pick', id: null },
    ]);
    for (const config of Object.values(byKey)) {
      if ('command_topic' in config)
        expect(config.command_topic).toBe('docent/aa_bb_cc_dd_ee_ff/command');
    }
  });

  it('offers the AI entities only when the TV session has descriptions, and they validate', () => {
    const withAi = buildDeviceDiscovery({ ...tv, features: { ai: true } }, ctx);
    const keys = Object.keys(withAi.payload.components as Json);

    expect(keys).toEqual(expect.arrayContaining(['description', 'describe']));
    expect(Object.keys(components())).not.toContain('description');
    expect(checkDiscoveryMessage(withAi.topic, withAi.payload, checkOpts)).toEqual([]);
  });

  it('falls back to the generic model name when the TV did not report one', () => {
    const { payload } = buildDeviceDiscovery({ ...tv, model: null, swVersion: null }, ctx);

    expect(payload.device).toEqual({
      identifiers: ['docent_aa_bb_cc_dd_ee_ff'],
      name: 'Living room Frame',
      manufacturer: 'Samsung',
      model: 'The Frame',
    });
  });
});

describe('TV feature entities', () => {
  const full: TvDescriptor = {
    ...tv,
    photoFilterOptions: ['none', 'ink', 'aqua'],
    slideshowIntervalOptions: ['3 minutes', '15 minutes', '1 hour'],
    ranges: { brightness: { min: 0, max: 50 }, color_temperature: { min: -5, max: 5 } },
    features: {
      brightness: true,
      color_temperature: true,
      photo_filters: true,
      favourites: true,
      slideshow: true,
    },
  };
  const FEATURE_KEYS = [
    'brightness',
    'color_temperature',
    'photo_filter',
    'favourite',
    'slideshow',
    'slideshow_interval',
    'slideshow_order',
  ];

  function fullComponents(descriptor: TvDescriptor = full): Record<string, Json> {
    return buildDeviceDiscovery(descriptor, ctx).payload.components as Record<string, Json>;
  }

  it('offers every feature the TV has, and the payload validates', () => {
    const message = buildDeviceDiscovery(full, ctx);

    expect(Object.keys(fullComponents())).toEqual(expect.arrayContaining(FEATURE_KEYS));
    expect(checkDiscoveryMessage(message.topic, message.payload, checkOpts)).toEqual([]);
    for (const message of buildComponentDiscovery(full, ctx)) {
      expect(checkDiscoveryMessage(message.topic, message.payload, checkOpts)).toEqual([]);
    }
  });

  it('offers none of them for a TV that has none, or a number without a usable range', () => {
    expect(Object.keys(components())).toEqual(expect.not.arrayContaining(FEATURE_KEYS));

    const badRange = fullComponents({ ...full, ranges: { brightness: { min: 5, max: 5 } } });
    expect(badRange).not.toHaveProperty('brightness');
    expect(badRange).not.toHaveProperty('color_temperature');
    expect(badRange).toHaveProperty('slideshow');
  });

  it('gives the number entities the TV ranges and the selects their options', () => {
    const byKey = fullComponents();

    expect(byKey.brightness).toMatchObject({ platform: 'number', min: 0, max: 50, step: 1 });
    expect(byKey.color_temperature).toMatchObject({ min: -5, max: 5 });
    expect(byKey.photo_filter?.options).toEqual(['none', 'ink', 'aqua']);
    expect(byKey.slideshow_interval?.options).toEqual(['3 minutes', '15 minutes', '1 hour']);
    expect(byKey.slideshow_order?.options).toEqual(['In order', 'Shuffle']);
    expect(byKey.power).toMatchObject({
      device_class: 'enum',
      options: ['off', 'watching', 'art'],
      availability_topic: 'docent/bridge/availability',
    });
  });

  it('sends feature commands the command parser accepts', () => {
    const byKey = fullComponents();
    const number = (config: Json | undefined, value: number) =>
      String(config?.command_template).replace('{{ value | int }}', String(value));
    const order = (value: string) =>
      String(byKey.slideshow_order?.command_template).replace(
        "{{ (value == 'Shuffle') | tojson }}",
        JSON.stringify(value === 'Shuffle'),
      );
    const sent = [
      number(byKey.brightness, 30),
      number(byKey.color_temperature, -2),
      renderCommand(byKey.photo_filter ?? {}, 'ink'),
      String(byKey.favourite?.payload_on),
      String(byKey.slideshow?.payload_off),
      renderCommand(byKey.slideshow_interval ?? {}, '1 hour'),
      order('Shuffle'),
      String(byKey.pair?.payload_press),
    ];

    expect(sent.map((payload) => parseCommand(Buffer.from(payload)))).toEqual([
      { ok: true, command: { action: 'brightness', id: null, value: 30 } },
      { ok: true, command: { action: 'color_temperature', id: null, value: -2 } },
      {
        ok: true,
        command: { action: 'photo_filter', id: null, filterId: 'ink', contentId: null },
      },
      { ok: true, command: { action: 'favourite', id: null, on: true, contentId: null } },
      {
        ok: true,
        command: { action: 'slideshow', id: null, value: 'off', categoryId: null, shuffle: null },
      },
      {
        ok: true,
        command: { action: 'slideshow', id: null, value: 60, categoryId: null, shuffle: null },
      },
      {
        ok: true,
        command: { action: 'slideshow', id: null, value: null, categoryId: null, shuffle: true },
      },
      { ok: true, command: { action: 'pair', id: null } },
    ]);
  });
});

describe('discovery payload budget', () => {
  // 5,000 artworks with 45-character ids: the bounded lists alone would pass 24 KiB.
  const ids = Array.from(
    { length: 100 },
    (_, i) => `STORE22_C0003_SC_3310_LONG_ID_${String(i).padStart(15, '0')}`,
  );
  const categories = Array.from(
    { length: 300 },
    (_, i) => `STORE22_C${String(i).padStart(4, '0')}`,
  );
  const big: TvDescriptor = {
    ...tv,
    name: 'Living Room Frame 65',
    artworkOptions: [ids[99] ?? '', ...ids.slice(0, 99)],
    browseOptions: ids,
    filterOptions: ['all', 'favourites', ...categories],
    matteOptions: Array.from({ length: 145 }, (_, i) => `modernwide_colour${i}`),
    pinned: { artwork: ids[99] ?? null, browse: ids[80] ?? null, filter: categories[250] ?? null },
    features: { ai: true },
  };

  it.each(['device', 'component'] as const)(
    'keeps every %s payload under the budget and each select state among its options',
    (mode) => {
      const untrimmed = Buffer.byteLength(JSON.stringify(buildDeviceDiscovery(big, ctx).payload));
      const messages = buildDiscovery(big, ctx, mode);
      const options = (key: string) =>
        messages.flatMap((m) => {
          const payload = m.payload as Json;
          const config = (payload.components as Record<string, Json> | undefined)?.[key];
          const own = m.topic.includes(`/${key}/config`) ? payload : undefined;

          return ((config ?? own)?.options as string[] | undefined) ?? [];
        });

      expect(untrimmed).toBeGreaterThan(DISCOVERY_PAYLOAD_BUDGET_BYTES);
      expect(largestPayloadBytes(messages)).toBeLessThanOrEqual(DISCOVERY_PAYLOAD_BUDGET_BYTES);
      expect(options('artwork')).toContain(ids[99]);
      expect(options('browse_pick')).toContain(ids[80]);
      expect(options('browse_filter')).toContain(categories[250]);
      for (const message of messages) {
        expect(checkDiscoveryMessage(message.topic, message.payload, checkOpts)).toEqual([]);
      }
    },
  );
});

describe('removing one entity from a device payload', () => {
  it('first sends the dropped component as platform only, then the payload without it', () => {
    const before = buildDeviceDiscovery({ ...tv, features: { ai: true } }, ctx);
    const after = buildDeviceDiscovery(tv, ctx);

    const step = componentRemovalStep(before.payload, after);
    const components = step?.payload.components as Record<string, Json>;

    expect(step?.topic).toBe(after.topic);
    expect(components.description).toEqual({ platform: 'sensor' });
    expect(components.describe).toEqual({ platform: 'button' });
    expect(components.art_mode).toEqual(
      (after.payload.components as Record<string, Json>).art_mode,
    );
  });

  it('is not needed when nothing was dropped, or for a payload that is not a device', () => {
    const after = buildDeviceDiscovery(tv, ctx);

    expect(componentRemovalStep(after.payload, after)).toBeNull();
    expect(componentRemovalStep('not json', after)).toBeNull();
    expect(componentRemovalStep({ name: 'x' }, after)).toBeNull();
  });
});

describe('per-component discovery', () => {
  const messages = buildComponentDiscovery(tv, ctx);

  it('validates every message against the HA discovery keys', () => {
    expect(checkDiscoverySet(messages, checkOpts)).toEqual([]);
  });

  it('publishes one topic per entity with the same unique ids as the device form', () => {
    const deviceIds = Object.values(components())
      .map((c) => c.unique_id)
      .sort();

    expect(messages).toHaveLength(ENTITIES.filter((e) => e.requires === undefined).length);
    expect(messages.map((m) => m.payload.unique_id).sort()).toEqual(deviceIds);
    expect(messages.map((m) => m.topic)).toContain(
      'homeassistant/select/docent_aa_bb_cc_dd_ee_ff/artwork/config',
    );
    for (const { payload } of messages) {
      expect(payload).not.toHaveProperty('platform');
      expect(payload.origin).toEqual({ name: 'Docent', sw_version: '0.1.0' });
    }
  });
});

describe('discovery checker', () => {
  const good = buildComponentDiscovery(tv, ctx).find((m) => m.topic.includes('/switch/'));
  if (!good) throw new Error('no switch message');

  it.each<[string, string, Json, RegExp]>([
    ['an illegal id in the topic', 'homeassistant/switch/docent:tv/x/config', {}, /does not match/],
    ['an unknown key', good.topic, { stat_topic: 'x' }, /stat_topic: unknown key/],
    ['a missing required key', good.topic, { command_topic: undefined }, /command_topic: required/],
    ['retain true', good.topic, { retain: true }, /retain: must not be true/],
    [
      'a name repeating the device',
      good.topic,
      { name: 'Living room Frame art' },
      /repeats the device/,
    ],
    [
      'a wrong entity id domain',
      good.topic,
      { default_entity_id: 'light.x' },
      /domain must be switch/,
    ],
    ['both availability forms', good.topic, { availability_topic: 'a/b' }, /exclusive/],
    ['a bad entity category', good.topic, { entity_category: 'settings' }, /not one of/],
    ['a wildcard topic', good.topic, { state_topic: 'docent/+/state' }, /wildcards/],
  ])('flags %s', (_what, topic, patch, expected) => {
    const payload: Json = { ...good.payload, ...patch };
    for (const [key, value] of Object.entries(patch)) if (value === undefined) delete payload[key];

    expect(checkDiscoveryMessage(topic, payload, checkOpts).join('\n')).toMatch(expected);
  });

  it('expands abbreviations before checking', () => {
    const { command_topic, state_topic, ...rest } = good.payload;

    expect(
      checkDiscoveryMessage(
        good.topic,
        { ...rest, cmd_t: command_topic, stat_t: state_topic },
        checkOpts,
      ),
    ).toEqual([]);
  });

  it('flags over-long and duplicate select options', () => {
    const select = buildComponentDiscovery(tv, ctx).find((m) => m.topic.includes('/select/'));
    if (!select) throw new Error('no select message');

    const problems = checkDiscoveryMessage(select.topic, {
      ...select.payload,
      options: ['a', 'a', 'b'.repeat(256)],
    });

    expect(problems.join('\n')).toMatch(/over 255 chars/);
    expect(problems.join('\n')).toMatch(/must be unique/);
  });

  it('flags a unique id used twice on one platform', () => {
    expect(
      checkDiscoverySet([good, { ...good, topic: good.topic.replace('art_mode', 'other') }]),
    ).toEqual([expect.stringMatching(/used twice on switch/)]);
  });

  it('flags a device component without unique_id or with an unknown platform', () => {
    const { topic, payload } = buildDeviceDiscovery(tv, ctx);
    const broken = {
      ...payload,
      components: { a: { platform: 'switch', command_topic: 'x/y' }, b: { platform: 'toaster' } },
    };

    const problems = checkDiscoveryMessage(topic, broken).join('\n');

    expect(problems).toMatch(/components\.a\.unique_id: required/);
    expect(problems).toMatch(/components\.b\.platform: unsupported/);
  });
});
