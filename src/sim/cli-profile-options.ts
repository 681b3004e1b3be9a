import { type Command, InvalidArgumentError, Option } from 'commander';
import type { SimProfile } from './profile.js';

export function integer(min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }

    return parsed;
  };
}

export const MS = integer(0, 86_400_000);
export const COUNT = integer(0, 1_000_000);

/** A boolean profile field as `--flag` / `--no-flag`; neither keeps the profile's value. */
function bothWays(program: Command, flag: string, description: string): Command {
  return program
    .option(`--${flag}`, `profile: ${description}`)
    .option(`--no-${flag}`, `profile: not ${description}`);
}

/**
 * Flags that override fields of the chosen model profile (`profile.ts`), so that what a test or
 * a user needs to vary needs no code. Unset flags keep the profile's value.
 */
export function addProfileOptions(program: Command): Command {
  program
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
    .option('--multi-client-refuse-after <n>', 'profile: crowded joins before refusing', COUNT)
    .addOption(
      new Option('--unknown-request <answer>', 'profile: answer to unknown requests').choices([
        'silent',
        'error-9',
        'error-1',
      ]),
    )
    .addOption(
      new Option('--standby-art-socket <kind>', 'profile: art socket across standby').choices([
        'keep',
        'drop',
      ]),
    )
    .addOption(
      new Option('--art-mode-set-reply <kind>', 'profile: set_artmode_status reply').choices([
        'direct',
        'broadcast-only',
        'after-broadcast',
      ]),
    )
    .option('--art-mode-reply-lag-ms <ms>', 'profile: reply lag after the broadcast', MS)
    .addOption(
      new Option('--revoked-token-reply <kind>', 'profile: answer to a revoked token').choices([
        'reprompt',
        'no-authorized',
        'unauthorized',
      ]),
    )
    .option('--brightness-max <n>', 'profile: top of the brightness range', integer(1, 100))
    .option('--channel-timeout-ms <ms>', 'profile: delay before ms.channel.timeOut', MS)
    .option('--ready-delay-ms <ms>', 'profile: connect → ready delay', MS)
    .option('--ping-interval-ms <ms>', 'profile: WebSocket ping period', integer(1, 86_400_000))
    .option('--remote-standby-close-ms <ms>', 'profile: remote socket death after standby', MS)
    .option('--power-long-press-ms <ms>', 'profile: KEY_POWER hold for standby', MS)
    .option('--wol-ignore-after-off-ms <ms>', 'profile: WoL ignored this long after off', MS)
    .option('--d2d-accept-timeout-ms <ms>', 'profile: d2d listener wait for a client', MS);
  bothWays(program, 'd2d-secured', 'd2d sockets in TLS');
  bothWays(program, 'token-auth', 'TokenAuth (remote channel refused on the plain port)');

  return bothWays(program, 'rest-standby-in-art', 'REST says standby while in art mode');
}

/** The parsed profile flags; each is undefined when not given. */
export interface ProfileFlags {
  bootDelayMs?: number;
  wakeInto?: SimProfile['wakeInto'];
  artHandshake?: SimProfile['artHandshake'];
  zombiePort?: SimProfile['zombiePort'];
  artTokenPolicy?: SimProfile['artTokenPolicy'];
  multiClient?: SimProfile['multiClientPolicy'];
  multiClientRefuseAfter?: number;
  unknownRequest?: SimProfile['unknownRequest'];
  standbyArtSocket?: SimProfile['standbyArtSocket'];
  artModeSetReply?: SimProfile['artModeSetReply'];
  artModeReplyLagMs?: number;
  revokedTokenReply?: SimProfile['revokedTokenReply'];
  brightnessMax?: number;
  channelTimeoutMs?: number;
  readyDelayMs?: number;
  pingIntervalMs?: number;
  remoteStandbyCloseMs?: number;
  powerLongPressMs?: number;
  wolIgnoreAfterOffMs?: number;
  d2dAcceptTimeoutMs?: number;
  d2dSecured?: boolean;
  tokenAuth?: boolean;
  restStandbyInArt?: boolean;
}

export function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Profile overrides from the flags that were given. */
export function profileOverridesFrom(opts: ProfileFlags): Partial<SimProfile> {
  return defined({
    bootDelayMs: opts.bootDelayMs,
    wakeInto: opts.wakeInto,
    artHandshake: opts.artHandshake,
    zombiePort: opts.zombiePort,
    artTokenPolicy: opts.artTokenPolicy,
    multiClientPolicy: opts.multiClient,
    multiClientRefuseAfter: opts.multiClientRefuseAfter,
    unknownRequest: opts.unknownRequest,
    standbyArtSocket: opts.standbyArtSocket,
    artModeSetReply: opts.artModeSetReply,
    artModeReplyLagMs: opts.artModeReplyLagMs,
    revokedTokenReply: opts.revokedTokenReply,
    brightnessMax: opts.brightnessMax,
    channelTimeoutMs: opts.channelTimeoutMs,
    readyDelayMs: opts.readyDelayMs,
    pingIntervalMs: opts.pingIntervalMs,
    remoteStandbyCloseMs: opts.remoteStandbyCloseMs,
    powerLongPressMs: opts.powerLongPressMs,
    wolIgnoreAfterOffMs: opts.wolIgnoreAfterOffMs,
    d2dAcceptTimeoutMs: opts.d2dAcceptTimeoutMs,
    d2dSecured: opts.d2dSecured,
    tokenAuth: opts.tokenAuth,
    restStandbyInArt: opts.restStandbyInArt,
  });
}
