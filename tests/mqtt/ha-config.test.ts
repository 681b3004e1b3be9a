/**
 * The example Home Assistant configuration in ha-config/ must keep working as Docent changes:
 * every entity id it names is one Docent's discovery suggests, every command it publishes is
 * one the command parser accepts, and every script it calls exists.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseCommand } from '../../src/mqtt/commands.js';
import { buildDeviceDiscovery, type TvDescriptor } from '../../src/mqtt/discovery.js';
import { ENTITIES } from '../../src/mqtt/entities.js';
import { createTopics } from '../../src/mqtt/topics.js';
import { FILTER_FAVOURITES } from '../../src/session/artwork-browser.js';

type Json = Record<string, unknown>;
const FILES = ['dashboard.yaml', 'automations.yaml', 'scripts.yaml', 'README.md'] as const;
const text = (file: string) =>
  readFileSync(new URL(`../../ha-config/${file}`, import.meta.url), 'utf8');

/**
 * A TV that can do everything: every feature an entity requires (the TV's capabilities and an
 * AI key) and a range for every number entity, taken from the entity table so a new feature is
 * covered without editing this file.
 */
const everything: TvDescriptor = {
  tvId: 'the_frame',
  name: 'The Frame',
  model: null,
  artworkOptions: [],
  matteOptions: [],
  photoFilterOptions: ['none', 'ink'],
  slideshowIntervalOptions: ['off', '15 min'],
  features: Object.fromEntries(ENTITIES.flatMap((e) => (e.requires ? [[e.requires, true]] : []))),
  ranges: Object.fromEntries(
    ENTITIES.flatMap((e) => (e.range ? [[e.range, { min: 0, max: 10 }]] : [])),
  ),
};
const topics = createTopics({ baseTopic: 'docent', discoveryPrefix: 'homeassistant' });
const tvTopics = topics.tv('the_frame');
const components = buildDeviceDiscovery(everything, { topics, version: '0.0.0-test' }).payload
  .components as Record<string, Json>;
const entityIds = new Set(Object.values(components).map((c) => String(c.default_entity_id)));
/** `<platform>.the_frame_<key>` for every platform Docent uses, wherever it appears in a file. */
const ENTITY_ID = new RegExp(
  `\\b(?:${[...new Set(ENTITIES.map((e) => e.platform))].join('|')})\\.the_frame_[a-z0-9_]+`,
  'g',
);

/** Every object in a parsed YAML tree, depth first. */
function objects(node: unknown): Json[] {
  if (Array.isArray(node)) return node.flatMap(objects);
  if (typeof node !== 'object' || node === null) return [];

  return [node as Json, ...Object.values(node).flatMap(objects)];
}

describe('ha-config examples', () => {
  const scripts = parse(text('scripts.yaml')) as Record<string, Json>;
  const automations = parse(text('automations.yaml')) as Json[];
  const dashboard = parse(text('dashboard.yaml')) as Json;

  test('parse as YAML with the shapes Home Assistant expects', () => {
    expect(Object.keys(scripts).length).toBeGreaterThanOrEqual(3);
    expect(Array.isArray(automations)).toBe(true);
    for (const automation of automations) {
      expect(automation).toEqual(
        expect.objectContaining({ id: expect.any(String), triggers: expect.any(Array) }),
      );
    }
    expect(dashboard.views).toEqual(expect.any(Array));
  });

  test('are checked against discovery with every feature on, so every entity has its id', () => {
    expect(Object.keys(components).sort()).toEqual(ENTITIES.map((e) => e.key).sort());
  });

  test.each(FILES)('%s names only entity ids Docent suggests', (file) => {
    const named = text(file).match(ENTITY_ID);

    expect(named?.length).toBeGreaterThan(0);
    for (const id of named ?? []) expect(entityIds).toContain(id);
  });

  test('the dashboard shows every entity Docent can offer', () => {
    const shown = new Set(text('dashboard.yaml').match(ENTITY_ID));

    expect([...entityIds].filter((id) => !shown.has(id))).toEqual([]);
  });

  test('publishes only to the command topic, and only commands the parser accepts', () => {
    const publishes = objects([scripts, automations, dashboard]).filter(
      (o) => o.action === 'mqtt.publish',
    );
    expect(publishes.length).toBeGreaterThanOrEqual(4);

    for (const { data } of publishes) {
      const { topic, payload, retain } = data as Json;
      expect(topic).toBe(tvTopics.command);
      expect(retain).toBe(false);
      const body = String(payload);
      if (!body.includes('{{')) {
        expect(parseCommand(Buffer.from(body))).toMatchObject({ ok: true });
        continue;
      }
      // Templated payloads: the action they name must be one Docent knows.
      const action = /'action': '([a-z_]+)'/.exec(body)?.[1] ?? '';
      const probe = parseCommand(Buffer.from(JSON.stringify({ action })));
      if (!probe.ok) expect(probe.error.message).not.toMatch(/^action: /);
    }
  });

  test('waits for results on the result topic, matched by the id it sent', () => {
    const waits = objects(scripts).filter((o) => o.trigger === 'mqtt');
    const sentIds = [...text('scripts.yaml').matchAll(/'id': '([a-z-]+)'|"id": "([a-z-]+)"/g)]
      .map((m) => m[1] ?? m[2])
      .sort();

    expect(waits.length).toBeGreaterThanOrEqual(4);
    for (const wait of waits) {
      expect(wait.topic).toBe(tvTopics.commandResult);
      expect(wait.value_template).toBe('{{ value_json.id }}');
    }
    expect(waits.map((w) => String(w.payload)).sort()).toEqual(sentIds);
  });

  test('calls only scripts that exist and filters only by options Docent offers', () => {
    const called = [...JSON.stringify([automations, dashboard]).matchAll(/script\.([a-z_]+)/g)].map(
      (m) => m[1],
    );

    expect(called.length).toBeGreaterThan(0);
    for (const name of called) expect(Object.keys(scripts)).toContain(name);
    const filterChoices = objects(scripts)
      .filter((o) => o.action === 'select.select_option')
      .map((o) => (o.data as Json).option);
    expect(filterChoices).toEqual([FILTER_FAVOURITES]);
  });
});
