#!/usr/bin/env node
import { Command } from 'commander';
import { createLogger } from '../log.js';
import { addSimOptions, type CliOptions, simOptionsFrom } from './cli-options.js';
import { startSimulatedFrame } from './start-frame.js';

const program = addSimOptions(
  new Command('docent-sim').description(
    'A simulated Samsung The Frame TV (art mode) on real sockets: REST, art and remote ' +
      'channels, d2d transfers, Wake-on-LAN and a loopback control API',
  ),
);

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<CliOptions>();
  const logger = createLogger(opts.logLevel).child({ component: 'sim' });
  const frame = await startSimulatedFrame({ ...simOptionsFrom(opts), logger });
  if (opts.catalogueFolder !== undefined) {
    await frame.loadCatalogue({ kind: 'folder', path: opts.catalogueFolder });
  }
  const artworks = frame.state().artworkCount;
  process.stdout.write(
    `docent-sim: REST+WS http://${frame.host}:${frame.plainPort}/api/v2/  ` +
      `REST+WSS https://${frame.host}:${frame.securePort}/api/v2/  ` +
      `WoL udp://${frame.host}:${frame.wolPort}  ` +
      `control http://127.0.0.1:${frame.controlPort ?? 0}/  ` +
      `(profile ${opts.profile}: ${frame.profile.label}, ${artworks} artworks, ` +
      `latency ${opts.latency}, mac ${frame.mac})\n`,
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
