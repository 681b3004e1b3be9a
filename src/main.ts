#!/usr/bin/env node
/**
 * The Docent daemon: configuration, the bridge, signals and exit codes. No logic of its own.
 * Exit codes: 0 stopped cleanly, 1 fatal error, 2 invalid configuration (or, in the add-on, no
 * MQTT broker from the Supervisor). The add-on with no TV configured (its fresh install) does not
 * exit: it says what to do and waits for SIGTERM, so the watchdog does not restart it in a loop.
 */
import { bridgeOptionsFrom } from './config/bridge-options.js';
import { ConfigError, loadConfig } from './config/load.js';
import { redactConfig } from './config/redact.js';
import { resolveAddonMqtt } from './config/supervisor.js';
import { DocentError, isTransient } from './errors.js';
import { HealthReporter, healthFilePath, idleHealthSource } from './health.js';
import { createLogger, type Logger } from './log.js';
import { VERSION } from './version.js';

const ADDON_OPTIONS_FILE = '/data/options.json';
const STOP_DEADLINE_MS = 10_000;
/** Where the heartbeat goes before a config names the data dir (the daemon's default). */
const DEFAULT_DATA_DIR = './.data';

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
    if (err.noTvOnly && isAddon(err)) {
      await idleWithoutTv();
      return;
    }
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

  // Loaded only now: `--help`, `--version` and configuration errors answer without the MQTT,
  // WebSocket and image libraries.
  const { Bridge } = await import('./bridge.js');
  const bridge = new Bridge(bridgeOptionsFrom(config, VERSION), { logger });
  const health = new HealthReporter(
    { file: healthFilePath({ env: process.env, dataDir: config.data_dir }), version: VERSION },
    { source: bridge, logger },
  );
  installSignalHandlers(logger, async () => {
    await bridge.stop();
    await health.stop();
  });
  await health.start();
  try {
    await bridge.start();
  } catch (err) {
    // A stop signal while the broker was still being reached: the signal handler exits cleanly.
    if (err instanceof DocentError && err.code === 'MQTT_STOPPED') return;
    throw err;
  }
}

/** The Supervisor's token, or the options file only the Supervisor writes. */
function isAddon(err: ConfigError): boolean {
  const token = process.env.SUPERVISOR_TOKEN?.trim() || process.env.HASSIO_TOKEN?.trim();

  return Boolean(token) || err.optionsFile === ADDON_OPTIONS_FILE;
}

/**
 * A fresh add-on install has `tvs: []`. Exiting would make the watchdog restart it over and over,
 * so say once what to do and wait, healthy and without a broker, until the Supervisor stops us.
 */
async function idleWithoutTv(): Promise<void> {
  const logger = createLogger('info');
  const health = new HealthReporter(
    {
      file: healthFilePath({
        env: process.env,
        dataDir: process.env.DOCENT_DATA_DIR?.trim() || DEFAULT_DATA_DIR,
      }),
      version: VERSION,
    },
    { source: idleHealthSource, logger },
  );
  // The heartbeat's timer is unref'd; this keeps the process waiting for a signal.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  installSignalHandlers(logger, async () => {
    clearInterval(keepAlive);
    await health.stop();
  });
  logger.error(
    {
      version: VERSION,
      hint: "add a TV (its name and host) in the add-on's Configuration tab, save, and restart the add-on",
    },
    'no tv configured; waiting idle until restarted',
  );
  await health.start();
}

/** SIGINT/SIGTERM run `stop` once and exit 0; a second signal or the deadline exit 1. */
function installSignalHandlers(logger: Logger, stopAll: () => Promise<void>): void {
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
    stopAll().then(
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
