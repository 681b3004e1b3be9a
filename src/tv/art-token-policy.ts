import type { Logger } from '../log.js';
import type { TvCapabilities } from './capabilities.js';
import type { AttemptOutcome } from './supervision.js';

/**
 * Whether the art-channel URL carries the pairing token (frame-protocol.md §1.6, sources
 * conflict): `auto` starts tokenless; a channel that connected but never served is tried with
 * the token (pairing first when allowed); a token-bearing attempt that stalls or is refused goes
 * back to tokenless. What worked is remembered in the TV's capabilities.
 */
export class ArtTokenPolicy {
  private mode: 'without' | 'with';
  private rememberedRead = false;

  constructor(
    private readonly setting: boolean | 'auto',
    private readonly deps: {
      capabilities: TvCapabilities | undefined;
      loadToken(): Promise<string | null>;
      /** Pairs on the remote channel; absent when pairing must not be started on its own. */
      pair: (() => Promise<void>) | null;
      log: Logger;
    },
  ) {
    this.mode = setting === true ? 'with' : 'without';
  }

  /** The token for the next attempt, or null for a tokenless URL. */
  async tokenForAttempt(): Promise<string | null> {
    const remembered = this.deps.capabilities?.artToken;
    if (this.setting === 'auto' && !this.rememberedRead && remembered) {
      this.mode = remembered;
    }
    this.rememberedRead = true;

    return this.mode === 'with' ? this.deps.loadToken() : null;
  }

  /** The channel became ready with the current policy. */
  worked(): void {
    if (this.setting === 'auto') {
      this.deps.capabilities?.setArtToken(this.mode);
    }
  }

  /** Adapts after a failed attempt; resolves once any pairing it started has ended. */
  async afterFailure(outcome: AttemptOutcome): Promise<void> {
    if (this.setting !== 'auto') {
      return;
    }
    if (outcome.usedToken && (outcome.kind === 'refused' || outcome.kind === 'soft')) {
      this.deps.log.info('tv art channel stalls with a token, connecting without');
      this.mode = 'without';
      return;
    }
    if (outcome.usedToken || outcome.kind !== 'hard') {
      return;
    }

    let token = await this.deps.loadToken();
    if (!token && this.deps.pair) {
      await this.deps.pair();
      token = await this.deps.loadToken();
    }
    if (token) {
      this.deps.log.info('tv art channel never served without a token, trying with one');
      this.mode = 'with';
    }
  }
}
