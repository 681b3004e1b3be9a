/**
 * Behaviour that differs between Frame firmware generations, gathered in one object so that
 * per-model profiles (2019 0.97, 2021 2.x, 2024 4.x, 2025 5.x) can be added as data.
 * Section numbers refer to shared/docs/frame-protocol.md.
 */
export interface SimProfile {
  /** Label for logs and the CLI banner. */
  label: string;
  /** `api_version` answer (§3.4). */
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
  /** 4.x replies carry `request_id` only; old firmware echoes `id` (traces README). */
  echoId: boolean;
  /**
   * §1.6, what a token in the art-channel URL does: ignored (the 2022 capture's `token=None` was
   * accepted), stall until `ms.channel.timeOut` (a 2024 set, FAB#27), or required before the
   * channel serves anything (NW#18: connects without one but never becomes usable).
   */
  artTokenPolicy: 'ignore' | 'stall-to-timeout' | 'require';
  /** Delay before `ms.channel.timeOut`; no source measured it (§9), so this is an assumption. */
  channelTimeoutMs: number;
  /** §2.3: `connect` then `ready`, or `connect` only (some 2024 sets). */
  artHandshake: 'connect-ready' | 'connect-only';
  /** Delay between `ms.channel.connect` and `ms.channel.ready` (TAV-PR108: ~5 ms). */
  readyDelayMs: number;
  /** §7 Q1 as this simulator models it: a second art client makes the TV close every art socket. */
  multiClientPolicy: 'drop-all' | 'allow';
  /** §3.3 / §8 item 8: unknown requests get silence (4.x) or error -9 (5.x). */
  unknownRequest: 'silent' | 'error-9';
  /** §3.6: a `set_artmode_status` to the current state still replies (4.x) or is silent (5.x). */
  redundantArtModeSet: 'reply' | 'silent';
  /** §6.5: in standby writes "do not take effect" (XW#108); modelled as no reply. */
  standbyWrites: 'ignore';
  /** §2.4: the TV pings its clients; >10 s of silence is treated as dead by some clients. */
  pingIntervalMs: number;
  /** §4.2: how long a thumbnail listener waits for the client to connect. */
  d2dAcceptTimeoutMs: number;
  /** `get_device_info` reply fields (LOG22). */
  deviceInfo: Record<string, string | number>;
}

/** 2022–2023 sets on art API 4.x, built from the 2022 captures (LOG22) and §3–§5. */
export const PROFILE_2022_4X: SimProfile = {
  label: '2022-2023 Frame, art API 4.x',
  apiVersion: '4.3.4.0',
  modelCode: '22_PONTUSM_FTV',
  modelName: 'QN65LS03BAFXZA',
  deviceName: 'Samsung The Frame 65',
  restVersion: '2.0.25',
  dataIndent: 2,
  frameTrailingNewline: true,
  echoId: false,
  artTokenPolicy: 'ignore',
  channelTimeoutMs: 20_000,
  artHandshake: 'connect-ready',
  readyDelayMs: 5,
  multiClientPolicy: 'drop-all',
  unknownRequest: 'silent',
  redundantArtModeSet: 'reply',
  standbyWrites: 'ignore',
  pingIntervalMs: 10_000,
  d2dAcceptTimeoutMs: 10_000,
  deviceInfo: {
    current_rotation_status: 1,
    support_brightness_sensor: 'TRUE',
    support_motion_sensor: 'TRUE',
    resolution_type: 'UHD',
    support_color_tone: 'TRUE',
    tv_flash_size: 16,
    support_myshelf: 'FALSE',
  },
};

export const DEFAULT_PROFILE: SimProfile = PROFILE_2022_4X;
