#!/usr/bin/env node
/**
 * `node dist/health-check.js [file]`: exit 0 when the running daemon's heartbeat says MQTT is
 * connected and is fresh, 1 otherwise. Made for Docker's `HEALTHCHECK` in images without curl.
 * The file is the argument, else `DOCENT_HEALTH_FILE`, else `$DOCENT_DATA_DIR/health.json`
 * (data dir `./.data` when unset, as in the daemon's defaults).
 */
import { checkHealth, healthFilePath } from './health.js';

const DEFAULT_DATA_DIR = './.data';

async function run(): Promise<number> {
  const file =
    process.argv[2] ??
    healthFilePath({
      env: process.env,
      dataDir: process.env.DOCENT_DATA_DIR?.trim() || DEFAULT_DATA_DIR,
    });
  const verdict = await checkHealth({ file, nowMs: Date.now() });
  process.stdout.write(`${verdict.healthy ? 'healthy' : 'unhealthy'}: ${verdict.reason}\n`);

  return verdict.healthy ? 0 : 1;
}

run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`health check failed: ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  },
);
