/**
 * Inside the Home Assistant add-on, the MQTT broker comes from the Supervisor's services API
 * unless the user named one (home-assistant.md §4.4): `GET <SUPERVISOR_URL>/services/mqtt` with
 * `Authorization: Bearer $SUPERVISOR_TOKEN`. The user's `mqtt.url` (options file, `MQTT_URL`,
 * `--mqtt-url`) always wins; the user's `mqtt.username` wins over the service's credentials.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Config } from './schema.js';

export const DEFAULT_SUPERVISOR_URL = 'http://supervisor';
const REQUEST_TIMEOUT_MS = 5_000;
const DEFAULT_ATTEMPTS = 5;
const DEFAULT_RETRY_DELAY_MS = 2_000;

/** The broker the Mosquitto add-on registered with the Supervisor. */
export interface SupervisorMqtt {
  host: string;
  port: number;
  ssl: boolean;
  username?: string | undefined;
  password?: string | undefined;
  protocol?: string | undefined;
}

/**
 * `found`; `unavailable` when the Supervisor answered that there is no MQTT service for us (no
 * broker add-on, or the service not declared); `failed` when it could not be asked or answered
 * nonsense (worth retrying).
 */
export type SupervisorLookup =
  | { kind: 'found'; service: SupervisorMqtt }
  | { kind: 'unavailable'; message: string }
  | { kind: 'failed'; message: string };

const portSchema = z
  .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)])
  .pipe(z.number().int().min(1).max(65_535));

const flagSchema = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

const serviceSchema = z.object({
  host: z.string().trim().min(1),
  port: portSchema,
  ssl: flagSchema.default(false),
  username: z.string().optional(),
  password: z.string().optional(),
  protocol: z.string().optional(),
});

const replySchema = z.discriminatedUnion('result', [
  z.object({ result: z.literal('ok'), data: serviceSchema }),
  z.object({ result: z.literal('error'), message: z.string().default('no message') }),
]);

export interface FetchMqttServiceOptions {
  /** Default `http://supervisor`; `SUPERVISOR_URL` overrides it in `addonMqttFromEnv`. */
  baseUrl: string;
  token: string;
  /** Injected for tests of odd transports; the global `fetch` otherwise. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** One request to the services API; never throws. */
export async function fetchMqttService(opts: FetchMqttServiceOptions): Promise<SupervisorLookup> {
  const doFetch = opts.fetch ?? fetch;
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/services/mqtt`;
  let status: number;
  let body: unknown;
  try {
    const response = await doFetch(url, {
      headers: { Authorization: `Bearer ${opts.token}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(opts.timeoutMs ?? REQUEST_TIMEOUT_MS),
    });
    status = response.status;
    body = await response.json().catch(() => undefined);
  } catch (err) {
    return { kind: 'failed', message: `supervisor not reachable: ${describe(err)}` };
  }

  const parsed = replySchema.safeParse(body);
  if (parsed.success) {
    const reply = parsed.data;

    return reply.result === 'ok'
      ? { kind: 'found', service: reply.data }
      : { kind: 'unavailable', message: reply.message };
  }
  // A 4xx without a readable body still means "not for you"; anything else may heal.
  if (status >= 400 && status < 500) return { kind: 'unavailable', message: `HTTP ${status}` };

  return { kind: 'failed', message: `unexpected supervisor reply (HTTP ${status})` };
}

/** `mqtt[s]://host:port`, with IPv6 literals bracketed. Credentials stay out of the URL. */
export function brokerUrlFromService(service: SupervisorMqtt): string {
  const host = service.host.includes(':') ? `[${service.host}]` : service.host;

  return `${service.ssl ? 'mqtts' : 'mqtt'}://${host}:${service.port}`;
}

export interface AddonMqttInput {
  config: Config;
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** The options file loadConfig read by default (`/data/options.json`). */
  defaultOptionsFile: string;
}

export interface AddonMqttDeps {
  logger: Logger;
  fetch?: typeof fetch;
  attempts?: number;
  retryDelayMs?: number;
}

/**
 * The config with the Supervisor's broker filled in, when running as an add-on
 * (`SUPERVISOR_TOKEN` set) and the user named no broker; otherwise the config unchanged. Throws
 * `MQTT_SERVICE_UNAVAILABLE` (after logging why and what to do) when the broker must come from the
 * Supervisor and cannot: transient when the Supervisor could not be reached, not when it said no.
 */
export async function resolveAddonMqtt(
  input: AddonMqttInput,
  deps: AddonMqttDeps,
): Promise<Config> {
  const log = deps.logger.child({ component: 'supervisor' });
  const token = input.env.SUPERVISOR_TOKEN?.trim() || input.env.HASSIO_TOKEN?.trim();
  if (!token) return input.config;
  if (await brokerUrlGiven(input)) {
    log.info('mqtt broker configured; not asking the supervisor');
    return input.config;
  }

  const baseUrl = input.env.SUPERVISOR_URL?.trim() || DEFAULT_SUPERVISOR_URL;
  const attempts = deps.attempts ?? DEFAULT_ATTEMPTS;
  let lookup: SupervisorLookup = { kind: 'failed', message: 'not asked' };
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    lookup = await fetchMqttService({
      baseUrl,
      token,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    if (lookup.kind !== 'failed') break;
    // First failure at warn, repeats at debug (style.md, Logging).
    const level = attempt === 1 ? 'warn' : 'debug';
    log[level]({ attempt, attempts, reason: lookup.message }, 'supervisor mqtt lookup failed');
    if (attempt < attempts) await sleep(deps.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS);
  }

  if (lookup.kind !== 'found') {
    log.error(
      {
        reason: lookup.message,
        hint: 'install and start the Mosquitto broker add-on, or set mqtt.url (and mqtt.username, mqtt.password) in the add-on options',
      },
      'no mqtt broker available from the supervisor',
    );
    // Transient when the Supervisor could not be asked: a restart (the add-on watchdog) may help.
    throw new DocentError('MQTT_SERVICE_UNAVAILABLE', `no MQTT service: ${lookup.message}`, {
      transient: lookup.kind === 'failed',
    });
  }

  const { service } = lookup;
  const useServiceLogin = input.config.mqtt.username === undefined;
  const username = useServiceLogin ? service.username || undefined : input.config.mqtt.username;
  const password = useServiceLogin ? service.password || undefined : input.config.mqtt.password;
  // Host, port and user only: the password never reaches a log line.
  log.info(
    {
      host: service.host,
      port: service.port,
      ssl: service.ssl,
      username,
      protocol: service.protocol,
    },
    'mqtt broker from the supervisor',
  );

  return {
    ...input.config,
    mqtt: { ...input.config.mqtt, url: brokerUrlFromService(service), username, password },
  };
}

const optionsWithBroker = z.object({
  mqtt: z.object({ url: z.string().trim().min(1) }),
});

/** Whether the user named a broker in any layer loadConfig reads (flags, env, options file). */
async function brokerUrlGiven(input: AddonMqttInput): Promise<boolean> {
  if (input.env.MQTT_URL?.trim()) return true;
  if (input.argv.some((arg) => arg === '--mqtt-url' || arg.startsWith('--mqtt-url='))) return true;

  const file =
    flagValue(input.argv, '--options-file') ??
    (input.env.DOCENT_OPTIONS_FILE?.trim() || input.defaultOptionsFile);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    // loadConfig already reported an unreadable named file; a missing default file names nothing.
    return false;
  }

  return optionsWithBroker.safeParse(json).success;
}

function flagValue(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === flag) return argv[i + 1];
    if (arg?.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }

  return undefined;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';

  return `${err.message}${cause}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
