import type { SimSwitches } from './switches.js';

/**
 * §7 Q10: a TV that sees too many art connections in a short window refuses new ones for a
 * while. No source gives the TV's figures, so all three numbers are switches.
 */
export class ChurnGuard {
  private recentMs: number[] = [];
  private refusedUntilMs = 0;

  constructor(private readonly switches: SimSwitches) {}

  /** Records a connection attempt at `nowMs`; false when it must be refused. */
  admit(nowMs: number): boolean {
    const { churnMaxConnects, churnWindowMs, churnRefuseMs } = this.switches;
    if (churnMaxConnects <= 0) return true;
    if (nowMs < this.refusedUntilMs) return false;

    this.recentMs = [...this.recentMs.filter((t) => nowMs - t < churnWindowMs), nowMs];
    if (this.recentMs.length <= churnMaxConnects) return true;

    this.refusedUntilMs = nowMs + churnRefuseMs;
    this.recentMs = [];

    return false;
  }
}
