import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';
import type { TvCapabilities } from './capabilities.js';
import { expectation, isCoreRequest } from './capability-table.js';
import { TvRequestError } from './errors.js';
import type { ArtEvent } from './types.js';

/** What the art API needs from a connection (FrameConnection provides it). */
export interface ArtChannel {
  request(
    name: string,
    params?: Record<string, unknown>,
    opts?: { timeoutMs?: number },
  ): Promise<Record<string, unknown>>;
  /** A request whose reply may come as a 0.97 in-band binary frame (§4.5). */
  requestWithBinary?(
    name: string,
    params?: Record<string, unknown>,
    opts?: { timeoutMs?: number; payload?: Buffer },
  ): Promise<{ fields: Record<string, unknown>; bytes: Buffer | null }>;
  on(event: 'event', listener: (event: ArtEvent) => void): unknown;
  off(event: 'event', listener: (event: ArtEvent) => void): unknown;
}

export interface CallOptions {
  timeoutMs?: number;
  /**
   * Take silence (a timeout on a channel that answers a probe right after) as "unsupported".
   * Off for requests whose silence has other causes, e.g. a redundant `set_artmode_status` on
   * 5.x (§3.6). Default true.
   */
  latchSilence?: boolean;
  /** Count -1 towards "unsupported"; off where -1 is about the item (store thumbnails, §7 Q7). */
  latchSystemFail?: boolean;
  /**
   * The capability record this call answers for; default the request name. One request can
   * travel two ways with separate verdicts (`send_image` over d2d or in-band, §4.3, §4.5).
   */
  capability?: string;
}

/** FAB probes capabilities with a 1 s timeout (§7 Q4); Docent allows 2 s. */
const LIVENESS_PROBE_TIMEOUT_MS = 2000;
const LIVENESS_PROBE = 'get_artmode_status';

export function tvUnsupported(request: string): DocentError {
  return new DocentError('TV_UNSUPPORTED', `this TV does not support ${request}`);
}

export function isErrorCode(err: unknown, code: string): boolean {
  return err instanceof DocentError && err.code === code;
}

/**
 * Sends art requests through the capability record: a request known unsupported is refused
 * before the TV is asked, and every answer, -9, repeated -1 or proven silence is recorded.
 */
export class ArtRequester {
  /** Runs before a choice between request families (FrameArtApi detects the generation). */
  beforeChoice: () => Promise<void> = async () => {};

  constructor(
    readonly channel: ArtChannel,
    readonly capabilities: TvCapabilities,
    private readonly log: Logger,
  ) {}

  async call(
    name: string,
    params: Record<string, unknown> = {},
    opts: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    return this.guard(name, opts, () => this.channel.request(name, params, timeoutOf(opts)));
  }

  async callWithBinary(
    name: string,
    params: Record<string, unknown>,
    opts: CallOptions & { payload?: Buffer } = {},
  ): Promise<{ fields: Record<string, unknown>; bytes: Buffer | null }> {
    const channel = this.channel;
    if (!channel.requestWithBinary) {
      if (opts.payload) {
        throw tvUnsupported(name);
      }
      const fields = await this.call(name, params, opts);

      return { fields, bytes: null };
    }

    return this.guard(
      name,
      opts,
      () =>
        channel.requestWithBinary?.(name, params, {
          ...timeoutOf(opts),
          ...(opts.payload ? { payload: opts.payload } : {}),
        }) ?? Promise.reject(tvUnsupported(name)),
    );
  }

  private async guard<T>(request: string, opts: CallOptions, send: () => Promise<T>): Promise<T> {
    const name = opts.capability ?? request;
    if (!this.capabilities.isOffered(name)) {
      throw tvUnsupported(request);
    }

    try {
      const result = await send();
      this.capabilities.noteAnswered(name);

      return result;
    } catch (err) {
      await this.noteFailure(name, err, opts);
      throw err;
    }
  }

  /** `name` is the capability record (see CallOptions.capability). */
  private async noteFailure(name: string, err: unknown, opts: CallOptions): Promise<void> {
    const core = isCoreRequest(name);
    if (err instanceof TvRequestError) {
      if (err.tvErrorCode === '-9') {
        this.capabilities.noteUnsupported(name, 'not_supported');
      } else if (err.tvErrorCode === '-1' && opts.latchSystemFail !== false && !core) {
        this.capabilities.noteUnsupported(name, 'system_fail');
      } else {
        // Any other code (-4, -7…) proves the request exists.
        this.capabilities.noteAnswered(name);
      }
      return;
    }
    if (!isErrorCode(err, 'TV_TIMEOUT') || opts.latchSilence === false || core) {
      return;
    }
    // A request documented for this generation that times out is slow, not absent (§7 Q3).
    if (expectation(name, this.capabilities.generation) === 'yes') {
      return;
    }

    // Silence means "unsupported" only on a channel that answers something else (§7 Q4).
    try {
      await this.channel.request(LIVENESS_PROBE, {}, { timeoutMs: LIVENESS_PROBE_TIMEOUT_MS });
    } catch (probeErr) {
      this.log.debug({ request: name, err: probeErr }, 'tv silent and probe failed, not latched');
      return;
    }
    this.capabilities.noteUnsupported(name, 'silence');
  }
}

function timeoutOf(opts: CallOptions): { timeoutMs?: number } {
  return opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs };
}
