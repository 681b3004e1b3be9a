import type { SimSwitches } from './switches.js';

/** Art API generation (frame-protocol §3.4); decides reply names and which requests exist. */
export type ArtGeneration = '0.97' | '2.x' | '4.x' | '5.x';

/**
 * Behaviour that differs between Frame firmware generations, gathered in one object so that
 * per-model profiles are data. Section numbers refer to shared/docs/frame-protocol.md.
 */
export interface SimProfile {
  /** Label for logs and the CLI banner. */
  label: string;
  /** Reply names (`artmode_status` vs `get_artmode_status`), request set, transfers (§3.4). */
  generation: ArtGeneration;
  /** `api_version` / `get_api_version` answer (§3.4). */
  apiVersion: string;
  /** REST `/api/v2/` identity (§1.2, LOG22). */
  modelCode: string;
  modelName: string;
  deviceName: string;
  restVersion: string;
  /** Indent of the inner `data` JSON and nested list strings; 0 = compact (§2.1). */
  dataIndent: number;
  /** A 2024 set ends every frame text with `\n` (traces: thread-snippets seq 5). */
  frameTrailingNewline: boolean;
  /** Old firmware echoes `id`; 4.x replies carry `request_id` only (§3.2). */
  echoId: boolean;
  /** Old firmware adds `target_client_id` (the requester's id) to replies (§3.2, TAV-PR108). */
  targetClientId: boolean;
  /**
   * §1.6, what a token in the art-channel URL does: ignored (the 2022 capture's `token=None` was
   * accepted), stall until `ms.channel.timeOut` (a 2024 set, FAB#27), or required before the
   * channel serves anything (NW#18: connects without one but never becomes usable).
   */
  artTokenPolicy: 'ignore' | 'stall-to-timeout' | 'require';
  /** Delay before `ms.channel.timeOut`; no source measured it (§9), so this is an assumption. */
  channelTimeoutMs: number;
  /**
   * §2.3: `connect` then `ready`; `connect` only (some 2024 sets); `connect` and never serve
   * (zombie port); `no-app`: the art app is absent (2022 fw < 1622), like an unknown channel.
   */
  artHandshake: 'connect-ready' | 'connect-only' | 'never-serve' | 'no-app';
  /** Port on which the art channel is a zombie (`connect`, no ready, no replies), §2.3 FAB#263. */
  zombiePort: 'none' | 'plain' | 'secure';
  /** Delay between `ms.channel.connect` and `ms.channel.ready` (TAV-PR108: ~5 ms). */
  readyDelayMs: number;
  /**
   * §7 Q1. `misroute-then-refuse` (what FAB#27 reports, every profile's default): replies go to
   * the wrong client while several are open and, after `multiClientRefuseAfter` such joins, new
   * handshakes never complete; `drop-all`: a second art client makes the TV close every art
   * socket (no source shows it; kept for benchmarks written against it); `allow`: they behave.
   */
  multiClientPolicy: 'drop-all' | 'misroute-then-refuse' | 'allow';
  /** Joins while another art client is open before handshakes stop completing. */
  multiClientRefuseAfter: number;
  /** §3.3 / §8 item 8: unknown requests get silence (4.x), error -9 (5.x) or -1 (old, Q2). */
  unknownRequest: 'silent' | 'error-9' | 'error-1';
  /** Requests this firmware knows of but never answers (§3.3 "silence is also an answer"). */
  silentRequests: readonly string[];
  /** §3.6: a `set_artmode_status` to the current state still replies (4.x) or is silent (5.x). */
  redundantArtModeSet: 'reply' | 'silent';
  /** §3.6: direct reply; broadcast only (2.x); reply `artModeReplyLagMs` after the broadcast. */
  artModeSetReply: 'direct' | 'broadcast-only' | 'after-broadcast';
  artModeReplyLagMs: number;
  /** §6.5: in standby writes "do not take effect" (XW#108); modelled as no reply. */
  standbyWrites: 'ignore';
  /** Brightness range reported by settings (§3.5: 0–10 older, 0–50 newer). */
  brightnessMax: number;
  /** 5.x reads only `category_id`; older sets also honour `category` (§3.5). */
  categoryParam: 'either' | 'category_id-only';
  /** 5.x: an unfiltered list adds recents relabelled `MY-C0008`, hence duplicates (§3.5). */
  recentsInUnfilteredList: boolean;
  /** `conn_info.secured`: the d2d sockets speak TLS (§4.1, §4.4). */
  d2dSecured: boolean;
  /** 0.97 refuses d2d (-1) and carries images in binary WS frames (§4.5). */
  transfers: 'd2d' | 'inband';
  /** §6.1: REST `PowerState` says `standby` while the set is in art mode (2025, XW#185). */
  restStandbyInArt: boolean;
  /** §1.5: TokenAuth: the remote channel on the plain port is refused without a prompt. */
  tokenAuth: boolean;
  /** What a stored token that stopped being accepted gets (§1.5). */
  revokedTokenReply: 'reprompt' | 'no-authorized' | 'unauthorized';
  /** §6.5: the art socket across standby: kept (2024 LS03D) or dropped. */
  standbyArtSocket: 'keep' | 'drop';
  /** §6.5, NW#16: remote sockets die (1006) this long after standby; 0 = never. */
  remoteStandbyCloseMs: number;
  /** §6.3: a `KEY_POWER` held at least this long turns the set off (art app long press). */
  powerLongPressMs: number;
  /** §6.4: Wake-on-LAN boot time (no measured figure; assumption). */
  bootDelayMs: number;
  /** §6.4: WoL within this long after a power-off is ignored (RAY: ~10–15 s). */
  wolIgnoreAfterOffMs: number;
  /** §6.4: a woken set comes up in art mode (OH) or in the mode it was last in. */
  wakeInto: 'art' | 'last';
  /** §2.4: the TV pings its clients; >10 s of silence is treated as dead by some clients. */
  pingIntervalMs: number;
  /** §4.2: how long a d2d listener waits for the client to connect. */
  d2dAcceptTimeoutMs: number;
  /** `get_device_info` reply fields (LOG22, DEC). */
  deviceInfo: Record<string, string | number>;
  /** Realistic service times (ms) this model is known to differ on, by request (§7 table). */
  serviceMsOverrides: Readonly<Record<string, number>>;
  /** Failure switches this model shows out of the box (e.g. the 2020/2021 scheduled drops). */
  defaultSwitches: Partial<SimSwitches>;
}

const DEVICE_INFO = {
  current_rotation_status: 1,
  support_brightness_sensor: 'TRUE',
  support_motion_sensor: 'TRUE',
  resolution_type: 'UHD',
  support_color_tone: 'TRUE',
  tv_flash_size: 16,
  support_myshelf: 'FALSE',
};

/** 2022–2023 sets on art API 4.x, built from the 2022 captures (LOG22) and §3–§5. */
export const PROFILE_2022_4X: SimProfile = {
  label: '2022-2023 Frame, art API 4.x',
  generation: '4.x',
  apiVersion: '4.3.4.0',
  modelCode: '22_PONTUSM_FTV',
  modelName: 'QN65LS03BAFXZA',
  deviceName: 'Samsung The Frame 65',
  restVersion: '2.0.25',
  dataIndent: 2,
  frameTrailingNewline: true,
  echoId: false,
  targetClientId: false,
  artTokenPolicy: 'ignore',
  channelTimeoutMs: 20_000,
  artHandshake: 'connect-ready',
  zombiePort: 'none',
  readyDelayMs: 5,
  multiClientPolicy: 'misroute-then-refuse',
  multiClientRefuseAfter: 3,
  unknownRequest: 'silent',
  // §3.2: the 2022 set never answered `get_thumbnail`; NW: 4.x ignores the old names.
  silentRequests: ['get_api_version', 'get_auto_rotation_status', 'get_thumbnail'],
  redundantArtModeSet: 'reply',
  artModeSetReply: 'direct',
  artModeReplyLagMs: 0,
  standbyWrites: 'ignore',
  brightnessMax: 10,
  categoryParam: 'either',
  recentsInUnfilteredList: false,
  d2dSecured: false,
  transfers: 'd2d',
  restStandbyInArt: false,
  tokenAuth: true,
  revokedTokenReply: 'reprompt',
  // Unknown for 2022–2023 (§9); keeping it is what the closest measured set (2024) did.
  standbyArtSocket: 'keep',
  remoteStandbyCloseMs: 25_000,
  powerLongPressMs: 2000,
  bootDelayMs: 15_000,
  wolIgnoreAfterOffMs: 12_000,
  wakeInto: 'art',
  pingIntervalMs: 10_000,
  d2dAcceptTimeoutMs: 10_000,
  deviceInfo: DEVICE_INFO,
  serviceMsOverrides: {},
  // §3.2: the 2022 captures answered a pipelined flood out of order (and, §8 item 9, all of it).
  defaultSwitches: { floodReplyOrder: 'trace' },
};

/** 2019 sets (QN55LS03R, fw 14xx), art API 0.97: compact JSON, in-band binary (§3.4, §4.5). */
export const PROFILE_2019_097: SimProfile = {
  ...PROFILE_2022_4X,
  label: '2019 Frame, art API 0.97',
  generation: '0.97',
  apiVersion: '0.97',
  modelCode: '19_MUSEM_FRAME',
  modelName: 'QN55LS03RAFXZA',
  deviceName: 'Samsung The Frame 55',
  restVersion: '2.0.25',
  dataIndent: 0,
  frameTrailingNewline: false,
  echoId: true,
  targetClientId: true,
  unknownRequest: 'error-1',
  silentRequests: [],
  artModeSetReply: 'direct',
  transfers: 'inband',
  standbyArtSocket: 'drop',
  deviceInfo: {},
  // No capture of a flood on old firmware: arrival order, nothing dropped.
  defaultSwitches: {},
};

/** 2020–2021 sets (LS03T/LS03A), art API 2.x: old reply names, broadcast-only art mode. */
export const PROFILE_2021_2X: SimProfile = {
  ...PROFILE_2022_4X,
  label: '2020-2021 Frame, art API 2.x',
  generation: '2.x',
  apiVersion: '2.03',
  modelCode: '21_MUSEM_FRAME',
  modelName: 'QN55LS03AAFXZA',
  deviceName: 'Samsung The Frame 55',
  dataIndent: 0,
  frameTrailingNewline: false,
  echoId: true,
  targetClientId: true,
  unknownRequest: 'error-1',
  silentRequests: [],
  // DEC `RELEASE_NOTES_8.1.0.md`: 2020/2021 sets confirm art mode only by broadcast.
  artModeSetReply: 'broadcast-only',
  standbyArtSocket: 'drop',
  deviceInfo: {},
  // FAB `art.py`: a 2020 set drops art clients roughly every 200–240 s; FAB#263: its 8001 art
  // port connects but never serves after a standby→wake.
  defaultSwitches: { artDropEveryMs: 220_000, zombieAfterWake: true },
};

/** 2024 sets (LS03D): 4.x, connect without ready, lagging art-mode reply, silent thumbnails. */
export const PROFILE_2024_4X: SimProfile = {
  ...PROFILE_2022_4X,
  label: '2024 Frame, art API 4.x',
  apiVersion: '4.3.4.0',
  modelCode: '24_PONTUSM_FTV',
  modelName: 'QN55LS03DAFXZA',
  deviceName: 'Samsung The Frame 55',
  // FAB#27: a token in the art URL stalls to `ms.channel.timeOut`; `connect` without `ready`.
  artTokenPolicy: 'stall-to-timeout',
  artHandshake: 'connect-only',
  // FAB `art.py`: get_brightness / get_color_temperature unanswered on a QE55LS03DAUXXN.
  silentRequests: [
    'get_api_version',
    'get_auto_rotation_status',
    'get_thumbnail',
    'get_brightness',
    'get_color_temperature',
  ],
  artModeSetReply: 'after-broadcast',
  artModeReplyLagMs: 13_000,
  brightnessMax: 50,
  d2dSecured: true,
  standbyArtSocket: 'keep',
  // FAB#264: `get_current_artwork` took ~0.9 s on a 2024 set.
  serviceMsOverrides: { get_current_artwork: 900 },
};

/** 2025 sets (LS03F, art app 3.50.x), art API 5.x (DEC, FAB `ART_APP_3.50.106.md`). */
export const PROFILE_2025_5X: SimProfile = {
  ...PROFILE_2022_4X,
  label: '2025 Frame, art API 5.x',
  generation: '5.x',
  apiVersion: '5.0.1.0',
  modelCode: '25_PTM_FTV',
  modelName: 'QN55LS03FAFXZA',
  deviceName: 'Samsung The Frame 55',
  artTokenPolicy: 'stall-to-timeout',
  unknownRequest: 'error-9',
  silentRequests: [],
  redundantArtModeSet: 'silent',
  brightnessMax: 50,
  categoryParam: 'category_id-only',
  recentsInUnfilteredList: true,
  d2dSecured: true,
  restStandbyInArt: true,
  deviceInfo: { ...DEVICE_INFO, server_sync_state: 'finish', support_subscription_hub: 'TRUE' },
  // No flood capture of a 5.x set; FAB calls its art app effectively single-request (§7 Q3).
  defaultSwitches: {},
};

/** Named model profiles, as `--profile` spells them. */
export const PROFILES = {
  '2019': PROFILE_2019_097,
  '2021': PROFILE_2021_2X,
  '2022': PROFILE_2022_4X,
  '2024': PROFILE_2024_4X,
  '2025': PROFILE_2025_5X,
} as const satisfies Record<string, SimProfile>;

export type ProfileName = keyof typeof PROFILES;

export const PROFILE_NAMES: readonly ProfileName[] = ['2019', '2021', '2022', '2024', '2025'];

export const DEFAULT_PROFILE: SimProfile = PROFILE_2022_4X;
