import { type Command, InvalidArgumentError, Option } from 'commander';
import { PROFILE_NAMES, type ProfileName, type SimProfile } from './profile.js';
import type { SimOptions } from './sim-types.js';
import type { SimSwitches } from './switches.js';

function integer(min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }

    return parsed;
  };
}

const PORT = integer(0, 65_535);
const MS = integer(0, 86_400_000);
const COUNT = integer(0, 1_000_000);

/** Every option of `docent-sim`, so that `--help` lists each profile and failure switch. */
export function addSimOptions(program: Command): Command {
  return program
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
    .option('--boot-delay-ms <ms>', 'profile: Wake-on-LAN boot time', MS)
    .addOption(new Option('--wake-into <mode>', 'profile: mode after WoL').choices(['art', 'last']))
    .addOption(
      new Option('--art-handshake <kind>', 'profile: art handshake').choices([
        'connect-ready',
        'connect-only',
        'never-serve',
        'no-app',
      ]),
    )
    .addOption(
      new Option('--zombie-port <port>', 'profile: art port that never serves').choices([
        'none',
        'plain',
        'secure',
      ]),
    )
    .addOption(
      new Option('--art-token-policy <policy>', 'profile: token on the art channel').choices([
        'ignore',
        'stall-to-timeout',
        'require',
      ]),
    )
    .addOption(
      new Option('--multi-client <policy>', 'profile: several art clients').choices([
        'drop-all',
        'misroute-then-refuse',
        'allow',
      ]),
    )
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
    .option('--churn-refuse-ms <ms>', 'switch: how long churn is refused', MS);
}

export interface CliOptions {
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
  bootDelayMs?: number;
  wakeInto?: SimProfile['wakeInto'];
  artHandshake?: SimProfile['artHandshake'];
  zombiePort?: SimProfile['zombiePort'];
  artTokenPolicy?: SimProfile['artTokenPolicy'];
  multiClient?: SimProfile['multiClientPolicy'];
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
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
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
    profile: defined({
      bootDelayMs: opts.bootDelayMs,
      wakeInto: opts.wakeInto,
      artHandshake: opts.artHandshake,
      zombiePort: opts.zombiePort,
      artTokenPolicy: opts.artTokenPolicy,
      multiClientPolicy: opts.multiClient,
    }),
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
    }),
  };
}
