import { type CatalogueArtwork, newestFirst } from '../ai/catalogue-order.js';
import { ArtworkDescriber, type ArtworkDescriberOptions } from '../ai/describer.js';
import { toDescriptionPayload, toSensorAttributes, toSensorState } from '../ai/payload.js';
import type { ArtworkDescription } from '../ai/schema.js';
import type { UsageBudget } from '../ai/usage-budget.js';
import type { AiUsageView } from '../ai/usage-view.js';
import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ThumbnailCache } from '../thumbnails/cache.js';

/** AI settings of one TV session; absent when no API key is configured. */
export interface AiSettings {
  apiKey: string;
  baseUrl?: string | undefined;
  model: string;
  language: string;
  instruction?: string | undefined;
  describeCatalogue: boolean;
  dailyTokenBudget?: number | undefined;
  monthlyTokenBudget?: number | undefined;
  /** Requests per minute to the AI service (default 20). */
  requestsPerMinute?: number | undefined;
  /** Requests in flight at once (default 2). */
  concurrency?: number | undefined;
}

export interface DescriptionsDeps {
  cache: ThumbnailCache;
  /** Publishes one artwork's description JSON (retained). */
  publish(contentId: string, payload: Record<string, unknown>): Promise<void>;
  /** Empties one artwork's retained description topic. */
  clear(contentId: string): Promise<void>;
  /**
   * The state JSON must be republished: the current artwork's description, the AI status or the
   * token counts changed.
   */
  onStateChanged(): void;
  logger: Logger;
}

/**
 * Descriptions of one TV's artworks. They are made from thumbnails already on disk and never
 * enter the TV's lanes, so a slow or failing AI service cannot delay a TV command.
 */
export class SessionDescriptions {
  private readonly describer: ArtworkDescriber;
  private currentId: string | null = null;
  private catalogueRun: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly settings: AiSettings,
    options: {
      dataDir: string;
      tvId: string;
      /** The daemon's token budget, shared by every TV; without it this TV keeps its own. */
      budget?: UsageBudget | undefined;
    },
    private readonly deps: DescriptionsDeps,
  ) {
    const describerOptions: ArtworkDescriberOptions = {
      apiKey: settings.apiKey,
      model: settings.model,
      language: settings.language,
      dataDir: options.dataDir,
      tvId: options.tvId,
      budget: {
        ...(settings.dailyTokenBudget ? { dailyTokens: settings.dailyTokenBudget } : {}),
        ...(settings.monthlyTokenBudget ? { monthlyTokens: settings.monthlyTokenBudget } : {}),
      },
      ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
      ...(settings.instruction ? { instruction: settings.instruction } : {}),
      ...(settings.requestsPerMinute ? { requestsPerMinute: settings.requestsPerMinute } : {}),
      ...(settings.concurrency ? { concurrency: settings.concurrency } : {}),
    };
    this.describer = new ArtworkDescriber(describerOptions, {
      logger: deps.logger,
      ...(options.budget ? { budget: options.budget } : {}),
    });
  }

  async start(): Promise<void> {
    this.describer.on('usage', this.onUsage);
    await this.describer.start();
  }

  /** The AI service's status and the token budget, for the state JSON. */
  usageView(): AiUsageView {
    return this.describer.usageView();
  }

  /** The `description` object of the state JSON for the current artwork, or null. */
  currentState(): ({ summary: string } & Record<string, unknown>) | null {
    const description = this.currentId ? this.describer.cached(this.currentId) : null;
    if (!description) return null;

    return { summary: toSensorState(description), ...toSensorAttributes(description) };
  }

  /** Title and artist for the current-artwork sensor's attributes. */
  currentTitle(): { title: string; artist: string } | null {
    const description = this.currentId ? this.describer.cached(this.currentId) : null;

    return description ? { title: description.title, artist: description.artist } : null;
  }

  /** The TV shows another artwork: describe it now if its thumbnail is on disk. */
  currentChanged(contentId: string | null): void {
    this.currentId = contentId;
    this.deps.onStateChanged();
    if (contentId) void this.describeQuietly(contentId, 'now');
  }

  /** A thumbnail arrived; describe it if it is the current artwork and has no description yet. */
  thumbnailStored(contentId: string): void {
    if (contentId === this.currentId && !this.describer.cached(contentId)) {
      void this.describeQuietly(contentId, 'now');
    }
  }

  /** For the `describe` command; rejects with a DocentError carrying the AI error code. */
  async describe(contentId: string): Promise<{ content_id: string; title: string }> {
    const description = await this.describeOrThrow(contentId, 'now');

    return { content_id: contentId, title: description.title };
  }

  /** Describes every artwork without a description, newest first (by the TV's image date). */
  describeCatalogue(artworks: readonly CatalogueArtwork[]): void {
    if (!this.settings.describeCatalogue || this.catalogueRun || this.stopped) return;

    const order = newestFirst(artworks);
    this.catalogueRun = (async () => {
      for (const contentId of order) {
        if (this.stopped || this.describer.disabledReason) break;
        if (this.describer.cached(contentId) || !this.deps.cache.has(contentId)) continue;
        await this.describeQuietly(contentId, 'background');
      }
    })().finally(() => {
      this.catalogueRun = null;
    });
  }

  /** The artwork left the TV: its description goes from the cache and from the broker. */
  async forget(contentId: string): Promise<void> {
    if (this.describer.forget(contentId)) await this.deps.clear(contentId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.describer.off('usage', this.onUsage);
    await this.describer.stop();
    await this.catalogueRun;
  }

  private readonly onUsage = (): void => this.deps.onStateChanged();

  private async describeQuietly(contentId: string, priority: 'now' | 'background') {
    try {
      await this.describeOrThrow(contentId, priority);
    } catch (err) {
      this.deps.logger.debug({ err, content_id: contentId }, 'artwork not described');
    }
  }

  private async describeOrThrow(
    contentId: string,
    priority: 'now' | 'background',
  ): Promise<ArtworkDescription> {
    const image = await this.deps.cache.read(contentId);
    if (!image) {
      throw new DocentError('AI_NO_THUMBNAIL', `no thumbnail of ${contentId} to describe yet`, {
        transient: true,
      });
    }

    const result = await this.describer.describe(contentId, image, { priority });
    if (result.status === 'error') throw new DocentError(result.code, result.message);

    if (!result.cached) {
      const meta = this.describer.descriptionMeta(contentId);
      const payload = toDescriptionPayload(result.description, {
        contentId,
        model: meta?.model ?? this.settings.model,
        language: meta?.language ?? this.settings.language,
        describedAt: meta?.describedAt ?? new Date().toISOString(),
      });
      await this.deps.publish(contentId, { ...payload });
    }
    if (contentId === this.currentId) this.deps.onStateChanged();

    return result.description;
  }
}
