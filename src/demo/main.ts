/**
 * `npm run demo`: a simulated Frame with 524 artworks, a broker, and the bridge between them, so
 * Docent can be watched and driven without a TV or Home Assistant.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { startFakeOpenAiServer } from '../ai/fake-server.js';
import { Bridge } from '../bridge.js';
import { createLogger } from '../log.js';
import { startSimulatedFrame } from '../sim/index.js';
import { VERSION } from '../version.js';
import { chooseDemoBroker } from './broker.js';
import { parseDemoFlags } from './flags.js';

const TV_ID = 'frame_demo';

const FAKE_AI_KEY = 'sk-demo-not-a-real-key';

async function main(): Promise<void> {
  const options = new Command('docent-demo')
    .description('Simulated Frame + broker + Docent bridge')
    .option('--artworks <n>', 'artworks in the simulated TV', '524')
    .option('--latency <table>', 'simulated TV speed: none | fast | realistic', 'realistic')
    .option('--log-level <level>', 'bridge log level', 'info')
    .option('--data-dir <dir>', 'keep Docent data here (default: a fresh temp dir)')
    .option('--ai-fake', 'describe artworks with a local stand-in for the OpenAI API', false)
    .option(
      '--once',
      'exit after the thumbnail sync has finished and a select round-trip is done',
      false,
    )
    .parse()
    .opts<Record<string, unknown>>();
  const parsed = parseDemoFlags(options);
  if (!parsed.ok) {
    process.stderr.write(`docent-demo: invalid options:\n  ${parsed.problems.join('\n  ')}\n`);
    process.exit(2);
  }
  const flags = parsed.flags;

  const logger = createLogger(flags.logLevel);
  const broker = await chooseDemoBroker(process.env);
  const sim = await startSimulatedFrame({
    profileName: '2024',
    artworks: flags.artworks,
    latency: flags.latency,
  });
  const fakeAi = flags.aiFake
    ? await startFakeOpenAiServer({ apiKey: FAKE_AI_KEY, delayMs: 300 })
    : null;
  const dataDir = flags.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'docent-demo-')));
  const bridge = new Bridge(
    {
      mqtt: {
        url: broker.url,
        baseTopic: 'docent',
        discoveryPrefix: 'homeassistant',
        haStatusTopic: 'homeassistant/status',
      },
      tvs: [{ id: TV_ID, name: 'Demo Frame', host: sim.host, port: sim.securePort, secure: true }],
      dataDir,
      version: VERSION,
      thumbnails: { maxWidthPx: 320, chunkTargetMs: 600 },
      ai: fakeAi
        ? {
            apiKey: FAKE_AI_KEY,
            baseUrl: fakeAi.baseUrl,
            model: 'gpt-4o-mini',
            language: 'en',
            describeCatalogue: true,
          }
        : null,
    },
    { logger },
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) process.exit(code);
    stopping = true;
    clearInterval(progress);
    await bridge.stop();
    await sim.stop();
    await fakeAi?.close();
    await broker.stop();
    if (!flags.dataDir) await rm(dataDir, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  await bridge.start();
  printBanner(broker, sim.contentIds()[41] ?? sim.contentIds()[0] ?? 'MY_F0001', fakeAi !== null);

  const session = bridge.sessions[0];
  let selectDone = false;
  const progress = setInterval(() => {
    const c = sim.counters();
    const p = session?.progress();
    const line =
      `[demo] thumbnails ${p?.done ?? 0}/${p?.total ?? 0}` +
      ` · art sockets opened ${c.artConnectionsOpened}, most open at once ${c.maxArtConnectionsOpen}` +
      ` · TV requests ${Object.values(c.requests).reduce((a, b) => a + b, 0)}`;
    process.stdout.write(`${line}\n`);
    if (flags.once && p && p.total > 0 && !p.running && selectDone) void stop(0);
  }, 2000);

  if (flags.once && session) {
    // During the sync, or after it when a small catalogue synced before this point.
    await waitFor(() => {
      const p = session.progress();
      return p.done > 0 || (p.total > 0 && !p.running);
    }, 120_000);
    const target = sim.contentIds()[41] ?? sim.contentIds()[0] ?? 'MY_F0001';
    const when = session.progress().running ? 'during the sync' : 'after the sync';
    const started = Date.now();
    const result = await session.handleCommand(
      Buffer.from(JSON.stringify({ action: 'select', content_id: target, id: 'demo-once' })),
    );
    process.stdout.write(
      `[demo] select ${target} ${when} → ${result.status} in ${Date.now() - started} ms; ` +
        `TV now shows ${sim.state().currentContentId}\n`,
    );
    selectDone = true;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function printBanner(
  broker: { url: string; kind: string; host: string; port: number },
  example: string,
  ai: boolean,
) {
  const hostFlags = `-h ${broker.host} -p ${broker.port}`;
  const lines = [
    '',
    `Docent demo is running (broker: ${broker.url}, ${broker.kind}).`,
    '',
    'Watch the TV state and command results:',
    `  mosquitto_sub ${hostFlags} -v -t 'docent/${TV_ID}/state' -t 'docent/${TV_ID}/command/result'`,
    '',
    'Show another artwork:',
    `  mosquitto_pub ${hostFlags} -t 'docent/${TV_ID}/command' -m '{"action":"select","content_id":"${example}","id":"try-1"}'`,
    '',
    ...(ai
      ? [
          'Artwork descriptions (from a local stand-in for the OpenAI API):',
          `  mosquitto_sub ${hostFlags} -v -t 'docent/${TV_ID}/artwork/+/description'`,
          '',
        ]
      : []),
    'Home Assistant discovery is on homeassistant/device/docent_frame_demo/config. Ctrl-C stops.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
