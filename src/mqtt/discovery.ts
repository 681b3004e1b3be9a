/**
 * HA MQTT discovery payloads for one TV, built by walking the entity table (entities.ts).
 * Device-based discovery (HA ≥ 2024.11, home-assistant.md §1.4) is the default; the
 * per-component form is for older HA. Both carry the same unique ids, so switching between them
 * with HA's `migrate_discovery` keeps entity settings.
 *
 * Configs never set `retain` (HA would then publish commands retained, §1.10) nor `optimistic`
 * (Docent reports real state).
 */
import { z } from 'zod';
import { ENTITIES, type EntityFeature, type EntitySpec, resolveTopic } from './entities.js';
import type { OptionSource } from './entity-spec.js';
import { sanitizeId, type Topics } from './topics.js';

export interface TvDescriptor {
  /** Stable id (sanitised before use); never the display name when something better exists. */
  tvId: string;
  /** Device name shown in HA. */
  name: string;
  model: string | null;
  swVersion?: string | null;
  /**
   * Content ids offered by the artwork select: bounded (the browser's matches plus the current
   * artwork), never the whole catalogue, so the payload stays small at thousands of artworks.
   */
  artworkOptions: string[];
  /** Content ids offered by the browser select (the matches of search and filter, bounded). */
  browseOptions?: string[];
  /** Filters offered by the browser filter select (`all`, `favourites`, category ids). */
  filterOptions?: string[];
  /** Matte ids offered by the matte select. */
  matteOptions: string[];
  /** Photo filter ids the TV lists (the photo filter select). */
  photoFilterOptions?: string[];
  /** Interval labels of the slideshow interval select (slideshow-labels.ts). */
  slideshowIntervalOptions?: string[];
  /** The TV's ranges for its number entities; an entity without its range is not offered. */
  ranges?: Partial<Record<'brightness' | 'color_temperature', { min: number; max: number }>>;
  /** Optional features; an entity that needs one not listed as true is not offered. */
  features?: Partial<Record<EntityFeature, boolean>>;
  /** Select states that must stay among the options when lists are trimmed to the budget. */
  pinned?: { artwork?: string | null; browse?: string | null; filter?: string | null };
}

/** The entities this TV offers. */
export function entitiesFor(tv: TvDescriptor): EntitySpec[] {
  return ENTITIES.filter((spec) => {
    if (spec.requires !== undefined && tv.features?.[spec.requires] !== true) return false;

    return spec.range === undefined || rangeOf(tv, spec.range) !== null;
  });
}

function rangeOf(
  tv: TvDescriptor,
  source: 'brightness' | 'color_temperature',
): { min: number; max: number } | null {
  const range = tv.ranges?.[source];

  // HA rejects a number config whose min is not below its max (home-assistant.md §2.7).
  return range && range.min < range.max ? range : null;
}

export type DiscoveryMode = 'device' | 'component';

/** This TV's discovery messages in the chosen form (same unique ids either way). */
export function buildDiscovery(
  tv: TvDescriptor,
  ctx: DiscoveryContext,
  mode: DiscoveryMode,
): DiscoveryMessage[] {
  const build = (d: TvDescriptor) =>
    mode === 'device' ? [buildDeviceDiscovery(d, ctx)] : buildComponentDiscovery(d, ctx);

  return fitToBudget(tv, build);
}

/** Below this many options a list is not trimmed further, whatever the payload size. */
const MIN_TRIMMED_OPTIONS = 10;

/**
 * Long content ids (or hundreds of categories) can push a payload past the budget even with
 * bounded lists: the browser's lists are then cut, keeping each select's current state, until
 * every message fits. Trimmed options are still reachable through search.
 */
function fitToBudget(
  tv: TvDescriptor,
  build: (tv: TvDescriptor) => DiscoveryMessage[],
): DiscoveryMessage[] {
  let messages = build(tv);
  let limit = Math.max(
    tv.artworkOptions.length,
    tv.browseOptions?.length ?? 0,
    tv.filterOptions?.length ?? 0,
  );
  while (largestPayloadBytes(messages) > DISCOVERY_PAYLOAD_BUDGET_BYTES) {
    if (limit <= MIN_TRIMMED_OPTIONS) break;
    limit = Math.max(MIN_TRIMMED_OPTIONS, Math.floor(limit * 0.75));
    const pinned = tv.pinned ?? {};
    messages = build({
      ...tv,
      artworkOptions: trimOptions(tv.artworkOptions, limit, pinned.artwork),
      ...(tv.browseOptions
        ? { browseOptions: trimOptions(tv.browseOptions, limit, pinned.browse) }
        : {}),
      ...(tv.filterOptions
        ? { filterOptions: trimOptions(tv.filterOptions, limit, pinned.filter) }
        : {}),
    });
  }

  return messages;
}

/** Bytes of the largest message as it goes on the wire (UTF-8 JSON). */
export function largestPayloadBytes(messages: readonly DiscoveryMessage[]): number {
  return Math.max(0, ...messages.map((m) => Buffer.byteLength(JSON.stringify(m.payload))));
}

function trimOptions(options: readonly string[], limit: number, keep?: string | null): string[] {
  const head = options.slice(0, limit);
  if (!keep || head.includes(keep) || !options.includes(keep)) return head;

  return [keep, ...head.slice(0, limit - 1)];
}

export interface DiscoveryContext {
  topics: Topics;
  /** Docent's version, reported as the origin's `sw_version`. */
  version: string;
}

export interface DiscoveryMessage {
  topic: string;
  payload: Record<string, unknown>;
}

/**
 * Docent's own ceiling for one discovery payload (HA sets none; brokers and HA's frontend pay
 * for every byte, and a device payload is resent whole when one select's options change). The
 * browser keeps select options bounded so a TV stays well under it at any catalogue size.
 */
export const DISCOVERY_PAYLOAD_BUDGET_BYTES = 24 * 1024;

/** HA's limit on a state's length; a select option is a possible state (§2.12). */
const MAX_OPTION_CHARS = 255;
const DEFAULT_MODEL = 'The Frame';

/** One retained message describing the whole TV device and all its entities. */
export function buildDeviceDiscovery(tv: TvDescriptor, ctx: DiscoveryContext): DiscoveryMessage {
  const tvTopics = ctx.topics.tv(tv.tvId);
  const components: Record<string, Record<string, unknown>> = {};
  for (const spec of entitiesFor(tv)) {
    components[spec.key] = { platform: spec.platform, ...entityConfig(spec, tv, ctx) };
  }

  return {
    topic: tvTopics.discovery,
    payload: { device: deviceBlock(tv), origin: originBlock(ctx), components },
  };
}

/** One message per entity on `<prefix>/<platform>/docent_<tv>/<key>/config`, for HA < 2024.11. */
export function buildComponentDiscovery(
  tv: TvDescriptor,
  ctx: DiscoveryContext,
): DiscoveryMessage[] {
  const tvTopics = ctx.topics.tv(tv.tvId);

  return entitiesFor(tv).map((spec) => ({
    topic: tvTopics.componentDiscovery(spec.platform, spec.key),
    payload: {
      ...entityConfig(spec, tv, ctx),
      device: deviceBlock(tv),
      origin: originBlock(ctx),
    },
  }));
}

/** `docent_<tv>_<key>`: stable for ever, built from the TV id, never from the display name. */
export function entityUniqueId(tvId: string, key: string): string {
  return `docent_${sanitizeId(tvId)}_${key}`;
}

/** The identifier shared by every entity of one TV in HA's device registry. */
export function deviceIdentifier(tvId: string): string {
  return `docent_${sanitizeId(tvId)}`;
}

function entityConfig(
  spec: EntitySpec,
  tv: TvDescriptor,
  ctx: DiscoveryContext,
): Record<string, unknown> {
  const tvTopics = ctx.topics.tv(tv.tvId);
  const config: Record<string, unknown> = {
    name: spec.name,
    unique_id: entityUniqueId(tv.tvId, spec.key),
    default_entity_id: `${spec.platform}.${entitySlug(tv.name)}_${spec.key}`,
    qos: 1,
  };
  if (spec.icon) config.icon = spec.icon;
  if (spec.entityCategory) config.entity_category = spec.entityCategory;
  if (spec.deviceClass) config.device_class = spec.deviceClass;
  Object.assign(config, availabilityConfig(spec, ctx.topics, tvTopics.availability));

  for (const [key, topicName] of Object.entries(spec.topics)) {
    if (topicName) config[key] = resolveTopic(tvTopics, topicName);
  }
  Object.assign(config, spec.fixed);
  if (spec.options) config.options = selectOptions(optionList(tv, spec.options));
  if (spec.staticOptions) config.options = [...spec.staticOptions];
  if (spec.range) {
    const range = rangeOf(tv, spec.range);
    if (range) Object.assign(config, { min: range.min, max: range.max });
  }

  return config;
}

function optionList(tv: TvDescriptor, source: OptionSource): readonly string[] {
  switch (source) {
    case 'artwork':
      return tv.artworkOptions;
    case 'matte':
      return tv.matteOptions;
    case 'browse':
      return tv.browseOptions ?? [];
    case 'filter':
      return tv.filterOptions ?? ['all'];
    case 'photo_filter':
      return tv.photoFilterOptions ?? ['none'];
    case 'slideshow_interval':
      return tv.slideshowIntervalOptions ?? [];
  }
}

function availabilityConfig(
  spec: EntitySpec,
  topics: Topics,
  tvAvailability: string,
): Record<string, unknown> {
  if (!spec.needsTv) return { availability_topic: topics.bridgeAvailability };

  return {
    availability: [{ topic: topics.bridgeAvailability }, { topic: tvAvailability }],
    availability_mode: 'all',
  };
}

function deviceBlock(tv: TvDescriptor): Record<string, unknown> {
  const device: Record<string, unknown> = {
    identifiers: [deviceIdentifier(tv.tvId)],
    name: tv.name,
    manufacturer: 'Samsung',
    model: tv.model ?? DEFAULT_MODEL,
  };
  if (tv.swVersion) device.sw_version = tv.swVersion;

  return device;
}

function originBlock(ctx: DiscoveryContext): Record<string, unknown> {
  return { name: 'Docent', sw_version: ctx.version };
}

/** Unique options, each short enough to be a state; the select state must equal one exactly. */
function selectOptions(raw: readonly string[]): string[] {
  return [...new Set(raw)].filter((option) => option !== '' && option.length <= MAX_OPTION_CHARS);
}

/** Object id part of an entity id: HA allows only `[a-z0-9_]`. */
function entitySlug(name: string): string {
  const slug = sanitizeId(name)
    .replace(/-/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');

  return slug === '' ? 'frame' : slug;
}

/**
 * Removing one entity from a device payload is two updates in HA's documented procedure
 * (home-assistant.md §1.4): first the component as `{"platform": …}` alone, then the payload
 * without it. Given the payload HA has now, returns that first update, or null when `next`
 * drops no component of it (or either is not a device payload).
 */
export function componentRemovalStep(
  previous: unknown,
  next: DiscoveryMessage,
): DiscoveryMessage | null {
  const before = devicePayloadSchema.safeParse(previous);
  const after = devicePayloadSchema.safeParse(next.payload);
  if (!before.success || !after.success) return null;

  const kept = after.data.components;
  const removed = Object.entries(before.data.components).filter(([key]) => !(key in kept));
  if (removed.length === 0) return null;

  const components: Record<string, unknown> = { ...kept };
  for (const [key, config] of removed) components[key] = { platform: config.platform };

  return { topic: next.topic, payload: { ...next.payload, components } };
}

/** Just what `componentRemovalStep` reads of a device payload (Docent writes full key names). */
const devicePayloadSchema = z.looseObject({
  components: z.record(z.string(), z.looseObject({ platform: z.string() })),
});
