/**
 * Publishes the discovery configs Docent wants and clears the ones it published earlier but no
 * longer wants (a TV removed from the config, an entity dropped, a switch between device-based
 * and per-component discovery). Without the cleanup, retained configs outlive the bridge and HA
 * recreates "ghost" entities after every restart (home-assistant.md §1.3).
 */
import type { Logger } from '../log.js';
import { parseJsonOrUndefined } from '../util/json.js';
import { componentRemovalStep, type DiscoveryMessage } from './discovery.js';
import type { Topics } from './topics.js';

/** The part of MqttBridgeClient this needs. */
export interface DiscoveryClient {
  publish(
    topic: string,
    payload: string | Buffer,
    opts?: { retain?: boolean; qos?: 0 | 1 },
  ): Promise<void>;
  collectRetained(filter: string, windowMs: number): Promise<Map<string, Buffer>>;
}

export interface DiscoverySyncOptions {
  topics: Topics;
  /**
   * What decides that a retained `docent_…` config not wanted now is this installation's to
   * clear: its node id is one of this bridge's TVs (`docent_<tv>`), or this installation
   * published it before (owned-discovery.ts). Anything else belongs to another Docent on the
   * same broker and is left alone.
   */
  ownedNodeIds: ReadonlySet<string>;
  publishedBefore: ReadonlySet<string>;
  /** How long to listen for retained configs before deciding what is stale. Default 1000 ms. */
  collectWindowMs?: number;
}

export interface DiscoverySyncResult {
  published: number;
  /** Topics cleared with an empty retained payload. */
  cleared: string[];
}

/**
 * Sends `wanted` (retained, QoS 1) and clears every other retained Docent config that is this
 * installation's (see `ownedNodeIds`). Pass every TV's messages in one call: a TV left out of
 * them, but published before, counts as removed. A
 * function is called after the collect window, so what is sent is current even if a TV's
 * catalogue changed while the retained configs were being read.
 */
export async function syncDiscovery(
  client: DiscoveryClient,
  wantedNow: readonly DiscoveryMessage[] | (() => readonly DiscoveryMessage[]),
  opts: DiscoverySyncOptions,
  deps: { logger: Logger },
): Promise<DiscoverySyncResult> {
  const log = deps.logger.child({ component: 'mqtt' });
  const prefix = opts.topics.discoveryPrefix;
  const windowMs = opts.collectWindowMs ?? 1_000;
  const [flat, nested] = await Promise.all([
    client.collectRetained(`${prefix}/+/+/config`, windowMs),
    client.collectRetained(`${prefix}/+/+/+/config`, windowMs),
  ]);

  const wanted = typeof wantedNow === 'function' ? wantedNow() : wantedNow;
  const wantedTopics = new Set(wanted.map((m) => m.topic));
  const ours = (topic: string): boolean =>
    opts.publishedBefore.has(topic) || opts.ownedNodeIds.has(nodeIdOf(topic, prefix) ?? '');
  const stale = [...flat.keys(), ...nested.keys()].filter(
    (topic) =>
      nodeIdOf(topic, prefix)?.startsWith('docent_') && !wantedTopics.has(topic) && ours(topic),
  );
  // Clear before publishing, so a device moving between discovery forms never has two configs
  // with the same unique ids at once.
  for (const topic of stale) await client.publish(topic, '', { retain: true, qos: 1 });
  let devicesShrunk = 0;
  for (const message of wanted) {
    // An entity dropped from a device payload goes in HA's two steps (componentRemovalStep).
    const retained = flat.get(message.topic) ?? nested.get(message.topic);
    const removal = retained ? componentRemovalStep(parseJsonOrUndefined(retained), message) : null;
    if (removal) {
      await client.publish(removal.topic, JSON.stringify(removal.payload), {
        retain: true,
        qos: 1,
      });
      devicesShrunk += 1;
    }
    await client.publish(message.topic, JSON.stringify(message.payload), { retain: true, qos: 1 });
  }

  log.info(
    { published: wanted.length, cleared: stale.length, devicesShrunk },
    'discovery published',
  );
  if (stale.length > 0) log.debug({ topics: stale }, 'stale discovery cleared');

  return { published: wanted.length, cleared: stale };
}

/** The node id of `<prefix>/<component>/<node>/config` or `…/<node>/<object>/config`. */
function nodeIdOf(topic: string, prefix: string): string | null {
  if (!topic.startsWith(`${prefix}/`)) return null;
  const levels = topic.slice(prefix.length + 1).split('/');

  return levels.length === 3 || levels.length === 4 ? (levels[1] ?? null) : null;
}
