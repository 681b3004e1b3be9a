/**
 * Copies of config values that are safe to log: secrets replaced, credentials removed from URLs
 * (architecture.md rule 8).
 */
import { type Config, SECRET_PATHS } from './schema.js';

export const REDACTED = '[redacted]';

/**
 * Removes `user:password@` from a URL. Input that does not parse as a URL is returned with
 * anything before an `@` in its authority replaced, so a malformed URL cannot leak a password.
 */
export function stripUrlCredentials(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.username === '' && url.password === '') return raw;
    url.username = '';
    url.password = '';

    return url.toString();
  } catch {
    return raw.replace(/\/\/[^/@]*@/, '//');
  }
}

/**
 * A copy of `config` safe to log once at start-up: every secret path (schema.ts SECRET_PATHS)
 * that is set becomes `[redacted]`, and credentials are stripped from the broker URL.
 */
export function redactConfig(config: Config): Config {
  const copy: Config = structuredClone(config);
  for (const path of SECRET_PATHS) redactPath(copy, path.split('.'));
  copy.mqtt.url = stripUrlCredentials(copy.mqtt.url);

  return copy;
}

function redactPath(target: unknown, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || typeof target !== 'object' || target === null) return;
  if (!(head in target)) return;

  if (rest.length > 0) {
    redactPath(Reflect.get(target, head), rest);
    return;
  }
  if (Reflect.get(target, head) !== undefined) Reflect.set(target, head, REDACTED);
}
