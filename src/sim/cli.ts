#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { createLogger } from '../log.js';
import { startSimulatedFrame } from './frame-server.js';

function integer(min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }

    return parsed;
  };
}

const program = new Command('docent-sim')
  .description('A simulated Samsung The Frame TV (art mode) on real sockets')
  .option('--artworks <n>', 'catalogue size', integer(0, 100_000), 524)
  .addOption(
    new Option('--latency <mode>', 'service-time table')
      .choices(['none', 'fast', 'realistic'] as const)
      .default('realistic' as const),
  )
  .option('--plain-port <port>', 'HTTP + WS port (the 8001 role)', integer(0, 65535), 8001)
  .option('--secure-port <port>', 'HTTPS + WSS port (the 8002 role)', integer(0, 65535), 8002)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--seed <n>', 'catalogue seed', integer(0, 2 ** 32 - 1), 1)
  .option('--log-level <level>', 'sim log level', 'info');

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<{
    artworks: number;
    latency: 'none' | 'fast' | 'realistic';
    plainPort: number;
    securePort: number;
    host: string;
    seed: number;
    logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  }>();
  const logger = createLogger(opts.logLevel).child({ component: 'sim' });
  const frame = await startSimulatedFrame({
    artworks: opts.artworks,
    latency: opts.latency,
    plainPort: opts.plainPort,
    securePort: opts.securePort,
    host: opts.host,
    seed: opts.seed,
    logger,
  });
  process.stdout.write(
    `docent-sim: REST+WS http://${frame.host}:${frame.plainPort}/api/v2/  ` +
      `REST+WSS https://${frame.host}:${frame.securePort}/api/v2/  ` +
      `(${opts.artworks} artworks, latency ${opts.latency}, mac ${frame.mac})\n`,
  );

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'simulator stopping');
    frame.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'simulator stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`docent-sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
