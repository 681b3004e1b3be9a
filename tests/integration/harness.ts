import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Bridge, type BridgeOptions } from '../../src/bridge.js';
import { silentLogger } from '../../src/log.js';
import type { AiSettings } from '../../src/session/descriptions.js';
import { type SimOptions, type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto.js';
import {
  type MqttRecorder,
  type RecordedMessage,
  startRecorder,
} from '../helpers/mqtt-recorder.js';

export interface HarnessOptions {
  artworks?: number;
  latencyScale?: number;
  chunkTargetMs?: number;
  tvId?: string;
  /** Reuse a data dir (warm start); a fresh temp dir otherwise. */
  dataDir?: string;
  /** Reuse a broker across harnesses in one test file. */
  broker?: TestBroker;
  sim?: SimulatedFrame;
  ai?: AiSettings;
  /** Extra simulator options for the harness's own simulator (e.g. `slideshowMinuteMs`). */
  simOptions?: Partial<SimOptions>;
  /** More TVs served by the same bridge; the caller owns (and stops) their simulators. */
  extraTvs?: Array<{ id: string; name: string; sim: SimulatedFrame }>;
  /** Discovery form; device-based by default. */
  discoveryMode?: 'device' | 'component';
  /** Delay before answering HA's birth message; 0 by default. */
  haBirthDelayMs?: number;
  /** Connection settings on top of the harness's fast backoff (e.g. the pairing prompt's timings). */
  connection?: NonNullable<BridgeOptions['session']>['connection'];
}

export interface Harness {
  broker: TestBroker;
  sim: SimulatedFrame;
  bridge: Bridge;
  recorder: MqttRecorder;
  dataDir: string;
  tvId: string;
  topic(suffix: string): string;
  /** Publishes a command and resolves with its result message (matched by id). */
  command(
    body: Record<string, unknown> & { id: string },
    timeoutMs?: number,
  ): Promise<CommandReply>;
  latestState(): Record<string, unknown> | null;
  waitForState(
    predicate: (state: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface CommandReply {
  result: Record<string, unknown>;
  latencyMs: number;
}

function json(msg: RecordedMessage): Record<string, unknown> {
  return JSON.parse(msg.payload.toString()) as Record<string, unknown>;
}

/** Broker + simulated Frame + the bridge, wired like the daemon, with a recording MQTT client. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const tvId = options.tvId ?? 'frame';
  const broker = options.broker ?? (await startMosquitto());
  const sim =
    options.sim ??
    (await startSimulatedFrame({
      profileName: '2024',
      artworks: options.artworks ?? 524,
      latency: 'realistic',
      latencyScale: options.latencyScale ?? 0.1,
      ...options.simOptions,
    }));
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'docent-it-')));
  const recorder = await startRecorder(broker.url, ['docent/#', 'homeassistant/#']);
  const bridge = new Bridge(
    {
      mqtt: {
        url: broker.url,
        baseTopic: 'docent',
        discoveryPrefix: 'homeassistant',
        haStatusTopic: 'homeassistant/status',
        discoveryMode: options.discoveryMode ?? 'device',
      },
      tvs: [{ id: tvId, name: 'Test Frame', sim }, ...(options.extraTvs ?? [])].map((tv) => ({
        id: tv.id,
        name: tv.name,
        host: tv.sim.host,
        port: tv.sim.securePort,
        secure: true,
        mac: tv.sim.mac,
      })),
      dataDir,
      version: '0.0.0-test',
      thumbnails: { maxWidthPx: 160, chunkTargetMs: options.chunkTargetMs ?? 300 },
      haBirthDelayMs: () => options.haBirthDelayMs ?? 0,
      ai: options.ai ?? null,
      session: {
        userDeadlineMs: 10_000,
        connection: {
          backoff: { initialMs: 50, maxMs: 500, resetAfterMs: 2_000 },
          ...options.connection,
        },
        // Every TV's magic packet goes to loopback; only the simulator with that MAC counts it.
        wake: { address: '127.0.0.1', port: sim.wolPort },
      },
    },
    { logger: silentLogger() },
  );
  await bridge.start();

  const topic = (suffix: string) => `docent/${tvId}/${suffix}`;
  const latestState = () => {
    const states = recorder.on(topic('state'));
    const last = states[states.length - 1];

    return last ? json(last) : null;
  };

  return {
    broker,
    sim,
    bridge,
    recorder,
    dataDir,
    tvId,
    topic,
    latestState,
    async command(body, timeoutMs = 15_000) {
      const started = performance.now();
      await recorder.publish(topic('command'), JSON.stringify(body), { qos: 1 });
      const msg = await recorder.waitFor(
        (m) => m.topic === topic('command/result') && json(m).id === body.id,
        timeoutMs,
      );

      return { result: json(msg), latencyMs: performance.now() - started };
    },
    async waitForState(predicate, timeoutMs = 20_000) {
      const msg = await recorder.waitFor(
        (m) => m.topic === topic('state') && predicate(json(m)),
        timeoutMs,
      );

      return json(msg);
    },
    async stop() {
      await bridge.stop();
      await recorder.stop();
      if (!options.sim) await sim.stop();
      if (!options.broker) await broker.stop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
