/**
 * Checks HA discovery messages against tests/fixtures/ha-discovery-keys.json (what HA accepts per
 * platform) plus the rules in home-assistant.md §6. Returns problems as `path: message` strings;
 * an empty list means the message passes.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const platformSchema = z.object({
  required: z.array(z.string()),
  optional: z.array(z.string()),
  required_one_of: z.array(z.array(z.string())).optional(),
  exclusive: z.array(z.array(z.string())).optional(),
  enums: z.record(z.string(), z.array(z.union([z.string(), z.number()]))).optional(),
  limits: z.record(z.string(), z.number()).optional(),
});

const keysFileSchema = z.object({
  topic_rules: z.object({ id_regex: z.string(), supported_components: z.array(z.string()) }),
  common_keys: z.object({
    keys: z.array(z.string()),
    enums: z.record(z.string(), z.array(z.union([z.string(), z.number()]))),
    exclusive: z.array(z.array(z.string())),
  }),
  image: platformSchema,
  select: platformSchema,
  switch: platformSchema,
  binary_sensor: platformSchema,
  sensor: platformSchema,
  button: platformSchema,
  number: platformSchema,
  text: platformSchema,
  update: platformSchema,
  event: platformSchema,
  device_discovery: z.object({
    required: z.array(z.string()),
    optional: z.array(z.string()),
    entity_component_required: z.array(z.string()),
  }),
  device_keys: z.object({
    optional: z.array(z.string()),
    required_one_of: z.array(z.array(z.string())),
  }),
  origin_keys: z.object({ required: z.array(z.string()), optional: z.array(z.string()) }),
  availability_keys: z.object({
    list_entry_required: z.array(z.string()),
    list_entry_optional: z.array(z.string()),
  }),
  abbreviations: z.record(z.string(), z.string()),
  device_abbreviations: z.record(z.string(), z.string()),
  origin_abbreviations: z.record(z.string(), z.string()),
  limits: z.object({ state_max_chars: z.number() }),
});

type KeysFile = z.infer<typeof keysFileSchema>;
type PlatformRules = z.infer<typeof platformSchema>;
type Json = Record<string, unknown>;

const KEYS: KeysFile = keysFileSchema.parse(
  JSON.parse(readFileSync(new URL('../fixtures/ha-discovery-keys.json', import.meta.url), 'utf8')),
);
const PLATFORMS = [
  'image',
  'select',
  'switch',
  'binary_sensor',
  'sensor',
  'button',
  'number',
  'text',
  'update',
  'event',
] as const;
type CheckedPlatform = (typeof PLATFORMS)[number];

export interface CheckOptions {
  /** The device name; entity names must not start with it (§1.6). */
  deviceName?: string;
}

/** Checks one message (device-based or per-component), chosen by its topic. */
export function checkDiscoveryMessage(
  topic: string,
  payload: unknown,
  opts: CheckOptions = {},
): string[] {
  const problems: string[] = [];
  const parsedTopic = checkTopic(topic, problems);
  if (!isObject(payload)) return [...problems, 'payload: must be a JSON object'];
  if (parsedTopic === null) return problems;

  if (parsedTopic === 'device') checkDevicePayload(payload, opts, problems);
  else checkEntity(parsedTopic, expand(payload, KEYS.abbreviations), '', opts, problems, false);

  return problems;
}

/** Checks a set of messages together: each one, and `unique_id` unique per platform across all. */
export function checkDiscoverySet(
  messages: { topic: string; payload: unknown }[],
  opts: CheckOptions = {},
): string[] {
  const problems = messages.flatMap((m) =>
    checkDiscoveryMessage(m.topic, m.payload, opts).map((p) => `${m.topic} ${p}`),
  );
  const seen = new Set<string>();
  for (const { platform, uniqueId } of messages.flatMap(entitiesOf)) {
    const key = `${platform}:${uniqueId}`;
    if (seen.has(key)) problems.push(`unique_id ${uniqueId}: used twice on ${platform}`);
    seen.add(key);
  }

  return problems;
}

function entitiesOf(message: {
  topic: string;
  payload: unknown;
}): { platform: string; uniqueId: unknown }[] {
  if (!isObject(message.payload)) return [];
  const payload = expand(message.payload, KEYS.abbreviations);
  const levels = message.topic.split('/');
  if (levels[1] === 'device') {
    const components = payload.components;
    if (!isObject(components)) return [];

    return Object.values(components)
      .filter(isObject)
      .map((c) => expand(c, KEYS.abbreviations))
      .map((c) => ({ platform: String(c.platform), uniqueId: c.unique_id }));
  }

  return [{ platform: levels[1] ?? '', uniqueId: payload.unique_id }];
}

function checkTopic(topic: string, problems: string[]): CheckedPlatform | 'device' | null {
  const levels = topic.split('/');
  const idRegex = new RegExp(KEYS.topic_rules.id_regex);
  if (levels.length < 4 || levels.length > 5 || levels[levels.length - 1] !== 'config') {
    problems.push(`topic: must be <prefix>/<component>/[<node_id>/]<object_id>/config`);
    return null;
  }
  for (const id of levels.slice(2, -1)) {
    if (!idRegex.test(id))
      problems.push(`topic: id "${id}" does not match ${KEYS.topic_rules.id_regex}`);
  }
  const component = levels[1] ?? '';
  if (component === 'device') return 'device';
  if (!KEYS.topic_rules.supported_components.includes(component)) {
    problems.push(`topic: unsupported component "${component}"`);
    return null;
  }
  if (!isCheckedPlatform(component)) {
    problems.push(`topic: checker has no rules for "${component}"`);
    return null;
  }

  return component;
}

function checkDevicePayload(raw: Json, opts: CheckOptions, problems: string[]): void {
  const payload = expand(raw, KEYS.abbreviations);
  const rules = KEYS.device_discovery;
  for (const key of rules.required) {
    if (!(key in payload)) problems.push(`${key}: required in device discovery`);
  }
  for (const key of Object.keys(payload)) {
    if (!rules.required.includes(key) && !rules.optional.includes(key))
      problems.push(`${key}: unknown root key`);
  }
  checkDeviceBlock(payload.device, 'device', problems);
  checkOrigin(payload.origin, 'origin', problems);
  if (!isObject(payload.components) || Object.keys(payload.components).length === 0) {
    problems.push('components: must be a non-empty object');
    return;
  }

  const idRegex = new RegExp(KEYS.topic_rules.id_regex);
  for (const [id, rawComponent] of Object.entries(payload.components)) {
    const path = `components.${id}`;
    if (!idRegex.test(id))
      problems.push(`${path}: component id does not match ${KEYS.topic_rules.id_regex}`);
    if (!isObject(rawComponent)) {
      problems.push(`${path}: must be an object`);
      continue;
    }
    const component = expand(rawComponent, KEYS.abbreviations);
    for (const key of KEYS.device_discovery.entity_component_required) {
      if (!(key in component)) problems.push(`${path}.${key}: required in a device component`);
    }
    if ('device' in component || 'origin' in component) {
      problems.push(`${path}: device/origin cannot be set per component`);
    }
    const platform = component.platform;
    if (typeof platform !== 'string' || !isCheckedPlatform(platform)) {
      problems.push(`${path}.platform: unsupported "${String(platform)}"`);
      continue;
    }
    checkEntity(platform, component, `${path}.`, opts, problems, true);
  }
}

function checkEntity(
  platform: CheckedPlatform,
  entity: Json,
  prefix: string,
  opts: CheckOptions,
  problems: string[],
  inDevice: boolean,
): void {
  const rules: PlatformRules = KEYS[platform];
  const allowed = new Set([...rules.required, ...rules.optional, ...KEYS.common_keys.keys]);
  if (inDevice) allowed.add('platform');
  const at = (key: string) => `${prefix}${key}`;

  for (const key of rules.required) {
    if (!(key in entity)) problems.push(`${at(key)}: required for ${platform}`);
  }
  for (const key of Object.keys(entity)) {
    if (!allowed.has(key)) problems.push(`${at(key)}: unknown key for ${platform} (HA drops it)`);
  }
  for (const group of rules.required_one_of ?? []) {
    if (!group.some((key) => key in entity))
      problems.push(`${prefix || 'payload'}: needs one of ${group.join(', ')}`);
  }
  for (const group of [...KEYS.common_keys.exclusive, ...(rules.exclusive ?? [])]) {
    const present = group.filter((key) => key in entity);
    if (present.length > 1)
      problems.push(`${prefix || 'payload'}: ${present.join(' and ')} are exclusive`);
  }
  for (const [key, values] of Object.entries({
    ...KEYS.common_keys.enums,
    ...(rules.enums ?? {}),
  })) {
    const value = entity[key];
    if (value !== undefined && !values.some((allowed) => allowed === value)) {
      problems.push(`${at(key)}: "${String(value)}" is not one of ${values.join(', ')}`);
    }
  }

  if (typeof entity.unique_id !== 'string' || entity.unique_id === '')
    problems.push(`${at('unique_id')}: must be a non-empty string`);
  if (entity.retain === true)
    problems.push(`${at('retain')}: must not be true (HA would retain commands)`);
  if (entity.optimistic === true) problems.push(`${at('optimistic')}: Docent reports real state`);
  if ('object_id' in entity) problems.push(`${at('object_id')}: deprecated, use default_entity_id`);
  checkName(entity.name, at('name'), opts, problems);
  checkDefaultEntityId(entity.default_entity_id, platform, at('default_entity_id'), problems);
  checkTopics(entity, prefix, problems);
  checkAvailability(entity.availability, at('availability'), problems);
  checkOptions(platform, entity, at('options'), problems);
  if (!inDevice) {
    if ('platform' in entity)
      problems.push(`${at('platform')}: only valid inside a device component`);
    if ('device' in entity) checkDeviceBlock(entity.device, at('device'), problems);
    if ('origin' in entity) checkOrigin(entity.origin, at('origin'), problems);
  }
}

function checkName(name: unknown, path: string, opts: CheckOptions, problems: string[]): void {
  if (name === null) return;
  if (typeof name !== 'string' || name.trim() === '') {
    problems.push(`${path}: must be a non-empty string or null`);
    return;
  }
  const device = opts.deviceName?.trim().toLowerCase();
  if (device && name.trim().toLowerCase().startsWith(device))
    problems.push(`${path}: repeats the device name`);
}

function checkDefaultEntityId(
  value: unknown,
  platform: string,
  path: string,
  problems: string[],
): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !/^[a-z_]+\.[a-z0-9_]+$/.test(value)) {
    problems.push(`${path}: must be a full entity id "<domain>.<object>"`);
    return;
  }
  if (!value.startsWith(`${platform}.`)) problems.push(`${path}: domain must be ${platform}`);
}

function checkTopics(entity: Json, prefix: string, problems: string[]): void {
  for (const [key, value] of Object.entries(entity)) {
    if (!key.endsWith('_topic')) continue;
    if (typeof value !== 'string' || value === '')
      problems.push(`${prefix}${key}: must be a non-empty topic`);
    else if (/[+#]/.test(value)) problems.push(`${prefix}${key}: must not contain wildcards`);
  }
}

function checkAvailability(value: unknown, path: string, problems: string[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${path}: must be a non-empty list`);
    return;
  }
  const { list_entry_required: required, list_entry_optional: optional } = KEYS.availability_keys;
  value.forEach((rawEntry, i) => {
    if (!isObject(rawEntry)) {
      problems.push(`${path}.${i}: must be an object`);
      return;
    }
    const entry = expand(rawEntry, KEYS.abbreviations);
    for (const key of required) if (!(key in entry)) problems.push(`${path}.${i}.${key}: required`);
    for (const key of Object.keys(entry)) {
      if (!required.includes(key) && !optional.includes(key))
        problems.push(`${path}.${i}.${key}: unknown key`);
    }
    if (typeof entry.topic === 'string' && /[+#]/.test(entry.topic))
      problems.push(`${path}.${i}.topic: must not contain wildcards`);
  });
}

function checkOptions(platform: string, entity: Json, path: string, problems: string[]): void {
  const options = entity.options;
  if (options === undefined) return;
  if (!Array.isArray(options) || !options.every((o) => typeof o === 'string')) {
    problems.push(`${path}: must be a list of strings`);
    return;
  }
  const tooLong = options.filter((o) => o.length > KEYS.limits.state_max_chars);
  if (tooLong.length > 0)
    problems.push(`${path}: ${tooLong.length} option(s) over ${KEYS.limits.state_max_chars} chars`);
  if (new Set(options).size !== options.length) problems.push(`${path}: options must be unique`);
  if (platform === 'sensor') {
    if (entity.device_class !== 'enum')
      problems.push(`${path}: sensor options need device_class enum`);
    if ('unit_of_measurement' in entity || 'state_class' in entity)
      problems.push(`${path}: sensor options exclude unit and state_class`);
  }
}

function checkDeviceBlock(value: unknown, path: string, problems: string[]): void {
  if (!isObject(value)) {
    problems.push(`${path}: must be an object`);
    return;
  }
  const device = expand(value, KEYS.device_abbreviations);
  for (const key of Object.keys(device)) {
    if (!KEYS.device_keys.optional.includes(key))
      problems.push(`${path}.${key}: unknown device key`);
  }
  for (const group of KEYS.device_keys.required_one_of) {
    if (!group.some((key) => key in device))
      problems.push(`${path}: needs one of ${group.join(', ')}`);
  }
}

function checkOrigin(value: unknown, path: string, problems: string[]): void {
  if (!isObject(value)) {
    problems.push(`${path}: must be an object`);
    return;
  }
  const origin = expand(value, KEYS.origin_abbreviations);
  const { required, optional } = KEYS.origin_keys;
  for (const key of required) if (!(key in origin)) problems.push(`${path}.${key}: required`);
  for (const key of Object.keys(origin)) {
    if (!required.includes(key) && !optional.includes(key))
      problems.push(`${path}.${key}: unknown origin key`);
  }
}

/** HA expands abbreviations before validating; so does the checker. */
function expand(payload: Json, table: Record<string, string>): Json {
  return Object.fromEntries(
    Object.entries(payload).map(([key, value]) => [table[key] ?? key, value]),
  );
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCheckedPlatform(value: string): value is CheckedPlatform {
  return (PLATFORMS as readonly string[]).includes(value);
}
