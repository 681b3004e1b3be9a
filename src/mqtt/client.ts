/**
 * The process's one MQTT session: last will, `online` on every (re)connect, resubscription, HA's
 * birth message, and a clean `offline` on stop (home-assistant.md §1.8–1.9).
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { REDACTED, stripUrlCredentials } from '../config/redact.js';
import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';
import { topicMatches } from './topic-match.js';
import type { Topics } from './topics.js';

export interface MqttBridgeClientOptions {
  url: string;
  username?: string;
  password?: string;
  clientId?: string;
  topics: Topics;
  /**
   * Delay before answering HA's birth message, so many bridges do not answer at once
   * (§1.9). Default: random 1000–3000 ms.
   */
  haBirthDelayMs?: () => number;
  /** Time allowed for one connect attempt. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Time between reconnect attempts while the broker is unreachable. Default 2 000 ms. */
  reconnectPeriodMs?: number;
}

export interface MqttBridgeClientDeps {
  logger: Logger;
}

export interface PublishOptions {
  retain?: boolean;
  qos?: 0 | 1;
}

/** `retained`: the broker replayed a retained message (sent before this subscription). */
export type MessageHandler = (topic: string, payload: Buffer, retained: boolean) => void;

type SessionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'stopping' | 'stopped';

interface BridgeEvents {
  connected: [];
  'ha-online': [];
  disconnected: [];
}

const ONLINE = 'online';
const OFFLINE = 'offline';
const STOP_PUBLISH_TIMEOUT_MS = 2_000;
/** After the sentinel came back: time for brokers that stream retained messages lazily. */
const SENTINEL_GRACE_MS = 50;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Events: `connected` after every (re)connect, once `online` is published and subscriptions are
 * back; `ha-online` after HA's birth message plus the delay; `disconnected` when the session drops.
 * Handlers run on mqtt.js's message callback; a throwing handler is logged and does not affect
 * others.
 */
export class MqttBridgeClient extends EventEmitter<BridgeEvents> {
  private state: SessionState = 'idle';
  private client: MqttClient | null = null;
  private readonly handlers = new Map<string, Set<MessageHandler>>();
  private readonly collectors = new Set<{ filter: string; onMessage: MessageHandler }>();
  private birthTimer: NodeJS.Timeout | null = null;
  private startWaiter: { resolve: () => void; reject: (err: Error) => void } | null = null;
  private stopping: Promise<void> | null = null;
  private disconnectedAt: number | null = null;
  private failedAttempts = 0;
  private readonly log: Logger;

  constructor(
    private readonly options: MqttBridgeClientOptions,
    deps: MqttBridgeClientDeps,
  ) {
    super();
    this.log = deps.logger.child({ component: 'mqtt' });
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Resolves at the first successful connect; keeps retrying until then. Rejects only on stop(). */
  start(): Promise<void> {
    if (this.state !== 'idle') {
      return Promise.reject(new DocentError('MQTT_STARTED', 'client was already started'));
    }

    const { topics } = this.options;
    const clientOptions: IClientOptions = {
      clientId: this.options.clientId ?? `docent_${Math.random().toString(16).slice(2, 10)}`,
      username: this.options.username,
      password: this.options.password,
      clean: true,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      reconnectPeriod: this.options.reconnectPeriodMs ?? 2_000,
      // A refused CONNACK (bad credentials, broker not ready) would otherwise stop all retries.
      reconnectOnConnackError: true,
      // Docent replays its own subscription list on every connect (see onConnect), so mqtt.js's
      // replay, which only covers subscriptions it saw acknowledged, is switched off.
      resubscribe: false,
      will: {
        topic: topics.bridgeAvailability,
        payload: Buffer.from(OFFLINE),
        qos: 1,
        retain: true,
      },
    };

    this.setState('connecting');
    this.log.info(
      { broker: stripUrlCredentials(this.options.url), clientId: clientOptions.clientId },
      'mqtt connecting',
    );
    const client = mqtt.connect(this.options.url, clientOptions);
    this.client = client;
    client.on('connect', () => void this.onConnect(client));
    client.on('close', () => this.onClose());
    client.on('error', (err) => this.onError(err));
    client.on('message', (topic, payload, packet) => this.dispatch(topic, payload, packet.retain));

    return new Promise((resolve, reject) => {
      this.startWaiter = { resolve, reject };
    });
  }

  /** Publishes now; fails with a transient `MQTT_DISCONNECTED` while the session is down. */
  async publish(topic: string, payload: string | Buffer, opts: PublishOptions = {}): Promise<void> {
    const client = this.requireConnected();

    await client.publishAsync(topic, payload, { retain: opts.retain ?? false, qos: opts.qos ?? 0 });
  }

  /**
   * Adds `handler` for messages matching `filter` (QoS 1). The subscription is renewed after
   * every reconnect; when called while disconnected it takes effect at the next connect.
   */
  async subscribe(filter: string, handler: MessageHandler): Promise<void> {
    const existing = this.handlers.get(filter);
    if (existing) {
      existing.add(handler);
      // A new handler on a filter already subscribed still gets the retained messages.
      if (this.client && this.state === 'connected')
        await this.client.subscribeAsync(filter, { qos: 1 });
      return;
    }

    this.handlers.set(filter, new Set([handler]));
    if (this.client && this.state === 'connected')
      await this.client.subscribeAsync(filter, { qos: 1 });
  }

  /**
   * Subscribes to `filter` and returns the retained messages the broker delivered (empty
   * payloads left out): what Docent published in an earlier run, for stale cleanup.
   *
   * A broker sends the retained messages of a subscription before it handles the client's next
   * packet, so a message published after subscribing, to a topic of Docent's own, comes back
   * after them: collection ends then, plus `SENTINEL_GRACE_MS` for brokers that stream retained
   * messages from storage. `windowMs` caps the wait either way.
   */
  async collectRetained(filter: string, windowMs: number): Promise<Map<string, Buffer>> {
    const client = this.requireConnected();
    const found = new Map<string, Buffer>();
    const sentinel = `${this.options.topics.bridgeSentinel}/${randomUUID()}`;
    let sentinelSeen: () => void = () => {};
    const seen = new Promise<void>((resolve) => {
      sentinelSeen = resolve;
    });
    const collector = {
      filter,
      onMessage: (topic: string, payload: Buffer) => {
        if (payload.length === 0) found.delete(topic);
        else found.set(topic, payload);
      },
    };
    const sentinelCollector = { filter: sentinel, onMessage: () => sentinelSeen() };

    this.collectors.add(collector);
    this.collectors.add(sentinelCollector);
    let timer: NodeJS.Timeout | null = null;
    try {
      await client.subscribeAsync([filter, sentinel], { qos: 1 });
      await client.publishAsync(sentinel, '', { qos: 1, retain: false });
      await Promise.race([
        seen.then(() => sleep(SENTINEL_GRACE_MS)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, windowMs);
        }),
      ]);
    } finally {
      if (timer) clearTimeout(timer);
      this.collectors.delete(collector);
      this.collectors.delete(sentinelCollector);
      if (this.state === 'connected') {
        const done = this.handlers.has(filter) ? [sentinel] : [filter, sentinel];
        await client.unsubscribeAsync(done).catch((err: unknown) => {
          this.log.debug({ err, filter }, 'mqtt unsubscribe failed');
        });
      }
    }

    return found;
  }

  /** Idempotent. Publishes `offline` (retained) while still connected, then closes the session. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();

    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const client = this.client;
    const wasConnected = this.state === 'connected';
    this.setState('stopping');
    this.clearBirthTimer();
    this.startWaiter?.reject(new DocentError('MQTT_STOPPED', 'client stopped before connecting'));
    this.startWaiter = null;

    if (client && wasConnected) {
      try {
        await withTimeout(
          client.publishAsync(this.options.topics.bridgeAvailability, OFFLINE, {
            qos: 1,
            retain: true,
          }),
          STOP_PUBLISH_TIMEOUT_MS,
        );
      } catch (err) {
        this.log.warn({ err }, 'mqtt offline publish failed');
      }
    }
    if (client) {
      try {
        await withTimeout(client.endAsync(!wasConnected), STOP_PUBLISH_TIMEOUT_MS);
      } catch (err) {
        this.log.warn({ err }, 'mqtt close failed');
        client.end(true);
      }
    }
    this.client = null;
    this.setState('stopped');
    this.log.info('mqtt stopped');
  }

  private async onConnect(client: MqttClient): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;

    try {
      await client.publishAsync(this.options.topics.bridgeAvailability, ONLINE, {
        qos: 1,
        retain: true,
      });
      await client.subscribeAsync(this.options.topics.haStatus, { qos: 1 });
      const filters = [...this.handlers.keys()];
      if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 });
    } catch (err) {
      // The session dropped while setting up; the next connect repeats all of it.
      this.log.warn({ err }, 'mqtt session setup failed');
      return;
    }
    if (this.isStopping()) return;

    const outageMs = this.disconnectedAt === null ? null : Date.now() - this.disconnectedAt;
    this.log.info({ attempts: this.failedAttempts, outageMs }, 'mqtt connected');
    this.disconnectedAt = null;
    this.failedAttempts = 0;
    this.setState('connected');
    this.startWaiter?.resolve();
    this.startWaiter = null;
    this.emit('connected');
  }

  private onClose(): void {
    if (this.state === 'stopping' || this.state === 'stopped') return;

    const wasConnected = this.state === 'connected';
    this.failedAttempts += 1;
    if (wasConnected) {
      this.disconnectedAt = Date.now();
      this.setState('reconnecting');
      this.log.warn('mqtt disconnected');
      this.emit('disconnected');
    }
  }

  private onError(err: Error): void {
    // First failure of an outage at warn, repeats at debug (style.md, Logging).
    if (this.failedAttempts <= 1) this.log.warn({ err: redactError(err) }, 'mqtt connection error');
    else
      this.log.debug(
        { err: redactError(err), attempt: this.failedAttempts },
        'mqtt connection error',
      );
  }

  private dispatch(topic: string, payload: Buffer, retained: boolean): void {
    if (topic === this.options.topics.haStatus) this.onHaStatus(payload);

    for (const collector of this.collectors) {
      if (topicMatches(collector.filter, topic)) collector.onMessage(topic, payload, retained);
    }
    for (const [filter, handlers] of this.handlers) {
      if (!topicMatches(filter, topic)) continue;
      for (const handler of handlers) {
        try {
          handler(topic, payload, retained);
        } catch (err) {
          this.log.error({ err, topic, filter }, 'mqtt message handler failed');
        }
      }
    }
  }

  /** HA's birth (`online`) means discovery is subscribed: answer after a jittered delay (§1.9). */
  private onHaStatus(payload: Buffer): void {
    if (payload.toString('utf8').trim() !== ONLINE) return;

    this.clearBirthTimer();
    const delayMs = Math.max(0, (this.options.haBirthDelayMs ?? defaultBirthDelayMs)());
    this.log.info({ delayMs }, 'ha birth received');
    this.birthTimer = setTimeout(() => {
      this.birthTimer = null;
      if (this.state === 'connected') this.emit('ha-online');
    }, delayMs);
  }

  /** A method, not an inline check, because the state can change across an `await`. */
  private isStopping(): boolean {
    return this.state === 'stopping' || this.state === 'stopped';
  }

  private requireConnected(): MqttClient {
    if (!this.client || this.state !== 'connected') {
      throw new DocentError('MQTT_DISCONNECTED', 'not connected to the MQTT broker', {
        transient: true,
      });
    }

    return this.client;
  }

  private clearBirthTimer(): void {
    if (this.birthTimer) clearTimeout(this.birthTimer);
    this.birthTimer = null;
  }

  private setState(next: SessionState): void {
    if (next === this.state) return;
    this.log.debug({ from: this.state, to: next }, 'mqtt state changed');
    this.state = next;
  }
}

function defaultBirthDelayMs(): number {
  return 1_000 + Math.random() * 2_000;
}

/** mqtt.js error messages can echo the URL it was given; strip credentials from them. */
function redactError(err: Error): Error {
  const message = err.message.replace(/\/\/[^/@\s]*@/g, `//${REDACTED}@`);
  if (message === err.message) return err;
  const copy = new Error(message);
  copy.name = err.name;

  return copy;
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DocentError('MQTT_TIMEOUT', `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
