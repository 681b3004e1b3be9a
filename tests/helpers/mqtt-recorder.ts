import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';

export interface RecordedMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

/** A test MQTT client that records every message on its filters, in arrival order. */
export interface MqttRecorder {
  readonly messages: RecordedMessage[];
  /** Resolves with the first recorded message (past or future) matching `predicate`. */
  waitFor(
    predicate: (msg: RecordedMessage) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedMessage>;
  /** Messages on exactly `topic`. */
  on(topic: string): RecordedMessage[];
  clear(): void;
  publish(
    topic: string,
    payload: string | Buffer,
    opts?: { retain?: boolean; qos?: 0 | 1 },
  ): Promise<void>;
  /** The underlying client, for tests that need to act as another MQTT participant. */
  readonly client: MqttClient;
  stop(): Promise<void>;
}

/** Connects to `url`, subscribes to `filters` (QoS 1) and starts recording. */
export async function startRecorder(url: string, filters: string[]): Promise<MqttRecorder> {
  const client = mqtt.connect(url, { reconnectPeriod: 100, connectTimeout: 5_000 });
  const messages: RecordedMessage[] = [];
  const waiters = new Set<{
    predicate: (m: RecordedMessage) => boolean;
    resolve: (m: RecordedMessage) => void;
  }>();

  client.on('message', (topic, payload, packet) => {
    const msg = { topic, payload: Buffer.from(payload), retain: packet.retain };
    messages.push(msg);
    for (const waiter of waiters) {
      if (waiter.predicate(msg)) {
        waiters.delete(waiter);
        waiter.resolve(msg);
      }
    }
  });

  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 });

  return {
    messages,
    waitFor(predicate, timeoutMs = 3_000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);

      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (m: RecordedMessage) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = messages.map((m) => m.topic).join(', ');
          reject(new Error(`no matching message within ${timeoutMs} ms; seen: [${seen}]`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    on(topic) {
      return messages.filter((m) => m.topic === topic);
    },
    clear() {
      messages.length = 0;
    },
    async publish(topic, payload, opts = {}) {
      await client.publishAsync(topic, payload, {
        retain: opts.retain ?? false,
        qos: opts.qos ?? 0,
      });
    },
    client,
    async stop() {
      waiters.clear();
      await client.endAsync(true);
    },
  };
}

/**
 * What a client subscribing now (Home Assistant after a restart) is sent: the retained payload of
 * every topic matching `filters`. Complete, so a topic missing from the map holds nothing: the
 * broker queues a subscription's retained messages before it handles the client's next packet
 * (Mosquitto does; the aedes fallback was not checked), so once a probe published after
 * subscribing comes back, every retained message is in.
 */
export async function retainedOn(url: string, filters: string[]): Promise<Map<string, Buffer>> {
  const probe = `docent-test/retained-probe/${randomUUID()}`;
  const late = await startRecorder(url, [...filters, probe]);
  try {
    await late.publish(probe, 'probe', { qos: 1 });
    await late.waitFor((m) => m.topic === probe, 5_000);

    return new Map(late.messages.filter((m) => m.retain).map((m) => [m.topic, m.payload]));
  } finally {
    await late.stop();
  }
}
