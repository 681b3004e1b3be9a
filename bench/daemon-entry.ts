/**
 * Stand-in daemon entry for the benchmark, used only while `src/main.ts` does not exist:
 * reads the same `--options-file`, starts the same `Bridge`, stops it on SIGTERM/SIGINT.
 * TODO(#5): delete once src/main.ts exists; bench/daemon.ts prefers src/main.ts already.
 */
import { Bridge } from '../src/bridge.js';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import { VERSION } from '../src/version.js';

async function main(): Promise<void> {
  const index = process.argv.indexOf('--options-file');
  const optionsFile = index >= 0 ? process.argv[index + 1] : undefined;
  const loaded = await loadConfig({ argv: [], env: {}, ...(optionsFile ? { optionsFile } : {}) });
  if (loaded.action === 'exit') return;

  const { config } = loaded;
  const logger = createLogger(config.log_level);
  const bridge = new Bridge(
    {
      mqtt: {
        url: config.mqtt.url,
        username: config.mqtt.username,
        password: config.mqtt.password,
        baseTopic: config.mqtt.base_topic,
        discoveryPrefix: config.mqtt.discovery_prefix,
        haStatusTopic: config.mqtt.ha_status_topic,
      },
      tvs: config.tvs,
      dataDir: config.data_dir,
      version: VERSION,
      thumbnails: {
        maxWidthPx: config.thumbnails.max_width_px,
        chunkTargetMs: config.thumbnails.chunk_target_ms,
      },
    },
    { logger },
  );
  const stop = (): void => {
    bridge.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await bridge.start();
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench daemon entry failed: ${err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(1);
});
