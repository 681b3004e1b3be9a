import { DocentError } from '../errors.js';

/**
 * Error codes the TV returns whose cause may clear by itself: SYSTEM_FAIL (-1) also covers
 * intermittent thumbnail failures that succeed on retry, and TEMPORARILY_UNAVAILABLE (-10)
 * says so by name (frame-protocol.md §3.3, §7 Q2).
 */
const TRANSIENT_TV_CODES = new Set(['-1', '-10']);

/** The art app answered a request with an `error` reply (frame-protocol.md §3.3). */
export class TvRequestError extends DocentError {
  /** The request that failed, e.g. `change_matte`. */
  readonly request: string;
  /** As the TV sent it, e.g. `"-7"`. */
  readonly tvErrorCode: string;

  constructor(request: string, tvErrorCode: string) {
    super('TV_ERROR', `TV answered ${request} with error ${tvErrorCode}`, {
      transient: TRANSIENT_TV_CODES.has(tvErrorCode),
    });
    this.name = 'TvRequestError';
    this.request = request;
    this.tvErrorCode = tvErrorCode;
  }
}

export function tvTimeout(request: string, timeoutMs: number): DocentError {
  return new DocentError('TV_TIMEOUT', `TV did not answer ${request} within ${timeoutMs} ms`, {
    transient: true,
  });
}

export function tvNotReady(request: string): DocentError {
  return new DocentError('TV_NOT_READY', `art channel not ready for ${request}`, {
    transient: true,
  });
}

export function tvDisconnected(request: string): DocentError {
  return new DocentError('TV_DISCONNECTED', `art channel closed while ${request} was pending`, {
    transient: true,
  });
}

export function tvBadReply(request: string, cause?: unknown): DocentError {
  return new DocentError('TV_BAD_REPLY', `TV reply to ${request} has an unexpected shape`, {
    cause,
  });
}
