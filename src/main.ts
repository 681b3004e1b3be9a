#!/usr/bin/env node
/**
 * The Docent daemon: configuration, the bridge, signals and exit codes. No logic of its own.
 * Exit codes: 0 stopped cleanly, 1 fatal error, 2 invalid configuration (or, in the add-on, no
 * MQTT broker from the Supervisor).
 */
import { Bridge } from './bridge.js';
import { bridgeOptionsFrom } from './config/bridge-options.js';
import { ConfigError, loadConfig } from './config/load.js';
import { redactConfig } from './config/redact.js';
import { resolveAddonMqtt } from './config/supervisor.js';
import { isTransient } from './errors.js';
import { HealthReporter, healthFilePath } from './health.js';
import { createLogger, type Logger } from './log.js';
import { VERSION } from './version.js';

const ADDON_OPTIONS_FILE = '/data/options.json';
const STOP_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  let loaded: Awaited<ReturnType<typeof loadConfig>>;
  try {
    loaded = await loadConfig({
      argv: process.argv.slice(2),
      env: process.env,
      optionsFile: ADDON_OPTIONS_FILE,
      version: VERSION,
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`docent: ${err.message}\n`);
    process.exit(2);
  }
  if (loaded.action === 'exit') {
    process.stdout.write(loaded.output);
    return;
  }

  const logger = createLogger(loaded.config.log_level);
  let config = loaded.config;
  try {
    config = await resolveAddonMqtt(
      {
        config,
        argv: process.argv.slice(2),
        env: process.env,
        defaultOptionsFile: ADDON_OPTIONS_FILE,
      },
      { logger },
    );
  } catch (err) {
    logger.fatal({ err }, 'no mqtt broker, exiting');
    logger.flush();
    // 2 like any configuration problem; 1 when the Supervisor was unreachable and a restart may help.
    process.exit(isTransient(err) ? 1 : 2);
  }
  logger.info({ version: VERSION, config: redactConfig(config) }, 'docent starting');

  const bridge = new Bridge(bridgeOptionsFrom(config, VERSION), { logger });
  const health = new HealthReporter(
    { file: healthFilePath({ env: process.env, dataDir: config.data_dir }), version: VERSION },
    { source: bridge, logger },
  );
  installSignalHandlers(bridge, health, logger);
  await health.start();
  await bridge.start();
}

function installSignalHandlers(bridge: Bridge, health: HealthReporter, logger: Logger): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'docent stopping');
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: STOP_DEADLINE_MS }, 'stop took too long, exiting');
      process.exit(1);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    bridge
      .stop()
      .then(() => health.stop())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'stop failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Limping on after a programming error helps nobody: log it and let the supervisor restart us.
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    process.exit(1);
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `docent: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
