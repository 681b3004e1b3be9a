import { type Command, Option } from 'commander';
import {
  addProfileOptions,
  COUNT,
  defined,
  integer,
  MS,
  type ProfileFlags,
  profileOverridesFrom,
} from './cli-profile-options.js';
import { PROFILE_NAMES, type ProfileName } from './profile.js';
import type { SimOptions } from './sim-types.js';
import type { SimSwitches } from './switches.js';

const PORT = integer(0, 65_535);

/** Every option of `docent-sim`, so that `--help` lists each profile and failure switch. */
export function addSimOptions(program: Command): Command {
  program
    .addOption(
      new Option('--profile <model>', 'model profile').choices(PROFILE_NAMES).default('2022'),
    )
    .option('--artworks <n>', 'generated catalogue size', integer(0, 100_000), 524)
    .option('--store-artworks <n>', 'Art Store (SAM-*) items added', integer(0, 10_000), 0)
    .option('--catalogue-folder <dir>', 'load the catalogue from a folder of JPEG/PNG images')
    .addOption(
      new Option('--latency <mode>', 'service-time table')
        .choices(['none', 'fast', 'realistic'] as const)
        .default('realistic' as const),
    )
    .option('--plain-port <port>', 'HTTP + WS port (the 8001 role)', PORT, 8001)
    .option('--secure-port <port>', 'HTTPS + WSS port (the 8002 role)', PORT, 8002)
    .option('--wol-port <port>', 'UDP Wake-on-LAN port (the TV uses 9)', PORT, 0)
    .option('--control-port <port>', 'loopback HTTP control API port', PORT, 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--mac <mac>', 'wifiMac reported and woken by WoL', '02:00:00:00:00:0A')
    .option('--seed <n>', 'catalogue seed', integer(0, 2 ** 32 - 1), 1)
    .option('--log-level <level>', 'sim log level', 'info')
    .addOption(
      new Option('--pairing <answer>', 'switch: remote pairing prompt answer').choices([
        'auto',
        'accept',
        'deny',
        'timeout',
      ]),
    )
    .option('--prompt-delay-ms <ms>', 'switch: time until the prompt is answered', MS)
    .option('--app-wedged', 'switch: socket and pings fine, requests never answered')
    .option('--stop-replying-after <n>', 'switch: leak, silent after n requests', COUNT)
    .option('--art-drop-every-ms <ms>', 'switch: drop every art client on this period', MS)
    .option('--half-open-on-power-loss', 'switch: power off leaves sockets half-open')
    .addOption(
      new Option('--thumbnail-list <mode>', 'switch: get_thumbnail_list behaviour').choices([
        'ok',
        'error-1',
        'intermittent',
        'slow-empty',
        'reset',
        'truncated',
      ]),
    )
    .option('--thumbnail-intermittent-every <n>', 'switch: every n-th list request fails', COUNT)
    .option('--thumbnail-slow-ms <ms>', 'switch: slow-empty delay', MS)
    .addOption(
      new Option('--thumbnail-single <mode>', 'switch: get_thumbnail').choices(['ok', 'silent']),
    )
    .option('--uncached-store-thumbnails', 'switch: SAM-* thumbnails fail until displayed')
    .option('--upload-no-image-added', 'switch: uploads never get image_added')
    .option('--no-portrait-matte-refusal', 'switch: allow wide mattes on portrait images')
    .option('--churn-max-connects <n>', 'switch: art connects allowed per window (0 = off)', COUNT)
    .option('--churn-window-ms <ms>', 'switch: churn window', MS)
    .option('--churn-refuse-ms <ms>', 'switch: how long churn is refused', MS)
    .addOption(
      new Option('--flood-reply-order <order>', 'switch: replies to pipelined requests').choices([
        'fifo',
        'trace',
      ]),
    )
    .option('--flood-backlog-max <n>', 'switch: pipelined requests kept (trace order)', COUNT)
    .option('--art-never-serves', 'switch: art clients get connect and nothing else')
    .option('--art-app-absent', 'switch: no art app: no host, nothing answers')
    .option('--zombie-after-wake', 'switch: plain art port a zombie after standby→wake')
    .option('--no-zombie-after-wake', 'switch: plain art port stays healthy after a wake')
    .option(
      '--temporarily-unavailable <requests>',
      'switch: comma-separated requests answered once each with -10',
      (list: string) => list.split(',').filter((name) => name !== ''),
    );

  return addProfileOptions(program);
}

export interface CliOptions extends ProfileFlags {
  profile: ProfileName;
  artworks: number;
  storeArtworks: number;
  catalogueFolder?: string;
  latency: 'none' | 'fast' | 'realistic';
  plainPort: number;
  securePort: number;
  wolPort: number;
  controlPort: number;
  host: string;
  mac: string;
  seed: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  pairing?: SimSwitches['pairing'];
  promptDelayMs?: number;
  appWedged?: boolean;
  stopReplyingAfter?: number;
  artDropEveryMs?: number;
  halfOpenOnPowerLoss?: boolean;
  thumbnailList?: SimSwitches['thumbnailList'];
  thumbnailIntermittentEvery?: number;
  thumbnailSlowMs?: number;
  thumbnailSingle?: SimSwitches['thumbnailSingle'];
  uncachedStoreThumbnails?: boolean;
  uploadNoImageAdded?: boolean;
  portraitMatteRefusal: boolean;
  churnMaxConnects?: number;
  churnWindowMs?: number;
  churnRefuseMs?: number;
  floodReplyOrder?: SimSwitches['floodReplyOrder'];
  floodBacklogMax?: number;
  artNeverServes?: boolean;
  artAppAbsent?: boolean;
  zombieAfterWake?: boolean;
  temporarilyUnavailable?: string[];
}

/** Maps parsed flags onto `startSimulatedFrame` options (undefined flags keep the profile's). */
export function simOptionsFrom(opts: CliOptions): SimOptions {
  return {
    profileName: opts.profile,
    artworks: opts.artworks,
    storeArtworks: opts.storeArtworks,
    latency: opts.latency,
    plainPort: opts.plainPort,
    securePort: opts.securePort,
    wolPort: opts.wolPort,
    controlPort: opts.controlPort,
    host: opts.host,
    mac: opts.mac,
    seed: opts.seed,
    profile: profileOverridesFrom(opts),
    switches: defined({
      pairing: opts.pairing,
      promptDelayMs: opts.promptDelayMs,
      appWedged: opts.appWedged,
      stopReplyingAfter: opts.stopReplyingAfter,
      artDropEveryMs: opts.artDropEveryMs,
      halfOpenOnPowerLoss: opts.halfOpenOnPowerLoss,
      thumbnailList: opts.thumbnailList,
      thumbnailIntermittentEvery: opts.thumbnailIntermittentEvery,
      thumbnailSlowMs: opts.thumbnailSlowMs,
      thumbnailSingle: opts.thumbnailSingle,
      uncachedStoreThumbnails: opts.uncachedStoreThumbnails,
      uploadNoImageAdded: opts.uploadNoImageAdded,
      portraitMatteRefusal: opts.portraitMatteRefusal,
      churnMaxConnects: opts.churnMaxConnects,
      churnWindowMs: opts.churnWindowMs,
      churnRefuseMs: opts.churnRefuseMs,
      floodReplyOrder: opts.floodReplyOrder,
      floodBacklogMax: opts.floodBacklogMax,
      artNeverServes: opts.artNeverServes,
      artAppAbsent: opts.artAppAbsent,
      zombieAfterWake: opts.zombieAfterWake,
      temporarilyUnavailable: opts.temporarilyUnavailable,
    }),
  };
}
