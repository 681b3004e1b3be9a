/**
 * The add-on manifest (addon/config.yaml), its translations and Docent's zod schema describe the
 * same options: a key in one and not the others fails here.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { parse } from 'yaml';
import { z } from 'zod';
import { configSchema, SECRET_PATHS } from '../../src/config/schema.js';
import { REPO_ROOT } from './daemon.js';
import { listPrefix, zodPaths } from './schema-paths.js';

/** Keys the add-on does not offer: the image fixes the data dir to /data (DOCENT_DATA_DIR). */
const NOT_OFFERED_IN_ADDON = ['data_dir'];

const manifestSchema = z.object({
  name: z.string(),
  version: z.string(),
  slug: z.string(),
  description: z.string(),
  url: z.url(),
  arch: z.array(z.string()),
  init: z.boolean(),
  startup: z.string(),
  boot: z.string(),
  services: z.array(z.string()),
  host_network: z.boolean().optional(),
  timeout: z.number().optional(),
  options: z.record(z.string(), z.unknown()),
  schema: z.record(z.string(), z.unknown()),
});

const translationEntry: z.ZodType<TranslationEntry> = z.lazy(() =>
  z.object({
    name: z.string().min(1),
    description: z.string().min(1),
    fields: z.record(z.string(), translationEntry).optional(),
  }),
);
interface TranslationEntry {
  name: string;
  description: string;
  fields?: Record<string, TranslationEntry> | undefined;
}
const translationsSchema = z.object({ configuration: z.record(z.string(), translationEntry) });

async function readYaml<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  return schema.parse(parse(await readFile(path.join(REPO_ROOT, file), 'utf8')));
}

const manifest = await readYaml('addon/config.yaml', manifestSchema);
const translations = await readYaml('addon/translations/en.yaml', translationsSchema);
const pkg = z
  .object({ version: z.string() })
  .parse(JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')));

/** The add-on schema's leaf keys with their type strings. */
function addonTypes(node: unknown, prefix = ''): Map<string, string> {
  const types = new Map<string, string>();
  if (Array.isArray(node)) {
    if (node.length === 0) return types;
    for (const [key, type] of addonTypes(node[0], listPrefix(prefix))) types.set(key, type);
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, child] of Object.entries(node)) {
      for (const [p, type] of addonTypes(child, `${prefix}${key}.`)) types.set(p, type);
    }
  } else {
    types.set(prefix.replace(/\.$/, ''), String(node));
  }

  return types;
}

function translationPaths(entries: Record<string, TranslationEntry>, prefix = ''): string[] {
  return Object.entries(entries).flatMap(([key, entry]) =>
    entry.fields ? translationPaths(entry.fields, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/** Translations are keyed by option name: a list's fields sit under the list's own key. */
const translatedPaths = translationPaths(translations.configuration).map((p) =>
  p.replace(/^tvs\./, 'tvs[].'),
);
const schemaTypes = addonTypes(manifest.schema);
const zodKeys = zodPaths(configSchema)
  .filter((p) => !NOT_OFFERED_IN_ADDON.includes(p))
  .sort();

test('the add-on schema offers exactly the zod schema keys (less the fixed data dir)', () => {
  expect([...schemaTypes.keys()].sort()).toEqual(zodKeys);
});

test('every add-on option has a translation, and every translation an option', () => {
  expect([...translatedPaths].sort()).toEqual([...schemaTypes.keys()].sort());
});

test('every option default is in the schema and parses with the zod schema to its defaults', () => {
  const optionPaths = [...addonTypes(manifest.options).keys()];
  for (const p of optionPaths) expect(schemaTypes.has(p)).toBe(true);

  const tv = { name: 'Living room', host: '192.168.1.50' };
  const fromAddon = configSchema.parse({ ...manifest.options, tvs: [tv] });
  const fromDefaults = configSchema.parse({ tvs: [tv] });

  expect(fromAddon).toEqual(fromDefaults);
});

test('a key without `?` has a default in options (or is required per TV)', () => {
  const withDefaults = new Set(addonTypes(manifest.options).keys());
  const requiredPerTv = ['tvs[].name', 'tvs[].host'];
  for (const [key, type] of schemaTypes) {
    if (type.endsWith('?') || requiredPerTv.includes(key)) continue;
    expect({ key, hasDefault: withDefaults.has(key) }).toEqual({ key, hasDefault: true });
  }
});

test('secrets are password fields, so the options form masks them', () => {
  for (const secret of SECRET_PATHS) expect(schemaTypes.get(secret)).toBe('password?');
});

test('every type is one the Supervisor understands', () => {
  const known =
    /^(str|bool|email|url|password|port|int(\(\d*,\d*\))?|float(\(\d*,\d*\))?|match\(.+\)|list\([\w|]+\))\??$/;
  for (const [key, type] of schemaTypes)
    expect({ key, type, ok: known.test(type) }).toMatchObject({ ok: true });
});

test('every log level the add-on offers is accepted by Docent', () => {
  const levels = /^list\((.+)\)$/.exec(schemaTypes.get('log_level') ?? '')?.[1]?.split('|') ?? [];

  expect(levels).toContain('info');
  for (const level of levels) {
    expect(
      configSchema.safeParse({ tvs: [{ name: 'F', host: 'h' }], log_level: level }).success,
    ).toBe(true);
  }
});

test('the TV patterns in the add-on schema accept what the zod schema accepts', () => {
  const regexOf = (key: string) =>
    new RegExp(/^match\((.+)\)\??$/.exec(schemaTypes.get(key) ?? '')?.[1] ?? '^$');
  const macs = ['aa:bb:cc:dd:ee:ff', 'AA-BB-CC-DD-EE-FF'];
  for (const mac of macs) expect(regexOf('tvs[].mac').test(mac)).toBe(true);
  expect(regexOf('tvs[].mac').test('aa:bb:cc')).toBe(false);
  expect(regexOf('tvs[].id').test('living_room')).toBe(true);
  expect(regexOf('mqtt.url').test('mqtts://broker:8883')).toBe(true);
  expect(regexOf('mqtt.url').test('http://broker')).toBe(false);
});

test('the manifest follows the add-on conventions', () => {
  expect(manifest.version).toBe(pkg.version);
  expect(manifest.slug).toBe('docent');
  expect(manifest.init).toBe(false);
  expect(manifest.services).toContain('mqtt:want');
  expect(manifest.arch).toEqual(expect.arrayContaining(['aarch64', 'amd64']));
  expect(manifest.startup).toBe('application');
  // Wake-on-LAN broadcasts need the host's network (see the comment in config.yaml and DOCS.md).
  expect(manifest.host_network).toBe(true);
  expect(manifest.timeout ?? 10).toBeGreaterThanOrEqual(10);
});

test('DOCS.md documents every option', async () => {
  const docs = await readFile(path.join(REPO_ROOT, 'addon/DOCS.md'), 'utf8');
  for (const key of schemaTypes.keys()) {
    const leaf = key.split('.').pop() ?? key;
    expect({ key, documented: docs.includes(`\`${leaf}\``) }).toEqual({ key, documented: true });
  }
});

test('the changelog has an entry for the current version', async () => {
  const changelog = await readFile(path.join(REPO_ROOT, 'addon/CHANGELOG.md'), 'utf8');

  expect(changelog).toContain(`## ${pkg.version}`);
});

test.each([
  ['icon.png', 128, 128],
  ['logo.png', 250, 100],
])('the store artwork %s is a %ix%i PNG', async (file, width, height) => {
  const meta = await sharp(path.join(REPO_ROOT, 'addon', file)).metadata();

  expect(meta).toMatchObject({ format: 'png', width, height });
});
