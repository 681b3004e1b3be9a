import type { SimProfile } from './profile.js';
import type { SimSwitches } from './switches.js';

/**
 * Whether the art app takes a new client and will ever serve it: the handshake variants of
 * frame-protocol §2.3 (profile fields and their run-time switches), the zombie plain port after a
 * wake (FAB#263) and the crowding rule of §7 Q1. The channel keeps the sockets; this keeps the
 * rules and the little state they need.
 */
export class ArtAdmission {
  /** Joins while another art client was open, for `misroute-then-refuse` (§7 Q1). */
  private crowdedJoins = 0;
  /** Set by `zombifyPlainPort`; a power cycle clears it. */
  private plainZombie = false;

  constructor(private readonly ctx: { profile: SimProfile; switches: SimSwitches }) {}

  /**
   * Records a join while `openClients` are open; false when its handshake must never complete
   * (after `multiClientRefuseAfter` crowded joins, FAB#27).
   */
  admitsJoin(openClients: number): boolean {
    const { profile } = this.ctx;
    if (openClients === 0 || profile.multiClientPolicy !== 'misroute-then-refuse') return true;
    this.crowdedJoins += 1;

    return this.crowdedJoins <= profile.multiClientRefuseAfter;
  }

  /** Will a client joining now on this port ever be served (§2.3)? */
  servesNewClient(secure: boolean): boolean {
    const { profile, switches } = this.ctx;
    const zombiePort = profile.zombiePort === (secure ? 'secure' : 'plain');
    const zombie = zombiePort || (!secure && this.plainZombie);
    const neverServes = profile.artHandshake === 'never-serve' || switches.artNeverServes;

    return !zombie && !neverServes && !this.appAbsent();
  }

  /** No art app on the channel: no host entries, like an unknown channel (TAV#519). */
  appAbsent(): boolean {
    return this.ctx.profile.artHandshake === 'no-app' || this.ctx.switches.artAppAbsent;
  }

  /** While these run-time switches are on, the app answers no client at all. */
  servesNobody(): boolean {
    const { switches } = this.ctx;

    return switches.artNeverServes || switches.artAppAbsent;
  }

  /** A 2020 set's plain port after standby→wake: `connect`, then nothing (§2.3, FAB#263). */
  zombifyPlainPort(): void {
    this.plainZombie = true;
  }

  /** Every art socket is gone: crowding starts over. */
  channelEmptied(): void {
    this.crowdedJoins = 0;
  }

  /** Power cycle: the art app starts afresh, its ports healthy. */
  powerCycled(): void {
    this.plainZombie = false;
    this.crowdedJoins = 0;
  }
}
