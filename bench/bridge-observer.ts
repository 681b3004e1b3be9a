/**
 * Watches Docent from the outside, over MQTT only: the retained state, command results,
 * discovery, catalog and thumbnail topics, each with its arrival time (`performance.now()`).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';
import { createTopics, type TvTopics } from '../src/mqtt/topics.js';

const stateSchema = z.looseObject({
  connection: z.string(),
  sync: z.looseObject({ done: z.number(), total: z.number(), running: z.boolean() }).nullish(),
  catalog_size: z.number().nullish(),
});
const resultSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  error: z.looseObject({ code: z.string() }).optional(),
});

export type BridgeState = z.infer<typeof stateSchema>;
type ResultMessage = z.infer<typeof resultSchema>;

export interface CommandOutcome {
  /** `ok`, `error`, `superseded`, `expired` from Docent; `timeout` when no result came. */
  status: string;
  /** Docent's error code when status is `error`. */
  errorCode?: string;
  latencyMs: number;
}

interface Waiter {
  check(): boolean;
  resolve(): void;
  reject(err: Error): void;
}

export class BridgeObserver {
  /** Latest retained state; null until one parses. */
  state: BridgeState | null = null;
  /** Content ids with a non-empty retained thumbnail. */
  readonly thumbnailIds = new Set<string>();
  firstThumbnailAt: number | null = null;
  lastThumbnailAt: number | null = null;
  discoveryAt: number | null = null;
  /** Size of the largest discovery config seen, in bytes. */
  largestDiscoveryBytes: number | null = null;
  catalogAt: number | null = null;
  /** Payloads on the state topic that did not parse. */
  badStates = 0;
  private readonly waiters = new Set<Waiter>();
  private stopping: Promise<void> | undefined;
  private readonly results = new Map<string, (result: ResultMessage) => void>();

  private constructor(
    private readonly client: MqttClient,
    private readonly topics: TvTopics,
    private readonly onThumbnail: (contentId: string, at: number) => void,
  ) {
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  static async connect(
    url: string,
    tvId: string,
    onThumbnail: (contentId: string, at: number) => void = () => undefined,
  ): Promise<BridgeObserver> {
    const topics = createTopics({ baseTopic: 'docent', discoveryPrefix: 'homeassistant' }).tv(tvId);
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, connectTimeout: 5_000 });
    const observer = new BridgeObserver(client, topics, onThumbnail);
    await client.subscribeAsync(
      [
        topics.state,
        topics.commandResult,
        topics.catalog,
        topics.thumbnailFilter,
        topics.discovery,
      ],
      { qos: 1 },
    );

    return observer;
  }

  /** Resolves once `check()` holds (re-checked on every message); rejects after `timeoutMs`. */
  waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();

    return new Promise((resolve, reject) => {
      const poll = setInterval(() => {
        if (check()) finish();
      }, 100);
      const settle = (err?: Error): void => {
        this.waiters.delete(waiter);
        clearTimeout(timer);
        clearInterval(poll);
        if (err) reject(err);
        else resolve();
      };
      const finish = (): void => settle();
      const timer = setTimeout(
        () => settle(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      const waiter: Waiter = { check, resolve: finish, reject: settle };
      this.waiters.add(waiter);
    });
  }

  /** Publishes a select and measures publish → result; `timeout` after `timeoutMs`. */
  async select(contentId: string, id: string, timeoutMs: number): Promise<CommandOutcome> {
    const payload = JSON.stringify({ action: 'select', content_id: contentId, id });
    const result = new Promise<ResultMessage>((resolve) => {
      const timer = setTimeout(() => {
        this.results.delete(id);
        resolve({ id, status: 'timeout' });
      }, timeoutMs);
      this.results.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
    const started = performance.now();
    await this.client.publishAsync(this.topics.command, payload, { qos: 1 });
    const message = await result;
    const latencyMs = performance.now() - started;

    return message.error
      ? { status: message.status, errorCode: message.error.code, latencyMs }
      : { status: message.status, latencyMs };
  }

  /** Idempotent; pending waits fail and pending selects end as `stopped`. */
  async stop(): Promise<void> {
    for (const waiter of [...this.waiters]) waiter.reject(new Error('observer stopped'));
    for (const [id, resolve] of [...this.results]) resolve({ id, status: 'stopped' });
    this.results.clear();
    this.stopping ??= this.client.endAsync(true);
    await this.stopping;
  }

  private onMessage(topic: string, payload: Buffer): void {
    const at = performance.now();
    this.record(topic, payload, at);
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) waiter.resolve();
    }
  }

  private record(topic: string, payload: Buffer, at: number): void {
    const thumbnailPrefix = this.topics.thumbnailFilter.slice(0, -1);
    if (topic.startsWith(thumbnailPrefix)) {
      if (payload.length === 0) return;
      const contentId = topic.slice(thumbnailPrefix.length);
      this.thumbnailIds.add(contentId);
      this.firstThumbnailAt ??= at;
      this.lastThumbnailAt = at;
      this.onThumbnail(contentId, at);
      return;
    }
    if (topic === this.topics.state) {
      const parsed = stateSchema.safeParse(parseJson(payload));
      if (parsed.success) this.state = parsed.data;
      else this.badStates += 1;
      return;
    }
    if (topic === this.topics.commandResult) {
      const parsed = resultSchema.safeParse(parseJson(payload));
      if (!parsed.success) return;
      const resolve = this.results.get(parsed.data.id);
      this.results.delete(parsed.data.id);
      resolve?.(parsed.data);
      return;
    }
    if (payload.length === 0) return;
    if (topic === this.topics.catalog) this.catalogAt ??= at;
    if (topic === this.topics.discovery) {
      this.discoveryAt ??= at;
      this.largestDiscoveryBytes = Math.max(this.largestDiscoveryBytes ?? 0, payload.length);
    }
  }
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}
