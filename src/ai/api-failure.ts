import { APIConnectionError, APIError, APIUserAbortError } from 'openai';

/** What a failed request means for the describer. */
export type ApiFailure =
  /** The key was refused: stop all AI work until the configuration changes. */
  | { kind: 'auth'; status: number; message: string }
  /** Too many requests: try again after `retryAfterMs` (from the reply, when given). */
  | { kind: 'rate_limited'; retryAfterMs: number | null; message: string }
  /** The account has no quota left: retrying will not help today. */
  | { kind: 'quota'; message: string }
  /** Server trouble or no connection: try again after a backoff. */
  | { kind: 'unavailable'; retryAfterMs: number | null; status: number | null; message: string }
  /** The request itself was refused (bad model name, bad image): retrying will not help. */
  | { kind: 'rejected'; status: number; message: string }
  /** We aborted it (stop). */
  | { kind: 'aborted' };

/**
 * Sorts an error from the openai client into what to do next. Messages are scrubbed of the
 * API key, since some servers echo the key (or part of it) back in their error text.
 */
export function classifyApiFailure(err: unknown, apiKey: string): ApiFailure {
  if (err instanceof APIUserAbortError) return { kind: 'aborted' };
  if (err instanceof APIConnectionError) {
    return {
      kind: 'unavailable',
      retryAfterMs: null,
      status: null,
      message: 'no connection to the AI service',
    };
  }
  if (!(err instanceof APIError) || err.status === undefined) {
    return {
      kind: 'unavailable',
      retryAfterMs: null,
      status: null,
      message: scrub(errorText(err), apiKey),
    };
  }

  const status = err.status;
  const message = scrub(err.message, apiKey);
  if (status === 401) {
    return { kind: 'auth', status, message: 'OpenAI rejected the API key' };
  }
  if (status === 429) {
    // OpenAI answers 429 both for "slow down" and for "no credit left"; only the first heals.
    if (err.code === 'insufficient_quota') return { kind: 'quota', message };
    return { kind: 'rate_limited', retryAfterMs: retryAfterMs(err.headers), message };
  }
  if (status === 408 || status === 409 || status >= 500) {
    return { kind: 'unavailable', retryAfterMs: retryAfterMs(err.headers), status, message };
  }

  return { kind: 'rejected', status, message };
}

/**
 * The wait a reply asks for: `retry-after-ms` (OpenAI's own header), then `retry-after` as
 * seconds or as an HTTP date (RFC 9110 §10.2.3). Null when absent or unusable.
 */
export function retryAfterMs(
  headers: Headers | undefined,
  nowMs: number = Date.now(),
): number | null {
  if (!headers) return null;

  const millis = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) return millis;

  const value = headers.get('retry-after');
  if (value === null) return null;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const dateMs = Date.parse(value);
  if (Number.isFinite(dateMs)) return Math.max(0, dateMs - nowMs);

  return null;
}

/** Removes the API key and anything shaped like one from text that may be logged or published. */
export function scrub(text: string, apiKey: string): string {
  let clean = apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text;
  clean = clean.replace(/sk-[A-Za-z0-9_*.-]{6,}/g, '[redacted]');

  return clean.length > 300 ? `${clean.slice(0, 299)}…` : clean;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
