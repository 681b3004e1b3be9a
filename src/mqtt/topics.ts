/**
 * Every MQTT topic Docent uses is built here and only here (layout: architecture.md, "MQTT layout").
 * Ids that go into topics pass through `sanitizeId`, because HA ignores discovery topics whose
 * node/object ids fall outside `[a-zA-Z0-9_-]` (home-assistant.md §1.1).
 */

import { DocentError } from '../errors.js';

export interface TvTopics {
  /** `online` while the TV can take commands; retained. */
  availability: string;
  /** Retained state JSON. */
  state: string;
  /** JSON commands in (HA entities and automations). */
  command: string;
  /** One JSON result per command. */
  commandResult: string;
  /** Retained JSON list of artworks. */
  catalog: string;
  /** Retained JPEG of one artwork; emptied when the artwork goes. */
  thumbnail(contentId: string): string;
  /** Filter matching every thumbnail topic of this TV (for stale cleanup). */
  thumbnailFilter: string;
  /** Retained `{"epoch","count"}`: which published set of thumbnails the broker holds. */
  thumbnailIndex: string;
  /** Retained JPEG of what the TV shows. */
  imageCurrent: string;
  /** Retained JPEG of the artwork chosen in the HA browser, before it is sent to the TV. */
  imagePreview: string;
  /** Retained JSON description of one artwork (AI), `…/artwork/<content_id>/description`. */
  description(contentId: string): string;
  /** Device-based discovery config topic (HA ≥ 2024.11). */
  discovery: string;
  /** Per-component discovery config topic, for HA versions without device discovery. */
  componentDiscovery(platform: string, key: string): string;
}

export interface Topics {
  baseTopic: string;
  discoveryPrefix: string;
  /** `online`/`offline`; the client's last will. */
  bridgeAvailability: string;
  /** Prefix of the bridge's private round-trip topics (`collectRetained`); never retained. */
  bridgeSentinel: string;
  /** HA's birth/will topic. */
  haStatus: string;
  tv(tvId: string): TvTopics;
}

export interface TopicOptions {
  baseTopic: string;
  discoveryPrefix: string;
  /** Defaults to `<discoveryPrefix>/status`, HA's default birth topic. */
  haStatusTopic?: string;
}

/**
 * Lower-cases `raw` and collapses every run of characters outside `[a-z0-9_-]` into one `_`,
 * trimming `_` at both ends. Returns `_` for input with nothing usable, so a topic level is
 * never empty.
 */
export function sanitizeId(raw: string): string {
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');

  return cleaned === '' ? '_' : cleaned;
}

export function createTopics(opts: TopicOptions): Topics {
  const base = trimSlashes(opts.baseTopic);
  const prefix = trimSlashes(opts.discoveryPrefix);
  assertTopicLevels(base, 'baseTopic');
  assertTopicLevels(prefix, 'discoveryPrefix');
  const haStatus = opts.haStatusTopic ?? `${prefix}/status`;
  assertTopicLevels(haStatus, 'haStatusTopic');

  return {
    baseTopic: base,
    discoveryPrefix: prefix,
    bridgeAvailability: `${base}/bridge/availability`,
    bridgeSentinel: `${base}/bridge/sentinel`,
    haStatus,
    tv(tvId) {
      return tvTopics(base, prefix, sanitizeId(tvId));
    },
  };
}

function tvTopics(base: string, prefix: string, tv: string): TvTopics {
  const root = `${base}/${tv}`;
  const nodeId = `docent_${tv}`;

  return {
    availability: `${root}/availability`,
    state: `${root}/state`,
    command: `${root}/command`,
    commandResult: `${root}/command/result`,
    catalog: `${root}/catalog`,
    // Content ids are TV-made (`MY_F0001`, `SAM-S0700`); sanitising keeps a stray `+`, `#` or `/`
    // from turning the topic into a wildcard or an extra level.
    thumbnail: (contentId) => `${root}/thumbnail/${sanitizeThumbnailId(contentId)}`,
    thumbnailFilter: `${root}/thumbnail/+`,
    thumbnailIndex: `${root}/thumbnails`,
    imageCurrent: `${root}/image/current`,
    imagePreview: `${root}/image/preview`,
    description: (contentId) => `${root}/artwork/${sanitizeThumbnailId(contentId)}/description`,
    discovery: `${prefix}/device/${nodeId}/config`,
    componentDiscovery: (platform, key) =>
      `${prefix}/${sanitizeId(platform)}/${nodeId}/${sanitizeId(key)}/config`,
  };
}

/** Like `sanitizeId` but keeps case, because content ids are case-sensitive on the TV. */
function sanitizeThumbnailId(contentId: string): string {
  const cleaned = contentId.replace(/[^A-Za-z0-9_.-]+/g, '_');

  return cleaned === '' ? '_' : cleaned;
}

function trimSlashes(topic: string): string {
  return topic.replace(/^\/+|\/+$/g, '');
}

function assertTopicLevels(topic: string, what: string): void {
  if (
    topic === '' ||
    /[+#]/.test(topic) ||
    topic.includes('\u0000') ||
    topic.split('/').some((level) => level === '')
  ) {
    throw new DocentError(
      'TOPIC_INVALID',
      `${what} must be a non-empty topic without wildcards or empty levels`,
    );
  }
}
