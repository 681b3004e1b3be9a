import type { Logger } from '../log.js';
import type { MqttBridgeClient } from '../mqtt/client.js';
import type { CommandResult } from '../mqtt/command-result.js';
import {
  buildDiscovery,
  componentRemovalStep,
  type DiscoveryMessage,
  type DiscoveryMode,
  type TvDescriptor,
} from '../mqtt/discovery.js';
import type { Topics, TvTopics } from '../mqtt/topics.js';
import type { Artwork } from '../tv/types.js';
import { parseJsonOrUndefined } from '../util/json.js';
import { indexSchema, type ThumbnailLedger } from './thumbnail-ledger.js';

/** How long to listen for the retained thumbnail index before deciding the broker lost it. */
const INDEX_COLLECT_MS = 1000;

/**
 * Everything one TV session sends to the broker, with the QoS and retain rules of
 * home-assistant.md §1.10 in one place: state, catalogue, images and discovery retained; command
 * results never retained.
 */
export class TvPublisher {
  private readonly topics: TvTopics;
  /** Discovery topic → payload last published, so unchanged configs are not resent. */
  private readonly lastDiscovery = new Map<string, string>();

  constructor(
    tvId: string,
    private readonly deps: {
      mqtt: MqttBridgeClient;
      topics: Topics;
      version: string;
      discoveryMode: DiscoveryMode;
      /** Which thumbnails the broker holds (kept across restarts). */
      ledger: ThumbnailLedger;
      logger: Logger;
    },
  ) {
    this.topics = deps.topics.tv(tvId);
  }

  get tvTopics(): TvTopics {
    return this.topics;
  }

  discoveryMessages(tv: TvDescriptor): DiscoveryMessage[] {
    const ctx = { topics: this.deps.topics, version: this.deps.version };

    return buildDiscovery(tv, ctx, this.deps.discoveryMode);
  }

  noteDiscovery(messages: readonly DiscoveryMessage[]): void {
    for (const message of messages) {
      this.lastDiscovery.set(message.topic, JSON.stringify(message.payload));
    }
  }

  /**
   * Publishes those of this TV's discovery messages that changed since they were last sent (new
   * artworks, a search narrowing the selects). Topics no longer wanted are cleared by the
   * bridge's discovery sync, not here.
   */
  async discovery(messages: readonly DiscoveryMessage[]): Promise<void> {
    for (const message of messages) {
      const text = JSON.stringify(message.payload);
      const previous = this.lastDiscovery.get(message.topic);
      if (text === previous) continue;

      const removal = previous ? componentRemovalStep(JSON.parse(previous), message) : null;
      if (removal && !(await this.send(removal.topic, JSON.stringify(removal.payload), true))) {
        return;
      }
      if (!(await this.send(message.topic, text, true))) return;

      this.lastDiscovery.set(message.topic, text);
      this.deps.logger.debug({ topic: message.topic, bytes: text.length }, 'discovery published');
    }
  }

  async state(payload: Record<string, unknown>): Promise<void> {
    await this.send(this.topics.state, JSON.stringify(payload), true);
  }

  async availability(online: boolean): Promise<void> {
    await this.send(this.topics.availability, online ? 'online' : 'offline', true);
  }

  async catalog(artworks: readonly Artwork[], thumbnailHash: (id: string) => string | null) {
    const list = artworks.map((a) => ({
      content_id: a.contentId,
      category_id: a.categoryId,
      width: a.width,
      height: a.height,
      matte_id: a.matteId,
      portrait_matte_id: a.portraitMatteId,
      image_date: a.imageDate,
      thumbnail: thumbnailHash(a.contentId),
    }));
    await this.send(this.topics.catalog, JSON.stringify(list), true);
  }

  /** Publishes a thumbnail unless the broker already holds these bytes (thumbnail-ledger.ts). */
  async thumbnail(contentId: string, data: Buffer, hash: string): Promise<boolean> {
    if (this.deps.ledger.has(contentId, hash)) return false;

    const sent = await this.send(this.topics.thumbnail(contentId), data, true);
    if (sent) this.deps.ledger.note(contentId, hash);

    return sent;
  }

  /** An empty retained payload removes the retained thumbnail of an artwork that left the TV. */
  async clearThumbnail(contentId: string): Promise<void> {
    await this.send(this.topics.thumbnail(contentId), '', true);
    this.deps.ledger.forget(contentId);
  }

  /**
   * Reads the retained thumbnail index and keeps the ledger only if the broker holds its epoch;
   * then publishes the index under the (possibly new) epoch. Returns whether the ledger was
   * kept, i.e. whether thumbnails already on the broker may be skipped.
   */
  async reconcileThumbnails(count: number): Promise<boolean> {
    if (!this.deps.mqtt.connected) return false;

    const mark = this.deps.ledger.mark();
    const retained = await this.deps.mqtt.collectRetained(
      this.topics.thumbnailIndex,
      INDEX_COLLECT_MS,
    );
    const payload = retained.get(this.topics.thumbnailIndex);
    const parsed = payload ? indexSchema.safeParse(parseJsonOrUndefined(payload)) : null;
    const kept = this.deps.ledger.reconcile(parsed?.success ? parsed.data.epoch : null, mark);
    const index = JSON.stringify({ epoch: this.deps.ledger.epoch, count });
    await this.send(this.topics.thumbnailIndex, index, true);
    this.deps.logger.debug({ kept, published: this.deps.ledger.size }, 'thumbnail index checked');

    return kept;
  }

  /** Persists which thumbnails went out (call after a batch, not per thumbnail). */
  saveThumbnailLedger(): Promise<void> {
    return this.deps.ledger.save();
  }

  async description(contentId: string, payload: Record<string, unknown>): Promise<void> {
    await this.send(this.topics.description(contentId), JSON.stringify(payload), true);
  }

  async clearDescription(contentId: string): Promise<void> {
    await this.send(this.topics.description(contentId), '', true);
  }

  async currentImage(data: Buffer): Promise<void> {
    await this.send(this.topics.imageCurrent, data, true);
  }

  /** The artwork chosen in the browser; null empties the retained image. */
  async previewImage(data: Buffer | null): Promise<void> {
    await this.send(this.topics.imagePreview, data ?? '', true);
  }

  async result(result: CommandResult): Promise<void> {
    // Queued by the MQTT client while the broker is away: a result must not be lost.
    await this.send(this.topics.commandResult, JSON.stringify(result), false, true);
  }

  /** False when the broker is not connected or refused; callers republish on the next connect. */
  private async send(
    topic: string,
    payload: string | Buffer,
    retain: boolean,
    queueWhileOffline = false,
  ): Promise<boolean> {
    if (!queueWhileOffline && !this.deps.mqtt.connected) return false;

    try {
      await this.deps.mqtt.publish(topic, payload, { retain, qos: 1 });

      return true;
    } catch (err) {
      this.deps.logger.warn({ err, topic }, 'mqtt publish failed');

      return false;
    }
  }
}
