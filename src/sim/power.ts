import type { Logger } from '../log.js';
import type { ArtModeState, FrameModel, PowerState } from './frame-model.js';
import type { SimProfile } from './profile.js';

export interface PowerDeps {
  model: FrameModel;
  profile: SimProfile;
  logger: Logger;
  /** Art-channel broadcast (§5). */
  broadcast(inner: Record<string, unknown>): void;
  /** Standby with `standbyArtSocket: 'drop'` (§6.5). */
  dropArtSockets(): void;
  enterStandby(): void;
  leaveStandby(): void;
  /** On again after standby (not after off): where a 2020 set's 8001 port turns zombie (§2.3). */
  wokeFromStandby(): void;
  /** Everything goes dark: sockets cut (or left half-open), REST silent. */
  powerLost(): void;
  /** The art app starts afresh (its leak budget is reset, NW#18). */
  powerRestored(): void;
}

/**
 * Power states off / standby / on (TV or art mode), `KEY_POWER` click vs hold and
 * Wake-on-LAN with a boot delay (frame-protocol §6).
 */
export class PowerController {
  /** When the power key went down; undefined when it is up (OH#11284: a lost Release keeps it). */
  private keyDownAt: number | undefined;
  /** Last switch to standby or off: WoL right after it is ignored (§6.4, RAY). */
  private offAt = Number.NEGATIVE_INFINITY;
  private bootTimer: NodeJS.Timeout | undefined;
  /** Mode to come back in after standby or off (§6.3 "wakes into the mode it was last in"). */
  private lastMode: ArtModeState = 'on';

  constructor(private readonly deps: PowerDeps) {}

  get keyHeld(): boolean {
    return this.keyDownAt !== undefined;
  }

  get booting(): boolean {
    return this.bootTimer !== undefined;
  }

  setPower(power: PowerState): void {
    const { model } = this.deps;
    const previous = model.power;
    if (previous === power) return;

    clearTimeout(this.bootTimer);
    this.bootTimer = undefined;
    if (previous === 'on') this.lastMode = model.artMode;
    model.power = power;
    this.deps.logger.info({ power, previous }, 'power changed');
    if (power === 'off') {
      this.offAt = Date.now();
      this.deps.powerLost();
      return;
    }
    if (previous === 'off') this.deps.powerRestored();
    if (power === 'standby') {
      // RAY: "after a power-off" — on a Frame the remote's power-off is this standby (§6.3).
      this.offAt = Date.now();
      this.deps.broadcast({ event: 'go_to_standby' });
      this.deps.enterStandby();
      if (this.deps.profile.standbyArtSocket === 'drop') this.deps.dropArtSockets();
      return;
    }
    this.deps.leaveStandby();
    this.deps.broadcast({ event: 'wakeup' });
    if (previous === 'standby') this.deps.wokeFromStandby();
  }

  /** A magic packet arrived (§6.4): boots after `bootDelayMs`, unless just turned off/standby. */
  wake(): void {
    const { model, profile } = this.deps;
    if (model.power === 'on' || this.bootTimer !== undefined) return;
    if (Date.now() - this.offAt < profile.wolIgnoreAfterOffMs) {
      this.deps.logger.info('wake-on-lan ignored right after power-off or standby');
      return;
    }
    this.bootTimer = setTimeout(() => {
      this.bootTimer = undefined;
      // OH's `WolSend.java` assumes a Frame woken this way comes up in art mode.
      model.artMode = profile.wakeInto === 'art' ? 'on' : this.lastMode;
      this.setPower('on');
    }, profile.bootDelayMs);
  }

  /** `KEY_POWER` on the remote channel (§6.3); other keys do nothing here. */
  onKey(cmd: 'Click' | 'Press' | 'Release', key: string): void {
    if (key !== 'KEY_POWER' || this.deps.model.power === 'off') return;
    if (cmd === 'Press') {
      this.keyDownAt ??= Date.now();
      return;
    }
    if (cmd === 'Release') {
      const heldMs = this.keyDownAt === undefined ? 0 : Date.now() - this.keyDownAt;
      this.keyDownAt = undefined;
      // The art app binds a 2000 ms long press to power off (DEC); HA holds 3 s.
      if (heldMs >= this.deps.profile.powerLongPressMs) this.setPower('standby');
      else this.click();
      return;
    }
    // OH#11284: with the key logically held, further presses do nothing.
    if (this.keyDownAt === undefined) this.click();
  }

  /** The panel sleeps on its motion timer while staying in art mode (§5, FAB `art.py`). */
  panelSleep(): void {
    if (this.deps.model.power === 'on') this.deps.broadcast({ event: 'go_to_standby' });
  }

  stop(): void {
    clearTimeout(this.bootTimer);
    this.bootTimer = undefined;
  }

  private click(): void {
    const { model } = this.deps;
    if (model.power === 'standby') {
      // §6.3: a short press in standby wakes into the last mode (OLLO#19, JAR#46).
      model.artMode = this.lastMode;
      this.setPower('on');
      return;
    }
    const status = model.artMode === 'on' ? 'off' : 'on';
    model.artMode = status;
    this.deps.broadcast({ event: 'art_mode_changed', status });
  }
}
