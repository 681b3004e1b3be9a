import { EventEmitter } from 'node:events';
import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';
import type { FrameArtApi } from './art-api.js';
import type { TvCapabilities } from './capabilities.js';
import type { FrameConnection } from './connection.js';
import { parseTvEvent } from './events.js';
import { type DeviceInfo, getDeviceInfo } from './rest.js';
import type { ArtEvent, ConnectionState } from './types.js';
import { wakeOnLan } from './wake.js';

/** The TV's power as Home Assistant should see it. */
export type TvPower = 'off' | 'watching' | 'art';

export interface FramePowerOptions {
  /** REST endpoint (§1.2): the same host/port/scheme as the art channel. */
  host: string;
  port: number;
  secure: boolean;
  /** Where magic packets go (§6.4); default: every interface's broadcast, UDP 9. */
  wol?: { address?: string; from?: string; port?: number };
  /** Per REST request. Default 2000. */
  restTimeoutMs?: number;
  /** Budget for a wake to show on REST; OH gives up after ~30 s (§6.4). Default 30000. */
  wakeTimeoutMs?: number;
  /** Magic packets are repeated this often while waking (OH: every 10 s). Default 10000. */
  wolRepeatMs?: number;
  /** Budget to verify any other step (art mode change, standby). Default 15000. */
  stepTimeoutMs?: number;
  /** Between checks while verifying. Default 500. */
  pollIntervalMs?: number;
  /** How long KEY_POWER is held for standby; HA holds 3 s, the art app needs 2 s (§6.3). */
  powerOffHoldMs?: number;
  /** After `go_to_standby`, REST is asked again after this delay (§5). Default 1500. */
  standbyRecheckMs?: number;
}

export interface FramePowerDeps {
  connection: FrameConnection;
  api: FrameArtApi;
  capabilities: TvCapabilities;
  logger: Logger;
}

export interface FramePowerEvents {
  power: (power: TvPower, previous: TvPower | null) => void;
}

/**
 * Tri-state power from REST `PowerState`, the art channel and its events (§6.1, §5):
 * - REST silent → `off`; REST `on` → `art` or `watching` by the art channel;
 * - REST `standby` → `off`, except on 5.x sets, which report standby while showing art
 *   (XW#185): there the art channel decides (FAB's gate: REST `on` or art-channel `on`), unless
 *   the standby is one Docent asked for and `go_to_standby` confirmed;
 * - `go_to_standby` alone is not "off": it also fires when the panel sleeps on its motion timer
 *   with art mode still on (§5, §7 Q8), so REST (and on 5.x the art channel) is asked again.
 * Changes are chosen from the state just read (never a blind KEY_POWER toggle) and each step
 * is verified within a bounded time.
 */
export class FramePower {
  private current: TvPower | null = null;
  private readonly emitter = new EventEmitter();
  private readonly log: Logger;
  /**
   * Docent's own standby (KEY_POWER held): `requested` until `go_to_standby` confirms it. Only a
   * confirmed one tells a 5.x standby from art mode, as REST says `standby` in both (XW#185).
   */
  private standbyIntent: 'none' | 'requested' | 'confirmed' = 'none';
  private recheckTimer: NodeJS.Timeout | null = null;
  private readonly onEvent = (event: ArtEvent): void => this.handleEvent(event);
  private readonly onState = (state: ConnectionState): void => {
    if (state === 'offline' || state === 'standby') this.scheduleRefresh(0);
  };

  constructor(
    private readonly options: FramePowerOptions,
    private readonly deps: FramePowerDeps,
  ) {
    this.log = deps.logger.child({ component: 'tv' });
  }

  /** The last power read or inferred; null before the first read. */
  get power(): TvPower | null {
    return this.current;
  }

  start(): void {
    this.deps.connection.on('event', this.onEvent);
    this.deps.connection.on('state', this.onState);
  }

  on<K extends keyof FramePowerEvents>(event: K, listener: FramePowerEvents[K]): this {
    this.emitter.on(event, listener);

    return this;
  }

  off<K extends keyof FramePowerEvents>(event: K, listener: FramePowerEvents[K]): this {
    this.emitter.off(event, listener);

    return this;
  }

  /** Reads REST (and the art channel when needed) and updates `power`. Never rejects. */
  async refresh(): Promise<TvPower> {
    const info = await this.readRest();
    let power: TvPower;
    if (!info) {
      power = 'off';
    } else if (info.powerState !== 'standby') {
      // Awake beyond doubt: any standby of Docent's is over.
      this.standbyIntent = 'none';
      const art = await this.artMode();
      power = art === 'on' ? 'art' : art === 'off' ? 'watching' : this.onStateGuess();
    } else if (!this.reportsStandbyInArt() || this.standbyIntent === 'confirmed') {
      power = 'off';
    } else {
      // 5.x: standby on REST is art mode too, a panel asleep on its motion timer included (§5,
      // §7 Q8); only an art channel that says `on` makes it art.
      power = (await this.artMode()) === 'on' ? 'art' : 'off';
    }
    this.updatePower(power);

    return power;
  }

  /**
   * Brings the TV to `target` from what it is now: Wake-on-LAN from off or standby (KEY_POWER
   * click only as a fallback while REST answers standby), art mode by `set_artmode_status`,
   * standby by holding KEY_POWER. Rejects with TV_POWER_UNVERIFIED when a step does not show.
   */
  async setPower(target: TvPower): Promise<void> {
    const now = await this.refresh();
    if (now === target) {
      return;
    }
    this.log.info({ from: now, to: target }, 'tv power change requested');

    if (target === 'off') {
      await this.standby();
      return;
    }
    if (now === 'off') {
      await this.wake();
    }
    if ((await this.refresh()) !== target) {
      await this.switchArtMode(target === 'art');
    }
  }

  stop(): void {
    this.deps.connection.off('event', this.onEvent);
    this.deps.connection.off('state', this.onState);
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = null;
  }

  private handleEvent(event: ArtEvent): void {
    const parsed = parseTvEvent(event);
    if (!parsed) return;

    switch (parsed.kind) {
      case 'art_mode':
        this.standbyIntent = 'none';
        // Only a TV that is on changes art mode; a 2021 art channel says `on` in standby
        // (OH#11284), so this never turns `off` into anything.
        if (this.current !== 'off') this.updatePower(parsed.on ? 'art' : 'watching');
        return;
      case 'standby':
        // The motion sensor fires this too, with art mode on (§5): it proves a standby only
        // when Docent asked for one. Otherwise REST and the art channel are asked again.
        // TODO(frame-protocol §6.2): on 5.x a standby from the physical remote reads `art` while
        // the art channel still says `on`. Done = a 2025 trace showing what differs (IP Control on 1516, §6.2).
        if (this.standbyIntent === 'requested') this.standbyIntent = 'confirmed';
        this.scheduleRefresh(this.options.standbyRecheckMs ?? 1500);
        return;
      case 'wakeup':
        this.standbyIntent = 'none';
        this.scheduleRefresh(0);
        return;
      default:
        return;
    }
  }

  private async wake(): Promise<void> {
    const mac = await this.macAddress();
    const deadline = Date.now() + (this.options.wakeTimeoutMs ?? 30_000);
    const repeatMs = this.options.wolRepeatMs ?? 10_000;
    let clicked = false;
    let nextPacketAt = 0;
    while (Date.now() < deadline) {
      if (Date.now() >= nextPacketAt) {
        await this.sendWol(mac);
        nextPacketAt = Date.now() + repeatMs;
      }
      await sleep(this.options.pollIntervalMs ?? 500);
      const info = await this.readRest();
      // On 5.x REST stays `standby` in art mode: awake once Docent's standby is over.
      if (
        info?.powerState === 'on' ||
        (info && this.reportsStandbyInArt() && this.standbyIntent !== 'confirmed')
      ) {
        break;
      }
      // A set that answers REST in standby but ignores WoL (BAD#15) gets one short press,
      // which wakes it into its last mode (§6.3); it is not a toggle from standby.
      if (info?.powerState === 'standby' && !clicked && Date.now() >= nextPacketAt - repeatMs / 2) {
        clicked = await this.clickPower();
      }
    }
    // The art channel decides art vs TV mode (and, on 5.x, on vs standby): let it reconnect.
    if (this.deps.connection.state !== 'ready') {
      await this.deps.connection.probe();
    }
    if ((await this.refresh()) === 'off') {
      throw unverified('the TV did not wake');
    }
  }

  private async standby(): Promise<void> {
    const holdMs = this.options.powerOffHoldMs ?? 3000;
    this.standbyIntent = 'requested';
    try {
      await this.deps.connection.remoteControl.hold('KEY_POWER', holdMs);
    } catch (err) {
      this.standbyIntent = 'none';
      throw new DocentError('TV_POWER_FAILED', 'KEY_POWER hold not sent', { cause: err });
    }

    try {
      await this.until('off', 'the TV did not go to standby');
    } catch (err) {
      // Unconfirmed, it must not turn a later motion-sensor `go_to_standby` into "off".
      if (this.standbyIntent === 'requested') this.standbyIntent = 'none';
      throw err;
    }
  }

  private async switchArtMode(on: boolean): Promise<void> {
    await this.waitForConnection();
    try {
      await this.deps.api.setArtMode(on, { checkFirst: true });
    } catch (err) {
      throw new DocentError('TV_POWER_FAILED', `art mode not switched ${on ? 'on' : 'off'}`, {
        cause: err,
      });
    }

    await this.until(on ? 'art' : 'watching', `art mode did not turn ${on ? 'on' : 'off'}`);
  }

  /** Polls until `power` reads `target`, bounded by `stepTimeoutMs`. */
  private async until(target: TvPower, failure: string): Promise<void> {
    const deadline = Date.now() + (this.options.stepTimeoutMs ?? 15_000);
    for (;;) {
      if ((await this.refresh()) === target) {
        return;
      }
      if (Date.now() >= deadline) {
        throw unverified(failure);
      }
      await sleep(this.options.pollIntervalMs ?? 500);
    }
  }

  private async waitForConnection(): Promise<void> {
    const connection = this.deps.connection;
    if (connection.state === 'ready') {
      return;
    }
    const state = await connection.probe();
    if (state !== 'ready') {
      throw new DocentError('TV_NOT_READY', `art channel ${state}, art mode cannot be changed`, {
        transient: true,
      });
    }
  }

  /** The TV's MAC: from REST while it answers (remembered), else what was remembered. */
  private async macAddress(): Promise<string> {
    const info = await this.readRest();
    const mac = info?.wifiMac ?? this.deps.capabilities.mac;
    if (!mac) {
      throw new DocentError('TV_NO_MAC', 'MAC address unknown: the TV was never seen on');
    }

    return mac;
  }

  private async sendWol(mac: string): Promise<void> {
    const wol = this.options.wol ?? {};
    await wakeOnLan(mac, {
      ...(wol.address === undefined ? {} : { address: wol.address }),
      ...(wol.from === undefined ? {} : { from: wol.from }),
      ...(wol.port === undefined ? {} : { port: wol.port }),
      logger: this.log,
    });
  }

  private async clickPower(): Promise<boolean> {
    try {
      await this.deps.connection.remoteControl.click('KEY_POWER');
      this.log.info('tv woken with KEY_POWER from standby');
      return true;
    } catch (err) {
      this.log.debug({ err }, 'tv KEY_POWER click not sent');
      return false;
    }
  }

  private async readRest(): Promise<DeviceInfo | null> {
    try {
      const info = await getDeviceInfo({
        host: this.options.host,
        port: this.options.port,
        secure: this.options.secure,
        timeoutMs: this.options.restTimeoutMs ?? 2000,
      });
      this.deps.capabilities.setDeviceFacts({ model: info.model, mac: info.wifiMac });

      return info;
    } catch {
      return null;
    }
  }

  /** `get_artmode_status` when the channel is ready; null when it cannot be asked. */
  private async artMode(): Promise<'on' | 'off' | null> {
    if (this.deps.connection.state !== 'ready') {
      return null;
    }
    try {
      return await this.deps.api.getArtModeStatus();
    } catch (err) {
      this.log.debug({ err }, 'tv art mode not read for power');
      return null;
    }
  }

  /** REST says `on` but the art channel cannot be asked: keep what is known. */
  private onStateGuess(): TvPower {
    return this.current === 'art' || this.current === 'watching' ? this.current : 'watching';
  }

  /** 5.x sets report `standby` on REST while showing art (§6.1, XW#185). */
  private reportsStandbyInArt(): boolean {
    return this.deps.capabilities.generation === '5.x';
  }

  private scheduleRefresh(delayMs: number): void {
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = null;
      void this.refresh();
    }, delayMs);
    this.recheckTimer.unref?.();
  }

  private updatePower(next: TvPower): void {
    const previous = this.current;
    if (next === previous) {
      return;
    }

    this.current = next;
    this.log.info({ power: next, previous }, 'tv power changed');
    try {
      this.emitter.emit('power', next, previous);
    } catch (err) {
      this.log.error({ err }, 'tv power listener threw');
    }
  }
}

function unverified(message: string): DocentError {
  return new DocentError('TV_POWER_UNVERIFIED', message, { transient: true });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
