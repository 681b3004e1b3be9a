import { UsageBudget } from './ai/usage-budget.js';
import type { BridgeHealth, HealthSource } from './health.js';
import type { Logger } from './log.js';
import { MqttBridgeClient } from './mqtt/client.js';
import type { DiscoveryMode } from './mqtt/discovery.js';
import { syncDiscovery } from './mqtt/discovery-sync.js';
import { OwnedDiscovery } from './mqtt/owned-discovery.js';
import { createTopics, type Topics } from './mqtt/topics.js';
import type { AiSettings } from './session/descriptions.js';
import { type RepublishReason, TvSession, type TvSessionOptions } from './session/tv-session.js';
import { systemClock } from './util/clock.js';

export interface BridgeOptions {
  mqtt: {
    url: string;
    username?: string | undefined;
    password?: string | undefined;
    baseTopic: string;
    discoveryPrefix: string;
    haStatusTopic: string;
    /** Device-based discovery (default) or one message per entity for HA before 2024.11. */
    discoveryMode?: DiscoveryMode;
  };
  tvs: Array<{
    id: string;
    name: string;
    host: string;
    port: number;
    secure: boolean;
    /** For Wake-on-LAN (the wake button). */
    mac?: string | undefined;
  }>;
  dataDir: string;
  version: string;
  thumbnails: { maxWidthPx: number; chunkTargetMs: number };
  /** Artwork descriptions for every TV; null or absent turns everything AI off. */
  ai?: AiSettings | null;
  /** Delay before answering Home Assistant's birth message; random 1–3 s by default. */
  haBirthDelayMs?: () => number;
  /** Per-session tuning (tests shorten timeouts). */
  session?: Pick<
    TvSessionOptions,
    'userDeadlineMs' | 'connection' | 'thumbnailTimeoutMs' | 'wake' | 'powerProbeMs'
  >;
}

/**
 * The running daemon: one MQTT client shared by one session per TV. A TV that is off or broken
 * only affects its own session.
 */
export class Bridge implements HealthSource {
  readonly sessions: TvSession[];
  private readonly mqtt: MqttBridgeClient;
  private readonly topics: Topics;
  private readonly log: Logger;
  private stopping: Promise<void> | null = null;
  private readonly aiEnabled: boolean;
  private readonly ownedDiscovery: OwnedDiscovery;

  constructor(options: BridgeOptions, deps: { logger: Logger }) {
    this.log = deps.logger.child({ component: 'bridge' });
    this.aiEnabled = Boolean(options.ai);
    this.ownedDiscovery = new OwnedDiscovery(options.dataDir, this.log);
    const topics = createTopics({
      baseTopic: options.mqtt.baseTopic,
      discoveryPrefix: options.mqtt.discoveryPrefix,
      haStatusTopic: options.mqtt.haStatusTopic,
    });
    this.topics = topics;
    this.mqtt = new MqttBridgeClient(
      {
        url: options.mqtt.url,
        ...(options.mqtt.username ? { username: options.mqtt.username } : {}),
        ...(options.mqtt.password ? { password: options.mqtt.password } : {}),
        topics,
        ...(options.haBirthDelayMs ? { haBirthDelayMs: options.haBirthDelayMs } : {}),
      },
      { logger: deps.logger.child({ component: 'mqtt' }) },
    );
    // One token budget for the daemon: the caps are what the account may spend, whatever the
    // number of TVs. Kept in <dataDir>/ai-usage.json.
    const aiBudget = options.ai
      ? new UsageBudget(
          {
            dir: options.dataDir,
            limits: {
              dailyTokens: options.ai.dailyTokenBudget,
              monthlyTokens: options.ai.monthlyTokenBudget,
            },
          },
          { clock: systemClock, logger: deps.logger.child({ component: 'ai' }) },
        )
      : undefined;
    this.sessions = options.tvs.map(
      (tv) =>
        new TvSession(
          {
            tv,
            dataDir: options.dataDir,
            version: options.version,
            thumbnails: options.thumbnails,
            ai: options.ai ?? null,
            discoveryMode: options.mqtt.discoveryMode ?? 'device',
            ...options.session,
          },
          { mqtt: this.mqtt, topics, logger: deps.logger, aiBudget },
        ),
    );
  }

  async start(): Promise<void> {
    let firstConnect = true;
    this.mqtt.on('connected', () => {
      // The first connect is covered by each session's own start(); later ones mean the broker may
      // have lost retained messages (home-assistant.md §1.3), so everything goes out again.
      if (firstConnect) {
        firstConnect = false;
        return;
      }
      this.republish('broker_reconnect');
    });
    this.mqtt.on('ha-online', () => this.republish('ha_birth'));

    if (!this.aiEnabled) {
      this.log.info(
        'artwork descriptions are off; set ai.api_key (or OPENAI_API_KEY) to enable them',
      );
    }
    await this.mqtt.start();
    await Promise.all(this.sessions.map((s) => s.start()));
    await this.publishDiscovery();
    for (const session of this.sessions) session.connect();
    this.log.info({ tvs: this.sessions.map((s) => s.tvId) }, 'bridge started');
  }

  /** For the heartbeat file (health.ts): healthy means the broker session is up. */
  health(): BridgeHealth {
    return { mqtt: this.mqtt.connected ? 'connected' : 'disconnected' };
  }

  onHealthChange(listener: (health: BridgeHealth) => void): void {
    this.mqtt.on('connected', () => listener(this.health()));
    this.mqtt.on('disconnected', () => listener(this.health()));
  }

  /** Idempotent: stops every session, then publishes `offline` and closes the broker session. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(this.sessions.map((s) => s.stop()));
      try {
        await this.mqtt.stop();
      } catch (err) {
        this.log.warn({ err }, 'mqtt stop failed');
      }
      this.log.info('bridge stopped');
    })();

    return this.stopping;
  }

  /** Every TV's discovery in one pass, clearing configs of TVs and entities that are gone. */
  private async publishDiscovery(): Promise<void> {
    try {
      const publishedBefore = await this.ownedDiscovery.load();
      let published: string[] = [];
      await syncDiscovery(
        this.mqtt,
        () => {
          const messages = this.sessions.flatMap((s) => s.discoveryMessages());
          published = messages.map((m) => m.topic);
          return messages;
        },
        {
          topics: this.topics,
          ownedNodeIds: new Set(this.sessions.map((s) => `docent_${s.tvId}`)),
          publishedBefore,
        },
        { logger: this.log },
      );
      await this.ownedDiscovery.save(published);
      for (const session of this.sessions) session.discoveryPublished(session.discoveryMessages());
    } catch (err) {
      this.log.warn({ err }, 'discovery publish failed');
    }
  }

  private republish(reason: RepublishReason): void {
    this.log.info({ reason }, 'republishing discovery and state');
    void (async () => {
      await this.publishDiscovery();
      await Promise.all(
        this.sessions.map((session) =>
          session.publishAll(reason).catch((err: unknown) => {
            this.log.warn({ err, tv: session.tvId }, 'republish failed');
          }),
        ),
      );
    })();
  }
}
